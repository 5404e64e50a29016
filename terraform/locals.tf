locals {
  name_prefix = "iac-review-${var.environment}"

  # The one list of functions (functions/manifest.json), with its defaults applied.
  manifest = jsondecode(file("${path.module}/../functions/manifest.json"))
  functions = {
    for name, spec in local.manifest.functions : name => merge(local.manifest.defaults, spec, {
      zip_path = "${var.artifacts_dir}/${name}.zip"
    })
  }

  # The one table definition (packages/core/src/table.json).
  table = jsondecode(file("${path.module}/../packages/core/src/table.json"))

  # The one OpenAPI document (packages/core/src/openapi.json).
  openapi = jsondecode(file("${path.module}/../packages/core/src/openapi.json"))

  event_source = "iac-review"
}
