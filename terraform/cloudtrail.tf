# CloudTrail data events for the review table and the evidence bucket: every item-level read and
# write of the table and every object-level access to the evidence, signed (log file validation)
# and kept in the evidence bucket under Object Lock. With cloudtrail_mode = "organization", an
# existing organisation trail is relied on instead (it must log data events for these two ARNs;
# see docs/SOC2.md) and no trail is created here.
locals {
  trail_name = "${local.name_prefix}-data-events"
  trail_arn  = "arn:${local.partition}:cloudtrail:${var.region}:${local.account_id}:trail/${local.trail_name}"
}

resource "aws_cloudtrail" "data_events" {
  count                         = var.cloudtrail_mode == "trail" ? 1 : 0
  name                          = local.trail_name
  s3_bucket_name                = aws_s3_bucket.evidence.id
  s3_key_prefix                 = "cloudtrail"
  kms_key_id                    = aws_kms_key.this["evidence"].arn
  enable_log_file_validation    = true
  include_global_service_events = true
  is_multi_region_trail         = true

  advanced_event_selector {
    name = "Review table items"
    field_selector {
      field  = "eventCategory"
      equals = ["Data"]
    }
    field_selector {
      field  = "resources.type"
      equals = ["AWS::DynamoDB::Table"]
    }
    field_selector {
      field  = "resources.ARN"
      equals = [aws_dynamodb_table.this.arn]
    }
  }

  advanced_event_selector {
    name = "Evidence objects"
    field_selector {
      field  = "eventCategory"
      equals = ["Data"]
    }
    field_selector {
      field  = "resources.type"
      equals = ["AWS::S3::Object"]
    }
    field_selector {
      field       = "resources.ARN"
      starts_with = ["${aws_s3_bucket.evidence.arn}/"]
      # Not the trail's own log files (each delivery would log itself).
      not_starts_with = ["${aws_s3_bucket.evidence.arn}/cloudtrail/"]
    }
  }

  advanced_event_selector {
    name = "Management events"
    field_selector {
      field  = "eventCategory"
      equals = ["Management"]
    }
  }

  depends_on = [aws_s3_bucket_policy.evidence]
}
