output "api_url" {
  description = "Base URL of the HTTP API (stage included)."
  value       = aws_api_gateway_stage.this.invoke_url
}

output "table_name" {
  description = "DynamoDB table holding reviews, versions, deliveries and trends."
  value       = aws_dynamodb_table.this.name
}

output "inputs_bucket_name" {
  description = "S3 bucket for large raw inputs."
  value       = aws_s3_bucket.inputs.bucket
}

output "event_bus_name" {
  description = "EventBridge bus carrying ReviewRequested / ReviewCompleted."
  value       = aws_cloudwatch_event_bus.this.name
}

output "function_names" {
  description = "Lambda function names by manifest name."
  value       = { for k, m in module.lambda : k => m.function_name }
}

output "function_permissions" {
  description = "Per function, the actions its role allows beyond logs and tracing (for least-privilege review)."
  value       = { for name, statements in local.function_statements : name => { for s in statements : s.Sid => s.Action } }
}

output "function_permission_conditions" {
  description = "Per function, the IAM conditions that narrow its statements (e.g. deletes limited to idempotency records)."
  value       = { for name, statements in local.function_statements : name => { for s in statements : s.Sid => s.Condition if can(s.Condition) } }
}

output "api_operations" {
  description = "Every route API Gateway serves, with the function behind it (from the OpenAPI document)."
  value       = { for path, ops in local.api_paths : path => { for m, op in ops : m => "${op["x-amazon-apigateway-integration"].type}:${op["x-iac-review-function"]}" } }
}
