import { readServiceConfig } from '@iac-review/core';
import { createIdempotencyStore } from '@iac-review/dynamo-versioning';
import { createLogger, withObservability } from '@iac-review/logger';
import { awsReviewServiceFromEnv, createGithubReviews } from '@iac-review/reviews';
import { webhookSecretsFromEnv } from '@iac-review/webhook-ingress';
import { createHandler, DEFAULT_MAX_BODY_BYTES } from './handler';

// Composition root: configuration, clients and the logger are built once per container.
const env = process.env;
const config = readServiceConfig(env);
const logger = createLogger({
  service: 'iac-review',
  functionName: env.AWS_LAMBDA_FUNCTION_NAME ?? 'github-webhook-handler',
  functionVersion: env.AWS_LAMBDA_FUNCTION_VERSION,
  level: config.logLevel,
});
const { store, table, blobs, events } = awsReviewServiceFromEnv(config, env, logger);

// In AWS the secret is a Secrets Manager JSON {"current","previous"} (cached per container with a TTL);
// locally GITHUB_WEBHOOK_SECRET (current[,previous]).
const secrets = webhookSecretsFromEnv({
  env,
  idVariable: 'GITHUB_WEBHOOK_SECRET_ID',
  valueVariable: 'GITHUB_WEBHOOK_SECRET',
  region: config.region,
  onMissing: () => logger.warn('no GitHub webhook secret configured: every delivery will be refused with 401'),
});

const maxBodyBytes = Number(env.GITHUB_WEBHOOK_MAX_BODY_BYTES ?? DEFAULT_MAX_BODY_BYTES);

export const handler = withObservability(
  createHandler({
    logger,
    secrets,
    // GitHub lets people redeliver deliveries of the last 3 days; keep delivery ids a week.
    idempotency: createIdempotencyStore({ port: table, tableName: config.tableName, ttlSeconds: 7 * 24 * 3600 }),
    github: createGithubReviews({ store, blobs, events, clock: () => new Date() }),
    reviewDrafts: env.GITHUB_REVIEW_DRAFTS === 'true',
    maxBodyBytes: Number.isSafeInteger(maxBodyBytes) && maxBodyBytes > 0 ? maxBodyBytes : DEFAULT_MAX_BODY_BYTES,
  }),
  { logger, traceHeader: () => process.env._X_AMZN_TRACE_ID, correlationId: (event) => event.requestContext?.requestId },
);
