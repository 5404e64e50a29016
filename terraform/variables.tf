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
  description = "CloudWatch Logs retention for every function, unless the manifest sets one."
  type        = number
  default     = 30
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

variable "bedrock_enabled" {
  description = "Whether the reviewer calls Bedrock; false reviews with rules only."
  type        = bool
  default     = true
}

variable "alarm_topic_arn" {
  description = "SNS topic that receives alarms (errors, throttles, dead letters, security events). Empty: alarms without actions."
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
