# Audit evidence kept at least a year: every `"type":"audit"` and `"type":"security"` log line of
# every function is shipped (CloudWatch Logs subscription filter -> Firehose) to an S3 bucket with
# Object Lock in compliance mode (nobody, root included, can delete or shorten it before
# `evidence_retention_days`), encrypted with the evidence KMS key, moved to an archive storage
# class after `evidence_archive_after_days`. Athena reads it through the Glue table below
# (docs/SOC2.md has the queries, e.g. "who changed review X, when, from what").
resource "aws_s3_bucket" "evidence" {
  bucket_prefix       = "${local.name_prefix}-evidence-"
  object_lock_enabled = true
}

resource "aws_s3_bucket_object_lock_configuration" "evidence" {
  bucket = aws_s3_bucket.evidence.id
  rule {
    default_retention {
      mode = "COMPLIANCE"
      days = var.evidence_retention_days
    }
  }
}

resource "aws_s3_bucket_versioning" "evidence" {
  bucket = aws_s3_bucket.evidence.id
  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_public_access_block" "evidence" {
  bucket                  = aws_s3_bucket.evidence.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_ownership_controls" "evidence" {
  bucket = aws_s3_bucket.evidence.id
  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "evidence" {
  bucket = aws_s3_bucket.evidence.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = aws_kms_key.this["evidence"].arn
    }
    bucket_key_enabled = true
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "evidence" {
  bucket = aws_s3_bucket.evidence.id
  rule {
    id     = "archive-evidence"
    status = "Enabled"
    filter {}
    transition {
      days          = var.evidence_archive_after_days
      storage_class = var.evidence_archive_storage_class
    }
    # Object Lock keeps every version until its retention date; after that, old versions go.
    noncurrent_version_expiration {
      noncurrent_days = var.evidence_retention_days
    }
    abort_incomplete_multipart_upload {
      days_after_initiation = 7
    }
  }
}

resource "aws_s3_bucket_policy" "evidence" {
  bucket = aws_s3_bucket.evidence.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = concat([
      {
        Sid       = "DenyInsecureTransport"
        Effect    = "Deny"
        Principal = "*"
        Action    = "s3:*"
        Resource  = [aws_s3_bucket.evidence.arn, "${aws_s3_bucket.evidence.arn}/*"]
        Condition = { Bool = { "aws:SecureTransport" = "false" } }
      },
      {
        Sid       = "DenyUnencryptedWrites"
        Effect    = "Deny"
        Principal = "*"
        Action    = "s3:PutObject"
        Resource  = "${aws_s3_bucket.evidence.arn}/*"
        Condition = { StringNotEquals = { "s3:x-amz-server-side-encryption" = "aws:kms" }, Null = { "s3:x-amz-server-side-encryption" = "false" } }
      },
      ], var.cloudtrail_mode == "trail" ? [
      {
        Sid       = "CloudTrailAclCheck"
        Effect    = "Allow"
        Principal = { Service = "cloudtrail.amazonaws.com" }
        Action    = "s3:GetBucketAcl"
        Resource  = aws_s3_bucket.evidence.arn
        Condition = { StringEquals = { "aws:SourceArn" = local.trail_arn } }
      },
      {
        Sid       = "CloudTrailWrites"
        Effect    = "Allow"
        Principal = { Service = "cloudtrail.amazonaws.com" }
        Action    = "s3:PutObject"
        Resource  = "${aws_s3_bucket.evidence.arn}/cloudtrail/AWSLogs/${local.account_id}/*"
        Condition = { StringEquals = { "aws:SourceArn" = local.trail_arn, "s3:x-amz-acl" = "bucket-owner-full-control" } }
      },
    ] : [])
  })
}

# Delivery: CloudWatch Logs -> Firehose -> S3. Firehose unzips the CloudWatch Logs envelope and
# keeps only the log line itself, one JSON object per line, so Athena reads our own fields.
resource "aws_cloudwatch_log_group" "evidence_delivery" {
  name              = "/aws/kinesisfirehose/${local.name_prefix}-evidence"
  retention_in_days = local.log_retention_days
  kms_key_id        = aws_kms_key.this["logs"].arn
}

resource "aws_cloudwatch_log_stream" "evidence_delivery" {
  name           = "S3Delivery"
  log_group_name = aws_cloudwatch_log_group.evidence_delivery.name
}

resource "aws_iam_role" "evidence_delivery" {
  name = "${local.name_prefix}-evidence-delivery"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "firehose.amazonaws.com" }
      Action    = "sts:AssumeRole"
      Condition = { StringEquals = { "sts:ExternalId" = local.account_id } }
    }]
  })
}

resource "aws_iam_role_policy" "evidence_delivery" {
  name = "${local.name_prefix}-evidence-delivery"
  role = aws_iam_role.evidence_delivery.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid      = "WriteEvidence"
        Effect   = "Allow"
        Action   = ["s3:PutObject", "s3:AbortMultipartUpload", "s3:GetBucketLocation", "s3:ListBucket", "s3:ListBucketMultipartUploads"]
        Resource = [aws_s3_bucket.evidence.arn, "${aws_s3_bucket.evidence.arn}/*"]
      },
      {
        Sid       = "EvidenceKey"
        Effect    = "Allow"
        Action    = ["kms:GenerateDataKey", "kms:Decrypt"]
        Resource  = [aws_kms_key.this["evidence"].arn]
        Condition = { StringEquals = { "kms:ViaService" = "s3.${var.region}.amazonaws.com" } }
      },
      {
        Sid      = "DeliveryErrors"
        Effect   = "Allow"
        Action   = ["logs:PutLogEvents"]
        Resource = ["${aws_cloudwatch_log_group.evidence_delivery.arn}:*"]
      },
    ]
  })
}

resource "aws_kinesis_firehose_delivery_stream" "evidence" {
  name        = "${local.name_prefix}-evidence"
  destination = "extended_s3"

  server_side_encryption {
    enabled  = true
    key_type = "CUSTOMER_MANAGED_CMK"
    key_arn  = aws_kms_key.this["evidence"].arn
  }

  extended_s3_configuration {
    role_arn            = aws_iam_role.evidence_delivery.arn
    bucket_arn          = aws_s3_bucket.evidence.arn
    kms_key_arn         = aws_kms_key.this["evidence"].arn
    prefix              = "events/dt=!{timestamp:yyyy-MM-dd}/"
    error_output_prefix = "delivery-errors/!{firehose:error-output-type}/dt=!{timestamp:yyyy-MM-dd}/"
    buffering_interval  = 300
    buffering_size      = 64
    compression_format  = "GZIP"

    processing_configuration {
      enabled = true
      processors {
        type = "Decompression"
        parameters {
          parameter_name  = "CompressionFormat"
          parameter_value = "GZIP"
        }
      }
      processors {
        type = "CloudWatchLogProcessing"
        parameters {
          parameter_name  = "DataMessageExtraction"
          parameter_value = "true"
        }
      }
      processors {
        type = "AppendDelimiterToRecord"
      }
    }

    cloudwatch_logging_options {
      enabled         = true
      log_group_name  = aws_cloudwatch_log_group.evidence_delivery.name
      log_stream_name = aws_cloudwatch_log_stream.evidence_delivery.name
    }
  }
}

# CloudWatch Logs may put records into the stream, nothing else.
resource "aws_iam_role" "logs_to_evidence" {
  name = "${local.name_prefix}-logs-to-evidence"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "logs.amazonaws.com" }
      Action    = "sts:AssumeRole"
      Condition = { StringLike = { "aws:SourceArn" = "arn:${local.partition}:logs:${var.region}:${local.account_id}:log-group:/aws/lambda/${local.name_prefix}-*" } }
    }]
  })
}

resource "aws_iam_role_policy" "logs_to_evidence" {
  name = "${local.name_prefix}-logs-to-evidence"
  role = aws_iam_role.logs_to_evidence.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid      = "PutEvidence"
      Effect   = "Allow"
      Action   = ["firehose:PutRecord", "firehose:PutRecordBatch"]
      Resource = [aws_kinesis_firehose_delivery_stream.evidence.arn]
    }]
  })
}

resource "aws_cloudwatch_log_subscription_filter" "evidence" {
  for_each        = local.functions
  name            = "${local.name_prefix}-${each.key}-evidence"
  log_group_name  = module.lambda[each.key].log_group_name
  filter_pattern  = "{ ($.type = \"audit\") || ($.type = \"security\") }"
  destination_arn = aws_kinesis_firehose_delivery_stream.evidence.arn
  role_arn        = aws_iam_role.logs_to_evidence.arn
  distribution    = "ByLogStream"
  depends_on      = [aws_iam_role_policy.logs_to_evidence]
}

# Athena over the evidence: one row per audit/security log line, partitioned by day (projection:
# no crawler, no partition maintenance).
resource "aws_glue_catalog_database" "evidence" {
  name        = replace("${local.name_prefix}_evidence", "-", "_")
  description = "Audit and security events of ${local.name_prefix} (Object Lock evidence bucket)."
}

resource "aws_glue_catalog_table" "evidence_events" {
  name          = "events"
  database_name = aws_glue_catalog_database.evidence.name
  description   = "Every \"type\":\"audit\" and \"type\":\"security\" log line of every function, as logged by @iac-review/logger."
  table_type    = "EXTERNAL_TABLE"

  parameters = {
    "classification"            = "json"
    "compressionType"           = "gzip"
    "projection.enabled"        = "true"
    "projection.dt.type"        = "date"
    "projection.dt.format"      = "yyyy-MM-dd"
    "projection.dt.range"       = "2025-01-01,NOW"
    "projection.dt.interval"    = "1"
    "projection.dt.unit"        = "DAYS"
    "storage.location.template" = "s3://${aws_s3_bucket.evidence.bucket}/events/dt=$${dt}/"
  }

  partition_keys {
    name = "dt"
    type = "string"
  }

  storage_descriptor {
    location      = "s3://${aws_s3_bucket.evidence.bucket}/events/"
    input_format  = "org.apache.hadoop.mapred.TextInputFormat"
    output_format = "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat"

    ser_de_info {
      serialization_library = "org.openx.data.jsonserde.JsonSerDe"
      parameters = {
        "ignore.malformed.json" = "true"
        "mapping.ts"            = "time"
      }
    }

    dynamic "columns" {
      for_each = local.evidence_columns
      content {
        name    = columns.value[0]
        type    = columns.value[1]
        comment = columns.value[2]
      }
    }
  }
}

locals {
  # The fields @iac-review/logger writes on audit and security lines (see packages/logger).
  evidence_columns = [
    ["ts", "string", "ISO-8601 time of the log line (logger field time)"],
    ["type", "string", "audit or security"],
    ["level", "string", "log level"],
    ["service", "string", "iac-review"],
    ["function", "string", "Lambda function name"],
    ["awsrequestid", "string", "Lambda request id"],
    ["traceid", "string", "X-Ray trace id"],
    ["correlationid", "string", "correlation id carried across functions"],
    ["action", "string", "audit: what was done, e.g. review.create, review.complete, review.feedback.<action>"],
    ["actor", "string", "audit: who did it (API client, GitHub login, system function)"],
    ["resource", "string", "audit: what it was done to, e.g. review/<id>"],
    ["outcome", "string", "audit: success, failure, denied, duplicate"],
    ["version", "int", "audit: review version written (reviewer)"],
    ["fromversion", "int", "audit: review version the change started from (API)"],
    ["toversion", "int", "audit: review version the change wrote (API)"],
    ["expectedversion", "int", "audit: version the caller expected (If-Match), on conflicts"],
    ["requestedversion", "int", "audit: review version the request was for"],
    ["status", "string", "audit: review status after the change"],
    ["event", "string", "security: what happened, e.g. webhook-signature-rejected, history.integrity-failed"],
    ["reason", "string", "why (security and failed audit events)"],
    ["source", "string", "security: webhook source (github, spacelift)"],
    ["sourceip", "string", "security: caller IP when known"],
    ["msg", "string", "log message"],
  ]
}

resource "aws_athena_workgroup" "evidence" {
  name          = "${local.name_prefix}-evidence"
  description   = "Queries over the audit evidence; results encrypted with the evidence key."
  force_destroy = false
  configuration {
    enforce_workgroup_configuration    = true
    publish_cloudwatch_metrics_enabled = true
    result_configuration {
      output_location = "s3://${aws_s3_bucket.evidence.bucket}/athena-results/"
      encryption_configuration {
        encryption_option = "SSE_KMS"
        kms_key_arn       = aws_kms_key.this["evidence"].arn
      }
    }
  }
}

resource "aws_athena_named_query" "who_changed_review" {
  name        = "${local.name_prefix}-who-changed-review"
  description = "Who changed review X, when, from what (replace the review id)."
  workgroup   = aws_athena_workgroup.evidence.id
  database    = aws_glue_catalog_database.evidence.name
  query       = <<-SQL
    SELECT ts, actor, action, outcome,
           coalesce(fromversion, lag(coalesce(toversion, version)) OVER (ORDER BY ts)) AS from_version,
           coalesce(toversion, version) AS to_version,
           requestedversion, status, reason, function, correlationid, traceid
    FROM events
    WHERE type = 'audit' AND resource = 'review/REVIEW_ID'
    ORDER BY ts
  SQL
}
