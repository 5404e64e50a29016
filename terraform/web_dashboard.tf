# The web dashboard (packages/dashboard; dashboard.tf is the CloudWatch one for on-call): its built
# static files in a private S3 bucket behind CloudFront, with the API routed through the same
# distribution so the browser talks to one origin (no CORS, and the Content-Security-Policy can say
# connect-src 'self'). Build the files first
# (`npx pnpm@9.15.9 exec turbo run build --filter=@iac-review/dashboard`, which `npm start` and
# `npm test` also do); `terraform apply` uploads whatever is in web_dashboard_dist_dir.

variable "web_dashboard_enabled" {
  description = "Deploy the web dashboard (S3 + CloudFront)."
  type        = bool
  default     = true
}

variable "web_dashboard_dist_dir" {
  description = "Folder with the dashboard's built files (vite build output). Empty folder or missing: the bucket is created without files."
  type        = string
  default     = "../packages/dashboard/dist"
}

variable "web_dashboard_price_class" {
  description = "CloudFront price class of the dashboard's distribution."
  type        = string
  default     = "PriceClass_100"
  validation {
    condition     = contains(["PriceClass_100", "PriceClass_200", "PriceClass_All"], var.web_dashboard_price_class)
    error_message = "web_dashboard_price_class must be PriceClass_100, PriceClass_200 or PriceClass_All."
  }
}

variable "web_dashboard_domain_name" {
  description = "Custom domain of the dashboard (e.g. iac-review.example.com); empty: the distribution's *.cloudfront.net name, which also accepts TLS 1.0 from viewers."
  type        = string
  default     = ""
}

variable "web_dashboard_certificate_arn" {
  description = "ACM certificate (in us-east-1) for web_dashboard_domain_name; viewers then need TLS 1.2 or later."
  type        = string
  default     = ""
  validation {
    condition     = var.web_dashboard_certificate_arn == "" || can(regex("^arn:aws[a-z-]*:acm:us-east-1:", var.web_dashboard_certificate_arn))
    error_message = "web_dashboard_certificate_arn must be an ACM certificate in us-east-1 (CloudFront only uses those)."
  }
}

locals {
  web_dashboard = var.web_dashboard_enabled ? toset(["this"]) : toset([])
  # config.json is written below (the API is this distribution's own origin), not uploaded from dist.
  web_dashboard_files = var.web_dashboard_enabled ? setsubtract(fileset(var.web_dashboard_dist_dir, "**"), ["config.json"]) : toset([])
  web_dashboard_content_types = {
    html = "text/html; charset=utf-8"
    js   = "text/javascript; charset=utf-8"
    css  = "text/css; charset=utf-8"
    json = "application/json; charset=utf-8"
    svg  = "image/svg+xml"
    png  = "image/png"
    ico  = "image/x-icon"
    txt  = "text/plain; charset=utf-8"
  }
  # Paths of the HTTP API the dashboard calls, forwarded to API Gateway uncached (webhooks go to API Gateway directly).
  web_dashboard_api_paths = ["/health", "/reviews", "/reviews/*", "/analytics/*"]
  # CloudFront managed policies (fixed ids published by AWS).
  cf_cache_optimized             = "658327ea-f89d-4fab-a63d-7e88639e58f6" # Managed-CachingOptimized
  cf_cache_disabled              = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad" # Managed-CachingDisabled
  cf_all_viewer_except_host      = "b689b0a8-53d0-40ab-baf2-68738e2966ac" # Managed-AllViewerExceptHostHeader
  web_dashboard_content_security = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src ${local.web_dashboard_connect_src}; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
}

resource "aws_s3_bucket" "web_dashboard" {
  for_each      = local.web_dashboard
  bucket_prefix = "${local.name_prefix}-web-"
}

resource "aws_s3_bucket_public_access_block" "web_dashboard" {
  for_each                = local.web_dashboard
  bucket                  = aws_s3_bucket.web_dashboard[each.key].id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_ownership_controls" "web_dashboard" {
  for_each = local.web_dashboard
  bucket   = aws_s3_bucket.web_dashboard[each.key].id
  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "web_dashboard" {
  for_each = local.web_dashboard
  bucket   = aws_s3_bucket.web_dashboard[each.key].id
  rule {
    # SSE-S3: CloudFront's origin access control reads it without a KMS grant; the files are public anyway.
    apply_server_side_encryption_by_default {
      sse_algorithm = "AES256"
    }
  }
}

resource "aws_s3_bucket_versioning" "web_dashboard" {
  for_each = local.web_dashboard
  bucket   = aws_s3_bucket.web_dashboard[each.key].id
  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_cloudfront_origin_access_control" "web_dashboard" {
  for_each                          = local.web_dashboard
  name                              = "${local.name_prefix}-web-dashboard"
  description                       = "CloudFront reads the dashboard bucket; nobody else does."
  origin_access_control_origin_type = "s3"
  signing_behavior                  = "always"
  signing_protocol                  = "sigv4"
}

resource "aws_cloudfront_response_headers_policy" "web_dashboard" {
  for_each = local.web_dashboard
  name     = "${local.name_prefix}-web-dashboard"
  comment  = "Same headers as the local stack sends with the dashboard (scripts/src/local/dashboard.ts)."
  security_headers_config {
    content_security_policy {
      content_security_policy = local.web_dashboard_content_security
      override                = true
    }
    content_type_options {
      override = true
    }
    frame_options {
      frame_option = "DENY"
      override     = true
    }
    referrer_policy {
      referrer_policy = "no-referrer"
      override        = true
    }
    strict_transport_security {
      access_control_max_age_sec = 31536000
      include_subdomains         = true
      override                   = true
    }
  }
}

resource "aws_cloudfront_distribution" "web_dashboard" {
  for_each            = local.web_dashboard
  enabled             = true
  comment             = "${local.name_prefix} web dashboard"
  default_root_object = "index.html"
  price_class         = var.web_dashboard_price_class
  http_version        = "http2and3"
  is_ipv6_enabled     = true

  origin {
    origin_id                = "dashboard-files"
    domain_name              = aws_s3_bucket.web_dashboard[each.key].bucket_regional_domain_name
    origin_access_control_id = aws_cloudfront_origin_access_control.web_dashboard[each.key].id
  }

  origin {
    origin_id   = "api"
    domain_name = "${aws_api_gateway_rest_api.this.id}.execute-api.${var.region}.amazonaws.com"
    origin_path = "/${aws_api_gateway_stage.this.stage_name}"
    custom_origin_config {
      http_port              = 80
      https_port             = 443
      origin_protocol_policy = "https-only"
      origin_ssl_protocols   = ["TLSv1.2"]
    }
  }

  default_cache_behavior {
    target_origin_id           = "dashboard-files"
    viewer_protocol_policy     = "redirect-to-https"
    allowed_methods            = ["GET", "HEAD"]
    cached_methods             = ["GET", "HEAD"]
    compress                   = true
    cache_policy_id            = local.cf_cache_optimized
    response_headers_policy_id = aws_cloudfront_response_headers_policy.web_dashboard[each.key].id
  }

  dynamic "ordered_cache_behavior" {
    for_each = local.web_dashboard_api_paths
    content {
      path_pattern             = ordered_cache_behavior.value
      target_origin_id         = "api"
      viewer_protocol_policy   = "https-only"
      allowed_methods          = ["GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"]
      cached_methods           = ["GET", "HEAD"]
      compress                 = true
      cache_policy_id          = local.cf_cache_disabled
      origin_request_policy_id = local.cf_all_viewer_except_host
    }
  }

  restrictions {
    geo_restriction {
      restriction_type = "none"
    }
  }

  aliases = var.web_dashboard_domain_name == "" ? [] : [var.web_dashboard_domain_name]

  viewer_certificate {
    cloudfront_default_certificate = var.web_dashboard_certificate_arn == ""
    acm_certificate_arn            = var.web_dashboard_certificate_arn == "" ? null : var.web_dashboard_certificate_arn
    ssl_support_method             = var.web_dashboard_certificate_arn == "" ? null : "sni-only"
    minimum_protocol_version       = "TLSv1.2_2021"
  }

  lifecycle {
    precondition {
      condition     = (var.web_dashboard_domain_name == "") == (var.web_dashboard_certificate_arn == "")
      error_message = "Set web_dashboard_domain_name and web_dashboard_certificate_arn together (or neither)."
    }
  }
}

resource "aws_s3_bucket_policy" "web_dashboard" {
  for_each = local.web_dashboard
  bucket   = aws_s3_bucket.web_dashboard[each.key].id
  # The public access block is in place before any policy is attached.
  depends_on = [aws_s3_bucket_public_access_block.web_dashboard]
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "CloudFrontReadsDashboardFiles"
      Effect    = "Allow"
      Principal = { Service = "cloudfront.amazonaws.com" }
      Action    = "s3:GetObject"
      Resource  = "${aws_s3_bucket.web_dashboard[each.key].arn}/*"
      Condition = { StringEquals = { "AWS:SourceArn" = aws_cloudfront_distribution.web_dashboard[each.key].arn } }
      }, {
      Sid       = "TlsOnly"
      Effect    = "Deny"
      Principal = "*"
      Action    = "s3:*"
      Resource  = [aws_s3_bucket.web_dashboard[each.key].arn, "${aws_s3_bucket.web_dashboard[each.key].arn}/*"]
      Condition = { Bool = { "aws:SecureTransport" = "false" } }
    }]
  })
}

resource "aws_s3_object" "web_dashboard" {
  for_each     = local.web_dashboard_files
  bucket       = aws_s3_bucket.web_dashboard["this"].id
  key          = each.value
  source       = "${var.web_dashboard_dist_dir}/${each.value}"
  source_hash  = filemd5("${var.web_dashboard_dist_dir}/${each.value}")
  content_type = lookup(local.web_dashboard_content_types, reverse(split(".", each.value))[0], "application/octet-stream")
  # Vite names assets by content hash: cache them for a year; index.html must always be revalidated.
  cache_control = startswith(each.value, "assets/") ? "public, max-age=31536000, immutable" : "no-cache"
}

resource "aws_s3_object" "web_dashboard_config" {
  for_each      = local.web_dashboard
  bucket        = aws_s3_bucket.web_dashboard[each.key].id
  key           = "config.json"
  content       = jsonencode(local.web_dashboard_config) # the API is served by this distribution (web_dashboard_api_paths); signIn when people sign in
  content_type  = "application/json; charset=utf-8"
  cache_control = "no-cache"
}

output "web_dashboard_url" {
  description = "The web dashboard (people sign in at the configured issuer when web_dashboard_sign_in.tf has its endpoints; machines with an API key from api_clients); null when web_dashboard_enabled is false."
  value       = var.web_dashboard_enabled ? "https://${var.web_dashboard_domain_name != "" ? var.web_dashboard_domain_name : aws_cloudfront_distribution.web_dashboard["this"].domain_name}/" : null
}
