import type { RangeResult, TrendAggregator } from '@iac-review/analytics';
import type { VerifyTouchedResult } from '@iac-review/dynamo-versioning';
import type { Logger } from '@iac-review/logger';
import { parseAggregationEvent } from './aggregation-event';

/** DynamoDB requests and consumed capacity so far (the composition root counts them). */
export interface ReadMeter {
  snapshot(): { requests: number; capacityUnits: number };
}

export interface Deps {
  aggregator: TrendAggregator;
  logger: Logger;
  clock: () => Date;
  meter?: ReadMeter;
  actor?: string;
  /**
   * Verifies the whole history (HMAC chain) of every review touched on a day (dynamo-versioning's
   * verifyTouched over the review store). Run for each aggregated day; failures are logged as
   * security events (by the store's hook) and counted in a metric, and never stop the rollup.
   */
  verifyDay?: (day: string) => Promise<VerifyTouchedResult>;
}

export type HandlerOutcome =
  | ({ outcome: 'aggregated' } & Omit<RangeResult, 'days'> & { days: number })
  | { outcome: 'rejected'; problems: string[] };

/**
 * Rolls up the previous UTC day (EventBridge schedule) or a requested range (backfill). A bad event
 * is logged and returned, not retried; a storage failure throws, so Lambda retries the run (every
 * day is idempotent: numbers that did not change write nothing).
 */
export const createHandler = (deps: Deps) => {
  const log = deps.logger;
  const actor = deps.actor ?? 'trend-aggregation-handler';
  const verifyDays = async (from: string, to: string): Promise<void> => {
    if (!deps.verifyDay) return;
    let checked = 0;
    let failed = 0;
    for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += 86_400_000) {
      const day = new Date(t).toISOString().slice(0, 10);
      try {
        const v = await deps.verifyDay(day);
        checked += v.checked;
        failed += v.failed.length;
        for (const f of v.failed) log.error('review history failed verification', { day, reviewId: f.id, brokenAt: f.result.brokenAt, reason: f.result.reason });
        if (v.truncated) log.warn('history verification stopped at its item limit', { day, checked: v.checked });
      } catch (err) {
        log.error('history verification could not run for a day', { day, error: err });
      }
    }
    log.info('review histories verified', { from, to, checked, failed });
    log.metrics([
      { name: 'HistoriesVerified', value: checked },
      { name: 'HistoryVerificationFailures', value: failed },
    ]);
  };

  return async (event: unknown): Promise<HandlerOutcome> => {
    const parsed = parseAggregationEvent(event, deps.clock());
    if (!parsed.ok) {
      log.error('aggregation request rejected (not retried)', { problems: parsed.problems });
      log.metrics([{ name: 'TrendAggregationRejected', value: 1 }]);
      return { outcome: 'rejected', problems: parsed.problems };
    }
    const { from, to, reason } = parsed.request;
    const before = deps.meter?.snapshot();
    let r: RangeResult;
    try {
      r = await deps.aggregator.aggregateRange(from, to, reason);
    } catch (err) {
      // A rollup that failed (e.g. on a version that no longer verifies) still gets its histories checked.
      await verifyDays(from, to);
      throw err;
    }
    const after = deps.meter?.snapshot();
    const dynamo = before && after ? { requests: after.requests - before.requests, capacityUnits: Math.round((after.capacityUnits - before.capacityUnits) * 10) / 10 } : undefined;
    const totals = { from, to, days: r.days.length, reviews: r.reviews, rollups: r.rollups, written: r.written, unchanged: r.unchanged, durationMs: r.durationMs, ...(dynamo ? { dynamo } : {}) };
    log.info('trend aggregation finished', totals);
    log.audit({ action: 'trends.rollup', actor, resource: `trends/${from}..${to}`, outcome: 'success', written: r.written, unchanged: r.unchanged });
    log.metrics(
      [
        { name: 'TrendDaysAggregated', value: r.days.length },
        { name: 'TrendReviewsAggregated', value: r.reviews },
        { name: 'TrendRollupsWritten', value: r.written },
        { name: 'TrendRollupsUnchanged', value: r.unchanged },
        { name: 'TrendAggregationDuration', value: r.durationMs, unit: 'Milliseconds' },
        ...(dynamo ? [{ name: 'TrendAggregationCapacityUnits', value: dynamo.capacityUnits, unit: 'None' as const }] : []),
      ],
      undefined,
      { from, to, reason },
    );
    await verifyDays(from, to);
    return { outcome: 'aggregated', from, to, days: r.days.length, reviews: r.reviews, rollups: r.rollups, written: r.written, unchanged: r.unchanged, durationMs: r.durationMs };
  };
};
