/**
 * Token verification alone (`@iac-review/identity/oidc`), for the request authorizer: the package
 * index also carries the HTTP front, the rate limiter and their on-demand chunks (the DynamoDB
 * client, the request validators), which a function that only verifies tokens must not ship.
 */
export { readOidcConfig, IdentityConfigError } from './config';
export type { OidcConfig } from './config';
export { createTokenVerifier, TokenRejectedError } from './verifier';
export type { TokenVerifier, VerifiedToken, VerifierOptions } from './verifier';
