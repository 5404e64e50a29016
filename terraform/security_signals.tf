# Security signals API Gateway answers on its own (issue 13): a 401 (no or unknown API key) or a 429
# (usage-plan throttle) never reaches a Lambda, so no function logs it. The stage's access log
# (api_gateway.tf) records every answer, whoever gave it; these filters count the 401s, 403s and
# 429s there, and one alarm fires on their sum. The local stack's gateway emits the same events
# (`gateway.unauthorized`, `gateway.forbidden`, `gateway.throttled`, one per answer).
locals {
  api_security_statuses = {
    unauthorized = { status = "401", metric = "ApiUnauthorized" }
    forbidden    = { status = "403", metric = "ApiForbidden" }
    throttled    = { status = "429", metric = "ApiThrottled" }
  }
}

resource "aws_cloudwatch_log_metric_filter" "api_security_signals" {
  for_each       = local.api_security_statuses
  name           = "${local.name_prefix}-api-${each.key}"
  log_group_name = aws_cloudwatch_log_group.api_access.name
  pattern        = "{ $.status = \"${each.value.status}\" }"
  metric_transformation {
    name          = each.value.metric
    namespace     = "IacReview"
    value         = "1"
    default_value = "0"
  }
}

resource "aws_cloudwatch_metric_alarm" "api_security_signals" {
  alarm_name          = "${local.name_prefix}-api-security-signals"
  alarm_description   = "Many 401/403/429 answers from the API (bad or missing API keys, missing scopes, throttling): someone may be probing or brute-forcing keys. Break down by ApiUnauthorized/ApiForbidden/ApiThrottled and the access log's ip."
  comparison_operator = "GreaterThanOrEqualToThreshold"
  threshold           = var.api_security_signal_threshold
  evaluation_periods  = 1
  treat_missing_data  = "notBreaching"
  alarm_actions       = [local.alarm_topic_arn]

  metric_query {
    id          = "signals"
    expression  = "unauthorized + forbidden + throttled"
    label       = "API 401 + 403 + 429"
    return_data = true
  }

  dynamic "metric_query" {
    for_each = local.api_security_statuses
    content {
      id = metric_query.key
      metric {
        namespace   = "IacReview"
        metric_name = metric_query.value.metric
        period      = 300
        stat        = "Sum"
      }
    }
  }

  depends_on = [aws_cloudwatch_log_metric_filter.api_security_signals]
}

# History integrity from the functions' own log lines: every `history.integrity-failed` security
# event (a version whose MAC, hash chain or link does not verify, on a read or on the nightly walk).
# Counted from the logs, independently of the EMF metric HistoryIntegrityFailures (alarms.tf).
resource "aws_cloudwatch_log_metric_filter" "history_integrity_events" {
  for_each       = local.functions
  name           = "${local.name_prefix}-${each.key}-history-integrity"
  log_group_name = module.lambda[each.key].log_group_name
  pattern        = "{ ($.type = \"security\") && ($.event = \"history.integrity-failed\") }"
  metric_transformation {
    name          = "HistoryIntegrityEvents"
    namespace     = "IacReview"
    value         = "1"
    default_value = "0"
  }
}

resource "aws_cloudwatch_metric_alarm" "history_integrity_events" {
  alarm_name          = "${local.name_prefix}-history-integrity-events"
  alarm_description   = "A function logged history.integrity-failed: a stored review version does not prove itself (possible tampering). GET /reviews/{id}/verify shows which versions."
  namespace           = "IacReview"
  metric_name         = "HistoryIntegrityEvents"
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  threshold           = 1
  comparison_operator = "GreaterThanOrEqualToThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = [local.alarm_topic_arn]
}

variable "api_security_signal_threshold" {
  description = "401 + 403 + 429 answers per 5 minutes that raise the api-security-signals alarm."
  type        = number
  default     = 50
}
