import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { readServiceConfig } from '@iac-review/core';
import { createIdempotencyStore } from '@iac-review/dynamo-versioning';
import { createLogger, withObservability } from '@iac-review/logger';
import { createAwsReviewService, createSpaceliftReviews, historyKeyProviderFromEnv, reportIntegrityFailures } from '@iac-review/reviews';
import { envSecretProvider, secretsManagerSecretProvider, type WebhookSecretProvider } from '@iac-review/webhook-ingress';
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
const { store, table, blobs, events } = createAwsReviewService(config, { logger, macKeys: historyKeyProviderFromEnv(env, config.region), onIntegrityFailure: reportIntegrityFailures(logger) });

// In AWS the secret is a Secrets Manager JSON {"current","previous"} (SPACELIFT_WEBHOOK_SECRET_ID, or
// ${SECRETS_PREFIX}spacelift-webhook-secret as Terraform creates it); locally SPACELIFT_WEBHOOK_SECRET (current[,previous]).
const secretId = env.SPACELIFT_WEBHOOK_SECRET_ID || (!env.SPACELIFT_WEBHOOK_SECRET && env.SECRETS_PREFIX ? `${env.SECRETS_PREFIX}spacelift-webhook-secret` : undefined);
const secrets: WebhookSecretProvider = secretId
  ? secretsManagerSecretProvider({ client: new SecretsManagerClient({ region: config.region, maxAttempts: 2 }), secretId })
  : envSecretProvider(env.SPACELIFT_WEBHOOK_SECRET, 'SPACELIFT_WEBHOOK_SECRET');
if (!secretId && !env.SPACELIFT_WEBHOOK_SECRET) logger.warn('no Spacelift webhook secret configured (SPACELIFT_WEBHOOK_SECRET): every delivery will be refused with 401');

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
