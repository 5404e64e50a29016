import { levelFor, type Contribution, type ResourceChange } from '@iac-review/risk-scoring/engine';
import type { ReviewOutcome } from './review-outcome';

/** How many changed addresses a review records (for the historical analysis' hotspots). */
export const MAX_RECORDED_CHANGED_RESOURCES = 200;

/** Addresses of the resources the change really changes (no-op and read excluded), sorted. */
export const changedAddresses = (changes: readonly ResourceChange[]): string[] =>
  [...new Set(changes.filter((c) => c.actions.some((a) => a !== 'no-op' && a !== 'read')).map((c) => c.address))].sort();

/**
 * Records the changed addresses on the result and folds the history's explained contributions
 * (a changed resource's recent applies failed) into the risk score: points are added, the level
 * follows the score, and the summary's first line shows the new score with one line saying why.
 */
export const withHistory = (outcome: ReviewOutcome, changed: readonly string[], contributions: readonly Contribution[]): ReviewOutcome => {
  const r = outcome.result;
  const stats = { ...r.stats, changedResources: changed.slice(0, MAX_RECORDED_CHANGED_RESOURCES) };
  const points = contributions.reduce((s, c) => s + c.points, 0);
  if (points <= 0) return { ...outcome, result: { ...r, stats } };
  const riskScore = Math.min(100, r.riskScore + points);
  const riskLevel = levelFor(riskScore);
  const why = `History: +${riskScore - r.riskScore} risk (${contributions.map((c) => c.detail).join('; ')}).`;
  const summary = `${r.summary.replace(/^Risk \S+ \(\d+\/100\)/, `Risk ${riskLevel} (${riskScore}/100)`)}\n\n${why}`;
  return { ...outcome, result: { ...r, riskScore, riskLevel, summary, contributions: [...r.contributions, ...contributions], stats: { ...stats, historyPoints: riskScore - r.riskScore } } };
};
