# GitHub pull requests (issue 9): github-webhook-handler (POST /webhook/github) and pr-review-handler
# come from functions/manifest.json like every function; this file holds their settings.
#
# Secrets (containers created by secrets.tf from the manifest; put the values in out of band):
#   <prefix>/github-webhook-secret  {"current":"…","previous":"…"}   read only by github-webhook-handler
#   <prefix>/github-credentials     {"appId":"…","privateKey":"-----BEGIN …"} or {"token":"…"}
#                                                                    read only by pr-review-handler

variable "github_api_url" {
  description = "GitHub REST API base URL: https://api.github.com, or https://<host>/api/v3 for GitHub Enterprise Server."
  type        = string
  default     = "https://api.github.com"
  validation {
    condition     = can(regex("^https?://", var.github_api_url))
    error_message = "github_api_url must be an http(s) URL."
  }
}

variable "github_check_fail_on" {
  description = "The iac-review check run fails at this risk level or above (low, medium, high, critical, never)."
  type        = string
  default     = "high"
  validation {
    condition     = contains(["low", "medium", "high", "critical", "never"], var.github_check_fail_on)
    error_message = "github_check_fail_on must be low, medium, high, critical or never."
  }
}

variable "github_review_drafts" {
  description = "Review draft pull requests too (otherwise they are reviewed once marked ready for review)."
  type        = bool
  default     = false
}

variable "review_url_base" {
  description = "Base URL the PR comment and check run link reviews to (<base>/reviews/<id>), e.g. the dashboard. Empty: the comment names the review id."
  type        = string
  default     = ""
}

locals {
  github_function_environment = {
    "github-webhook-handler" = {
      GITHUB_WEBHOOK_SECRET_ID = aws_secretsmanager_secret.this["github-webhook-secret"].name
      GITHUB_REVIEW_DRAFTS     = tostring(var.github_review_drafts)
    }
    "pr-review-handler" = merge({
      GITHUB_CREDENTIALS_SECRET_ID = aws_secretsmanager_secret.this["github-credentials"].name
      GITHUB_API_URL               = var.github_api_url
      GITHUB_CHECK_FAIL_ON         = var.github_check_fail_on
    }, var.review_url_base == "" ? {} : { REVIEW_URL_BASE = var.review_url_base })
  }
}

output "github_webhook_url" {
  description = "Payload URL for the GitHub webhook or GitHub App (content type application/json, event: Pull requests)."
  value       = "${aws_api_gateway_stage.this.invoke_url}/webhook/github"
}

output "function_secrets" {
  description = "Per function, the Secrets Manager secrets its role may read (GetSecretValue on exactly these)."
  value       = { for name, fn in local.functions : name => [for s in try(fn.resources.secrets, []) : aws_secretsmanager_secret.this[s].name] }
}
