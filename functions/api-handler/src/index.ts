import { createLogger, withObservability } from '@iac-review/logger';
import { createHandler } from './handler';

// Composition root: configuration, logger and dependencies are built once per container.
const config = Object.freeze({
  service: 'iac-review',
  version: process.env.SERVICE_VERSION ?? '0.1.0',
});

const logger = createLogger({
  service: config.service,
  functionName: process.env.AWS_LAMBDA_FUNCTION_NAME ?? 'api-handler',
  functionVersion: process.env.AWS_LAMBDA_FUNCTION_VERSION,
  level: (process.env.LOG_LEVEL as 'info' | undefined) ?? 'info',
});

export const handler = withObservability(createHandler({ config, logger, clock: () => new Date() }), {
  logger,
  traceHeader: () => process.env._X_AMZN_TRACE_ID,
  correlationId: (event) => event.requestContext?.requestId,
});
