import { runWithInvocationContext, type InvocationContext } from './context';
import type { Logger } from './logger';
import { parseTraceHeader } from './trace';

/** The part of the Lambda context object the wrapper reads. */
export interface LambdaContextLike {
  awsRequestId: string;
  functionName?: string;
  functionVersion?: string;
  getRemainingTimeInMillis?: () => number;
}

export type LambdaHandler<E, R> = (event: E, context: LambdaContextLike) => Promise<R>;

export interface ObservabilityOptions<E> {
  logger: Logger;
  /** Reads the X-Ray trace header of the current invocation (Lambda: `process.env._X_AMZN_TRACE_ID`). */
  traceHeader?: () => string | undefined;
  /** Picks the correlation id (delivery id, review id…) out of the event. */
  correlationId?: (event: E) => string | undefined;
}

const isHttpEvent = (event: unknown): event is { httpMethod: string; headers?: Record<string, string | undefined> } =>
  typeof event === 'object' && event !== null && typeof (event as { httpMethod?: unknown }).httpMethod === 'string';

/** The only thing a caller learns about one of our faults: a problem+json 500 with the trace id. */
export const internalErrorResponse = (traceId: string | undefined, requestId: string) => ({
  statusCode: 500,
  headers: { 'content-type': 'application/problem+json', 'cache-control': 'no-store' },
  body: JSON.stringify({
    type: 'https://iac-review.dev/problems/internal-error',
    title: 'Internal error',
    status: 500,
    detail: 'The request could not be completed because of a fault on our side. Reads can be retried; retry a submission only with the same Idempotency-Key (otherwise it may be stored twice). Quote the request id if it keeps failing.',
    requestId,
    ...(traceId ? { traceId } : {}),
  }),
});

let coldStart = true;

/**
 * Wraps a Lambda handler: sets the per-invocation log context (request id, trace id, correlation
 * id), logs start and end with duration and the cold-start flag, and turns an unexpected throw into
 * a logged error with its stack. For API Gateway events the caller gets a safe problem+json 500;
 * for asynchronous events the error is rethrown so Lambda retries and dead-letters it.
 */
export const withObservability = <E, R>(handler: LambdaHandler<E, R>, opts: ObservabilityOptions<E>): LambdaHandler<E, R> => {
  const { logger } = opts;
  return async (event, context) => {
    const isCold = coldStart;
    coldStart = false;
    const trace = parseTraceHeader(opts.traceHeader?.());
    const awsRequestId = context.awsRequestId || globalThis.crypto.randomUUID();
    let correlationId: string | undefined;
    try {
      correlationId = opts.correlationId?.(event);
    } catch {
      correlationId = undefined;
    }
    const ctx: InvocationContext = {
      awsRequestId,
      ...(trace.traceId ? { traceId: trace.traceId } : {}),
      ...(correlationId ? { correlationId } : {}),
    };
    return runWithInvocationContext(ctx, async () => {
      const started = process.hrtime.bigint();
      const elapsed = () => Number(process.hrtime.bigint() - started) / 1e6;
      const http = isHttpEvent(event) ? { method: event.httpMethod, path: (event as { path?: string }).path } : undefined;
      logger.info('invocation start', { coldStart: isCold, ...(http ? { http } : {}) });
      try {
        const result = await handler(event, context);
        const statusCode = (result as { statusCode?: unknown } | undefined)?.statusCode;
        // A handled 5xx is still a failure of ours: say so (and at error level) instead of "success".
        const failed = typeof statusCode === 'number' && statusCode >= 500;
        (failed ? logger.error : logger.info).call(logger, 'invocation end', {
          durationMs: Math.round(elapsed() * 100) / 100,
          coldStart: isCold,
          outcome: failed ? 'failure' : 'success',
          ...(typeof statusCode === 'number' ? { statusCode } : {}),
        });
        return result;
      } catch (err) {
        logger.error('invocation failed with an unexpected error', {
          error: err,
          durationMs: Math.round(elapsed() * 100) / 100,
          coldStart: isCold,
          outcome: 'error',
        });
        if (isHttpEvent(event)) return internalErrorResponse(trace.traceId, awsRequestId) as R;
        throw err;
      }
    });
  };
};

/** For tests: makes the next invocation count as a cold start again. */
export const resetColdStart = (): void => {
  coldStart = true;
};
