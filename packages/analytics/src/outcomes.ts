import type { ReviewContent } from '@iac-review/reviews';

/**
 * What happened to a reviewed change afterwards. The one place the analytics read it; everything
 * else goes through `readOutcomes` and `classifyOutcome`.
 *
 * Where the writers record it (packages/reviews): a version whose `external` gains
 * - Spacelift (`source: 'spacelift'`): `outcome` = the run's terminal state lower-cased
 *   (`finished` after an apply, `failed`, `discarded`, `stopped`), `outcomeAt`, `outcomeBy`;
 * - GitHub (`source: 'github'`): `outcome` = `merged` | `closed`, `closedAt`.
 * A list `outcomes: [{source, state, merged?, at, actor?}]` on the content is read as well.
 */
export interface ReviewOutcome {
  source: string;
  state: string;
  merged?: boolean;
  /** ISO-8601 time, or '' when the writer did not record one. */
  at: string;
  actor?: string;
}

export type OutcomeClass = 'apply-succeeded' | 'apply-failed' | 'apply-cancelled' | 'merged' | 'closed-unmerged' | 'other';

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const parseOne = (v: unknown): ReviewOutcome | undefined => {
  if (!isRecord(v)) return undefined;
  const source = v.source;
  const state = v.state ?? (v.merged === true ? 'merged' : undefined);
  const at = v.at;
  if (typeof source !== 'string' || typeof state !== 'string' || typeof at !== 'string') return undefined;
  return {
    source: source.toLowerCase(),
    state,
    at,
    ...(typeof v.merged === 'boolean' ? { merged: v.merged } : {}),
    ...(typeof v.actor === 'string' ? { actor: v.actor } : {}),
  };
};

/** The outcomes recorded on a review, oldest first; malformed entries are skipped. */
export const readOutcomes = (content: ReviewContent): ReviewOutcome[] => {
  const raw = content as unknown as { outcomes?: unknown };
  const list: unknown[] = [];
  const ext = content.external;
  if (ext?.outcome) {
    const at = ext.outcomeAt ?? ext.closedAt ?? ext.stateAt;
    list.push({ source: content.source, state: ext.outcome, at: at ?? '', ...(ext.outcome === 'merged' ? { merged: true } : {}), ...(ext.outcomeBy ? { actor: ext.outcomeBy } : {}) });
  }
  if (Array.isArray(raw.outcomes)) list.push(...raw.outcomes);
  const out: ReviewOutcome[] = [];
  const seen = new Set<string>();
  for (const v of list) {
    const o = parseOne(v);
    if (!o) continue;
    const key = `${o.source}|${o.state}|${o.at}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(o);
  }
  return out.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
};

/** What an outcome means for calibration: a Spacelift apply that failed, a pull request merged… */
export const classifyOutcome = (o: ReviewOutcome): OutcomeClass => {
  const state = o.state.toLowerCase();
  if (o.source === 'spacelift') {
    if (state === 'failed') return 'apply-failed';
    if (state === 'finished') return 'apply-succeeded';
    if (state === 'discarded' || state === 'stopped' || state === 'canceled' || state === 'cancelled') return 'apply-cancelled';
    return 'other';
  }
  if (o.source === 'github') {
    if (o.merged === true || state === 'merged') return 'merged';
    if (state === 'closed') return 'closed-unmerged';
  }
  return 'other';
};

/** Applies that failed after the review was written (an outcome with no time order is counted). */
export const failedAppliesAfterReview = (content: ReviewContent): ReviewOutcome[] => {
  const reviewedAt = content.result?.reviewedAt;
  if (!content.result) return [];
  return readOutcomes(content).filter((o) => classifyOutcome(o) === 'apply-failed' && (!reviewedAt || o.at === '' || o.at >= reviewedAt));
};
