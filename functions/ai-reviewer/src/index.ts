import { createBedrockReviewer, createBedrockRuntimeClient, createBedrockRuntimeConversePort, PROMPT_VERSION } from '@iac-review/bedrock-service';
import { createHistoricalContext, createHistoryService } from '@iac-review/analytics';
import { readServiceConfig } from '@iac-review/core';
import { createLogger, withObservability, type LogLevel } from '@iac-review/logger';
import { createAwsReviewService, historyKeyProviderFromEnv, reportIntegrityFailures } from '@iac-review/reviews';
import { readAiReviewerConfig } from './config';
import { createHandler, type HandlerOutcome, type LlmSetting } from './handler';
import { spaceliftClientFromEnv } from './spacelift-config';

// Composition root: configuration, SDK clients, adapters and the logger are built once per container.
const env = process.env;
const LEVELS: readonly LogLevel[] = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'];
const logger = createLogger({
  service: 'iac-review',
  functionName: env.AWS_LAMBDA_FUNCTION_NAME ?? 'ai-reviewer',
  functionVersion: env.AWS_LAMBDA_FUNCTION_VERSION,
  level: LEVELS.find((l) => l === env.LOG_LEVEL) ?? 'info',
});

const build = () => {
  const service = readServiceConfig(env);
  const config = readAiReviewerConfig(env);
  const macKeys = historyKeyProviderFromEnv(env, service.region);
  const { service: reviews, store } = createAwsReviewService(service, { logger, macKeys, onIntegrityFailure: reportIntegrityFailures(logger) });
  // A short history of the same repository/stack for the model, and risk from outcomes (bounded; failure = no history).
  // It reads the same review store: no second set of clients at cold start.
  const history = createHistoricalContext({ history: createHistoryService({ reviews: store, clock: () => new Date() }), logger });
  let llm: LlmSetting;
  if (config.mode.enabled) {
    const client = createBedrockRuntimeClient({
      region: config.bedrock.region,
      maxAttempts: config.bedrock.maxAttempts,
      retryMode: 'standard',
      ...(config.mode.endpoint ? { endpoint: config.mode.endpoint } : {}),
    });
    llm = { enabled: true, reviewer: createBedrockReviewer({ port: createBedrockRuntimeConversePort(client), logger, config: config.bedrock.reviewer }) };
  } else {
    llm = { enabled: false, reason: config.mode.reason };
  }
  // Says on start-up whether this reviewer uses Bedrock or rules only, and why.
  logger.info(`ai-reviewer: ${config.mode.enabled ? 'rules + Bedrock' : 'rules only'} (${config.mode.reason})`, {
    reviewerMode: config.mode.enabled ? 'rules+bedrock' : 'rules-only',
    reason: config.mode.reason,
    ...(config.mode.enabled ? { modelId: config.bedrock.reviewer.modelId, region: config.bedrock.region, promptVersion: PROMPT_VERSION } : {}),
    ...(config.mode.endpoint ? { endpoint: config.mode.endpoint } : {}),
  });
  const spacelift = spaceliftClientFromEnv(env, service.region);
  return createHandler({ reviews, logger, llm, history, storeReserveMs: config.storeReserveMs, ...(spacelift ? { spacelift } : {}) });
};

// A configuration error must not stop the module from loading (the local stack loads every function
// up front): it is logged once here and every invocation fails with it, so the event is retried and
// dead-lettered instead of lost.
let core: ReturnType<typeof createHandler> | undefined;
let initError: unknown;
try {
  core = build();
} catch (err) {
  initError = err;
  logger.error('ai-reviewer is not configured; invocations will fail until this is fixed', { error: err });
}

export const handler = withObservability<unknown, HandlerOutcome>(
  async (event, context) => {
    if (!core) throw initError;
    return core(event, context);
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
