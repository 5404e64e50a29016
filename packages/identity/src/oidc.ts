/**
 * Token verification alone (`@iac-review/identity/oidc`), for the request authorizer and the local
 * gateway: the package index carries the HTTP front, the rate limiter and their on-demand chunks
 * (the DynamoDB client, the request validators), which a function that only verifies tokens must
 * not ship; and the HTTP functions, which read the authorizer's context, must not ship jose.
 */
export { readOidcConfig, IdentityConfigError } from './config';
export type { OidcConfig } from './config';
export { createTokenVerifier, TokenRejectedError } from './verifier';
export type { TokenVerifier, VerifiedToken, VerifierOptions } from './verifier';
export { personContext, API_KEY_CONTEXT } from './authorizer-context';
export type { AuthorizerContext, ContextPerson } from './authorizer-context';
