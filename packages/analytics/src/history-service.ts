import type { VersionedStore } from '@iac-review/dynamo-versioning';
import type { ReviewContent } from '@iac-review/reviews';
import { addDays, dayOf } from './days';
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
  /** Leave this review out (the one being reviewed right now). */
  excludeReviewId?: string;
  maxReviews?: number;
}

/** Reads a repository's or stack's reviews of the last N days (by-scope index) and analyses them. */
export const createHistoryService = (deps: { reviews: VersionedStore<ReviewContent>; clock: () => Date; maxReviews?: number }) => ({
  analyse: async (req: HistoryRequest): Promise<HistoryAnalysis> => {
    const today = dayOf(deps.clock());
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
    });
  },
});

export type HistoryService = ReturnType<typeof createHistoryService>;
