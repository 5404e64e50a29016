import { createAwsAnalytics, createHistoryService } from '@iac-review/analytics';
import { parseClientRegistry, readServiceConfig } from '@iac-review/core';
import { authenticatorFromEnv } from '@iac-review/identity';
import { createLogger, withObservability } from '@iac-review/logger';
import { createHandler } from './handler';

// Composition root: configuration, clients and the logger are built once per container.
const env = process.env;
const config = readServiceConfig(env);
const logger = createLogger({
  service: 'iac-review',
  functionName: env.AWS_LAMBDA_FUNCTION_NAME ?? 'historical-analysis-handler',
  functionVersion: env.AWS_LAMBDA_FUNCTION_VERSION,
  level: config.logLevel,
});
const clock = () => new Date();
const { reviews, trends } = createAwsAnalytics(config, { logger });

export const handler = withObservability(
  createHandler({
    config: Object.freeze({
      cors: { allowedOrigins: (env.CORS_ALLOWED_ORIGINS ?? '').split(',').map((s) => s.trim()).filter(Boolean) },
      clients: parseClientRegistry(env.API_CLIENTS),
    }),
    logger,
    // API keys (API_CLIENTS), people signed in with OIDC (OIDC_*), per-identity limits (RATE_LIMIT_*).
    auth: authenticatorFromEnv(env, { logger, region: config.region, tableName: config.tableName }),
    clock,
    trends,
    history: createHistoryService({ reviews, clock }),
  }),
  { logger, traceHeader: () => process.env._X_AMZN_TRACE_ID, correlationId: (event) => event.requestContext?.requestId },
);
