export { GRANTABLE, readOidcConfig, IdentityConfigError } from './config';
export type { Grant, OidcConfig } from './config';
// The token verifier (and jose) is only in '@iac-review/identity/oidc', for the request authorizer
// and the local gateway: nothing the HTTP functions import may reach it (esbuild would ship jose's chunk).
export { readAuthorizerContext, personContext, AuthorizerContextError } from './authorizer-context';
export type { AuthorizerContext, ContextPerson } from './authorizer-context';
export {
  createAuthenticator,
  personFromToken,
  scopesFromGrants,
  actorOf,
  actorFields,
  identityKey,
  canSeeRepository,
  isRestricted,
  assertCanSeeReview,
  assertCanUseRepository,
  BearerTokenError,
  ReviewNotVisibleError,
  RepositoryForbiddenError,
  objectDenialEvent,
} from './caller';
export type { Caller, KeyCaller, PersonCaller, Authenticator, AuthenticatorDeps } from './caller';
export { createDynamoRateLimiter, readRateLimitConfig, BUCKET_PREFIX } from './rate-limit';
export type { RateLimiter, RateVerdict, TokenBucketConfig } from './rate-limit';
export { authenticatorFromEnv } from './from-env';
export { createHttpApi } from './http-api';
export type { HttpApiOptions, Operation, OperationRequest } from './http-api';
