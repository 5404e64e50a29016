terraform {
  required_version = ">= 1.6.0"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.100"
    }
  }
  # No backend block here so the offline checks can plan without one: the deploy workflow writes
  # backend.tf (an empty "s3" backend) and passes the bucket/key/table with -backend-config.
}

provider "aws" {
  region = var.region

  # Only the offline checks (terraform fmt/validate/plan in `npm test`) set these to true.
  skip_credentials_validation = var.offline_checks
  skip_requesting_account_id  = var.offline_checks
  skip_metadata_api_check     = var.offline_checks

  default_tags {
    tags = merge(var.tags, {
      service     = "iac-review"
      environment = var.environment
    })
  }
}
