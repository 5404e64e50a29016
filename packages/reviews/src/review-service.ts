import type { RiskLevel } from '@iac-review/core';
import type { BlobStore, Head, Page, Version, VersionedStore } from '@iac-review/dynamo-versioning';
import { EventPublishError, FeedbackRejectedError } from './errors';
import { EVENT_SOURCE, REVIEW_COMPLETED, REVIEW_REQUESTED, type EventPublisher, type ReviewCompletedDetail, type ReviewRequestedDetail } from './events';
import { effectiveRiskLevel, findingId, type FeedbackAction, type ReviewContent, type ReviewInput, type ReviewResultRecord } from './model';
import { loadStoredInput, requestReview as requestOrFail, storeInput, type QueueFailure } from './submission';

export interface ReviewServiceDeps {
  store: VersionedStore<ReviewContent>;
  blobs: BlobStore;
  events: EventPublisher;
  ids: () => string;
  clock: () => Date;
}

/** The submission's metadata is what the review records about it. */
export interface SubmitRequest extends Pick<ReviewContent, 'source' | 'title' | 'repository' | 'stack' | 'ref' | 'external'> {
  input: ReviewInput;
  actor: string;
  /** Use this id instead of a fresh one (e.g. derived from a webhook delivery, for idempotency). */
  id?: string;
  /**
   * When the bus refuses ReviewRequested: `fail` (default) records a failed version; `keep-pending`
   * leaves the review pending for a retry with the same idempotency key or the pending sweep.
   */
  onPublishFailure?: 'fail' | 'keep-pending';
}

export interface ListRequest {
  repository?: string;
  stack?: string;
  source?: string;
  riskLevel?: string;
  status?: string;
  from?: string;
  to?: string;
  limit?: number;
  cursor?: string;
}

export interface FeedbackRequest {
  action: FeedbackAction;
  findingId?: string;
  riskLevel?: RiskLevel;
  comment: string;
  actor: string;
  expectedVersion?: number;
}

export interface CompleteRequest {
  /** The submission version the result belongs to (from the ReviewRequested event). */
  requestedVersion: number;
  result: Omit<ReviewResultRecord, 'reviewedVersion' | 'reviewedAt'>;
  status: 'completed' | 'completed-degraded';
  actor: string;
  /** The latest version as the caller read it (service.get): the write then needs no read first. */
  latest?: Version<ReviewContent>;
}

/** Thrown inside an updater to stop an append that is not needed (a re-delivered event). */
class AlreadyDone extends Error {
  override name = 'AlreadyDone';
  constructor(readonly version: Version<ReviewContent>) {
    super('already done');
  }
}

/** A refused ReviewRequested, by default: the review fails (so it is not left pending forever). */
const RECORD_FAILURE: QueueFailure = { reason: 'could not be queued for review; submit it again', message: 'The review could not be queued; submit it again shortly.' };
/** With an Idempotency-Key: the review stays pending for a retry with the key or the pending sweep. */
const KEEP_PENDING: QueueFailure = {
  message: 'The review was stored but could not be queued yet. Retrying with the same Idempotency-Key is safe; otherwise it is queued automatically within minutes.',
};

/** The review domain: submit, read, list, feedback, complete. Ports only: no AWS SDK here. */
export const createReviewService = (deps: ReviewServiceDeps) => {
  const { store, blobs, events, clock } = deps;

  const loadInput = async (content: ReviewContent): Promise<ReviewInput> => (await loadStoredInput(blobs, content.input)) as ReviewInput;

  /**
   * Stores the input (claim check), writes version 1 (pending) and asks for a review. If the bus
   * refuses the event, the review is not left pending forever: version 2 records the failure and
   * the caller gets a retryable error.
   */
  const submit = async (req: SubmitRequest): Promise<Version<ReviewContent>> => {
    const id = req.id ?? deps.ids();
    // With a caller-chosen id the key includes the digest, so a second request racing for the same id
    // cannot overwrite the stored input of the first.
    const input = await storeInput(blobs, req.id ? (digest) => `inputs/${id}.${digest.slice(0, 16)}.json` : `inputs/${id}.json`, req.input);
    const content: ReviewContent = {
      status: 'pending',
      source: req.source,
      ...(req.title ? { title: req.title } : {}),
      ...(req.repository ? { repository: req.repository } : {}),
      ...(req.stack ? { stack: req.stack } : {}),
      ...(req.ref ? { ref: req.ref } : {}),
      ...(req.external ? { external: req.external } : {}),
      submittedBy: req.actor,
      input,
      acknowledged: false,
      dismissedFindings: [],
      feedback: [],
    };
    const v1 = await store.create(id, content, { actor: req.actor, reason: 'submitted for review' });
    await requestOrFail({ store, events }, v1, req.onPublishFailure === 'keep-pending' ? KEEP_PENDING : RECORD_FAILURE);
    return v1;
  };

  const applyFeedback = (latest: Version<ReviewContent>, req: FeedbackRequest): ReviewContent => {
    const c = latest.content;
    const entry = {
      action: req.action,
      ...(req.findingId ? { findingId: req.findingId } : {}),
      ...(req.riskLevel ? { riskLevel: req.riskLevel } : {}),
      comment: req.comment,
      actor: req.actor,
      at: clock().toISOString(),
    };
    const next: ReviewContent = { ...c, feedback: [...c.feedback, entry] };
    switch (req.action) {
      case 'acknowledge':
        next.acknowledged = true;
        break;
      case 'reopen':
        next.acknowledged = false;
        next.dismissedFindings = [];
        delete next.riskOverride;
        break;
      case 'dismiss-finding': {
        if (!req.findingId) throw new FeedbackRejectedError('dismiss-finding needs findingId (<ruleId>@<resourceAddress>).');
        const known = (c.result?.findings ?? []).some((f) => findingId(f) === req.findingId);
        if (!known) throw new FeedbackRejectedError(`This review has no finding ${req.findingId}; findingId is <ruleId>@<resourceAddress> of one of its findings.`);
        if (!next.dismissedFindings.includes(req.findingId)) next.dismissedFindings = [...next.dismissedFindings, req.findingId];
        break;
      }
      case 'override-risk':
        if (!req.riskLevel) throw new FeedbackRejectedError('override-risk needs riskLevel (low, medium, high or critical).');
        next.riskOverride = { riskLevel: req.riskLevel, actor: req.actor, comment: req.comment };
        break;
    }
    return next;
  };

  /** Publishes ReviewRequested (again) for a pending version: at-least-once, the reviewer dedupes. */
  const requestReview = async (v: Version<ReviewContent>): Promise<void> => {
    const detail: ReviewRequestedDetail = { reviewId: v.id, version: v.version, source: v.content.source, inputKind: v.content.input.kind as ReviewRequestedDetail['inputKind'] };
    await events.publish([{ detailType: REVIEW_REQUESTED, detail }]);
  };

  return {
    submit,
    requestReview,
    loadInput,
    get: (id: string) => store.getLatest(id),
    getVersion: (id: string, version: number) => store.getVersion(id, version),
    listVersions: (id: string, opts: { limit?: number; cursor?: string }) => store.listVersions(id, opts),
    /** Walks the whole history: per version ok, content mismatch, broken link or missing (HMAC chain). */
    verify: (id: string) => store.auditHistory(id),

    list: (req: ListRequest): Promise<Page<Head>> => {
      const filter = {
        ...(req.source ? { source: req.source } : {}),
        ...(req.riskLevel ? { riskLevel: req.riskLevel } : {}),
        ...(req.status ? { status: req.status } : {}),
      };
      const scope = req.repository ? `repo:${req.repository}` : req.stack ? `stack:${req.stack}` : undefined;
      return store.listHeads({
        index: scope ? 'scope' : 'latest',
        ...(scope ? { key: scope } : {}),
        ...(req.from ? { from: req.from } : {}),
        ...(req.to ? { to: req.to } : {}),
        ...(req.limit ? { limit: req.limit } : {}),
        ...(req.cursor ? { cursor: req.cursor } : {}),
        filter,
      });
    },

    /** A person's feedback becomes a new version; with expectedVersion a stale view fails (409). */
    feedback: (id: string, req: FeedbackRequest): Promise<Version<ReviewContent>> =>
      store.append(id, (latest) => applyFeedback(latest, req), {
        actor: req.actor,
        reason: `feedback: ${req.action}`,
        ...(req.expectedVersion !== undefined ? { expectedVersion: req.expectedVersion } : {}),
      }),

    /**
     * Records that the submission cannot be reviewed (e.g. its input is not a usable plan), so it is
     * not left pending forever. Idempotent: a re-delivered request writes nothing new.
     */
    fail: async (id: string, req: { requestedVersion: number; reason: string; actor: string; latest?: Version<ReviewContent> }): Promise<{ version: Version<ReviewContent>; created: boolean }> => {
      let out: { version: Version<ReviewContent>; created: boolean };
      try {
        const version = await store.append(
          id,
          (latest) => {
            if (latest.content.status === 'failed' || (latest.content.result && latest.content.result.reviewedVersion >= req.requestedVersion)) throw new AlreadyDone(latest);
            return { ...latest.content, status: 'failed', failure: { reason: req.reason } };
          },
          { actor: req.actor, reason: 'review failed: input cannot be reviewed', ...(req.latest ? { latest: req.latest } : {}) },
        );
        out = { version, created: true };
      } catch (err) {
        if (!(err instanceof AlreadyDone)) throw err;
        out = { version: err.version, created: false };
      }
      // The submitter learns the outcome the same way as for a result (e.g. the pull request gets
      // "could not be reviewed"): ReviewCompleted with status failed, announced again on a re-delivery.
      const c = out.version.content;
      if (c.status === 'failed' && c.failure?.reason === req.reason) {
        const detail: ReviewCompletedDetail = {
          reviewId: id,
          version: out.version.version,
          status: c.status,
          source: c.source,
          ...(c.repository ? { repository: c.repository } : {}),
          ...(c.stack ? { stack: c.stack } : {}),
          ...(c.external ? { external: c.external } : {}),
        };
        await events.publish([{ detailType: REVIEW_COMPLETED, detail }]).catch((err: unknown) => {
          throw err instanceof EventPublishError ? err : new EventPublishError('ReviewCompleted (failed) could not be announced.', { cause: err });
        });
      }
      return out;
    },

    /**
     * Records the reviewer's result as the next version and announces it. A re-delivered request
     * (the submission already has a result) creates no version; it announces the existing result
     * again, because the first attempt may have failed between writing and announcing
     * (at-least-once: ReviewCompleted consumers dedupe on reviewId + version).
     */
    complete: async (id: string, req: CompleteRequest): Promise<{ version: Version<ReviewContent>; created: boolean }> => {
      let version: Version<ReviewContent>;
      let created = true;
      try {
        version = await store.append(
          id,
          (latest) => {
            if (latest.content.result && latest.content.result.reviewedVersion >= req.requestedVersion) throw new AlreadyDone(latest);
            return {
              ...latest.content,
              status: req.status,
              result: { ...req.result, reviewedVersion: req.requestedVersion, reviewedAt: clock().toISOString() },
            };
          },
          {
            actor: req.actor,
            reason: req.status === 'completed' ? 'review completed' : `review completed without the LLM: ${req.result.reviewer.degradedReason ?? 'unavailable'}`,
            ...(req.latest ? { latest: req.latest } : {}),
          },
        );
      } catch (err) {
        if (!(err instanceof AlreadyDone)) throw err;
        version = err.version;
        created = false;
      }
      {
        const c = version.content;
        const detail: ReviewCompletedDetail = {
          reviewId: id,
          version: version.version,
          status: c.status,
          source: c.source,
          ...(effectiveRiskLevel(c) ? { riskLevel: effectiveRiskLevel(c) } : {}),
          ...(c.result ? { riskScore: c.result.riskScore } : {}),
          ...(c.repository ? { repository: c.repository } : {}),
          ...(c.stack ? { stack: c.stack } : {}),
          ...(c.external ? { external: c.external } : {}),
        };
        await events.publish([{ detailType: REVIEW_COMPLETED, detail }]).catch((err: unknown) => {
          throw err instanceof EventPublishError ? err : new EventPublishError('ReviewCompleted could not be announced.', { cause: err });
        });
      }
      return { version, created };
    },
  };
};

export type ReviewService = ReturnType<typeof createReviewService>;
export { EVENT_SOURCE };
