# People's sign-in on the web dashboard: Authorization Code + PKCE (public client, no secret) against the
# configured issuer. config.json (web_dashboard.tf) gets a `signIn` block and the dashboard's CSP allows
# the token endpoint's origin in connect-src (the authorization endpoint is a page navigation, not a fetch).
# Cognito: needs cognito_domain_prefix (the hosted sign-in) and a callback URL (identity_callback_urls,
# or web_dashboard_domain_name). Any other provider: oidc_authorization_endpoint + oidc_token_endpoint.
# Without them the dashboard offers the API-key entry only.

variable "oidc_authorization_endpoint" {
  description = "identity_provider = \"oidc\": the provider's authorization endpoint (https URL) for the dashboard's sign-in; empty = API keys only on the dashboard."
  type        = string
  default     = ""
  validation {
    condition     = var.oidc_authorization_endpoint == "" || can(regex("^https://[^/?#]+(/[^?#]*)?$", var.oidc_authorization_endpoint))
    error_message = "oidc_authorization_endpoint must be an https URL without query or fragment."
  }
}

variable "oidc_token_endpoint" {
  description = "identity_provider = \"oidc\": the provider's token endpoint (https URL; it must allow CORS from the dashboard's origin). Its origin is added to the dashboard's CSP connect-src."
  type        = string
  default     = ""
  validation {
    condition     = var.oidc_token_endpoint == "" || can(regex("^https://[^/?#]+(/[^?#]*)?$", var.oidc_token_endpoint))
    error_message = "oidc_token_endpoint must be an https URL without query or fragment."
  }
}

locals {
  web_dashboard_cognito_domain = local.identity_cognito && var.cognito_domain_prefix != "" && length(local.identity_callback_urls) > 0 ? "https://${var.cognito_domain_prefix}.auth.${var.region}.amazoncognito.com" : ""
  web_dashboard_sign_in = local.web_dashboard_cognito_domain != "" ? {
    clientId              = try(aws_cognito_user_pool_client.dashboard["this"].id, "")
    authorizationEndpoint = "${local.web_dashboard_cognito_domain}/oauth2/authorize"
    tokenEndpoint         = "${local.web_dashboard_cognito_domain}/oauth2/token"
    scope                 = "openid email profile"
    providerName          = "Cognito"
    } : var.identity_provider == "oidc" && var.oidc_authorization_endpoint != "" && var.oidc_token_endpoint != "" && length(var.oidc_audience) > 0 ? {
    clientId              = var.oidc_audience[0]
    authorizationEndpoint = var.oidc_authorization_endpoint
    tokenEndpoint         = var.oidc_token_endpoint
    scope                 = "openid email profile"
    providerName          = "single sign-on"
  } : null
  # The token endpoint's origin: the only place besides 'self' the dashboard may fetch from.
  web_dashboard_connect_src = local.web_dashboard_sign_in == null ? "'self'" : "'self' ${regex("^https://[^/?#]+", local.web_dashboard_sign_in.tokenEndpoint)}"
  web_dashboard_config      = merge({ apiBaseUrl = "" }, local.web_dashboard_sign_in == null ? {} : { signIn = local.web_dashboard_sign_in })
}
