# People sign in (issue 19): OpenID Connect bearer tokens from Amazon Cognito (default: a user pool,
# an app client for the dashboard and one group per entry of identity_group_scopes) or from any OIDC
# provider (identity_provider = "oidc" + oidc_issuer / oidc_audience / oidc_jwks_url). API keys stay
# for machines. Every non-webhook route gets the request-authorizer Lambda (an API key, or a valid
# bearer token, else 401), which alone verifies people's tokens and passes the person on in its context;
# the functions then check scopes the same way for both kinds of caller (@iac-review/identity) and keep
# a token bucket per person and per key in the table.

variable "identity_provider" {
  description = "Who signs people in: \"cognito\" (a user pool made here), \"oidc\" (any OpenID Connect provider: set oidc_issuer and oidc_audience), or \"none\" (API keys only)."
  type        = string
  default     = "cognito"
  validation {
    condition     = contains(["cognito", "oidc", "none"], var.identity_provider)
    error_message = "identity_provider must be cognito, oidc or none."
  }
}

variable "oidc_issuer" {
  description = "identity_provider = \"oidc\": the exact iss of the tokens (https URL)."
  type        = string
  default     = ""
  validation {
    condition     = var.oidc_issuer == "" || can(regex("^https://", var.oidc_issuer))
    error_message = "oidc_issuer must be an https URL."
  }
}

variable "oidc_audience" {
  description = "identity_provider = \"oidc\": accepted audiences (the app client id(s) tokens are issued to)."
  type        = list(string)
  default     = []
}

variable "oidc_jwks_url" {
  description = "identity_provider = \"oidc\": JWKS URL; empty = jwks_uri of the issuer's discovery document."
  type        = string
  default     = ""
}

variable "oidc_groups_claim" {
  description = "Claim holding a person's groups; empty = cognito:groups for Cognito, groups for other providers."
  type        = string
  default     = ""
}

variable "identity_group_scopes" {
  description = "Group → scopes it grants (reviews:read, reviews:write, analytics:read, admin = all). With Cognito, each key is also created as a user pool group."
  type        = map(list(string))
  default = {
    "iac-readers" = ["reviews:read", "analytics:read"]
    "iac-writers" = ["reviews:read", "reviews:write", "analytics:read"]
    "iac-admins"  = ["admin"]
  }
  validation {
    condition     = alltrue([for g in values(var.identity_group_scopes) : alltrue([for s in g : contains(["reviews:read", "reviews:write", "analytics:read", "admin"], s)])])
    error_message = "identity_group_scopes may grant only reviews:read, reviews:write, analytics:read and admin."
  }
}

variable "identity_group_repositories" {
  description = "Optional group → repositories (owner/name or owner/*) people may see; when set, people see only those (admins all). Empty = every repository."
  type        = map(list(string))
  default     = {}
}

variable "identity_callback_urls" {
  description = "Cognito: the dashboard's sign-in redirect URLs (authorization code + PKCE); empty = https://<web_dashboard_domain_name>/ when that is set, else no hosted sign-in (set this to the web_dashboard_url output after the first apply)."
  type        = list(string)
  default     = []
}

variable "cognito_domain_prefix" {
  description = "Cognito: prefix of the hosted sign-in domain (<prefix>.auth.<region>.amazoncognito.com); empty = no hosted domain."
  type        = string
  default     = ""
}

variable "identity_rate_limit" {
  description = "Token bucket per person and per API key, kept in the table (burst tokens, refill per second); the functions answer 429 with Retry-After when it is empty."
  type        = object({ burst = number, per_second = number })
  default     = { burst = 40, per_second = 10 }
}

variable "people_usage_plan_throttle" {
  description = "API Gateway throttle of all signed-in people together (their own limits are per person, in the functions)."
  type        = object({ rate_limit = number, burst_limit = number })
  default     = { rate_limit = 100, burst_limit = 200 }
}

locals {
  identity_enabled = var.identity_provider != "none"
  identity_cognito = var.identity_provider == "cognito"
  # Not the CloudFront domain: the distribution fronts the API, whose functions need the client id (a cycle).
  identity_callback_urls = length(var.identity_callback_urls) > 0 ? var.identity_callback_urls : (
    var.web_dashboard_enabled && var.web_dashboard_domain_name != "" ? ["https://${var.web_dashboard_domain_name}/"] : []
  )
  oidc_issuer   = local.identity_cognito ? "https://cognito-idp.${var.region}.amazonaws.com/${try(aws_cognito_user_pool.this["this"].id, "")}" : var.oidc_issuer
  oidc_audience = local.identity_cognito ? [try(aws_cognito_user_pool_client.dashboard["this"].id, "")] : var.oidc_audience

  # Sign-in settings of the functions that check callers (read by @iac-review/identity).
  identity_oidc_environment = { for k, v in merge({
    OIDC_ISSUER       = local.oidc_issuer
    OIDC_AUDIENCE     = join(",", local.oidc_audience)
    OIDC_GROUPS_CLAIM = var.oidc_groups_claim != "" ? var.oidc_groups_claim : (local.identity_cognito ? "cognito:groups" : "groups")
    OIDC_GROUP_SCOPES = jsonencode(var.identity_group_scopes)
    }, var.oidc_jwks_url != "" && !local.identity_cognito ? { OIDC_JWKS_URL = var.oidc_jwks_url } : {},
    length(var.identity_group_repositories) > 0 ? { OIDC_GROUP_REPOSITORIES = jsonencode(var.identity_group_repositories) } : {}
  ) : k => v if local.identity_enabled }
  # The functions behind the authorizer verify no token: the authorizer's context carries the person
  # (sub, username, email, groups). They keep what their settings parse (issuer and audience: sign-in
  # is on) and the group -> scope/repository mappings; the JWKS URL and groups claim are the authorizer's.
  identity_route_environment = merge({ for k, v in local.identity_oidc_environment : k => v if !contains(["OIDC_JWKS_URL", "OIDC_GROUPS_CLAIM"], k) }, {
    RATE_LIMIT_BURST      = tostring(var.identity_rate_limit.burst)
    RATE_LIMIT_PER_SECOND = tostring(var.identity_rate_limit.per_second)
  })
  identity_function_environment = {
    "api-handler"                 = local.identity_route_environment
    "historical-analysis-handler" = local.identity_route_environment
    # The people plan's key: grants nothing by itself (no client has its id), it only puts
    # signed-in people on their usage plan.
    "request-authorizer" = merge(local.identity_oidc_environment, { for k, v in { PEOPLE_API_KEY = try(aws_api_gateway_api_key.people["this"].value, "") } : k => v if local.identity_enabled })
  }

  # The REST API's security: every route that needs an API key today needs the authorizer (an API
  # key or a bearer token) and the API key it hands over; webhooks (security []) are untouched.
  identity_security_schemes = {
    ApiKeyOrPerson = {
      type                           = "apiKey"
      name                           = "Authorization"
      in                             = "header"
      description                    = "An API key in x-api-key (machines) or Authorization: Bearer <OIDC token> (people)."
      "x-amazon-apigateway-authtype" = "custom"
      "x-amazon-apigateway-authorizer" = {
        type          = "request"
        authorizerUri = module.lambda["request-authorizer"].invoke_arn
        # No caching: the decision depends on either header, and the functions check scopes anyway.
        authorizerResultTtlInSeconds = 0
      }
    }
  }
  identity_operation_security = [{ ApiKeyOrPerson = [], ApiKey = [] }]
}

resource "aws_cognito_user_pool" "this" {
  for_each            = local.identity_cognito ? toset(["this"]) : toset([])
  name                = local.name_prefix
  deletion_protection = "ACTIVE"
  username_attributes = ["email"]
  mfa_configuration   = "OPTIONAL"
  software_token_mfa_configuration {
    enabled = true
  }
  admin_create_user_config {
    allow_admin_create_user_only = true # people are invited, nobody signs themselves up
  }
  password_policy {
    minimum_length                   = 14
    require_lowercase                = true
    require_uppercase                = true
    require_numbers                  = true
    require_symbols                  = false
    temporary_password_validity_days = 3
  }
  account_recovery_setting {
    recovery_mechanism {
      name     = "verified_email"
      priority = 1
    }
  }
}

resource "aws_cognito_user_pool_client" "dashboard" {
  for_each                             = local.identity_cognito ? toset(["this"]) : toset([])
  name                                 = "${local.name_prefix}-dashboard"
  user_pool_id                         = aws_cognito_user_pool.this["this"].id
  generate_secret                      = false # a browser app: authorization code + PKCE, no client secret
  allowed_oauth_flows_user_pool_client = length(local.identity_callback_urls) > 0
  allowed_oauth_flows                  = length(local.identity_callback_urls) > 0 ? ["code"] : []
  allowed_oauth_scopes                 = length(local.identity_callback_urls) > 0 ? ["openid", "email", "profile"] : []
  callback_urls                        = local.identity_callback_urls
  logout_urls                          = local.identity_callback_urls
  supported_identity_providers         = ["COGNITO"]
  explicit_auth_flows                  = ["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]
  prevent_user_existence_errors        = "ENABLED"
  enable_token_revocation              = true
  access_token_validity                = 60
  id_token_validity                    = 60
  refresh_token_validity               = 12
  token_validity_units {
    access_token  = "minutes"
    id_token      = "minutes"
    refresh_token = "hours"
  }
}

resource "aws_cognito_user_pool_domain" "this" {
  for_each     = local.identity_cognito && var.cognito_domain_prefix != "" ? toset(["this"]) : toset([])
  domain       = var.cognito_domain_prefix
  user_pool_id = aws_cognito_user_pool.this["this"].id
}

resource "aws_cognito_user_group" "this" {
  for_each     = local.identity_cognito ? var.identity_group_scopes : {}
  name         = each.key
  user_pool_id = aws_cognito_user_pool.this["this"].id
  description  = "IaC Review: ${join(", ", each.value)}"
}

# Signed-in people share one usage plan (throttle of them all); each person's own limit is the token
# bucket the functions keep in the table.
resource "aws_api_gateway_api_key" "people" {
  for_each    = local.identity_enabled ? toset(["this"]) : toset([])
  name        = "${local.name_prefix}-people"
  description = "Usage plan key the request authorizer gives verified bearer tokens; no client holds it."
  enabled     = true
}

resource "aws_api_gateway_usage_plan" "people" {
  for_each = local.identity_enabled ? toset(["this"]) : toset([])
  name     = "${local.name_prefix}-people"
  api_stages {
    api_id = aws_api_gateway_rest_api.this.id
    stage  = aws_api_gateway_stage.this.stage_name
  }
  throttle_settings {
    rate_limit  = var.people_usage_plan_throttle.rate_limit
    burst_limit = var.people_usage_plan_throttle.burst_limit
  }
}

resource "aws_api_gateway_usage_plan_key" "people" {
  for_each      = local.identity_enabled ? toset(["this"]) : toset([])
  key_id        = aws_api_gateway_api_key.people["this"].id
  key_type      = "API_KEY"
  usage_plan_id = aws_api_gateway_usage_plan.people["this"].id
}

resource "aws_lambda_permission" "authorizer" {
  for_each      = local.identity_enabled ? toset(["this"]) : toset([])
  statement_id  = "AllowApiGatewayAuthorizer"
  action        = "lambda:InvokeFunction"
  function_name = module.lambda["request-authorizer"].function_name
  principal     = "apigateway.amazonaws.com"
  source_arn    = "${aws_api_gateway_rest_api.this.execution_arn}/authorizers/*"
}

# The authorizer's refusal as problem+json, like the functions' own 401s.
resource "aws_api_gateway_gateway_response" "identity" {
  for_each      = local.identity_enabled ? toset(["UNAUTHORIZED"]) : toset([])
  rest_api_id   = aws_api_gateway_rest_api.this.id
  response_type = each.key
  status_code   = "401"
  response_templates = {
    "application/json" = jsonencode({
      type      = "https://iac-review.dev/problems/unauthorized"
      title     = "Authentication required"
      status    = 401
      detail    = "Send an API key in x-api-key, or sign in and send Authorization: Bearer <token>."
      requestId = "$context.requestId"
    })
  }
  response_parameters = merge(local.gateway_cors_headers, {
    "gatewayresponse.header.Content-Type"     = "'application/problem+json'"
    "gatewayresponse.header.WWW-Authenticate" = "'Bearer, ApiKey header=\"x-api-key\"'"
  })
}

output "identity" {
  description = "Sign-in: the OIDC issuer and audience the API accepts, the Cognito pool and dashboard client (when Cognito), and the hosted sign-in domain."
  value = local.identity_enabled ? {
    provider         = var.identity_provider
    issuer           = local.oidc_issuer
    audience         = local.oidc_audience
    user_pool_id     = try(aws_cognito_user_pool.this["this"].id, null)
    client_id        = try(aws_cognito_user_pool_client.dashboard["this"].id, null)
    sign_in_domain   = local.identity_cognito && var.cognito_domain_prefix != "" ? "https://${var.cognito_domain_prefix}.auth.${var.region}.amazoncognito.com" : null
    groups           = keys(var.identity_group_scopes)
    callback_urls    = local.identity_callback_urls
    rate_limit       = var.identity_rate_limit
    authorizer       = module.lambda["request-authorizer"].function_name
    api_key_source   = "AUTHORIZER"
    operation_scheme = local.identity_operation_security
  } : null
}

output "identity_environment" {
  description = "The sign-in and rate-limit settings given to the functions that check callers (no secrets)."
  value       = local.identity_route_environment
}

output "identity_authorizer_environment" {
  description = "The token-verification settings given to the request authorizer (no secrets; its PEOPLE_API_KEY is left out)."
  value       = local.identity_oidc_environment
}

output "api_operation_security" {
  description = "The security requirement of every REST API operation as deployed (for the plan tests)."
  value       = { for path, ops in local.api_paths : path => { for method, op in ops : method => try(op.security, null) } }
}
