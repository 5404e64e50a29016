# Secrets the functions read (webhook secrets, GitHub App key, …). Only the containers are created
# here; values are put in out of band (never in Terraform state). Functions list the ones they may
# read under resources.secrets in functions/manifest.json.
locals {
  secret_names = toset(flatten([for fn in local.functions : try(fn.resources.secrets, [])]))
}

resource "aws_secretsmanager_secret" "this" {
  for_each                = local.secret_names
  name                    = "${local.name_prefix}/${each.value}"
  description             = "IaC Review ${each.value} (set the value out of band)."
  recovery_window_in_days = 7
  kms_key_id              = aws_kms_key.this["secrets"].arn
}
