# API Gateway writes execution logs (logging_level in api_gateway.tf) and access logs only when the
# account has a CloudWatch Logs role. It is one setting per account and region: created and set
# here unless api_gateway_cloudwatch_role_arn names one another stack owns (then that is the
# documented prerequisite).
resource "aws_iam_role" "api_gateway_cloudwatch" {
  count = var.api_gateway_cloudwatch_role_arn == "" ? 1 : 0
  name  = "${local.name_prefix}-apigateway-cloudwatch"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "apigateway.amazonaws.com" }
      Action    = "sts:AssumeRole"
      Condition = { StringEquals = { "aws:SourceAccount" = local.account_id } }
    }]
  })
}

resource "aws_iam_role_policy" "api_gateway_cloudwatch" {
  count = var.api_gateway_cloudwatch_role_arn == "" ? 1 : 0
  name  = "${local.name_prefix}-apigateway-cloudwatch"
  role  = aws_iam_role.api_gateway_cloudwatch[0].id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid    = "ApiGatewayLogs"
      Effect = "Allow"
      # The actions of AWS's AmazonAPIGatewayPushToCloudWatchLogs, limited to API Gateway's log groups.
      Action   = ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:DescribeLogGroups", "logs:DescribeLogStreams", "logs:PutLogEvents", "logs:GetLogEvents", "logs:FilterLogEvents"]
      Resource = ["arn:${local.partition}:logs:${var.region}:${local.account_id}:log-group:API-Gateway-Execution-Logs_*", "arn:${local.partition}:logs:${var.region}:${local.account_id}:log-group:/aws/apigateway/*"]
    }]
  })
}

resource "aws_api_gateway_account" "this" {
  cloudwatch_role_arn = var.api_gateway_cloudwatch_role_arn != "" ? var.api_gateway_cloudwatch_role_arn : aws_iam_role.api_gateway_cloudwatch[0].arn
  depends_on          = [aws_iam_role_policy.api_gateway_cloudwatch]
}

# Every event on the review bus is archived so it can be replayed (e.g. after fixing a consumer).
resource "aws_cloudwatch_event_archive" "reviews" {
  name             = "${local.name_prefix}-reviews"
  description      = "All events of the ${local.name_prefix} bus, for replay."
  event_source_arn = aws_cloudwatch_event_bus.this.arn
  retention_days   = var.event_archive_retention_days
}

# CORS headers on API Gateway's own answers (401, 429, 413, 502), so a browser client can read
# the problem+json instead of seeing an opaque CORS error. API Gateway cannot pick the origin per
# request here: the first of cors_allowed_origins is answered (none when the list is empty);
# the function's own responses match any allowed origin exactly.
locals {
  gateway_cors_headers = length(var.cors_allowed_origins) == 0 ? {} : {
    "gatewayresponse.header.Access-Control-Allow-Origin"   = "'${var.cors_allowed_origins[0]}'"
    "gatewayresponse.header.Access-Control-Expose-Headers" = "'etag, location, retry-after'"
    "gatewayresponse.header.Vary"                          = "'Origin'"
  }
}
