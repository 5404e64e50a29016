import { readServiceConfig } from '@iac-review/core';
import { createIdempotencyStore } from '@iac-review/dynamo-versioning';
import { createLogger, withObservability } from '@iac-review/logger';
import { awsReviewServiceFromEnv, createPendingSweep } from '@iac-review/reviews';
import { createHandler, type HandlerOutcome } from './handler';

// Composition root: configuration, clients and the logger are built once per container.
const env = process.env;
const config = readServiceConfig(env);
const logger = createLogger({
  service: 'iac-review',
  functionName: env.AWS_LAMBDA_FUNCTION_NAME ?? 'review-sweeper',
  functionVersion: env.AWS_LAMBDA_FUNCTION_VERSION,
  level: config.logLevel,
});
const { store, table, events } = awsReviewServiceFromEnv(config, env, logger);
const minutes = (name: string, fallback: number): number => {
  const v = Number(env[name] ?? fallback);
  return Number.isFinite(v) && v > 0 ? v : fallback;
};
const requeueEvery = minutes('SWEEP_REQUEUE_EVERY_MINUTES', 30);
const sweeper = createPendingSweep(
  // The claim TTL is the re-queue interval: a pending review is re-queued at most once per interval.
  { store, events, claims: createIdempotencyStore({ port: table, tableName: config.tableName, ttlSeconds: Math.max(1, Math.round(requeueEvery * 60)) }), clock: () => new Date(), logger },
  { minAgeMinutes: minutes('SWEEP_MIN_AGE_MINUTES', 10), giveUpAfterMinutes: minutes('SWEEP_GIVE_UP_MINUTES', 120) },
);

export const handler = withObservability<unknown, HandlerOutcome>(createHandler({ sweep: sweeper.sweep, logger }), {
  logger,
  traceHeader: () => process.env._X_AMZN_TRACE_ID,
  correlationId: (event) => (event as { id?: string } | undefined)?.id,
});
