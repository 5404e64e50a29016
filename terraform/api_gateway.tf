# The REST API is the OpenAPI document (packages/core/src/openapi.json) with an aws_proxy
# integration added to each operation for the function it names (x-iac-review-function).
locals {
  api_paths = {
    for path, ops in local.openapi.paths : path => {
      for method, op in ops : method => merge(op, {
        "x-amazon-apigateway-integration" = {
          type                = "aws_proxy"
          httpMethod          = "POST"
          uri                 = module.lambda[op["x-iac-review-function"]].invoke_arn
          passthroughBehavior = "when_no_match"
          timeoutInMillis     = 29000
        }
      })
    }
  }
  api_body = jsonencode(merge(local.openapi, {
    paths                                    = local.api_paths
    "x-amazon-apigateway-api-key-source"     = "HEADER"
    "x-amazon-apigateway-binary-media-types" = ["application/octet-stream", "application/gzip"]
  }))
  api_functions = toset(flatten([for path, ops in local.openapi.paths : [for method, op in ops : op["x-iac-review-function"]]]))
}

resource "aws_api_gateway_rest_api" "this" {
  name        = local.name_prefix
  description = local.openapi.info.description
  body        = local.api_body
  endpoint_configuration {
    types = ["REGIONAL"]
  }
}

resource "aws_api_gateway_deployment" "this" {
  rest_api_id = aws_api_gateway_rest_api.this.id
  triggers = {
    redeployment = sha256(local.api_body)
  }
  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_cloudwatch_log_group" "api_access" {
  name              = "/aws/apigateway/${local.name_prefix}"
  retention_in_days = var.log_retention_days
}

resource "aws_api_gateway_stage" "this" {
  rest_api_id          = aws_api_gateway_rest_api.this.id
  deployment_id        = aws_api_gateway_deployment.this.id
  stage_name           = var.environment
  xray_tracing_enabled = true
  access_log_settings {
    destination_arn = aws_cloudwatch_log_group.api_access.arn
    format = jsonencode({
      requestId = "$context.requestId", ip = "$context.identity.sourceIp", method = "$context.httpMethod",
      path      = "$context.resourcePath", status = "$context.status", latencyMs = "$context.responseLatency",
      apiKeyId  = "$context.identity.apiKeyId", error = "$context.error.message"
    })
  }
}

resource "aws_api_gateway_method_settings" "all" {
  rest_api_id = aws_api_gateway_rest_api.this.id
  stage_name  = aws_api_gateway_stage.this.stage_name
  method_path = "*/*"
  settings {
    metrics_enabled        = true
    logging_level          = "ERROR"
    throttling_burst_limit = 100
    throttling_rate_limit  = 50
  }
}

resource "aws_lambda_permission" "api" {
  for_each      = local.api_functions
  statement_id  = "AllowApiGateway"
  action        = "lambda:InvokeFunction"
  function_name = module.lambda[each.value].function_name
  principal     = "apigateway.amazonaws.com"
  source_arn    = "${aws_api_gateway_rest_api.this.execution_arn}/*/*"
}
