variable "function_name" {
  description = "Full function name (also the role and log group name)."
  type        = string
}

variable "description" {
  description = "What the function does."
  type        = string

  validation {
    condition     = length(var.description) <= 256
    error_message = "A Lambda function's description is at most 256 characters (AWS refuses longer ones): shorten it in functions/manifest.json."
  }
}

variable "zip_path" {
  description = "Path of the zip built by the bundler."
  type        = string
}

variable "runtime" {
  description = "Lambda runtime."
  type        = string
  default     = "nodejs22.x"
}

variable "architecture" {
  description = "Instruction set (arm64 or x86_64)."
  type        = string
  default     = "arm64"
}

variable "memory_mb" {
  description = "Memory in MB."
  type        = number
}

variable "timeout_seconds" {
  description = "Timeout in seconds."
  type        = number
}

variable "log_retention_days" {
  description = "CloudWatch Logs retention in days."
  type        = number
}

variable "environment" {
  description = "Environment variables (configuration only, never secret values)."
  type        = map(string)
  default     = {}
}

variable "statements" {
  description = "IAM policy statements for this function's own resources."
  type        = any
  default     = []
}

variable "log_kms_key_arn" {
  description = "KMS key that encrypts the function's log group (null: CloudWatch Logs' own encryption)."
  type        = string
  default     = null
}

variable "reserved_concurrency" {
  description = "Reserved concurrent executions (-1: unreserved)."
  type        = number
  default     = -1
}
