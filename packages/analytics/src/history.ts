import { RISK_LEVELS, severityRank, type RiskLevel, type Severity } from '@iac-review/core';
import { findingId, type ReviewContent } from '@iac-review/reviews';
import { addDays, daysBetween } from './days';
import { classifyOutcome, failedAppliesAfterReview, readOutcomes, type OutcomeClass } from './outcomes';
import type { ReviewSnapshot } from './rollup';

export interface Listed<T> {
  /** How many entries there are in all; `items` holds the first `limit` of them. */
  total: number;
  items: T[];
}

export interface RiskTrendPoint {
  day: string;
  reviews: number;
  meanRiskScore: number | null;
  maxRiskScore: number | null;
  byRiskLevel: Record<RiskLevel, number>;
}

export interface RecurringFinding {
  ruleId: string;
  resourceAddress: string;
  category: string;
  severity: Severity;
  /** Reviews that reported it. */
  reviews: number;
  /** Reviews in which a person dismissed it. */
  dismissed: number;
  firstSeen: string;
  lastSeen: string;
}

export interface Hotspot {
  resourceAddress: string;
  /** Reviews that changed it (or reported a finding on it). */
  changes: number;
  /** Reviews with a high or critical finding on it. */
  riskyChanges: number;
  /** Spacelift applies of those reviews that failed after the review. */
  failedApplies: number;
  lastChanged: string;
}

export interface OutcomeEntry {
  reviewId: string;
  at: string;
  kind: OutcomeClass | 'override';
  /** The source's state (FAILED, merged…) or, for an override, `<computed>→<override>`. */
  state: string;
  source: string;
  riskLevel: RiskLevel | null;
  riskScore: number | null;
  actor?: string;
}

export interface RulePrecision {
  ruleId: string;
  /** Findings of the rule in the window. */
  raised: number;
  /** Of those, findings in reviews a person gave feedback on. */
  judged: number;
  dismissed: number;
  kept: number;
  /**
   * Of `raised`, findings an accepted risk silenced. A suppression is a reasoned judgement that the
   * finding is real (the risk is accepted), so it counts as judged and kept.
   */
  suppressed: number;
  /** kept / judged, or null when nobody judged any. */
  precision: number | null;
}

export interface HistoryAnalysis {
  scope: string;
  days: number;
  from: string;
  to: string;
  reviews: number;
  /** True when the window held more reviews than were analysed (the newest were kept). */
  truncated: boolean;
  /** Where each list's `items` start (a later page of every list at once). */
  offset: number;
  riskTrend: RiskTrendPoint[];
  recurringFindings: Listed<RecurringFinding>;
  hotspots: Listed<Hotspot>;
  outcomes: Listed<OutcomeEntry>;
  rulePrecision: Listed<RulePrecision>;
}

const HIGH: readonly RiskLevel[] = ['high', 'critical'];
const round = (n: number, digits: number) => Math.round(n * 10 ** digits) / 10 ** digits;
const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** When a review happened: its creation time, else its result's time, else the epoch. */
const timeOf = (r: ReviewSnapshot): string => r.createdAt ?? r.content.result?.reviewedAt ?? '1970-01-01T00:00:00.000Z';

/** Resources a review touched: what the reviewer recorded as changed, plus every finding's resource. */
export const touchedResources = (content: ReviewContent): Set<string> => {
  const out = new Set<string>();
  const changed = (content.result?.stats as { changedResources?: unknown } | undefined)?.changedResources;
  if (Array.isArray(changed)) for (const a of changed) if (typeof a === 'string') out.add(a);
  for (const f of content.result?.findings ?? []) out.add(f.resourceAddress);
  return out;
};

const list = <T>(all: T[], offset: number, limit: number): Listed<T> => ({ total: all.length, items: all.slice(offset, offset + limit) });

/**
 * The history of one repository or stack: risk per day, findings that keep coming back, resources
 * changed often and often risky, what happened after the reviews, and each rule's precision from
 * people's feedback (a finding in a review someone gave feedback on counts as judged: dismissed,
 * or kept when not dismissed).
 */
export const analyseHistory = (o: { scope: string; days: number; today: string; reviews: readonly ReviewSnapshot[]; truncated: boolean; limit: number; offset?: number }): HistoryAnalysis => {
  const offset = o.offset ?? 0;
  const from = addDays(o.today, -(o.days - 1));
  const reviews = o.reviews.filter((r) => timeOf(r).slice(0, 10) >= from);

  const trend = new Map(daysBetween(from, o.today).map((d) => [d, { scores: [] as number[], levels: Object.fromEntries(RISK_LEVELS.map((l) => [l, 0])) as Record<RiskLevel, number>, reviews: 0 }]));
  const recurring = new Map<string, RecurringFinding>();
  const hotspots = new Map<string, Hotspot>();
  const outcomes: OutcomeEntry[] = [];
  const precision = new Map<string, RulePrecision>();

  for (const r of reviews) {
    const c = r.content;
    const at = timeOf(r);
    const point = trend.get(at.slice(0, 10));
    const result = c.result;
    if (point) {
      point.reviews++;
      if (result) {
        point.scores.push(result.riskScore);
        point.levels[result.riskLevel]++;
      }
    }
    const dismissed = new Set(c.dismissedFindings);
    const judged = c.feedback.length > 0;
    const failed = failedAppliesAfterReview(c).length;
    for (const f of result?.findings ?? []) {
      const key = findingId(f);
      const e = recurring.get(key) ?? { ruleId: f.ruleId, resourceAddress: f.resourceAddress, category: f.category, severity: f.severity, reviews: 0, dismissed: 0, firstSeen: at, lastSeen: at };
      e.reviews++;
      if (dismissed.has(key)) e.dismissed++;
      if (severityRank(f.severity) > severityRank(e.severity)) e.severity = f.severity;
      if (at < e.firstSeen) e.firstSeen = at;
      if (at > e.lastSeen) e.lastSeen = at;
      recurring.set(key, e);

      const p = precision.get(f.ruleId) ?? { ruleId: f.ruleId, raised: 0, judged: 0, dismissed: 0, kept: 0, suppressed: 0, precision: null };
      p.raised++;
      if (f.suppressed) {
        p.suppressed++;
        p.judged++;
        if (dismissed.has(key)) p.dismissed++;
        else p.kept++;
      } else if (judged) {
        p.judged++;
        if (dismissed.has(key)) p.dismissed++;
        else p.kept++;
      }
      precision.set(f.ruleId, p);
    }
    const risky = new Set((result?.findings ?? []).filter((f) => severityRank(f.severity) >= severityRank('high')).map((f) => f.resourceAddress));
    for (const address of touchedResources(c)) {
      const h = hotspots.get(address) ?? { resourceAddress: address, changes: 0, riskyChanges: 0, failedApplies: 0, lastChanged: at };
      h.changes++;
      if (risky.has(address)) h.riskyChanges++;
      h.failedApplies += failed;
      if (at > h.lastChanged) h.lastChanged = at;
      hotspots.set(address, h);
    }
    const base = { reviewId: r.id, riskLevel: result?.riskLevel ?? null, riskScore: result?.riskScore ?? null };
    for (const out of readOutcomes(c)) {
      outcomes.push({ ...base, at: out.at, kind: classifyOutcome(out), state: out.state, source: out.source, ...(out.actor ? { actor: out.actor } : {}) });
    }
    for (const fb of c.feedback) {
      if (fb.action !== 'override-risk' || !fb.riskLevel) continue;
      outcomes.push({ ...base, at: fb.at, kind: 'override', state: `${result?.riskLevel ?? 'unscored'}→${fb.riskLevel}`, source: 'feedback', actor: fb.actor });
    }
  }

  const riskTrend: RiskTrendPoint[] = [...trend.entries()].map(([day, p]) => ({
    day,
    reviews: p.reviews,
    meanRiskScore: p.scores.length ? round(p.scores.reduce((s, x) => s + x, 0) / p.scores.length, 2) : null,
    maxRiskScore: p.scores.length ? Math.max(...p.scores) : null,
    byRiskLevel: p.levels,
  }));
  const recurringAll = [...recurring.values()].filter((e) => e.reviews >= 2).sort((a, b) => b.reviews - a.reviews || cmp(b.lastSeen, a.lastSeen) || cmp(a.ruleId, b.ruleId) || cmp(a.resourceAddress, b.resourceAddress));
  const hotspotAll = [...hotspots.values()]
    .filter((h) => h.changes >= 2 || h.failedApplies > 0)
    .sort((a, b) => b.failedApplies + b.riskyChanges - (a.failedApplies + a.riskyChanges) || b.changes - a.changes || cmp(a.resourceAddress, b.resourceAddress));
  const outcomeAll = outcomes.sort((a, b) => cmp(b.at, a.at) || cmp(a.reviewId, b.reviewId));
  const precisionAll = [...precision.values()]
    .map((p) => ({ ...p, precision: p.judged > 0 ? round(p.kept / p.judged, 4) : null }))
    .sort((a, b) => (a.precision ?? 2) - (b.precision ?? 2) || b.judged - a.judged || cmp(a.ruleId, b.ruleId));

  return {
    scope: o.scope,
    days: o.days,
    from,
    to: o.today,
    reviews: reviews.length,
    truncated: o.truncated,
    offset,
    riskTrend,
    recurringFindings: list(recurringAll, offset, o.limit),
    hotspots: list(hotspotAll, offset, o.limit),
    outcomes: list(outcomeAll, offset, o.limit),
    rulePrecision: list(precisionAll, offset, o.limit),
  };
};

export const isHighRisk = (l: RiskLevel | null | undefined): boolean => l !== null && l !== undefined && HIGH.includes(l);
