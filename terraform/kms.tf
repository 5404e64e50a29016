# Customer-managed KMS keys, one per kind of data, each rotated yearly and each usable only through
# the service that holds the data (kms:ViaService): the table, the inputs bucket, the log groups,
# the secrets, the audit evidence (bucket, delivery stream, trail) and the alarm topic.
locals {
  # Account and partition without a data source (the offline plan makes no AWS call): taken from
  # the ARN of a resource this configuration owns.
  account_id = split(":", aws_cloudwatch_event_bus.this.arn)[4]
  partition  = split(":", aws_cloudwatch_event_bus.this.arn)[1]

  kms_keys = {
    table    = "DynamoDB table (reviews, versions, deliveries, trends)"
    inputs   = "S3 bucket of large raw inputs"
    logs     = "CloudWatch log groups of the functions and the API"
    secrets  = "Secrets Manager secrets (webhook secrets, GitHub App key, history MAC key)"
    evidence = "Audit evidence: the Object Lock bucket, its delivery stream and the CloudTrail trail"
    alarms   = "SNS topic that carries the alarms"
  }

  # Services that use a key on a caller's behalf, per key (kms:ViaService).
  kms_via_service = {
    table    = ["dynamodb.${var.region}.amazonaws.com"]
    inputs   = ["s3.${var.region}.amazonaws.com"]
    secrets  = ["secretsmanager.${var.region}.amazonaws.com"]
    evidence = ["s3.${var.region}.amazonaws.com", "firehose.${var.region}.amazonaws.com"]
  }

  # Extra key-policy statements for services that encrypt with the key themselves.
  kms_service_statements = {
    logs = [{
      Sid       = "CloudWatchLogs"
      Effect    = "Allow"
      Principal = { Service = "logs.${var.region}.amazonaws.com" }
      Action    = ["kms:Encrypt", "kms:Decrypt", "kms:ReEncryptFrom", "kms:ReEncryptTo", "kms:GenerateDataKey", "kms:GenerateDataKeyWithoutPlaintext", "kms:DescribeKey"]
      Resource  = "*" # In a key policy, "*" is this key.
      Condition = { ArnLike = { "kms:EncryptionContext:aws:logs:arn" = "arn:${local.partition}:logs:${var.region}:${local.account_id}:log-group:*" } }
    }]
    evidence = [{
      Sid       = "CloudTrailEncryptsLogs"
      Effect    = "Allow"
      Principal = { Service = "cloudtrail.amazonaws.com" }
      Action    = ["kms:GenerateDataKey", "kms:DescribeKey"]
      Resource  = "*"
      Condition = {
        StringEquals = { "aws:SourceArn" = "arn:${local.partition}:cloudtrail:${var.region}:${local.account_id}:trail/${local.name_prefix}-data-events" }
        StringLike   = { "kms:EncryptionContext:aws:cloudtrail:arn" = "arn:${local.partition}:cloudtrail:*:${local.account_id}:trail/*" }
      }
    }]
    alarms = [{
      Sid       = "CloudWatchAlarmsPublish"
      Effect    = "Allow"
      Principal = { Service = "cloudwatch.amazonaws.com" }
      Action    = ["kms:GenerateDataKey", "kms:Decrypt"]
      Resource  = "*"
      Condition = { StringEquals = { "aws:SourceAccount" = local.account_id } }
    }]
  }
}

resource "aws_kms_key" "this" {
  for_each                = local.kms_keys
  description             = "${local.name_prefix}: ${each.value}."
  enable_key_rotation     = true
  rotation_period_in_days = 365
  deletion_window_in_days = 30
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = concat([{
      # Without this statement no IAM policy could grant use of the key (KMS's default key policy).
      Sid       = "AccountAdministersThroughIam"
      Effect    = "Allow"
      Principal = { AWS = "arn:${local.partition}:iam::${local.account_id}:root" }
      Action    = "kms:*"
      Resource  = "*"
    }], lookup(local.kms_service_statements, each.key, []))
  })
}

resource "aws_kms_alias" "this" {
  for_each      = local.kms_keys
  name          = "alias/${local.name_prefix}-${each.key}"
  target_key_id = aws_kms_key.this[each.key].key_id
}

locals {
  # Each function may use the keys of the data it touches, and only through that service.
  function_key_statements = {
    for name, fn in local.functions : name => concat(
      contains(["read", "read-write"], try(fn.resources.table, "")) ? [{
        Sid       = "TableKey"
        Effect    = "Allow"
        Action    = tolist(fn.resources.table == "read-write" ? ["kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey"] : ["kms:Decrypt", "kms:DescribeKey"])
        Resource  = tolist([aws_kms_key.this["table"].arn])
        Condition = { StringEquals = { "kms:ViaService" = local.kms_via_service.table } }
      }] : [],
      contains(["read", "read-write"], try(fn.resources.bucket, "")) ? [{
        Sid       = "InputsKey"
        Effect    = "Allow"
        Action    = tolist(fn.resources.bucket == "read-write" ? ["kms:Decrypt", "kms:GenerateDataKey"] : ["kms:Decrypt"])
        Resource  = tolist([aws_kms_key.this["inputs"].arn])
        Condition = { StringEquals = { "kms:ViaService" = local.kms_via_service.inputs } }
      }] : [],
      length(try(fn.resources.secrets, [])) > 0 ? [{
        Sid       = "SecretsKey"
        Effect    = "Allow"
        Action    = tolist(["kms:Decrypt"])
        Resource  = tolist([aws_kms_key.this["secrets"].arn])
        Condition = { StringEquals = { "kms:ViaService" = local.kms_via_service.secrets } }
      }] : [],
    )
  }
}
