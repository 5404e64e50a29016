import type { Logger } from '@iac-review/logger';
import type { SweepResult } from '@iac-review/reviews';

export interface Deps {
  sweep: () => Promise<SweepResult>;
  logger: Logger;
}

export interface HandlerOutcome {
  checked: number;
  requeued: number;
  failed: number;
  errors: number;
}

/**
 * One sweep per scheduled event: pending reviews older than the sweep's minimum age are re-queued
 * (their ReviewRequested may never have been published), those still pending long after are failed.
 * Per-review errors are logged and retried by the next run; only a failure to list throws (Lambda
 * retries the event).
 */
export const createHandler = (deps: Deps) => async (): Promise<HandlerOutcome> => {
  const r = await deps.sweep();
  const outcome = { checked: r.checked, requeued: r.requeued.length, failed: r.failed.length, errors: r.errors.length };
  (r.requeued.length || r.failed.length || r.errors.length ? deps.logger.warn : deps.logger.info).call(deps.logger, 'pending-review sweep finished', {
    ...outcome,
    ...(r.requeued.length ? { requeuedIds: r.requeued.slice(0, 50) } : {}),
    ...(r.failed.length ? { failedIds: r.failed.slice(0, 50) } : {}),
    ...(r.errors.length ? { errorSamples: r.errors.slice(0, 10) } : {}),
  });
  deps.logger.metrics([
    { name: 'PendingReviewsRequeued', value: outcome.requeued },
    { name: 'PendingReviewsFailed', value: outcome.failed },
    { name: 'PendingSweepErrors', value: outcome.errors },
  ]);
  return outcome;
};
