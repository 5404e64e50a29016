import { createAwsAnalytics, createTrendAggregator } from '@iac-review/analytics';
import { readServiceConfig } from '@iac-review/core';
import { verifyTouched } from '@iac-review/dynamo-versioning';
import { createLogger, withObservability } from '@iac-review/logger';
import { historyKeyProviderFromEnv, reportIntegrityFailures } from '@iac-review/reviews';
import { createHandler, type HandlerOutcome } from './handler';

// Composition root: configuration, clients and the logger are built once per container.
const env = process.env;
const config = readServiceConfig(env);
const logger = createLogger({
  service: 'iac-review',
  functionName: env.AWS_LAMBDA_FUNCTION_NAME ?? 'trend-aggregation-handler',
  functionVersion: env.AWS_LAMBDA_FUNCTION_VERSION,
  level: config.logLevel,
});
// Every DynamoDB request is counted with the capacity it consumed (logged and sent as a metric per run).
const usage = { requests: 0, capacityUnits: 0 };
const { reviews, trends } = createAwsAnalytics(config, {
  logger,
  // Reads verify each review version's MAC; the nightly run also walks every history touched that day.
  macKeys: historyKeyProviderFromEnv(env, config.region),
  onIntegrityFailure: reportIntegrityFailures(logger),
  onRequest: (m) => {
    usage.requests++;
    usage.capacityUnits += m.capacityUnits ?? 0;
  },
});

export const handler = withObservability<unknown, HandlerOutcome>(
  createHandler({
    aggregator: createTrendAggregator({ reviews, trends, logger, actor: 'trend-aggregation-handler' }),
    logger,
    clock: () => new Date(),
    meter: { snapshot: () => ({ ...usage }) },
    verifyDay: (day) => verifyTouched(reviews, { day }),
  }),
  { logger, traceHeader: () => process.env._X_AMZN_TRACE_ID, correlationId: (event) => (event as { id?: string } | undefined)?.id },
);
