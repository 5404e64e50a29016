# Spacelift runs (issue 10): spacelift-webhook-handler (POST /webhook/spacelift) comes from
# functions/manifest.json like every function; this file holds its settings and the reviewer's
# Spacelift API access.
#
# Secrets (containers created by secrets.tf from the manifest; put the values in out of band):
#   <prefix>/spacelift-webhook-secret  {"current":"…","previous":"…"}  read only by spacelift-webhook-handler
#   <prefix>/spacelift-api-key         {"keyId":"…","keySecret":"…"}   read only by ai-reviewer (used when
#                                                                       spacelift_api_url is set)

variable "spacelift_api_url" {
  description = "Spacelift GraphQL endpoint (https://<account>.app.spacelift.io/graphql) the reviewer reads a run's changes from when its webhook carried none. Empty: such reviews complete degraded and say why."
  type        = string
  default     = ""
  validation {
    condition     = var.spacelift_api_url == "" || can(regex("^https://", var.spacelift_api_url))
    error_message = "spacelift_api_url must be empty or an https URL."
  }
}

locals {
  # A map of map(string), so lookup() in lambda.tf has one known type at plan time.
  spacelift_function_environment = tomap({
    "spacelift-webhook-handler" = tomap({
      SPACELIFT_WEBHOOK_SECRET_ID = aws_secretsmanager_secret.this["spacelift-webhook-secret"].name
    })
    "ai-reviewer" = tomap(var.spacelift_api_url == "" ? {} : {
      SPACELIFT_API_URL           = var.spacelift_api_url
      SPACELIFT_API_KEY_SECRET_ID = aws_secretsmanager_secret.this["spacelift-api-key"].name
    })
  })
}

output "spacelift_webhook_url" {
  description = "Endpoint for the Spacelift named webhook (set its secret to the value of <prefix>/spacelift-webhook-secret's \"current\")."
  value       = "${aws_api_gateway_stage.this.invoke_url}/webhook/spacelift"
}

output "spacelift_secret_readers" {
  description = "The functions whose role may read a Spacelift secret, and which (least privilege review)."
  value       = { for name, fn in local.functions : name => [for s in try(fn.resources.secrets, []) : aws_secretsmanager_secret.this[s].name if startswith(s, "spacelift-")] if length([for s in try(fn.resources.secrets, []) : s if startswith(s, "spacelift-")]) > 0 }
}
