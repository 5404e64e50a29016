# One CloudWatch dashboard for on-call: functions, API, reviews, Bedrock, dead letters, security
# events and webhook deliveries. Review and Bedrock figures are the EMF metrics the functions log
# through packages/logger (namespace IacReview, dimensions service + function).
locals {
  fn_names      = { for k, m in module.lambda : k => m.function_name }
  reviewer_dims = ["service", "iac-review", "function", module.lambda[local.reviewer].function_name]

  per_function = [
    for metric in [["Invocations", "Sum"], ["Errors", "Sum"], ["Throttles", "Sum"], ["Duration", "p99"]] : {
      type   = "metric"
      width  = 6
      height = 6
      properties = {
        title   = "Lambda ${metric[0]} (${metric[1]})"
        region  = var.region
        view    = "timeSeries"
        stacked = false
        period  = 300
        stat    = metric[1]
        metrics = [for k, name in local.fn_names : ["AWS/Lambda", metric[0], "FunctionName", name, { label = k }]]
      }
    }
  ]

  dashboard_widgets = concat(
    [{
      type   = "text"
      width  = 24
      height = 2
      properties = {
        markdown = "## ${local.name_prefix}\nAlarms go to the SNS topic `${local.name_prefix}-alarms` (or `alarm_topic_arn`). Audit evidence: Athena workgroup `${local.name_prefix}-evidence` (docs/SOC2.md)."
      }
    }],
    local.per_function,
    [
      {
        type   = "metric"
        width  = 8
        height = 6
        properties = {
          title  = "API 4xx / 5xx"
          region = var.region
          period = 300
          stat   = "Sum"
          metrics = [
            ["AWS/ApiGateway", "4XXError", "ApiName", aws_api_gateway_rest_api.this.name, "Stage", aws_api_gateway_stage.this.stage_name, { label = "4xx" }],
            ["AWS/ApiGateway", "5XXError", "ApiName", aws_api_gateway_rest_api.this.name, "Stage", aws_api_gateway_stage.this.stage_name, { label = "5xx" }],
            ["AWS/ApiGateway", "Count", "ApiName", aws_api_gateway_rest_api.this.name, "Stage", aws_api_gateway_stage.this.stage_name, { label = "requests", yAxis = "right" }],
          ]
        }
      },
      {
        type   = "metric"
        width  = 8
        height = 6
        properties = {
          title  = "API latency (ms)"
          region = var.region
          period = 300
          metrics = [
            ["AWS/ApiGateway", "Latency", "ApiName", aws_api_gateway_rest_api.this.name, "Stage", aws_api_gateway_stage.this.stage_name, { stat = "p50", label = "p50" }],
            ["AWS/ApiGateway", "Latency", "ApiName", aws_api_gateway_rest_api.this.name, "Stage", aws_api_gateway_stage.this.stage_name, { stat = "p99", label = "p99" }],
            ["AWS/ApiGateway", "IntegrationLatency", "ApiName", aws_api_gateway_rest_api.this.name, "Stage", aws_api_gateway_stage.this.stage_name, { stat = "p99", label = "integration p99" }],
          ]
        }
      },
      {
        type   = "metric"
        width  = 8
        height = 6
        properties = {
          title  = "Reviews completed / degraded / failed"
          region = var.region
          period = 300
          stat   = "Sum"
          metrics = [
            concat([local.metrics_namespace, "ReviewsCompleted"], local.reviewer_dims, [{ label = "completed" }]),
            concat([local.metrics_namespace, "ReviewsDegraded"], local.reviewer_dims, [{ label = "degraded (rules only)" }]),
            [local.metrics_namespace, "ReviewsFailed", { label = "failed" }],
          ]
        }
      },
      {
        type   = "metric"
        width  = 8
        height = 6
        properties = {
          title  = "Bedrock latency (ms)"
          region = var.region
          period = 300
          metrics = [
            concat([local.metrics_namespace, "BedrockLatency"], local.reviewer_dims, [{ stat = "p50", label = "p50" }]),
            concat([local.metrics_namespace, "BedrockLatency"], local.reviewer_dims, [{ stat = "p99", label = "p99" }]),
            concat([local.metrics_namespace, "BedrockCallFailures"], local.reviewer_dims, [{ stat = "Sum", label = "failed calls", yAxis = "right" }]),
          ]
        }
      },
      {
        type   = "metric"
        width  = 8
        height = 6
        properties = {
          title  = "Bedrock tokens"
          region = var.region
          period = 300
          stat   = "Sum"
          metrics = [
            concat([local.metrics_namespace, "BedrockInputTokens"], local.reviewer_dims, [{ label = "input" }]),
            concat([local.metrics_namespace, "BedrockOutputTokens"], local.reviewer_dims, [{ label = "output" }]),
            concat([local.metrics_namespace, "BedrockCacheReadInputTokens"], local.reviewer_dims, [{ label = "cache read" }]),
          ]
        }
      },
      {
        type   = "metric"
        width  = 8
        height = 6
        properties = {
          title   = "Dead-letter queue depth"
          region  = var.region
          period  = 300
          stat    = "Maximum"
          metrics = [for f in local.async_functions : ["AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", aws_sqs_queue.dlq[f].name, { label = f }]]
        }
      },
      {
        type   = "metric"
        width  = 12
        height = 6
        properties = {
          title  = "Security events and integrity failures"
          region = var.region
          period = 300
          stat   = "Sum"
          metrics = [
            [local.metrics_namespace, "SecurityEvents", { label = "security events" }],
            [local.metrics_namespace, "HistoryIntegrityFailures", "service", "iac-review", { label = "history integrity failures" }],
            [local.metrics_namespace, "AuditEvents", { label = "audit events", yAxis = "right" }],
          ]
        }
      },
      {
        type   = "metric"
        width  = 12
        height = 6
        properties = {
          title   = "Webhook deliveries by source and outcome (HTTP status)"
          region  = var.region
          period  = 300
          stat    = "Sum"
          metrics = [[{ expression = "SEARCH('{${local.metrics_namespace},outcome,source} MetricName=\"WebhookDeliveries\"', 'Sum', 300)", id = "deliveries", label = "" }]]
        }
      },
    ],
  )
}

resource "aws_cloudwatch_dashboard" "this" {
  dashboard_name = local.name_prefix
  dashboard_body = jsonencode({ widgets = local.dashboard_widgets })
}
