import { RISK_LEVELS, type ReviewSummary, type ReviewVersion, type RiskLevel } from './api';

export type RiskBucket = RiskLevel | 'unscored';
export const RISK_BUCKETS: readonly RiskBucket[] = ['low', 'medium', 'high', 'critical', 'unscored'];

export interface Count {
  key: string;
  count: number;
}

/** What the trends view draws, whoever computed it. */
export interface Trends {
  /** UTC days, YYYY-MM-DD, oldest first, without gaps. */
  days: string[];
  /** Reviews created per day by risk level (same length as days). */
  byRisk: Record<RiskBucket, number[]>;
  /** Mean risk score per day (null on days without a scored review). */
  meanRisk: Array<number | null>;
  total: number;
  topRules: Count[];
  topCategories: Count[];
  /** Review statuses and what people did (acknowledged, overridden, findings dismissed). */
  outcomes: Count[];
  /** Where the figures come from, shown to the person. */
  basis: string;
}

const DAY_MS = 86_400_000;
export const MAX_DAYS = 366;

export const utcDay = (iso: string): string | undefined => {
  const t = Date.parse(iso);
  return Number.isNaN(t) ? undefined : new Date(t).toISOString().slice(0, 10);
};

/** Every UTC day from `first` to `last` inclusive (at most MAX_DAYS, the latest kept). */
export const dayRange = (first: string, last: string): string[] => {
  const a = Date.parse(`${first}T00:00:00Z`);
  const b = Date.parse(`${last}T00:00:00Z`);
  if (Number.isNaN(a) || Number.isNaN(b) || b < a) return [];
  const start = Math.max(a, b - (MAX_DAYS - 1) * DAY_MS);
  const out: string[] = [];
  for (let t = start; t <= b; t += DAY_MS) out.push(new Date(t).toISOString().slice(0, 10));
  return out;
};

const top = (counts: Map<string, number>, n: number): Count[] =>
  [...counts.entries()]
    .map(([key, count]) => ({ key, count }))
    .sort((x, y) => y.count - x.count || x.key.localeCompare(y.key))
    .slice(0, n);

const bump = (m: Map<string, number>, key: string, by = 1) => m.set(key, (m.get(key) ?? 0) + by);

const isRiskLevel = (v: unknown): v is RiskLevel => typeof v === 'string' && (RISK_LEVELS as readonly string[]).includes(v);

/**
 * Trends computed in the browser from review summaries (GET /reviews) and, for rules, categories and
 * feedback outcomes, the latest versions of some of those reviews (GET /reviews/{id}).
 */
export const computeTrends = (
  summaries: readonly ReviewSummary[],
  details: readonly ReviewVersion[],
  basis: string,
  /** The period's first and last UTC day (YYYY-MM-DD); default: the days the reviews span. */
  period?: { first: string; last: string },
): Trends => {
  const perDay = new Map<string, { byRisk: Record<RiskBucket, number>; scoreSum: number; scored: number }>();
  const statuses = new Map<string, number>();
  for (const s of summaries) {
    const day = utcDay(s.createdAt);
    if (!day) continue;
    let d = perDay.get(day);
    if (!d) {
      d = { byRisk: { low: 0, medium: 0, high: 0, critical: 0, unscored: 0 }, scoreSum: 0, scored: 0 };
      perDay.set(day, d);
    }
    d.byRisk[isRiskLevel(s.riskLevel) ? s.riskLevel : 'unscored'] += 1;
    if (typeof s.riskScore === 'number' && Number.isFinite(s.riskScore)) {
      d.scoreSum += s.riskScore;
      d.scored += 1;
    }
    bump(statuses, s.status);
  }
  const known = [...perDay.keys()].sort();
  const days = period ? dayRange(period.first, period.last) : known.length ? dayRange(known[0] as string, known[known.length - 1] as string) : [];
  const byRisk = Object.fromEntries(RISK_BUCKETS.map((b) => [b, days.map((day) => perDay.get(day)?.byRisk[b] ?? 0)])) as Record<RiskBucket, number[]>;
  const meanRisk = days.map((day) => {
    const d = perDay.get(day);
    return d && d.scored > 0 ? Math.round((d.scoreSum / d.scored) * 10) / 10 : null;
  });

  const rules = new Map<string, number>();
  const categories = new Map<string, number>();
  const feedback = new Map<string, number>();
  for (const v of details) {
    for (const f of v.review.result?.findings ?? []) {
      bump(rules, f.ruleId);
      bump(categories, f.category);
    }
    if (v.review.acknowledged) bump(feedback, 'acknowledged');
    if (v.review.riskOverride) bump(feedback, 'risk overridden');
    const dismissed = v.review.dismissedFindings?.length ?? 0;
    if (dismissed > 0) bump(feedback, 'findings dismissed', dismissed);
  }
  const outcomes = [...top(statuses, 10), ...top(feedback, 10)];
  return {
    days,
    byRisk,
    meanRisk,
    total: summaries.length,
    topRules: top(rules, 10),
    topCategories: top(categories, 10),
    outcomes,
    basis,
  };
};
