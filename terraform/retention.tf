# Log retention, one rule for every log group: a function's own `logRetentionDays` in
# functions/manifest.json wins; else the `log_retention_days` variable when it is set; else the
# manifest's `defaults.logRetentionDays`. (The manifest default used to be merged into every
# function and silently override the variable.)
locals {
  log_retention_days = coalesce(var.log_retention_days, try(local.manifest.defaults.logRetentionDays, null), 30)

  function_log_retention_days = {
    for name, spec in local.manifest.functions : name => try(spec.logRetentionDays, local.log_retention_days)
  }
}
