import { VersionConflictError, type IdempotencyStore, type VersionedStore } from '@iac-review/dynamo-versioning';
import { REVIEW_REQUESTED, type EventPublisher, type ReviewRequestedDetail } from './events';
import type { ReviewContent } from './model';

export interface PendingSweepDeps {
  store: Pick<VersionedStore<ReviewContent>, 'listHeads' | 'getLatest' | 'append'>;
  events: EventPublisher;
  /**
   * Remembers which pending versions were re-queued recently: an idempotency store whose TTL is the
   * re-queue interval (e.g. 30 minutes), so a version is re-queued at most once per interval and
   * nothing is ever deleted (the functions have no DeleteItem).
   */
  claims: Pick<IdempotencyStore, 'record'>;
  clock: () => Date;
  logger?: { info(message: string, fields?: Record<string, unknown>): void; warn(message: string, fields?: Record<string, unknown>): void };
}

export interface PendingSweepOptions {
  /** A review pending for less than this is left alone: its request may still be on its way (default 10). */
  minAgeMinutes?: number;
  /** A review pending this long (it was re-queued in between) is marked failed (default 120). */
  giveUpAfterMinutes?: number;
  /** How far back the sweep looks (default 72 hours). */
  lookbackHours?: number;
  /** At most this many reviews per run (default 500), to stay inside the function's timeout. */
  maxReviews?: number;
}

export interface SweepResult {
  checked: number;
  requeued: string[];
  failed: string[];
  errors: Array<{ id: string; error: string }>;
}

/** The failure reason of a review that was never picked up for review. */
export const NOT_PICKED_UP_REASON = 'was not picked up for review in time; submit it again';
export const REQUEUE_SCOPE = 'review-requeue';

class MovedOn extends Error {
  override readonly name = 'MovedOn';
}

/**
 * The outbox sweep: finds reviews still `pending` after `minAgeMinutes` through the `latest` index
 * (status filter; a Query, never a Scan) and publishes their ReviewRequested again — the function
 * that stored them may have timed out before it published. A pending version is re-queued at most
 * once per claim TTL; one still pending `giveUpAfterMinutes` after it was written is marked failed,
 * so no review stays pending forever. The reviewer is idempotent, so a duplicate request costs
 * nothing but a read.
 */
export const createPendingSweep = (deps: PendingSweepDeps, opts: PendingSweepOptions = {}) => {
  const minAgeMs = (opts.minAgeMinutes ?? 10) * 60_000;
  const giveUpMs = (opts.giveUpAfterMinutes ?? 120) * 60_000;
  const lookbackMs = (opts.lookbackHours ?? 72) * 3_600_000;
  const maxReviews = opts.maxReviews ?? 500;

  const sweep = async (): Promise<SweepResult> => {
    const now = deps.clock().getTime();
    const result: SweepResult = { checked: 0, requeued: [], failed: [], errors: [] };
    let cursor: string | undefined;
    do {
      const page = await deps.store.listHeads({
        index: 'latest',
        from: new Date(now - lookbackMs).toISOString(),
        to: new Date(now - minAgeMs).toISOString(),
        filter: { status: 'pending' },
        limit: 100,
        ...(cursor ? { cursor } : {}),
      });
      cursor = page.cursor;
      for (const head of page.items) {
        if (result.checked >= maxReviews) return result;
        result.checked++;
        const claimKey = `${head.id}.v${head.latestVersion}`;
        try {
          if (now - Date.parse(head.updatedAt) >= giveUpMs) {
            let marked = false;
            try {
              await deps.store.append(
                head.id,
                (latest) => {
                  if (latest.content.status !== 'pending') throw new MovedOn();
                  return { ...latest.content, status: 'failed', failure: { reason: NOT_PICKED_UP_REASON } };
                },
                { actor: 'review-sweeper', reason: 'review failed: never picked up', expectedVersion: head.latestVersion },
              );
              marked = true;
            } catch (err) {
              // Reviewed (or changed) since the listing: nothing to do.
              if (!(err instanceof MovedOn || err instanceof VersionConflictError)) throw err;
            }
            if (marked) {
              result.failed.push(head.id);
              deps.logger?.warn('pending review marked failed: it was re-queued and still not reviewed', { reviewId: head.id, version: head.latestVersion, pendingSince: head.updatedAt });
            }
            continue;
          }
          const claim = await deps.claims.record(REQUEUE_SCOPE, claimKey);
          if (claim.status !== 'first') continue; // re-queued recently: give it time
          const latest = await deps.store.getLatest(head.id);
          if (latest.content.status !== 'pending') continue;
          const detail: ReviewRequestedDetail = { reviewId: head.id, version: latest.version, source: latest.content.source, inputKind: latest.content.input.kind as ReviewRequestedDetail['inputKind'] };
          // A refused publish keeps its claim: the next attempt comes when the claim expires.
          await deps.events.publish([{ detailType: REVIEW_REQUESTED, detail }]);
          result.requeued.push(head.id);
          deps.logger?.info('pending review re-queued', { reviewId: head.id, version: latest.version, pendingSince: head.updatedAt });
        } catch (err) {
          result.errors.push({ id: head.id, error: err instanceof Error ? err.name : 'unknown' });
          deps.logger?.warn('sweep could not handle a pending review; the next run retries', { reviewId: head.id, error: err });
        }
      }
    } while (cursor);
    return result;
  };
  return { sweep };
};
