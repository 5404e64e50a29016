# Single-table design: review versions, head items, delivery idempotency records, trend rollups.
# Keys, indexes and the TTL attribute come from packages/core/src/table.json.
resource "aws_dynamodb_table" "this" {
  name         = local.name_prefix
  billing_mode = local.table.billingMode
  hash_key     = local.table.partitionKey.name
  range_key    = local.table.sortKey.name

  dynamic "attribute" {
    for_each = {
      for k in concat(
        [local.table.partitionKey, local.table.sortKey],
        flatten([for i in local.table.globalSecondaryIndexes : [i.partitionKey, i.sortKey]])
      ) : k.name => k.type
    }
    content {
      name = attribute.key
      type = attribute.value
    }
  }

  dynamic "global_secondary_index" {
    for_each = local.table.globalSecondaryIndexes
    content {
      name               = global_secondary_index.value.name
      hash_key           = global_secondary_index.value.partitionKey.name
      range_key          = global_secondary_index.value.sortKey.name
      projection_type    = global_secondary_index.value.projection
      non_key_attributes = try(global_secondary_index.value.nonKeyAttributes, null)
    }
  }

  ttl {
    attribute_name = local.table.ttlAttribute
    enabled        = true
  }

  point_in_time_recovery {
    enabled = true
  }

  server_side_encryption {
    enabled     = true
    kms_key_arn = aws_kms_key.this["table"].arn
  }

  deletion_protection_enabled = true
}
