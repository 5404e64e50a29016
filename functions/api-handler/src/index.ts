import { readServiceConfig } from '@iac-review/core';
import { createLogger, withObservability } from '@iac-review/logger';
import { awsReviewServiceFromEnv, createGithubReviews, createSpaceliftReviews } from '@iac-review/reviews';
import { parseClientRegistry } from './auth';
import { authenticatorFromEnv } from '@iac-review/identity';
import { createHandler } from './handler';

// Composition root: configuration, clients and the logger are built once per container.
const env = process.env;
const config = readServiceConfig(env);
const logger = createLogger({
  service: 'iac-review',
  functionName: env.AWS_LAMBDA_FUNCTION_NAME ?? 'api-handler',
  functionVersion: env.AWS_LAMBDA_FUNCTION_VERSION,
  level: config.logLevel,
});
const { service: reviews, store, blobs, events } = awsReviewServiceFromEnv(config, env, logger);

export const handler = withObservability(
  createHandler({
    config: Object.freeze({
      service: 'iac-review',
      version: config.serviceVersion,
      cors: { allowedOrigins: (env.CORS_ALLOWED_ORIGINS ?? '').split(',').map((s) => s.trim()).filter(Boolean) },
      // API Gateway → Lambda carries at most 6 MB; gzip lets plans of tens of MB through. The decoded
      // body is held about 16 times over (buffer, string, parsed tree, canonical and stored copies), so
      // it is capped at a sixteenth of the function's memory (32 MiB at 512 MB); ratios over 100:1 are
      // refused as compression bombs.
      limits: {
        maxBytes: 6 * 1024 * 1024 - 64 * 1024,
        maxDecodedBytes: Number(env.MAX_DECODED_BODY_BYTES ?? Math.floor((Number(env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE ?? 512) * 1024 * 1024) / 16)),
        maxCompressionRatio: 100,
        maxDepth: 100,
      },
      clients: parseClientRegistry(env.API_CLIENTS),
    }),
    logger,
    // API keys (API_CLIENTS), people signed in with OIDC (OIDC_*), per-identity limits (RATE_LIMIT_*).
    auth: authenticatorFromEnv(env, { logger, region: config.region, tableName: config.tableName }),
    clock: () => new Date(),
    reviews,
    pullRequests: createGithubReviews({ store, blobs, events, clock: () => new Date() }),
    spaceliftRuns: createSpaceliftReviews({ store, blobs, events, clock: () => new Date() }),
  }),
  { logger, traceHeader: () => process.env._X_AMZN_TRACE_ID, correlationId: (event) => event.requestContext?.requestId },
);
