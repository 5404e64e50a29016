import { dayRange, RISK_BUCKETS, type Count, type RiskBucket, type Trends } from './trends';

/** One bucket of GET /analytics/trends (the nightly rollups; schema TrendBucket), as far as it is read here. */
export interface TrendBucket {
  start: string;
  end: string;
  reviews: number;
  byRiskLevel: Record<RiskBucket, number>;
  byStatus: Record<string, number>;
  bySource?: Record<string, number>;
  riskScore: { mean: number | null };
  topRules: Array<{ ruleId: string; count: number }>;
  topCategories: Array<{ category: string; count: number }>;
  dismissed: number;
  overrides: { total: number };
  outcomes: Record<string, number>;
}

export interface TrendPage {
  scope: string;
  granularity: 'day' | 'week';
  from: string;
  to: string;
  items: unknown[];
  nextCursor?: string;
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0;

export const isTrendBucket = (v: unknown): v is TrendBucket =>
  isObj(v) &&
  typeof v.start === 'string' &&
  isCount(v.reviews) &&
  isObj(v.byRiskLevel) &&
  RISK_BUCKETS.every((b) => isCount((v.byRiskLevel as Record<string, unknown>)[b])) &&
  isObj(v.byStatus) &&
  isObj(v.riskScore) &&
  Array.isArray(v.topRules) &&
  Array.isArray(v.topCategories) &&
  isCount(v.dismissed) &&
  isObj(v.overrides) &&
  isObj(v.outcomes);

export const isTrendPage = (v: unknown): v is TrendPage => isObj(v) && typeof v.from === 'string' && typeof v.to === 'string' && Array.isArray(v.items);

const OUTCOME_LABEL: Record<string, string> = {
  appliesSucceeded: 'applies succeeded',
  appliesFailed: 'applies failed',
  appliesCancelled: 'applies cancelled',
  reviewsWithFailedApply: 'reviews followed by a failed apply',
  merged: 'pull requests merged',
  mergedHighRisk: 'merged at high/critical risk',
  closedUnmerged: 'closed unmerged',
};

const add = (m: Map<string, number>, k: string, n: number) => m.set(k, (m.get(k) ?? 0) + n);
const topOf = (m: Map<string, number>, n: number): Count[] =>
  [...m.entries()]
    .filter(([, c]) => c > 0)
    .map(([key, count]) => ({ key, count }))
    .sort((x, y) => y.count - x.count || x.key.localeCompare(y.key))
    .slice(0, n);

/**
 * Daily rollups (GET /analytics/trends?granularity=day, every page) as the trends view's figures;
 * undefined when a bucket is not in the documented form (the view then computes figures itself).
 */
export const fromServerTrends = (pages: readonly TrendPage[]): Trends | undefined => {
  const first = pages[0];
  if (!first) return undefined;
  const buckets: TrendBucket[] = [];
  for (const p of pages) for (const item of p.items) {
    if (!isTrendBucket(item)) return undefined;
    buckets.push(item);
  }
  const byDay = new Map(buckets.map((b) => [b.start.slice(0, 10), b]));
  const days = dayRange(first.from.slice(0, 10), first.to.slice(0, 10));
  const byRisk = Object.fromEntries(RISK_BUCKETS.map((r) => [r, days.map((d) => byDay.get(d)?.byRiskLevel[r] ?? 0)])) as Record<RiskBucket, number[]>;
  const meanRisk = days.map((d) => {
    const m = byDay.get(d)?.riskScore.mean;
    return typeof m === 'number' ? Math.round(m * 10) / 10 : null;
  });
  const rules = new Map<string, number>();
  const categories = new Map<string, number>();
  const statuses = new Map<string, number>();
  const decisions = new Map<string, number>();
  const outcomes = new Map<string, number>();
  let total = 0;
  for (const b of buckets) {
    total += b.reviews;
    for (const r of b.topRules) if (isObj(r) && typeof r.ruleId === 'string' && isCount(r.count)) add(rules, r.ruleId, r.count);
    for (const c of b.topCategories) if (isObj(c) && typeof c.category === 'string' && isCount(c.count)) add(categories, c.category, c.count);
    for (const [k, n] of Object.entries(b.byStatus)) if (isCount(n)) add(statuses, k, n);
    add(decisions, 'findings dismissed', b.dismissed);
    if (isCount(b.overrides.total)) add(decisions, 'risk overridden', b.overrides.total);
    for (const [k, n] of Object.entries(b.outcomes)) if (isCount(n)) add(outcomes, OUTCOME_LABEL[k] ?? k, n);
  }
  return {
    days,
    byRisk,
    meanRisk,
    total,
    topRules: topOf(rules, 10),
    topCategories: topOf(categories, 10),
    outcomes: [...topOf(statuses, 10), ...topOf(decisions, 10), ...topOf(outcomes, 10)],
    basis: `From the rollups (GET /analytics/trends, ${first.scope}), ${first.from} to ${first.to}: each UTC day is rolled up after midnight, so today's figures are as of the last rollup run. Rules and categories add up each day's top 10.`,
  };
};
