import { readServiceConfig } from '@iac-review/core';
import { createIdempotencyStore } from '@iac-review/dynamo-versioning';
import { createLogger, withObservability } from '@iac-review/logger';
import { awsReviewServiceFromEnv, createSpaceliftReviews } from '@iac-review/reviews';
import { webhookSecretsFromEnv } from '@iac-review/webhook-ingress';
import { createHandler } from './handler';

// Composition root: configuration, clients and the logger are built once per container.
const env = process.env;
const config = readServiceConfig(env);
const logger = createLogger({
  service: 'iac-review',
  functionName: env.AWS_LAMBDA_FUNCTION_NAME ?? 'spacelift-webhook-handler',
  functionVersion: env.AWS_LAMBDA_FUNCTION_VERSION,
  level: config.logLevel,
});
const { store, table, blobs, events } = awsReviewServiceFromEnv(config, env, logger);

// In AWS the secret is a Secrets Manager JSON {"current","previous"} (SPACELIFT_WEBHOOK_SECRET_ID, or
// ${SECRETS_PREFIX}spacelift-webhook-secret as Terraform creates it); locally SPACELIFT_WEBHOOK_SECRET (current[,previous]).
const secrets = webhookSecretsFromEnv({
  env,
  idVariable: 'SPACELIFT_WEBHOOK_SECRET_ID',
  valueVariable: 'SPACELIFT_WEBHOOK_SECRET',
  defaultSecretName: 'spacelift-webhook-secret',
  region: config.region,
  onMissing: () => logger.warn('no Spacelift webhook secret configured (SPACELIFT_WEBHOOK_SECRET): every delivery will be refused with 401'),
});

export const handler = withObservability(
  createHandler({
    logger,
    secrets,
    // Spacelift retries for minutes; a day covers every retry and a manual redelivery.
    idempotency: createIdempotencyStore({ port: table, tableName: config.tableName, ttlSeconds: 24 * 3600 }),
    spacelift: createSpaceliftReviews({ store, blobs, events, clock: () => new Date() }),
  }),
  { logger, traceHeader: () => process.env._X_AMZN_TRACE_ID, correlationId: (event) => event.requestContext?.requestId },
);
