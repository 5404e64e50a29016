# One role per function (created by modules/lambda_function), each allowed only its own actions on
# its own resources, as declared under `resources` in functions/manifest.json:
#   table:   "read" | "read-write"   (no DeleteItem on versions for anyone: they are never deleted)
#   deliveries: "forget"             (DeleteItem on idempotency records only — keys IDEMPOTENCY#…, by
#                                     dynamodb:LeadingKeys — so a failed webhook delivery can be retried)
#   ratelimit: "take"                (Get/UpdateItem on per-identity token buckets only — keys RATELIMIT#…)
#   bucket:  "read" | "read-write"   (large raw inputs)
#   bus:     "put"                   (events:PutEvents on the review bus)
#   bedrock: "invoke"                (the configured model / inference profile only)
#   secrets: ["name", …]             (GetSecretValue on those secrets only)
locals {
  table_read_actions  = ["dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query", "dynamodb:ConditionCheckItem", "dynamodb:DescribeTable"]
  table_write_actions = ["dynamodb:PutItem", "dynamodb:UpdateItem"]

  function_statements = {
    for name, fn in local.functions : name => concat(
      contains(["read", "read-write"], try(fn.resources.table, "")) ? [{
        Sid      = "Table"
        Effect   = "Allow"
        Action   = tolist(fn.resources.table == "read-write" ? concat(local.table_read_actions, local.table_write_actions) : local.table_read_actions)
        Resource = tolist([aws_dynamodb_table.this.arn, "${aws_dynamodb_table.this.arn}/index/*"])
      }] : [],
      try(fn.resources.deliveries, "") == "forget" ? [{
        Sid      = "ForgetDeliveries"
        Effect   = "Allow"
        Action   = tolist(["dynamodb:DeleteItem"])
        Resource = tolist([aws_dynamodb_table.this.arn])
        Condition = {
          "ForAllValues:StringLike" = { "dynamodb:LeadingKeys" = ["IDEMPOTENCY#*"] }
        }
      }] : [],
      try(fn.resources.ratelimit, "") == "take" ? [{
        Sid      = "RateLimitBuckets"
        Effect   = "Allow"
        Action   = tolist(["dynamodb:GetItem", "dynamodb:UpdateItem"])
        Resource = tolist([aws_dynamodb_table.this.arn])
        Condition = {
          "ForAllValues:StringLike" = { "dynamodb:LeadingKeys" = ["RATELIMIT#*"] }
        }
      }] : [],
      contains(["read", "read-write"], try(fn.resources.bucket, "")) ? [{
        Sid      = "Inputs"
        Effect   = "Allow"
        Action   = tolist(fn.resources.bucket == "read-write" ? ["s3:GetObject", "s3:PutObject"] : ["s3:GetObject"])
        Resource = tolist(["${aws_s3_bucket.inputs.arn}/*"])
      }] : [],
      try(fn.resources.bus, "") == "put" ? [{
        Sid      = "Events"
        Effect   = "Allow"
        Action   = tolist(["events:PutEvents"])
        Resource = tolist([aws_cloudwatch_event_bus.this.arn])
      }] : [],
      try(fn.resources.bedrock, "") == "invoke" && var.bedrock_enabled ? [{
        Sid    = "Bedrock"
        Effect = "Allow"
        Action = tolist(["bedrock:InvokeModel"])
        # A global inference profile routes to the foundation model in any region.
        Resource = tolist([
          "arn:aws:bedrock:*:*:inference-profile/${var.bedrock_model_id}",
          "arn:aws:bedrock:*::foundation-model/${replace(var.bedrock_model_id, "/^(global|us|eu|apac)\\./", "")}*",
        ])
      }] : [],
      length(try(fn.resources.secrets, [])) > 0 ? [{
        Sid      = "Secrets"
        Effect   = "Allow"
        Action   = tolist(["secretsmanager:GetSecretValue"])
        Resource = tolist([for s in fn.resources.secrets : aws_secretsmanager_secret.this[s].arn])
      }] : [],
      local.function_key_statements[name],
      contains(local.async_functions, name) ? [{
        Sid      = "DeadLetters"
        Effect   = "Allow"
        Action   = tolist(["sqs:SendMessage"])
        Resource = tolist([aws_sqs_queue.dlq[name].arn])
      }] : [],
    )
  }
}
