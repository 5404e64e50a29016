# Operations and audit evidence (evidence.tf, cloudtrail.tf, alarms.tf, dashboard.tf, waf.tf,
# api_account.tf, kms.tf).

variable "evidence_retention_days" {
  description = "Days every audit/security event and trail log file stays locked (S3 Object Lock, compliance mode: nobody can delete or shorten it)."
  type        = number
  default     = 400
  validation {
    condition     = var.evidence_retention_days >= 365
    error_message = "Audit evidence must be kept at least one year (365 days)."
  }
}

variable "access_log_retention_days" {
  description = "CloudWatch Logs retention of the API access log and the WAF log (who called what, what was blocked): audit evidence, so at least a year."
  type        = number
  default     = 400
  validation {
    condition     = contains([365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.access_log_retention_days)
    error_message = "access_log_retention_days must be a CloudWatch Logs retention of at least a year (365, 400, 545, 731, …, 3653)."
  }
}

variable "evidence_archive_after_days" {
  description = "Days after which evidence moves to the archive storage class."
  type        = number
  default     = 90
}

variable "evidence_archive_storage_class" {
  description = "Archive storage class for evidence (GLACIER_IR keeps Athena queries instant; GLACIER or DEEP_ARCHIVE are cheaper but need a restore before querying)."
  type        = string
  default     = "GLACIER_IR"
  validation {
    condition     = contains(["GLACIER_IR", "GLACIER", "DEEP_ARCHIVE"], var.evidence_archive_storage_class)
    error_message = "evidence_archive_storage_class must be GLACIER_IR, GLACIER or DEEP_ARCHIVE."
  }
}

variable "cloudtrail_mode" {
  description = "\"trail\": create a trail with data events for the table and the evidence bucket. \"organization\": rely on an existing organisation trail that logs those data events (documented prerequisite, docs/SOC2.md)."
  type        = string
  default     = "trail"
  validation {
    condition     = contains(["trail", "organization"], var.cloudtrail_mode)
    error_message = "cloudtrail_mode must be \"trail\" or \"organization\"."
  }
}

variable "waf_enabled" {
  description = "Attach a WAFv2 web ACL (per-IP rate limit, AWS managed common rule set) to the API stage."
  type        = bool
  default     = true
}

variable "waf_rate_limit_per_5_minutes" {
  description = "Requests one client IP may send in any 5 minutes before WAF blocks it."
  type        = number
  default     = 2000
}

variable "reserved_concurrency" {
  description = "Reserved concurrent executions per function name (the reviewer's caps parallel Bedrock calls and table writes). Functions not listed are unreserved."
  type        = map(number)
  default = {
    "ai-reviewer" = 10
  }
}

variable "api_gateway_cloudwatch_role_arn" {
  description = "Account-level API Gateway CloudWatch Logs role. Empty: this configuration creates one and sets it (one per account and region: set this instead when another stack owns it)."
  type        = string
  default     = ""
}

variable "event_archive_retention_days" {
  description = "Days the EventBridge archive keeps review events for replay (0 = forever)."
  type        = number
  default     = 30
}

variable "alarm_thresholds" {
  description = "Alarm thresholds: API 5xx rate (percent of requests), API p99 latency (ms), reviewer p99 duration (ms), security events per 5 minutes, failed reviews per 5 minutes."
  type = object({
    api_5xx_percent      = number
    api_p99_latency_ms   = number
    reviewer_p99_ms      = number
    security_events_5min = number
    failed_reviews_5min  = number
  })
  default = {
    api_5xx_percent      = 1
    api_p99_latency_ms   = 3000
    reviewer_p99_ms      = 90000
    security_events_5min = 20
    failed_reviews_5min  = 1
  }
}
