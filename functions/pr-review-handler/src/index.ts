import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { readServiceConfig } from '@iac-review/core';
import { createLogger, withObservability, type LogLevel } from '@iac-review/logger';
import { createAwsReviewService, createGithubReviews, historyKeyProviderFromEnv, reportIntegrityFailures } from '@iac-review/reviews';
import { parseCredentialsSecret, readPrReviewConfig, type PrReviewConfig } from './config';
import { createClientPool, createGitHubClient, type GitHubClient, type GitHubCredentials } from './github-client';
import { createHandler, type HandlerOutcome } from './handler';

// Composition root: configuration, clients and the logger are built once per container.
const env = process.env;
const LEVELS: readonly LogLevel[] = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'];
const logger = createLogger({
  service: 'iac-review',
  functionName: env.AWS_LAMBDA_FUNCTION_NAME ?? 'pr-review-handler',
  functionVersion: env.AWS_LAMBDA_FUNCTION_VERSION,
  level: LEVELS.find((l) => l === env.LOG_LEVEL) ?? 'info',
});

/** GitHub credentials: from the environment, or Secrets Manager cached per container for the TTL. */
const credentialsLoader = (config: PrReviewConfig): (() => Promise<GitHubCredentials | undefined>) => {
  const source = config.credentials;
  if (source.kind === 'env') return async () => source.credentials;
  if (source.kind === 'none') return async () => undefined;
  const client = new SecretsManagerClient({ region: env.AWS_REGION ?? 'us-east-1', maxAttempts: 3 });
  let cached: { value: GitHubCredentials; at: number } | undefined;
  return async () => {
    if (cached && Date.now() - cached.at < source.ttlMs) return cached.value;
    const out = await client.send(new GetSecretValueCommand({ SecretId: source.secretId }));
    cached = { value: parseCredentialsSecret(out.SecretString, source.secretId), at: Date.now() };
    return cached.value;
  };
};

const build = () => {
  const service = readServiceConfig(env);
  const config = readPrReviewConfig(env);
  const { service: reviews, store, blobs, events } = createAwsReviewService(service, { logger, macKeys: historyKeyProviderFromEnv(env, service.region), onIntegrityFailure: reportIntegrityFailures(logger) });
  const github = createGithubReviews({ store, blobs, events, clock: () => new Date() });
  const credentials = credentialsLoader(config);
  const clientOptions = {
    baseUrl: config.apiUrl,
    logger,
    maxRetries: config.maxRetries,
    maxRateLimitWaitSeconds: config.maxRateLimitWaitSeconds,
    waitUnitMs: config.waitUnitMs,
    minWriteIntervalMs: config.minWriteIntervalMs,
  };
  let pool: { creds: GitHubCredentials | undefined; get: (installationId: number | undefined) => GitHubClient } | undefined;
  const clientFor = async (installationId: number | undefined): Promise<{ client: GitHubClient; authenticated: boolean }> => {
    const creds = await credentials();
    // A rotated secret gets fresh clients.
    if (!pool || pool.creds !== creds) {
      pool = { creds, get: createClientPool((id) => createGitHubClient({ ...clientOptions, ...(creds ? { credentials: creds } : {}), ...(id !== undefined ? { installationId: id } : {}) })) };
    }
    return { client: pool.get(creds?.kind === 'app' ? installationId : undefined), authenticated: creds !== undefined };
  };
  logger.info(`pr-review-handler: GitHub at ${config.apiUrl}; ${config.credentials.kind === 'none' ? 'not publishing (no credentials)' : `publishing with credentials from ${config.credentials.kind === 'env' ? 'GITHUB_TOKEN' : 'Secrets Manager'}`}`, {
    githubApiUrl: config.apiUrl,
    credentials: config.credentials.kind,
    failOn: config.failOn,
  });
  return createHandler({
    reviews,
    github,
    logger,
    readerFor: async (id) => (await clientFor(id)).client,
    publisherFor: async (id) => {
      const c = await clientFor(id);
      return c.authenticated ? c.client : undefined;
    },
    failOn: config.failOn,
    limits: config.limits,
    ...(config.reviewUrlBase ? { reviewUrl: (id: string) => `${config.reviewUrlBase}/reviews/${encodeURIComponent(id)}` } : {}),
  });
};

// A configuration error must not stop the module from loading (the local stack loads every function
// up front): it is logged once and every invocation fails with it, so events are retried, not lost.
let core: ReturnType<typeof createHandler> | undefined;
let initError: unknown;
try {
  core = build();
} catch (err) {
  initError = err;
  logger.error('pr-review-handler is not configured; invocations will fail until this is fixed', { error: err });
}

export const handler = withObservability<unknown, HandlerOutcome>(
  async (event) => {
    if (!core) throw initError;
    return core(event);
  },
  {
    logger,
    traceHeader: () => process.env._X_AMZN_TRACE_ID,
    correlationId: (event) => {
      const detail = (event as { detail?: { reviewId?: unknown } } | undefined)?.detail;
      return typeof detail?.reviewId === 'string' ? detail.reviewId : undefined;
    },
  },
);
