import { RISK_LEVELS, type RiskLevel } from '@iac-review/core';
import { effectiveRiskLevel, findingId, type ReviewContent } from '@iac-review/reviews';
import { classifyOutcome, failedAppliesAfterReview, readOutcomes } from './outcomes';

export const REVIEW_STATUSES = ['pending', 'completed', 'completed-degraded', 'failed'] as const;
export const REVIEW_SOURCES = ['api', 'github', 'spacelift'] as const;
/** How many rules / categories the summaries list. */
export const TOP_N = 10;

/** `overall`, `repo:<owner/name>` or `stack:<id>`. */
export type RollupScope = string;

/** A review as the rollup sees it: its id and its latest content. */
export interface ReviewSnapshot {
  id: string;
  content: ReviewContent;
  /** When the review was created (version 1), when known. */
  createdAt?: string;
}

/** The mergeable counts of a rollup: a week is the sum of its days, exactly. */
export interface RollupCounts {
  reviews: number;
  /** The reviewer's computed level; `unscored` for reviews without a result (pending, failed). */
  byRiskLevel: Record<RiskLevel | 'unscored', number>;
  bySource: Record<string, number>;
  byStatus: Record<string, number>;
  /** Reviews per integer risk score (0–100): percentiles of any union of days are exact. */
  riskScoreHistogram: Record<string, number>;
  riskScoreSum: number;
  confidenceSum: number;
  /** Reviews with a result (risk score and confidence). */
  scored: number;
  findings: number;
  findingsByRule: Record<string, number>;
  findingsByCategory: Record<string, number>;
  dismissed: number;
  dismissedByRule: Record<string, number>;
  /**
   * Findings an accepted risk silenced (`.iac-review.yml` or an inline `iac-review:ignore`); they are
   * in `findings` too. Absent in rollups written before suppressions existed.
   */
  suppressed?: number;
  suppressedByRule?: Record<string, number>;
  /** Reviews whose risk level a person overrode: raised above or lowered below the computed one. */
  overrides: { total: number; raised: number; lowered: number; unchanged: number };
  outcomes: {
    appliesSucceeded: number;
    appliesFailed: number;
    appliesCancelled: number;
    /** Reviews with at least one Spacelift apply that failed after the review. */
    reviewsWithFailedApply: number;
    merged: number;
    /** Reviews merged while their (effective) risk level was high or critical. */
    mergedHighRisk: number;
    closedUnmerged: number;
  };
}

export interface Ranked {
  key: string;
  count: number;
}

/** Derived from the counts (so any two rollups with equal counts are equal). */
export interface RollupSummary {
  riskScore: { mean: number | null; p50: number | null; p90: number | null };
  confidence: { mean: number | null };
  topRules: Ranked[];
  topCategories: Ranked[];
  topDismissedRules: Ranked[];
}

/** What one rollup version holds. No computation time: re-running a day yields identical content. */
export interface TrendRollup {
  kind: 'trend-rollup';
  schemaVersion: 1;
  day: string;
  scope: RollupScope;
  counts: RollupCounts;
  summary: RollupSummary;
}

const round = (n: number, digits: number): number => {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
};

export const emptyCounts = (): RollupCounts => ({
  reviews: 0,
  byRiskLevel: { low: 0, medium: 0, high: 0, critical: 0, unscored: 0 },
  bySource: Object.fromEntries(REVIEW_SOURCES.map((s) => [s, 0])),
  byStatus: Object.fromEntries(REVIEW_STATUSES.map((s) => [s, 0])),
  riskScoreHistogram: {},
  riskScoreSum: 0,
  confidenceSum: 0,
  scored: 0,
  findings: 0,
  findingsByRule: {},
  findingsByCategory: {},
  dismissed: 0,
  dismissedByRule: {},
  suppressed: 0,
  suppressedByRule: {},
  overrides: { total: 0, raised: 0, lowered: 0, unchanged: 0 },
  outcomes: { appliesSucceeded: 0, appliesFailed: 0, appliesCancelled: 0, reviewsWithFailedApply: 0, merged: 0, mergedHighRisk: 0, closedUnmerged: 0 },
});

/** Keys from stored data are written as own properties only (never through a prototype). */
const bump = (m: Record<string, number>, key: string, by = 1): void => {
  const current = Object.prototype.hasOwnProperty.call(m, key) ? (m[key] as number) : 0;
  Object.defineProperty(m, key, { value: current + by, enumerable: true, writable: true, configurable: true });
};

const levelRank = (l: RiskLevel): number => RISK_LEVELS.indexOf(l);

/** The rule of a dismissed finding id (`<ruleId>@<resourceAddress>`), from the review's findings when it is there. */
const ruleOfFindingId = (content: ReviewContent, id: string): string => {
  const f = content.result?.findings.find((x) => findingId(x) === id);
  if (f) return f.ruleId;
  const at = id.indexOf('@');
  return at > 0 ? id.slice(0, at) : id;
};

/** Adds one review to `c` (in place). */
export const addReview = (c: RollupCounts, content: ReviewContent): void => {
  c.reviews++;
  bump(c.bySource, content.source);
  bump(c.byStatus, content.status);
  const r = content.result;
  if (r) {
    c.byRiskLevel[r.riskLevel]++;
    c.scored++;
    bump(c.riskScoreHistogram, String(Math.round(r.riskScore)));
    c.riskScoreSum += Math.round(r.riskScore);
    c.confidenceSum = round(c.confidenceSum + r.confidence, 9);
    c.findings += r.findings.length;
    for (const f of r.findings) {
      bump(c.findingsByRule, f.ruleId);
      bump(c.findingsByCategory, f.category);
      if (f.suppressed) {
        c.suppressed = (c.suppressed ?? 0) + 1;
        bump((c.suppressedByRule ??= {}), f.ruleId);
      }
    }
  } else {
    c.byRiskLevel.unscored++;
  }
  for (const id of new Set(content.dismissedFindings)) {
    c.dismissed++;
    bump(c.dismissedByRule, ruleOfFindingId(content, id));
  }
  if (content.riskOverride) {
    c.overrides.total++;
    const computed = r?.riskLevel;
    const to = content.riskOverride.riskLevel;
    if (computed === undefined || levelRank(to) === levelRank(computed)) c.overrides.unchanged++;
    else if (levelRank(to) > levelRank(computed)) c.overrides.raised++;
    else c.overrides.lowered++;
  }
  let merged = false;
  for (const o of readOutcomes(content)) {
    switch (classifyOutcome(o)) {
      case 'apply-succeeded':
        c.outcomes.appliesSucceeded++;
        break;
      case 'apply-failed':
        c.outcomes.appliesFailed++;
        break;
      case 'apply-cancelled':
        c.outcomes.appliesCancelled++;
        break;
      case 'merged':
        merged = true;
        break;
      case 'closed-unmerged':
        c.outcomes.closedUnmerged++;
        break;
      default:
        break;
    }
  }
  if (failedAppliesAfterReview(content).length > 0) c.outcomes.reviewsWithFailedApply++;
  if (merged) {
    c.outcomes.merged++;
    const level = effectiveRiskLevel(content);
    if (level === 'high' || level === 'critical') c.outcomes.mergedHighRisk++;
  }
};

const mergeMap = (into: Record<string, number>, from: Record<string, number>): void => {
  for (const [k, v] of Object.entries(from)) bump(into, k, v);
};

/** The sum of several rollups' counts (e.g. the days of a week). */
export const mergeCounts = (list: readonly RollupCounts[]): RollupCounts => {
  const c = emptyCounts();
  for (const x of list) {
    c.reviews += x.reviews;
    for (const k of Object.keys(c.byRiskLevel) as (keyof RollupCounts['byRiskLevel'])[]) c.byRiskLevel[k] += x.byRiskLevel[k] ?? 0;
    mergeMap(c.bySource, x.bySource);
    mergeMap(c.byStatus, x.byStatus);
    mergeMap(c.riskScoreHistogram, x.riskScoreHistogram);
    c.riskScoreSum += x.riskScoreSum;
    c.confidenceSum = round(c.confidenceSum + x.confidenceSum, 9);
    c.scored += x.scored;
    c.findings += x.findings;
    mergeMap(c.findingsByRule, x.findingsByRule);
    mergeMap(c.findingsByCategory, x.findingsByCategory);
    c.dismissed += x.dismissed;
    mergeMap(c.dismissedByRule, x.dismissedByRule);
    c.suppressed = (c.suppressed ?? 0) + (x.suppressed ?? 0);
    mergeMap((c.suppressedByRule ??= {}), x.suppressedByRule ?? {});
    for (const k of Object.keys(c.overrides) as (keyof RollupCounts['overrides'])[]) c.overrides[k] += x.overrides[k];
    for (const k of Object.keys(c.outcomes) as (keyof RollupCounts['outcomes'])[]) c.outcomes[k] += x.outcomes[k];
  }
  return c;
};

/** Nearest-rank percentile (the smallest score with at least q of the reviews at or below it). */
export const percentileFromHistogram = (histogram: Record<string, number>, q: number): number | null => {
  const entries = Object.entries(histogram)
    .map(([k, v]) => [Number(k), v] as const)
    .filter(([, v]) => v > 0)
    .sort((a, b) => a[0] - b[0]);
  const n = entries.reduce((s, [, v]) => s + v, 0);
  if (n === 0) return null;
  const rank = Math.max(1, Math.ceil(q * n));
  let seen = 0;
  for (const [score, count] of entries) {
    seen += count;
    if (seen >= rank) return score;
  }
  return entries[entries.length - 1]?.[0] ?? null;
};

/** Highest count first, then by key (deterministic). */
export const topOf = (m: Record<string, number>, n = TOP_N): Ranked[] =>
  Object.entries(m)
    .filter(([, v]) => v > 0)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .slice(0, n)
    .map(([key, count]) => ({ key, count }));

export const summarise = (c: RollupCounts): RollupSummary => ({
  riskScore: {
    mean: c.scored > 0 ? round(c.riskScoreSum / c.scored, 2) : null,
    p50: percentileFromHistogram(c.riskScoreHistogram, 0.5),
    p90: percentileFromHistogram(c.riskScoreHistogram, 0.9),
  },
  confidence: { mean: c.scored > 0 ? round(c.confidenceSum / c.scored, 4) : null },
  topRules: topOf(c.findingsByRule),
  topCategories: topOf(c.findingsByCategory),
  topDismissedRules: topOf(c.dismissedByRule),
});

/** The scopes a review is rolled up under: overall, its repository and its stack. */
export const scopesOf = (content: ReviewContent): RollupScope[] => {
  const out: RollupScope[] = ['overall'];
  if (content.repository) out.push(`repo:${content.repository}`);
  if (content.stack) out.push(`stack:${content.stack}`);
  return out;
};

/**
 * The day's rollups, one per scope that had reviews, plus `overall` always (so a day with no
 * reviews is recorded as aggregated). Deterministic: the same reviews give the same content.
 */
export const computeRollups = (day: string, reviews: readonly ReviewSnapshot[]): TrendRollup[] => {
  const byScope = new Map<RollupScope, RollupCounts>([['overall', emptyCounts()]]);
  const sorted = [...reviews].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  for (const r of sorted) {
    for (const scope of scopesOf(r.content)) {
      let c = byScope.get(scope);
      if (!c) byScope.set(scope, (c = emptyCounts()));
      addReview(c, r.content);
    }
  }
  return [...byScope.entries()]
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .map(([scope, counts]) => ({ kind: 'trend-rollup', schemaVersion: 1, day, scope, counts, summary: summarise(counts) }));
};
