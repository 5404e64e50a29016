variable "region" {
  description = "AWS region to deploy into."
  type        = string
  default     = "us-east-1"
}

variable "environment" {
  description = "Deployment name (dev, staging, prod); part of every resource name."
  type        = string
  default     = "dev"
  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,15}$", var.environment))
    error_message = "environment must be 2-16 lowercase letters, digits or dashes, starting with a letter."
  }
}

variable "artifacts_dir" {
  description = "Folder holding the Lambda zips built by `npm run bundle` (dist/functions)."
  type        = string
  default     = "../dist/functions"
}

variable "log_retention_days" {
  description = "CloudWatch Logs retention in days for every log group, unless a function sets its own logRetentionDays in functions/manifest.json. Unset (null): the manifest's defaults.logRetentionDays."
  type        = number
  default     = null
}

variable "log_level" {
  description = "Log level of every function (debug, info, warn, error)."
  type        = string
  default     = "info"
}

variable "bedrock_model_id" {
  description = "Bedrock model id or inference profile the reviewer calls (Claude 4.x is called through inference profiles)."
  type        = string
  default     = "global.anthropic.claude-sonnet-4-6"
}

variable "bedrock_max_tokens" {
  description = "Max output tokens per Bedrock Converse call of the reviewer."
  type        = number
  default     = 4096
}

variable "bedrock_temperature" {
  description = "Sampling temperature of the reviewer's Bedrock calls (0-1)."
  type        = number
  default     = 0
}

variable "bedrock_timeout_ms" {
  description = "Upper bound for one Bedrock call including the SDK's retries, in milliseconds (the Lambda deadline bounds it too)."
  type        = number
  default     = 60000
}

variable "bedrock_enabled" {
  description = "Whether the reviewer calls Bedrock; false reviews with rules only."
  type        = bool
  default     = true
}

variable "alarm_topic_arn" {
  description = "SNS topic that receives alarms (errors, throttles, dead letters, security events, …). Empty: this configuration creates one (KMS-encrypted); subscribe to it."
  type        = string
  default     = ""
}

variable "tags" {
  description = "Extra tags for every resource."
  type        = map(string)
  default     = {}
}

variable "offline_checks" {
  description = "Skip AWS credential/account/metadata checks so validate and plan run offline (tests only)."
  type        = bool
  default     = false
}

variable "api_clients" {
  description = "API clients: one API key and usage plan each (rate, burst, daily quota) and the scopes the API grants it (reviews:read, reviews:write, analytics:read)."
  type = map(object({
    scopes        = list(string)
    rate_limit    = number
    burst_limit   = number
    quota_per_day = number
  }))
  default = {
    dashboard = { scopes = ["reviews:read", "analytics:read"], rate_limit = 20, burst_limit = 40, quota_per_day = 50000 }
    ci        = { scopes = ["reviews:read", "reviews:write"], rate_limit = 10, burst_limit = 20, quota_per_day = 20000 }
  }
  validation {
    condition     = alltrue([for c in values(var.api_clients) : alltrue([for s in c.scopes : contains(["reviews:read", "reviews:write", "analytics:read"], s)])])
    error_message = "Scopes must be reviews:read, reviews:write or analytics:read."
  }
}

variable "cors_allowed_origins" {
  description = "Browser origins allowed to call the API (exact origins; never * since every route but /health is authenticated)."
  type        = list(string)
  default     = []
}
