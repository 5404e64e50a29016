# The review bus: ReviewRequested / ReviewCompleted. Rules and schedules come from the triggers in
# functions/manifest.json; every asynchronous target retries and dead-letters into its own queue.
resource "aws_cloudwatch_event_bus" "this" {
  name = local.name_prefix
}

locals {
  event_triggers = merge([
    for name, fn in local.functions : {
      for i, t in fn.triggers : "${name}-${i}" => merge(t, { function = name }) if t.type == "event" || t.type == "schedule"
    }
  ]...)
  async_functions = toset([for k, t in local.event_triggers : t.function])
}

resource "aws_cloudwatch_event_rule" "this" {
  for_each            = local.event_triggers
  name                = "${local.name_prefix}-${each.key}"
  description         = "Invokes ${each.value.function} (${each.value.type})."
  event_bus_name      = each.value.type == "event" ? aws_cloudwatch_event_bus.this.name : "default"
  event_pattern       = each.value.type == "event" ? jsonencode(each.value.pattern) : null
  schedule_expression = each.value.type == "schedule" ? each.value.expression : null
}

resource "aws_sqs_queue" "dlq" {
  for_each                  = local.async_functions
  name                      = "${local.name_prefix}-${each.value}-dlq"
  message_retention_seconds = 1209600
  sqs_managed_sse_enabled   = true
}

resource "aws_cloudwatch_event_target" "this" {
  for_each       = local.event_triggers
  rule           = aws_cloudwatch_event_rule.this[each.key].name
  event_bus_name = aws_cloudwatch_event_rule.this[each.key].event_bus_name
  arn            = module.lambda[each.value.function].arn

  retry_policy {
    maximum_retry_attempts       = 8
    maximum_event_age_in_seconds = 3600
  }

  dead_letter_config {
    arn = aws_sqs_queue.dlq[each.value.function].arn
  }
}

resource "aws_lambda_permission" "events" {
  for_each      = local.event_triggers
  statement_id  = "AllowEventBridge-${each.key}"
  action        = "lambda:InvokeFunction"
  function_name = module.lambda[each.value.function].function_name
  principal     = "events.amazonaws.com"
  source_arn    = aws_cloudwatch_event_rule.this[each.key].arn
}

resource "aws_sqs_queue_policy" "dlq" {
  for_each  = local.async_functions
  queue_url = aws_sqs_queue.dlq[each.value].id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "EventBridgeDeadLetters"
      Effect    = "Allow"
      Principal = { Service = "events.amazonaws.com" }
      Action    = "sqs:SendMessage"
      Resource  = aws_sqs_queue.dlq[each.value].arn
      Condition = { ArnLike = { "aws:SourceArn" = [for k, t in local.event_triggers : aws_cloudwatch_event_rule.this[k].arn if t.function == each.value] } }
    }]
  })
}

resource "aws_lambda_function_event_invoke_config" "this" {
  for_each                     = local.async_functions
  function_name                = module.lambda[each.value].function_name
  maximum_retry_attempts       = 2
  maximum_event_age_in_seconds = 3600
  destination_config {
    on_failure {
      destination = aws_sqs_queue.dlq[each.value].arn
    }
  }
}
