import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { readServiceConfig } from '@iac-review/core';
import { createLogger, withObservability, type LogLevel } from '@iac-review/logger';
import { awsReviewServiceFromEnv, createGithubReviews } from '@iac-review/reviews';
import { readPrReviewConfig } from './config';
import { createCredentialsProvider } from './credentials';
import { createClientSource } from './clients';
import { createGitHubClient } from './github-client';
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

const build = () => {
  const service = readServiceConfig(env);
  const config = readPrReviewConfig(env);
  const { service: reviews, store, blobs, events } = awsReviewServiceFromEnv(service, env, logger);
  const github = createGithubReviews({ store, blobs, events, clock: () => new Date() });
  const credentials = createCredentialsProvider({
    source: config.credentials,
    ...(config.credentials.kind === 'secret' ? { client: new SecretsManagerClient({ region: service.region, maxAttempts: 3 }) } : {}),
  });
  const clientOptions = {
    baseUrl: config.apiUrl,
    logger,
    maxRetries: config.maxRetries,
    maxRateLimitWaitSeconds: config.maxRateLimitWaitSeconds,
    waitUnitMs: config.waitUnitMs,
    minWriteIntervalMs: config.minWriteIntervalMs,
  };
  const clients = createClientSource({
    credentials,
    build: (creds, installationId) => createGitHubClient({ ...clientOptions, ...(creds ? { credentials: creds } : {}), ...(installationId !== undefined ? { installationId } : {}) }),
  });
  logger.info(`pr-review-handler: GitHub at ${config.apiUrl}; ${config.credentials.kind === 'none' ? 'not publishing (no credentials)' : `publishing with credentials from ${config.credentials.kind === 'env' ? 'GITHUB_TOKEN' : 'Secrets Manager'}`}`, {
    githubApiUrl: config.apiUrl,
    credentials: config.credentials.kind,
    failOn: config.failOn,
  });
  return createHandler({
    reviews,
    github,
    logger,
    readerFor: clients.reader,
    publisherFor: clients.publisher,
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
