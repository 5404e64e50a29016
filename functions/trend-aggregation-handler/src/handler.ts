import type { RangeResult, TrendAggregator } from '@iac-review/analytics';
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
  return async (event: unknown): Promise<HandlerOutcome> => {
    const parsed = parseAggregationEvent(event, deps.clock());
    if (!parsed.ok) {
      log.error('aggregation request rejected (not retried)', { problems: parsed.problems });
      log.metrics([{ name: 'TrendAggregationRejected', value: 1 }]);
      return { outcome: 'rejected', problems: parsed.problems };
    }
    const { from, to, reason } = parsed.request;
    const before = deps.meter?.snapshot();
    const r = await deps.aggregator.aggregateRange(from, to, reason);
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
    return { outcome: 'aggregated', from, to, days: r.days.length, reviews: r.reviews, rollups: r.rollups, written: r.written, unchanged: r.unchanged, durationMs: r.durationMs };
  };
};
