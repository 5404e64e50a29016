import type { ReviewContent } from '@iac-review/reviews';
import type { Contribution } from '@iac-review/risk-scoring';
import type { HistoryAnalysis } from './history';
import type { HistoryService } from './history-service';
import type { AnalyticsLogger } from './logger';

export interface HistoricalContextOptions {
  history: HistoryService;
  logger: AnalyticsLogger;
  /** Days of history the reviewer sees (default 30). */
  days?: number;
  /** Reviews read at most (default 200). */
  maxReviews?: number;
  /** Time budget for reading the history (default 1500 ms); past it, the review goes on without history. */
  timeoutMs?: number;
  /** Entries per list in the text (default 5). */
  listLength?: number;
}

/** Points one resource's failed applies add to the risk score, and the cap over all resources. */
export const POINTS_PER_FAILED_APPLY = 5;
export const MAX_POINTS_PER_RESOURCE = 10;
export const MAX_HISTORY_POINTS = 20;

/** The listing scope of a review with history: its repository, else its stack. */
export const historyScopeOf = (c: Pick<ReviewContent, 'repository' | 'stack'>): string | undefined =>
  c.repository ? `repo:${c.repository}` : c.stack ? `stack:${c.stack}` : undefined;

const withTimeout = <T>(p: Promise<T>, ms: number): Promise<T> =>
  new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`history not available within ${ms} ms`)), ms);
    t.unref?.();
    p.then(
      (v) => {
        clearTimeout(t);
        resolve(v);
      },
      (err: unknown) => {
        clearTimeout(t);
        reject(err instanceof Error ? err : new Error(String(err)));
      },
    );
  });

/** A short, plain text of the analysis for the model (it is placed in an untrusted-data block). */
export const historyText = (a: HistoryAnalysis, n = 5): string | undefined => {
  if (a.reviews === 0) return undefined;
  const scored = a.riskTrend.filter((p) => p.meanRiskScore !== null);
  const levels = a.riskTrend.reduce<Record<string, number>>((acc, p) => {
    for (const [l, v] of Object.entries(p.byRiskLevel)) acc[l] = (acc[l] ?? 0) + v;
    return acc;
  }, {});
  const weighted = scored.reduce((s, p) => s + (p.meanRiskScore as number) * p.reviews, 0);
  const weights = scored.reduce((s, p) => s + p.reviews, 0);
  const lines = [
    `Earlier reviews of ${a.scope} in the last ${a.days} days: ${a.reviews}${a.truncated ? ' (most recent only)' : ''}.`,
    weights > 0
      ? `Risk: mean score ${Math.round(weighted / weights)}; levels ${['critical', 'high', 'medium', 'low'].map((l) => `${l} ${levels[l] ?? 0}`).join(', ')}.`
      : 'Risk: no completed reviews.',
  ];
  if (a.recurringFindings.total > 0)
    lines.push(`Recurring findings: ${a.recurringFindings.items.slice(0, n).map((f) => `${f.ruleId} on ${f.resourceAddress} (${f.reviews} reviews${f.dismissed ? `, dismissed ${f.dismissed}×` : ''})`).join('; ')}.`);
  const failing = a.hotspots.items.filter((h) => h.failedApplies > 0).slice(0, n);
  if (failing.length > 0) lines.push(`Applies that failed after review touched: ${failing.map((h) => `${h.resourceAddress} (${h.failedApplies})`).join('; ')}.`);
  const overrides = a.outcomes.items.filter((o) => o.kind === 'override').slice(0, n);
  if (overrides.length > 0) lines.push(`Risk overridden by people: ${overrides.map((o) => `${o.state} on ${o.at.slice(0, 10)}`).join('; ')}.`);
  const noisy = a.rulePrecision.items.filter((p) => p.precision !== null && p.precision < 0.5 && p.judged >= 2).slice(0, n);
  if (noisy.length > 0) lines.push(`Rules often dismissed here: ${noisy.map((p) => `${p.ruleId} (kept ${p.kept} of ${p.judged})`).join('; ')}.`);
  return lines.join('\n');
};

/**
 * Risk contributions from outcomes: each changed resource whose recent applies (in reviews of the
 * same repository/stack) failed after review adds points, explained.
 */
export const historyContributions = (a: HistoryAnalysis, changedAddresses: readonly string[]): Contribution[] => {
  const changed = new Set(changedAddresses);
  const out: Contribution[] = [];
  let total = 0;
  for (const h of a.hotspots.items) {
    if (h.failedApplies === 0 || !changed.has(h.resourceAddress)) continue;
    const points = Math.min(MAX_POINTS_PER_RESOURCE, POINTS_PER_FAILED_APPLY * h.failedApplies, MAX_HISTORY_POINTS - total);
    if (points <= 0) break;
    total += points;
    out.push({
      kind: 'history',
      points,
      resourceAddress: h.resourceAddress,
      count: h.failedApplies,
      detail: `${h.failedApplies} apply${h.failedApplies === 1 ? '' : 's'} touching ${h.resourceAddress} failed after review in the last ${a.days} days (${a.scope})`,
    });
  }
  return out;
};

/**
 * ai-reviewer's HistoricalContextPort, from the historical analysis: a short history for the model
 * and outcome-based risk contributions. Bounded in time; any failure means "no history".
 */
export const createHistoricalContext = (o: HistoricalContextOptions) => {
  const days = o.days ?? 30;
  const timeoutMs = o.timeoutMs ?? 1500;
  // One analysis per review serves both calls (the text and the contributions).
  let memo: { reviewId: string; analysis: Promise<HistoryAnalysis | undefined> } | undefined;

  const analysisFor = (reviewId: string, content: ReviewContent): Promise<HistoryAnalysis | undefined> => {
    if (memo?.reviewId === reviewId) return memo.analysis;
    const scope = historyScopeOf(content);
    const analysis = scope
      ? withTimeout(o.history.analyse({ scope, days, limit: 1000, excludeReviewId: reviewId, maxReviews: o.maxReviews ?? 200 }), timeoutMs).catch((err: unknown) => {
          o.logger.warn('history unavailable; reviewing without it', { reviewId, scope, error: err instanceof Error ? err.message : String(err) });
          return undefined;
        })
      : Promise.resolve(undefined);
    memo = { reviewId, analysis };
    return analysis;
  };

  return {
    contextFor: async (review: { reviewId: string; content: ReviewContent }): Promise<string | undefined> => {
      const a = await analysisFor(review.reviewId, review.content);
      return a ? historyText(a, o.listLength ?? 5) : undefined;
    },
    calibrate: async (review: { reviewId: string; content: ReviewContent; changedAddresses: readonly string[] }): Promise<Contribution[]> => {
      const a = await analysisFor(review.reviewId, review.content);
      return a ? historyContributions(a, review.changedAddresses) : [];
    },
  };
};

export type HistoricalContext = ReturnType<typeof createHistoricalContext>;
