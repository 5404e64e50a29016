import { AnalyticsRequestError } from './errors';
import { addDays, dayCount, daysBetween, isDay, weekStart } from './days';
import { TOP_N, emptyCounts, mergeCounts, summarise, type RollupCounts, type RollupScope } from './rollup';
import type { TrendStore } from './trend-store';

export type Granularity = 'day' | 'week';
/** Longest range one trends request may span. */
export const MAX_TREND_DAYS = 366;

export interface TrendQuery {
  scope: RollupScope;
  from: string;
  to: string;
  granularity: Granularity;
  /** Buckets per page. */
  limit: number;
  cursor?: string;
}

export interface TrendBucket {
  start: string;
  end: string;
  /** Days of the bucket that have a rollup for this scope (a day without reviews of a repository has none). */
  daysWithData: number;
  reviews: number;
  byRiskLevel: RollupCounts['byRiskLevel'];
  bySource: Record<string, number>;
  byStatus: Record<string, number>;
  riskScore: { mean: number | null; p50: number | null; p90: number | null };
  confidence: { mean: number | null };
  findings: number;
  topRules: Array<{ ruleId: string; count: number }>;
  topCategories: Array<{ category: string; count: number }>;
  dismissed: number;
  topDismissedRules: Array<{ ruleId: string; count: number }>;
  /** Findings silenced by accepted risks (suppressions), and the rules most suppressed. */
  suppressed: number;
  topSuppressedRules: Array<{ ruleId: string; count: number }>;
  overrides: RollupCounts['overrides'];
  outcomes: RollupCounts['outcomes'];
}

export interface TrendPage {
  scope: RollupScope;
  granularity: Granularity;
  from: string;
  to: string;
  items: TrendBucket[];
  nextCursor?: string;
}

const encode = (v: Record<string, string>): string => Buffer.from(JSON.stringify(v), 'utf8').toString('base64url');

const decodeCursor = (cursor: string, q: TrendQuery): string => {
  let v: Record<string, unknown>;
  try {
    if (!/^[A-Za-z0-9_-]{1,2048}$/.test(cursor)) throw new Error('not base64url');
    v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Record<string, unknown>;
  } catch {
    throw new AnalyticsRequestError('The cursor is not valid: pass the nextCursor of the previous page unchanged.', 'cursor');
  }
  if (v.s !== q.scope || v.f !== q.from || v.t !== q.to || v.g !== q.granularity || !isDay(v.n) || v.n < q.from || v.n > q.to) {
    throw new AnalyticsRequestError('The cursor belongs to another listing: repeat the same scope, from, to and granularity with it.', 'cursor');
  }
  return v.n;
};

/** The buckets of [from, to]: single days, or ISO weeks (Monday–Sunday) clipped to the range. */
export const bucketsOf = (from: string, to: string, granularity: Granularity): Array<{ start: string; end: string }> => {
  if (granularity === 'day') return daysBetween(from, to).map((d) => ({ start: d, end: d }));
  const out: Array<{ start: string; end: string }> = [];
  for (let start = from; start <= to; ) {
    const end = addDays(weekStart(start), 6);
    out.push({ start, end: end < to ? end : to });
    start = addDays(end, 1);
  }
  return out;
};

const named = <K extends string>(list: Array<{ key: string; count: number }>, name: K) => list.map((r) => ({ [name]: r.key, count: r.count }) as Record<K, string> & { count: number });

export const bucketOf = (start: string, end: string, counts: RollupCounts, daysWithData: number): TrendBucket => {
  const s = summarise(counts);
  return {
    start,
    end,
    daysWithData,
    reviews: counts.reviews,
    byRiskLevel: counts.byRiskLevel,
    bySource: counts.bySource,
    byStatus: counts.byStatus,
    riskScore: s.riskScore,
    confidence: s.confidence,
    findings: counts.findings,
    topRules: named(s.topRules, 'ruleId'),
    topCategories: named(s.topCategories, 'category'),
    dismissed: counts.dismissed,
    topDismissedRules: named(s.topDismissedRules, 'ruleId'),
    suppressed: counts.suppressed ?? 0,
    topSuppressedRules: Object.entries(counts.suppressedByRule ?? {})
      .filter(([, n]) => n > 0)
      .sort(([a, x], [b, y]) => y - x || (a < b ? -1 : a > b ? 1 : 0))
      .slice(0, TOP_N)
      .map(([ruleId, count]) => ({ ruleId, count })),
    overrides: counts.overrides,
    outcomes: counts.outcomes,
  };
};

/** Serves the stored rollups of one scope as day or week buckets, a page at a time. */
export const queryTrends = async (store: TrendStore, q: TrendQuery): Promise<TrendPage> => {
  if (!isDay(q.from) || !isDay(q.to)) throw new AnalyticsRequestError('from and to must be calendar days (YYYY-MM-DD).', !isDay(q.from) ? 'from' : 'to');
  if (q.from > q.to) throw new AnalyticsRequestError(`from (${q.from}) must not be after to (${q.to}).`, 'from');
  if (dayCount(q.from, q.to) > MAX_TREND_DAYS) throw new AnalyticsRequestError(`A trends request spans at most ${MAX_TREND_DAYS} days; ask for a shorter from..to.`, 'from');
  const start = q.cursor ? decodeCursor(q.cursor, q) : q.from;
  const all = bucketsOf(start, q.to, q.granularity);
  const page = all.slice(0, q.limit);
  const last = page[page.length - 1];
  const rollups = last ? await store.getDays(q.scope, daysBetween(start, last.end)) : new Map();
  const items = page.map((b) => {
    const days = daysBetween(b.start, b.end)
      .map((d) => rollups.get(d))
      .filter((r): r is NonNullable<typeof r> => r !== undefined);
    return bucketOf(b.start, b.end, days.length ? mergeCounts(days.map((r) => r.counts)) : emptyCounts(), days.length);
  });
  const next = all[q.limit];
  return {
    scope: q.scope,
    granularity: q.granularity,
    from: q.from,
    to: q.to,
    items,
    ...(next ? { nextCursor: encode({ s: q.scope, f: q.from, t: q.to, g: q.granularity, n: next.start }) } : {}),
  };
};
