import type { VersionedStore } from '@iac-review/dynamo-versioning';
import type { ReviewContent } from '@iac-review/reviews';
import { AnalyticsRequestError } from './errors';
import { addDays, dayOf, isDay } from './days';
import { analyseHistory, type HistoryAnalysis } from './history';
import { readScope, readStack } from './review-reader';

export const MAX_HISTORY_DAYS = 90;
/** Reviews one analysis reads at most (the newest are kept; the response says `truncated`). */
export const DEFAULT_MAX_HISTORY_REVIEWS = 1000;

export interface HistoryRequest {
  /** `repo:<owner/name>` or `stack:<id>` */
  scope: string;
  days: number;
  /** Entries per list. */
  limit: number;
  /** Skip this many entries of every list (the next page). */
  offset?: number;
  /** The last day of the window (default: today, UTC); pages of one listing keep the first page's. */
  today?: string;
  /** Leave this review out (the one being reviewed right now). */
  excludeReviewId?: string;
  maxReviews?: number;
}

/** Reads a repository's or stack's reviews of the last N days (by-scope index) and analyses them. */
export const createHistoryService = (deps: { reviews: VersionedStore<ReviewContent>; clock: () => Date; maxReviews?: number }) => ({
  analyse: async (req: HistoryRequest): Promise<HistoryAnalysis> => {
    const today = req.today ?? dayOf(deps.clock());
    const from = addDays(today, -(req.days - 1));
    const max = req.maxReviews ?? deps.maxReviews ?? DEFAULT_MAX_HISTORY_REVIEWS;
    const { reviews, truncated } = req.scope.startsWith('stack:') ? await readStack(deps.reviews, req.scope.slice('stack:'.length), from, today, max) : await readScope(deps.reviews, req.scope, from, max);
    return analyseHistory({
      scope: req.scope,
      days: req.days,
      today,
      reviews: req.excludeReviewId ? reviews.filter((r) => r.id !== req.excludeReviewId) : reviews,
      truncated,
      limit: req.limit,
      ...(req.offset ? { offset: req.offset } : {}),
    });
  },
});

export type HistoryService = ReturnType<typeof createHistoryService>;

export type HistoryPage = HistoryAnalysis & { nextCursor?: string };

/**
 * One page of the analysis: every list from the cursor's offset, `limit` entries each; `nextCursor`
 * while any list has more. The cursor pins the window (scope, days, last day) of the first page.
 */
export const historyPage = async (service: HistoryService, req: { scope: string; days: number; limit: number; cursor?: string }): Promise<HistoryPage> => {
  let offset = 0;
  let today: string | undefined;
  if (req.cursor !== undefined) {
    let c: Record<string, unknown>;
    try {
      if (!/^[A-Za-z0-9_-]{1,2048}$/.test(req.cursor)) throw new Error('not base64url');
      c = JSON.parse(Buffer.from(req.cursor, 'base64url').toString('utf8')) as Record<string, unknown>;
    } catch {
      throw new AnalyticsRequestError('The cursor is not valid: pass the nextCursor of the previous page unchanged.', 'cursor');
    }
    if (c.s !== req.scope || c.d !== req.days || c.l !== req.limit || !isDay(c.t) || typeof c.o !== 'number' || !Number.isInteger(c.o) || c.o < 1) {
      throw new AnalyticsRequestError('The cursor belongs to another listing: repeat the same repository or stack, days and limit with it.', 'cursor');
    }
    offset = c.o;
    today = c.t;
  }
  const a = await service.analyse({ scope: req.scope, days: req.days, limit: req.limit, offset, ...(today ? { today } : {}) });
  const more = Math.max(a.recurringFindings.total, a.hotspots.total, a.outcomes.total, a.rulePrecision.total) > offset + req.limit;
  return more ? { ...a, nextCursor: Buffer.from(JSON.stringify({ s: req.scope, d: req.days, l: req.limit, t: a.to, o: offset + req.limit }), 'utf8').toString('base64url') } : a;
};
