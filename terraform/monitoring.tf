# Alarms on what needs a person: function errors and throttles, dead letters, security events
# (bad signatures, replays, auth failures, rate limits: "type":"security" log lines).
locals {
  # The topic from alarms.tf, or the one given in alarm_topic_arn.
  alarm_actions = [local.alarm_topic_arn]
}

resource "aws_cloudwatch_metric_alarm" "errors" {
  for_each            = local.functions
  alarm_name          = "${local.name_prefix}-${each.key}-errors"
  alarm_description   = "${each.key} failed invocations."
  namespace           = "AWS/Lambda"
  metric_name         = "Errors"
  dimensions          = { FunctionName = module.lambda[each.key].function_name }
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  threshold           = 1
  comparison_operator = "GreaterThanOrEqualToThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.alarm_actions
}

resource "aws_cloudwatch_log_metric_filter" "security_events" {
  for_each       = local.functions
  name           = "${local.name_prefix}-${each.key}-security-events"
  log_group_name = module.lambda[each.key].log_group_name
  pattern        = "{ $.type = \"security\" }"
  metric_transformation {
    name          = "SecurityEvents"
    namespace     = "IacReview"
    value         = "1"
    default_value = "0"
  }
}

resource "aws_cloudwatch_log_metric_filter" "audit_events" {
  for_each       = local.functions
  name           = "${local.name_prefix}-${each.key}-audit-events"
  log_group_name = module.lambda[each.key].log_group_name
  pattern        = "{ $.type = \"audit\" }"
  metric_transformation {
    name          = "AuditEvents"
    namespace     = "IacReview"
    value         = "1"
    default_value = "0"
  }
}

resource "aws_cloudwatch_metric_alarm" "security_events" {
  alarm_name          = "${local.name_prefix}-security-events"
  alarm_description   = "Security events (bad signatures, replays, auth failures, rate limits) above normal."
  namespace           = "IacReview"
  metric_name         = "SecurityEvents"
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  threshold           = var.alarm_thresholds.security_events_5min
  comparison_operator = "GreaterThanOrEqualToThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.alarm_actions
}

resource "aws_cloudwatch_metric_alarm" "dead_letters" {
  for_each            = local.async_functions
  alarm_name          = "${local.name_prefix}-${each.value}-dead-letters"
  alarm_description   = "${each.value} gave up on events: they are in its dead-letter queue."
  namespace           = "AWS/SQS"
  metric_name         = "ApproximateNumberOfMessagesVisible"
  dimensions          = { QueueName = aws_sqs_queue.dlq[each.value].name }
  statistic           = "Maximum"
  period              = 300
  evaluation_periods  = 1
  threshold           = 1
  comparison_operator = "GreaterThanOrEqualToThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.alarm_actions
}
