# The REST API is the OpenAPI document (packages/core/src/openapi.json) with an aws_proxy
# integration added to each operation for the function it names (x-iac-review-function).
locals {
  # Every path also answers CORS preflight (OPTIONS, no API key) through the API function.
  api_paths = {
    for path, ops in local.openapi.paths : path => merge({
      options = {
        operationId             = "preflight${replace(title(replace(path, "/[^A-Za-z0-9]+/", " ")), " ", "")}"
        summary                 = "CORS preflight"
        security                = []
        responses               = { "204" = { description = "Preflight answer." } }
        "x-iac-review-function" = "api-handler"
        "x-amazon-apigateway-integration" = {
          type                = "aws_proxy"
          httpMethod          = "POST"
          uri                 = module.lambda["api-handler"].invoke_arn
          passthroughBehavior = "when_no_match"
          timeoutInMillis     = 29000
        }
      }
      }, {
      for method, op in ops : method => merge(op, {
        "x-amazon-apigateway-integration" = {
          type                = "aws_proxy"
          httpMethod          = "POST"
          uri                 = module.lambda[op["x-iac-review-function"]].invoke_arn
          passthroughBehavior = "when_no_match"
          timeoutInMillis     = 29000
        }
        # Sign-in (identity.tf): routes with an API key also take a person's bearer token.
      }, { for k, v in { security = local.api_key_security } : k => v if length(try(op.security, [])) > 0 })
    })
  }
  api_body = jsonencode(merge(local.openapi, {
    paths                                    = local.api_paths
    security                                 = local.api_key_security
    components                               = merge(local.openapi.components, { securitySchemes = merge({ for k, v in local.openapi.components.securitySchemes : k => v if k != "Bearer" }, { for k, v in local.identity_security_schemes : k => v if local.identity_enabled }) })
    "x-amazon-apigateway-api-key-source"     = local.identity_enabled ? "AUTHORIZER" : "HEADER"
    "x-amazon-apigateway-binary-media-types" = ["application/octet-stream", "application/gzip"]
  }))
  # The document's Bearer scheme is served by the request authorizer (identity.tf); without sign-in, API keys only.
  api_key_security = jsondecode(local.identity_enabled ? jsonencode(local.identity_operation_security) : jsonencode([{ ApiKey = [] }]))
  api_functions    = toset(flatten([for path, ops in local.openapi.paths : [for method, op in ops : op["x-iac-review-function"]]]))
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
  retention_in_days = var.access_log_retention_days # who called what: audit evidence
  kms_key_id        = aws_kms_key.this["logs"].arn
}

resource "aws_api_gateway_stage" "this" {
  # Access logs need the account's CloudWatch role (api_account.tf) in place first.
  depends_on           = [aws_api_gateway_account.this]
  rest_api_id          = aws_api_gateway_rest_api.this.id
  deployment_id        = aws_api_gateway_deployment.this.id
  stage_name           = var.environment
  xray_tracing_enabled = true
  access_log_settings {
    destination_arn = aws_cloudwatch_log_group.api_access.arn
    format = jsonencode({
      requestId = "$context.requestId", ip = "$context.identity.sourceIp", method = "$context.httpMethod",
      path      = "$context.resourcePath", status = "$context.status", latencyMs = "$context.responseLatency",
      apiKeyId  = "$context.identity.apiKeyId", error = "$context.error.message",
      principal = "$context.authorizer.principalId" # the signed-in person's sub (identity.tf), "api-key" for keys
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

# API keys and usage plans: one per client, giving per-client rate and quota limits.
resource "aws_api_gateway_api_key" "this" {
  for_each    = var.api_clients
  name        = "${local.name_prefix}-${each.key}"
  description = "IaC Review API key for ${each.key} (scopes: ${join(", ", each.value.scopes)})."
  enabled     = true
}

resource "aws_api_gateway_usage_plan" "this" {
  for_each = var.api_clients
  name     = "${local.name_prefix}-${each.key}"
  api_stages {
    api_id = aws_api_gateway_rest_api.this.id
    stage  = aws_api_gateway_stage.this.stage_name
  }
  throttle_settings {
    rate_limit  = each.value.rate_limit
    burst_limit = each.value.burst_limit
  }
  quota_settings {
    limit  = each.value.quota_per_day
    period = "DAY"
  }
}

resource "aws_api_gateway_usage_plan_key" "this" {
  for_each      = var.api_clients
  key_id        = aws_api_gateway_api_key.this[each.key].id
  key_type      = "API_KEY"
  usage_plan_id = aws_api_gateway_usage_plan.this[each.key].id
}

# API Gateway's own refusals as problem+json, the same as the function's (and the local stack's).
locals {
  gateway_problems = {
    API_KEY = {
      status = "401", type = "unauthorized", title = "Authentication required",
      detail = "Send a valid API key in the x-api-key header.", headers = {}
    }
    THROTTLED = {
      status = "429", type = "rate-limited", title = "Too many requests",
      detail = "Too many requests for this API key; slow down and retry later.", headers = { "gatewayresponse.header.Retry-After" = "'1'" }
    }
    QUOTA_EXCEEDED = {
      status = "429", type = "rate-limited", title = "Quota exceeded",
      detail = "This API key has used its daily quota; it resets at midnight UTC.", headers = { "gatewayresponse.header.Retry-After" = "'3600'" }
    }
    REQUEST_TOO_LARGE = {
      status = "413", type = "payload-too-large", title = "Request body too large",
      detail = "The body is over 10 MB; compress it with Content-Encoding: gzip.", headers = {}
    }
    WAF_FILTERED = {
      status = "403", type = "forbidden", title = "Request blocked",
      detail = "The web application firewall blocked this request (rate limit per IP or a managed rule). Slow down, or contact the operators with the requestId.", headers = {}
    }
    DEFAULT_5XX = {
      status = "502", type = "internal-error", title = "Bad gateway",
      detail = "The API could not complete the request. It is safe to retry.", headers = {}
    }
  }
}

resource "aws_api_gateway_gateway_response" "this" {
  for_each      = local.gateway_problems
  rest_api_id   = aws_api_gateway_rest_api.this.id
  response_type = each.key
  status_code   = each.value.status
  response_templates = {
    "application/json" = jsonencode({
      type      = "https://iac-review.dev/problems/${each.value.type}"
      title     = each.value.title
      status    = tonumber(each.value.status)
      detail    = each.value.detail
      requestId = "$context.requestId"
    })
  }
  response_parameters = merge(each.value.headers, local.gateway_cors_headers, {
    "gatewayresponse.header.Content-Type" = "'application/problem+json'"
  })
}
