# The alarm topic and the alarms that need a person, beyond monitoring.tf's per-function errors,
# dead letters and security events: failed reviews, throttles, API 5xx rate and p99 latency,
# reviewer p99 duration, history integrity failures. Every alarm notifies the topic (also on OK).
resource "aws_sns_topic" "alarms" {
  count             = var.alarm_topic_arn == "" ? 1 : 0
  name              = "${local.name_prefix}-alarms"
  kms_master_key_id = aws_kms_key.this["alarms"].arn
}

resource "aws_sns_topic_policy" "alarms" {
  count = var.alarm_topic_arn == "" ? 1 : 0
  arn   = aws_sns_topic.alarms[0].arn
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "CloudWatchAlarmsPublish"
      Effect    = "Allow"
      Principal = { Service = "cloudwatch.amazonaws.com" }
      Action    = "sns:Publish"
      Resource  = aws_sns_topic.alarms[0].arn
      Condition = { StringEquals = { "aws:SourceAccount" = local.account_id } }
    }]
  })
}

locals {
  alarm_topic_arn = var.alarm_topic_arn != "" ? var.alarm_topic_arn : aws_sns_topic.alarms[0].arn
  api_dimensions  = { ApiName = aws_api_gateway_rest_api.this.name, Stage = aws_api_gateway_stage.this.stage_name }
  reviewer        = "ai-reviewer"
  # Namespace of the logger's EMF metrics and of our log metric filters (packages/logger).
  metrics_namespace = "IacReview"
}

# Failed reviews: the reviewer's audit line for a review it had to mark failed.
resource "aws_cloudwatch_log_metric_filter" "reviews_failed" {
  name           = "${local.name_prefix}-reviews-failed"
  log_group_name = module.lambda[local.reviewer].log_group_name
  pattern        = "{ ($.type = \"audit\") && ($.action = \"review.complete\") && ($.outcome = \"failure\") }"
  metric_transformation {
    name          = "ReviewsFailed"
    namespace     = local.metrics_namespace
    value         = "1"
    default_value = "0"
  }
}

resource "aws_cloudwatch_metric_alarm" "reviews_failed" {
  alarm_name          = "${local.name_prefix}-reviews-failed"
  alarm_description   = "Reviews marked failed (input that cannot be reviewed). See the reviewer's audit lines with outcome failure."
  namespace           = local.metrics_namespace
  metric_name         = "ReviewsFailed"
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  threshold           = var.alarm_thresholds.failed_reviews_5min
  comparison_operator = "GreaterThanOrEqualToThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = [local.alarm_topic_arn]
  ok_actions          = [local.alarm_topic_arn]
}

resource "aws_cloudwatch_metric_alarm" "throttles" {
  for_each            = local.functions
  alarm_name          = "${local.name_prefix}-${each.key}-throttles"
  alarm_description   = "${each.key} invocations throttled (reserved or account concurrency reached)."
  namespace           = "AWS/Lambda"
  metric_name         = "Throttles"
  dimensions          = { FunctionName = module.lambda[each.key].function_name }
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  threshold           = 1
  comparison_operator = "GreaterThanOrEqualToThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = [local.alarm_topic_arn]
  ok_actions          = [local.alarm_topic_arn]
}

resource "aws_cloudwatch_metric_alarm" "api_5xx_rate" {
  alarm_name          = "${local.name_prefix}-api-5xx-rate"
  alarm_description   = "More than ${var.alarm_thresholds.api_5xx_percent}% of API requests answered 5xx (our faults) for 10 minutes."
  evaluation_periods  = 2
  threshold           = var.alarm_thresholds.api_5xx_percent
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = [local.alarm_topic_arn]
  ok_actions          = [local.alarm_topic_arn]

  metric_query {
    id          = "rate"
    expression  = "IF(requests > 0, 100 * errors / requests, 0)"
    label       = "5xx percent"
    return_data = true
  }
  metric_query {
    id = "errors"
    metric {
      namespace   = "AWS/ApiGateway"
      metric_name = "5XXError"
      dimensions  = local.api_dimensions
      period      = 300
      stat        = "Sum"
    }
  }
  metric_query {
    id = "requests"
    metric {
      namespace   = "AWS/ApiGateway"
      metric_name = "Count"
      dimensions  = local.api_dimensions
      period      = 300
      stat        = "Sum"
    }
  }
}

resource "aws_cloudwatch_metric_alarm" "api_p99_latency" {
  alarm_name          = "${local.name_prefix}-api-p99-latency"
  alarm_description   = "API p99 latency above ${var.alarm_thresholds.api_p99_latency_ms} ms for 15 minutes."
  namespace           = "AWS/ApiGateway"
  metric_name         = "Latency"
  dimensions          = local.api_dimensions
  extended_statistic  = "p99"
  period              = 300
  evaluation_periods  = 3
  threshold           = var.alarm_thresholds.api_p99_latency_ms
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = [local.alarm_topic_arn]
  ok_actions          = [local.alarm_topic_arn]
}

resource "aws_cloudwatch_metric_alarm" "reviewer_p99_duration" {
  alarm_name          = "${local.name_prefix}-reviewer-p99-duration"
  alarm_description   = "Reviewer p99 duration above ${var.alarm_thresholds.reviewer_p99_ms} ms: reviews near the function timeout (Bedrock slow?)."
  namespace           = "AWS/Lambda"
  metric_name         = "Duration"
  dimensions          = { FunctionName = module.lambda[local.reviewer].function_name }
  extended_statistic  = "p99"
  period              = 300
  evaluation_periods  = 3
  threshold           = var.alarm_thresholds.reviewer_p99_ms
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = [local.alarm_topic_arn]
  ok_actions          = [local.alarm_topic_arn]
}

# History integrity: packages/reviews counts HistoryIntegrityFailures (EMF, dimension service)
# and logs a `history.integrity-failed` security event for every version whose MAC or hash chain
# does not verify. One is too many.
resource "aws_cloudwatch_metric_alarm" "integrity_failures" {
  alarm_name          = "${local.name_prefix}-history-integrity-failures"
  alarm_description   = "A stored review version failed its integrity check (MAC or hash chain): possible tampering. See the security events history.integrity-failed."
  namespace           = local.metrics_namespace
  metric_name         = "HistoryIntegrityFailures"
  dimensions          = { service = "iac-review" }
  statistic           = "Sum"
  period              = 60
  evaluation_periods  = 1
  threshold           = 1
  comparison_operator = "GreaterThanOrEqualToThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = [local.alarm_topic_arn]
  ok_actions          = [local.alarm_topic_arn]
}

# Webhook deliveries by source (route) and outcome (HTTP status), from the API access log.
resource "aws_cloudwatch_log_metric_filter" "webhook_deliveries" {
  name           = "${local.name_prefix}-webhook-deliveries"
  log_group_name = aws_cloudwatch_log_group.api_access.name
  pattern        = "{ $.path = \"/webhooks/*\" }"
  metric_transformation {
    name       = "WebhookDeliveries"
    namespace  = local.metrics_namespace
    value      = "1"
    dimensions = { source = "$.path", outcome = "$.status" }
  }
}
