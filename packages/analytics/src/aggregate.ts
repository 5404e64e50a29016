import type { VersionedStore } from '@iac-review/dynamo-versioning';
import type { ReviewContent } from '@iac-review/reviews';
import { dayCount, daysBetween } from './days';
import type { AnalyticsLogger } from './logger';
import { readDay } from './review-reader';
import { computeRollups } from './rollup';
import type { TrendStore } from './trend-store';

/** Longest range one backfill run accepts (a year and a day). */
export const MAX_BACKFILL_DAYS = 366;

export interface DayResult {
  day: string;
  reviews: number;
  rollups: number;
  written: number;
  unchanged: number;
  /** Reviews left out because their history fails verification (absent when none). */
  leftOutTampered?: number;
  durationMs: number;
}

export interface RangeResult {
  from: string;
  to: string;
  days: DayResult[];
  reviews: number;
  rollups: number;
  written: number;
  unchanged: number;
  durationMs: number;
}

export interface TrendAggregatorDeps {
  reviews: VersionedStore<ReviewContent>;
  trends: TrendStore;
  logger: AnalyticsLogger;
  /** Actor recorded on rollup versions. */
  actor: string;
  now?: () => number;
}

export const createTrendAggregator = (deps: TrendAggregatorDeps) => {
  const now = deps.now ?? (() => performance.now());
  const log = deps.logger;

  /** Rolls up one UTC day: every scope's rollup is written only if its numbers changed. */
  const aggregateDay = async (day: string, reason = 'nightly rollup'): Promise<DayResult> => {
    const started = now();
    log.info('rollup started', { day });
    const tampered: string[] = [];
    const reviews = await readDay(deps.reviews, day, {
      onPage: (p) => log.info('rollup progress', { day, page: p.page, reviewsRead: p.reviews }),
      onTampered: (id) => tampered.push(id),
    });
    // A review whose history fails verification is left out of the numbers (its security event and
    // metric are already out); the rest of the day still rolls up.
    if (tampered.length > 0) log.warn('reviews left out of the rollup: their history fails verification', { day, reviewIds: tampered.slice(0, 20), count: tampered.length });
    const rollups = computeRollups(day, reviews);
    let written = 0;
    for (const r of rollups) {
      const res = await deps.trends.put(r, { actor: deps.actor, reason });
      if (res.written) written++;
    }
    const result: DayResult = { day, reviews: reviews.length, rollups: rollups.length, written, unchanged: rollups.length - written, ...(tampered.length > 0 ? { leftOutTampered: tampered.length } : {}), durationMs: Math.round(now() - started) };
    log.info('rollup finished', { ...result });
    return result;
  };

  /** Rolls up every day from `from` to `to` (inclusive), one after the other: a backfill. */
  const aggregateRange = async (from: string, to: string, reason = 'backfill'): Promise<RangeResult> => {
    if (from > to) throw new RangeError(`from (${from}) is after to (${to}).`);
    const n = dayCount(from, to);
    if (n > MAX_BACKFILL_DAYS) throw new RangeError(`A run covers at most ${MAX_BACKFILL_DAYS} days; ${from}..${to} is ${n}. Split the backfill.`);
    const started = now();
    const days: DayResult[] = [];
    for (const day of daysBetween(from, to)) {
      days.push(await aggregateDay(day, reason));
      if (n > 1) log.info('backfill progress', { from, to, daysDone: days.length, daysTotal: n });
    }
    const sum = (k: 'reviews' | 'rollups' | 'written' | 'unchanged') => days.reduce((s, d) => s + d[k], 0);
    return { from, to, days, reviews: sum('reviews'), rollups: sum('rollups'), written: sum('written'), unchanged: sum('unchanged'), durationMs: Math.round(now() - started) };
  };

  return { aggregateDay, aggregateRange };
};

export type TrendAggregator = ReturnType<typeof createTrendAggregator>;
