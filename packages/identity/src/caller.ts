import { ForbiddenError, header, SCOPES, HttpProblemError, NotFoundError, RateLimitedError, type ClientRegistry, type HttpEvent } from '@iac-review/core';
import type { Logger } from '@iac-review/logger';
import type { Grant, OidcConfig } from './config';
import type { RateLimiter } from './rate-limit';
import { AuthorizerContextError, readAuthorizerContext } from './authorizer-context';

/** A machine holding an API key (API Gateway validated the key; we map its id to a client). */
export interface KeyCaller {
  kind: 'key';
  name: string;
  keyId: string;
  scopes: readonly string[];
}

/** A person signed in with the configured OIDC issuer. */
export interface PersonCaller {
  kind: 'person';
  sub: string;
  username?: string;
  email?: string;
  groups: readonly string[];
  scopes: readonly string[];
  /** Repositories the person may see (`owner/name` or `owner/*`); undefined = every repository. */
  repositories?: readonly string[];
}

export type Caller = KeyCaller | PersonCaller;

/** The one "who is calling and may they do this" check every HTTP function uses. */
export interface Authenticator {
  /**
   * Identifies the caller (API key id from API Gateway, or the person the request authorizer verified
   * from `Authorization: Bearer <OIDC token>`, read from its context), checks it holds every scope the operation requires (x-iac-review-scopes), then takes one token
   * from its rate-limit bucket. Operations without scopes are public: undefined, no check.
   * Failures are 401/403/429 problems, each logged as a security event.
   */
  authorize(event: HttpEvent, operationId: string, required: readonly string[]): Promise<Caller | undefined>;
}

export class BearerTokenError extends HttpProblemError {
  override name = 'BearerTokenError';
  constructor(detail: string) {
    super(401, 'unauthorized', 'Authentication required', detail, { headers: { 'www-authenticate': 'Bearer error="invalid_token", ApiKey header="x-api-key"' } });
  }
}


/** Scopes from grants: `admin` holds every scope. */
export const scopesFromGrants = (grants: Iterable<Grant>): string[] => {
  const set = new Set<string>();
  for (const g of grants) {
    set.add(g);
    if (g === 'admin') for (const s of SCOPES) set.add(s);
  }
  return [...set].sort();
};

export const personFromToken = (config: OidcConfig, t: { sub: string; username?: string; email?: string; groups: readonly string[] }): PersonCaller => {
  const grants = t.groups.flatMap((g) => (Object.prototype.hasOwnProperty.call(config.groupScopes, g) ? [...config.groupScopes[g]!] : []));
  const scopes = scopesFromGrants(grants);
  let repositories: string[] | undefined;
  if (config.groupRepositories && !scopes.includes('admin')) {
    const map = config.groupRepositories;
    repositories = [...new Set(t.groups.flatMap((g) => (Object.prototype.hasOwnProperty.call(map, g) ? [...map[g]!] : [])))].sort();
  }
  return {
    kind: 'person',
    sub: t.sub,
    ...(t.username ? { username: t.username } : {}),
    ...(t.email ? { email: t.email } : {}),
    groups: [...t.groups],
    scopes,
    ...(repositories ? { repositories } : {}),
  };
};

/** One string naming the actor, stored in a version's hash-chained metadata and its content. */
export const actorOf = (caller: Caller | undefined): string => {
  if (!caller) return 'anonymous';
  if (caller.kind === 'key') return caller.name;
  const who = caller.username ?? caller.email ?? caller.sub;
  const parts = [`user:${who}`, `sub=${caller.sub}`];
  if (caller.email && caller.email !== who) parts.push(`email=${caller.email}`);
  if (caller.groups.length > 0) parts.push(`groups=${caller.groups.join(',')}`);
  const s = parts.join(' ');
  return s.length <= 1000 ? s : `${s.slice(0, 997)}...`;
};

/** Structured actor fields for audit and security log lines. */
export const actorFields = (caller: Caller | undefined): Record<string, unknown> => {
  if (!caller) return { actorKind: 'anonymous' };
  if (caller.kind === 'key') return { actorKind: 'api-key', client: caller.name };
  return { actorKind: 'person', sub: caller.sub, ...(caller.username ? { username: caller.username } : {}), ...(caller.email ? { email: caller.email } : {}), groups: caller.groups };
};

/** A stable id for per-identity limits and idempotency scopes. */
export const identityKey = (caller: Caller): string => (caller.kind === 'key' ? `key:${caller.keyId}` : `person:${caller.sub}`);

const matches = (pattern: string, repository: string): boolean => (pattern.endsWith('/*') ? repository.toLowerCase().startsWith(pattern.slice(0, -1).toLowerCase()) : pattern.toLowerCase() === repository.toLowerCase());

/** Object-level authorization (OWASP API1): may this caller see this repository's reviews? Keys see all. */
export const canSeeRepository = (caller: Caller | undefined, repository: string | undefined): boolean => {
  if (!caller || caller.kind === 'key' || caller.repositories === undefined) return true;
  if (repository === undefined) return false;
  return caller.repositories.some((p) => matches(p, repository));
};

/** True when the caller sees only some repositories (lists must be filtered, unscoped aggregates refused). */
export const isRestricted = (caller: Caller | undefined): boolean => caller?.kind === 'person' && caller.repositories !== undefined;

/** A review of a repository the person may not see (answered 404: no existence oracle). */
export class ReviewNotVisibleError extends NotFoundError {
  override name = 'ReviewNotVisibleError';
  constructor(
    readonly reviewId: string,
    readonly repository: string | undefined,
    readonly person: PersonCaller,
  ) {
    super(`No review ${reviewId}.`);
  }
}

/** A repository the person named but may not see (answered 403). */
export class RepositoryForbiddenError extends ForbiddenError {
  override name = 'RepositoryForbiddenError';
  constructor(
    readonly repository: string | undefined,
    readonly person: PersonCaller,
  ) {
    super(
      repository === undefined
        ? 'Your groups allow only some repositories; name one of them (repository=owner/name).'
        : `Your groups do not allow repository ${repository}; ask an administrator to add it to your group's repositories.`,
    );
  }
}

/** The security event for an object-level denial (OWASP API1), or undefined for any other error. */
export const objectDenialEvent = (err: unknown): { event: string; reason: string; [k: string]: unknown } | undefined => {
  if (err instanceof ReviewNotVisibleError)
    return { event: 'auth.object-denied', reason: 'review of a repository outside the person\'s groups', reviewId: err.reviewId, repository: err.repository ?? null, status: 404, ...actorFields(err.person) };
  if (err instanceof RepositoryForbiddenError) return { event: 'auth.object-denied', reason: 'repository outside the person\'s groups', repository: err.repository ?? null, status: 403, ...actorFields(err.person) };
  return undefined;
};

/** A review by id the caller may not see answers 404, as if it did not exist (no existence oracle). */
export const assertCanSeeReview = (caller: Caller | undefined, id: string, repository: string | undefined): void => {
  if (!canSeeRepository(caller, repository)) throw new ReviewNotVisibleError(id, repository, caller as PersonCaller);
};

/** A repository the caller names explicitly (a filter, a submission) and may not see answers 403. */
export const assertCanUseRepository = (caller: Caller | undefined, repository: string | undefined): void => {
  if (canSeeRepository(caller, repository)) return;
  throw new RepositoryForbiddenError(repository, caller as PersonCaller);
};

export interface AuthenticatorDeps {
  clients: ClientRegistry;
  /** Sign-in settings: the group → scope/repository mapping applied to the authorizer's person. */
  oidc?: OidcConfig;
  limiter?: RateLimiter;
  logger: Logger;
}

export const createAuthenticator = (deps: AuthenticatorDeps): Authenticator => {
  const { logger } = deps;
  const security = (event: HttpEvent, operationId: string, name: string, reason: string, status: number, extra: Record<string, unknown> = {}) =>
    logger.security({ event: name, reason, sourceIp: event.requestContext?.identity?.sourceIp ?? undefined, operation: operationId, status, ...extra });

  /**
   * People's bearer tokens are verified once, by the request authorizer in front of every
   * non-webhook route (functions/request-authorizer; the local gateway runs the same code). Its
   * context (event.requestContext.authorizer, set by API Gateway, never by the client) names the
   * caller kind, and for a person the subject and groups; scopes come from this function's mapping.
   */
  const identify = (event: HttpEvent, operationId: string): Caller => {
    let context: ReturnType<typeof readAuthorizerContext>;
    try {
      context = readAuthorizerContext((event.requestContext as { authorizer?: unknown } | undefined)?.authorizer);
    } catch (err) {
      if (err instanceof AuthorizerContextError) logger.error('authorizer context rejected', { reason: err.reason, operation: operationId });
      throw err;
    }
    if (context.kind === 'person') {
      if (!deps.oidc) {
        const err = new AuthorizerContextError('the authorizer verified a person but this function has no sign-in settings (OIDC_ISSUER, OIDC_GROUP_SCOPES)');
        logger.error('authorizer context rejected', { reason: err.reason, operation: operationId });
        throw err;
      }
      return personFromToken(deps.oidc, context);
    }
    const authorization = header(event, 'authorization');
    if (context.kind === 'none' && authorization !== undefined) {
      if (!/^Bearer\s+([A-Za-z0-9_.~+/=-]+)\s*$/i.test(authorization)) {
        security(event, operationId, 'auth.signin-failed', 'Authorization is not a Bearer token', 401);
        throw new BearerTokenError('Send Authorization: Bearer <token> with an access or ID token from the sign-in issuer, or an API key in x-api-key.');
      }
      if (!deps.oidc) {
        security(event, operationId, 'auth.signin-failed', 'bearer token sent but sign-in is not configured', 401);
        throw new BearerTokenError('Sign-in with bearer tokens is not configured on this deployment; use an API key in x-api-key.');
      }
      security(event, operationId, 'auth.signin-failed', "bearer token without the request authorizer's verification", 401);
      throw new BearerTokenError("Bearer tokens are verified by the API's request authorizer, which did not run for this request; use an API key in x-api-key instead.");
    }
    const keyId = event.requestContext?.identity?.apiKeyId ?? undefined;
    const client = keyId ? deps.clients[keyId] : undefined;
    if (!keyId || !client) {
      security(event, operationId, 'auth.denied', keyId ? 'unknown API key' : 'no credentials', 401);
      throw new BearerTokenError('Send an API key in x-api-key, or sign in and send Authorization: Bearer <token>.');
    }
    return { kind: 'key', name: client.name, keyId, scopes: client.scopes };
  };

  return {
    authorize: async (event, operationId, required) => {
      if (required.length === 0) return undefined;
      const caller = identify(event, operationId);
      const missing = required.filter((s) => !caller.scopes.includes(s));
      if (missing.length > 0) {
        const who = caller.kind === 'key' ? `The API key of ${caller.name}` : `Your groups (${caller.groups.join(', ') || 'none'})`;
        security(event, operationId, 'auth.denied', `missing scope ${missing.join(', ')}`, 403, actorFields(caller));
        throw new ForbiddenError(`${who} lack${caller.kind === 'key' ? 's' : ''} the scope ${missing.join(', ')} needed for this operation.`);
      }
      if (deps.limiter) {
        const verdict = await deps.limiter.take(identityKey(caller));
        if (!verdict.allowed) {
          security(event, operationId, 'rate-limit.exceeded', `bucket of ${identityKey(caller)} empty`, 429, { ...actorFields(caller), retryAfterSeconds: verdict.retryAfterSeconds });
          throw new RateLimitedError(verdict.retryAfterSeconds, `Too many requests from ${caller.kind === 'key' ? `the API key of ${caller.name}` : 'you'}; retry after ${verdict.retryAfterSeconds} s.`);
        }
      }
      return caller;
    },
  };
};
