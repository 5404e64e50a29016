export { GRANTABLE, readOidcConfig, IdentityConfigError } from './config';
export type { Grant, OidcConfig } from './config';
export { createTokenVerifier, TokenRejectedError } from './verifier';
export type { TokenVerifier, VerifiedToken, VerifierOptions } from './verifier';
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
