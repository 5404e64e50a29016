# Every function in functions/manifest.json, the same way (modules/lambda_function).
module "lambda" {
  source   = "./modules/lambda_function"
  for_each = local.functions

  function_name      = "${local.name_prefix}-${each.key}"
  description        = each.value.description
  zip_path           = each.value.zip_path
  runtime            = each.value.runtime
  architecture       = each.value.architecture
  memory_mb          = each.value.memoryMb
  timeout_seconds    = each.value.timeoutSeconds
  log_retention_days = local.function_log_retention_days[each.key]
  log_kms_key_arn    = aws_kms_key.this["logs"].arn
  # Reserved concurrency (the reviewer's protects Bedrock and the table); -1: unreserved.
  reserved_concurrency = lookup(var.reserved_concurrency, each.key, -1)
  statements           = local.function_statements[each.key]

  environment = merge(lookup(local.function_environment, each.key, {}), lookup(local.github_function_environment, each.key, {}), lookup(local.spacelift_function_environment, each.key, {}), lookup(local.identity_function_environment, each.key, {}), {
    SERVICE_VERSION                     = local.openapi.info.version
    LOG_LEVEL                           = var.log_level
    TABLE_NAME                          = aws_dynamodb_table.this.name
    INPUTS_BUCKET                       = aws_s3_bucket.inputs.bucket
    EVENT_BUS_NAME                      = aws_cloudwatch_event_bus.this.name
    BEDROCK_MODEL_ID                    = var.bedrock_model_id
    BEDROCK_ENABLED                     = tostring(var.bedrock_enabled)
    BEDROCK_MAX_TOKENS                  = tostring(var.bedrock_max_tokens)
    BEDROCK_TEMPERATURE                 = tostring(var.bedrock_temperature)
    BEDROCK_TIMEOUT_MS                  = tostring(var.bedrock_timeout_ms)
    SECRETS_PREFIX                      = "${local.name_prefix}/"
    AWS_NODEJS_CONNECTION_REUSE_ENABLED = "1"
  })
}

locals {
  # What every function serving API routes needs: API Gateway key id -> client name and scopes (the
  # key values themselves never leave API Gateway) and the browser origins allowed to call it.
  api_route_environment = {
    API_CLIENTS          = jsonencode({ for name, key in aws_api_gateway_api_key.this : key.id => { name = name, scopes = var.api_clients[name].scopes } })
    CORS_ALLOWED_ORIGINS = join(",", var.cors_allowed_origins)
  }
  # Settings only one function needs.
  function_environment = {
    "api-handler"                 = local.api_route_environment
    "historical-analysis-handler" = local.api_route_environment
  }
}
