import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { deferred, parseClientRegistry } from '@iac-review/core';
import type { Logger } from '@iac-review/logger';
import { createAuthenticator, type Authenticator } from './caller';
import { readOidcConfig } from './config';
import { createDynamoRateLimiter, readRateLimitConfig } from './rate-limit';

/** A DynamoDB client built on its first request (the SDK is not loaded at cold start). */
const lazyDynamoDbClient = (region: string) =>
  deferred<Pick<DynamoDBClient, 'send'>>(async () => new (await import('./dynamodb-client')).DynamoDBClient({ region, maxAttempts: 3 }), { send: true });

/**
 * The composition root's authenticator: API_CLIENTS (API key id → client), OIDC_* (sign-in; off when
 * OIDC_ISSUER is unset; the group → scope/repository mapping for the people the request authorizer
 * verified — this function verifies no token itself), RATE_LIMIT_BURST / RATE_LIMIT_PER_SECOND (per-identity token buckets in the
 * table TABLE_NAME; off when both are unset). Bad values fail the cold start, naming the variable.
 */
export const authenticatorFromEnv = (env: Record<string, string | undefined>, deps: { logger: Logger; region: string; tableName: string }): Authenticator => {
  const oidc = readOidcConfig(env);
  const rate = readRateLimitConfig(env);
  return createAuthenticator({
    clients: parseClientRegistry(env.API_CLIENTS),
    logger: deps.logger,
    ...(oidc ? { oidc } : {}),
    ...(rate ? { limiter: createDynamoRateLimiter({ client: lazyDynamoDbClient(deps.region), tableName: deps.tableName, config: rate }) } : {}),
  });
};
