import { nodeCrypto } from '@iac-review/core';
import { VersionNotFoundError, type BlobStore, type Version, type VersionedStore } from '@iac-review/dynamo-versioning';
import type { EventPublisher } from './events';
import type { ReviewContent, ReviewInputRef } from './model';
import { Stop, storeInput, submitStable, type QueueFailure } from './submission';

/**
 * Spacelift run reviews: one review per account + run (a stable id). The run's review-worthy state
 * (a tracked run awaiting confirmation, a proposed run that finished planning) submits it; later
 * terminal states (applied, failed, discarded, stopped) append the outcome to the same review, so
 * history and trends can learn which changes go wrong. Events are ordered by Spacelift's
 * `stateVersion` (or the state's time when a payload has none): an older state never overwrites a
 * newer one. A plan posted for the run (POST /reviews with the run id) becomes the reviewed input.
 */

/** One planned resource change as Spacelift reports it (`run.changes[]` of a notification-policy payload). */
export interface SpaceliftChange {
  /** `added`, `changed`, `deleted`, `destroy-Before-create-replaced`, `create-Before-destroy-replaced`, `imported`, `moved`, `forgotten`… */
  action: string;
  address: string;
  /** Full resource type (e.g. `aws_s3_bucket`), or `output`. */
  type?: string;
  name?: string;
  /** `resource`, `output`, … (entity_type). */
  entityType?: string;
  phase?: string;
  /** The entity's planned values (`entity.data.values`), when Spacelift sends them. */
  values?: Record<string, unknown>;
}

/** The change of a Spacelift run, carried in the webhook payload (reviewed as given). */
export interface SpaceliftChangesInput {
  kind: 'spacelift-changes';
  account: string;
  stackId: string;
  runId: string;
  changes: SpaceliftChange[];
}

/** A pointer to a Spacelift run whose changes the reviewer fetches through Spacelift's GraphQL API. */
export interface SpaceliftRunInput {
  kind: 'spacelift-run';
  account: string;
  stackId: string;
  runId: string;
}

export interface SpaceliftRunEvent {
  /** Spacelift account name (subdomain). */
  account: string;
  runId: string;
  /** `TRACKED`, `PROPOSED`, … */
  runType: string;
  /** Run state at the time of the event: `UNCONFIRMED`, `FINISHED`, `FAILED`, … */
  state: string;
  /** Ordinal of the state within the run (default payload); absent in notification-policy payloads. */
  stateVersion?: number;
  /** When the run entered the state (ISO 8601). */
  stateAt: string;
  stackId: string;
  stackName?: string;
  /** owner/name of the stack's repository, when known. */
  repository?: string;
  branch?: string;
  commitSha?: string;
  commitUrl?: string;
  commitMessage?: string;
  runUrl?: string;
  triggeredBy?: string;
  /** Who caused this state (e.g. the user who discarded the run), when the payload says. */
  by?: string;
  /** Planned changes carried in the payload; absent → the reviewer fetches them. */
  changes?: SpaceliftChange[];
  actor: string;
}

export interface SpaceliftPlanRequest {
  account: string;
  runId: string;
  stackId: string;
  plan: unknown;
  title?: string;
  repository?: string;
  ref?: string;
  actor: string;
}

export type RunEventOutcome =
  | { outcome: 'review-requested'; version: Version<ReviewContent> }
  | { outcome: 'outcome-recorded'; version: Version<ReviewContent> }
  | { outcome: 'duplicate'; version: Version<ReviewContent>; reason: string }
  | { outcome: 'stale'; version: Version<ReviewContent>; reason: string }
  | { outcome: 'ignored'; reason: string };

export type PlanOutcome = { outcome: 'submitted'; version: Version<ReviewContent> } | { outcome: 'duplicate'; version: Version<ReviewContent> };

export type RunStateKind = 'review' | 'outcome' | 'other';

/** Tracked runs terminal after (or instead of) an apply; a proposed run's FINISHED is its review trigger. */
const OUTCOME_STATES = new Set(['FINISHED', 'FAILED', 'DISCARDED', 'STOPPED']);

/** Whether a run state triggers a review, records an outcome, or neither. */
export const classifyRunState = (runType: string, state: string): RunStateKind => {
  const type = runType.toUpperCase();
  const s = state.toUpperCase();
  if ((type === 'TRACKED' && s === 'UNCONFIRMED') || (type === 'PROPOSED' && s === 'FINISHED')) return 'review';
  if (OUTCOME_STATES.has(s)) return 'outcome';
  return 'other';
};

/** The failure reason written when a submission could not be queued: Spacelift's retry submits again. */
export const SPACELIFT_QUEUE_FAILED_REASON = 'could not be queued for review; Spacelift retries the delivery, or post the plan again';

const ACCOUNT = /^[a-z0-9][a-z0-9-]{0,62}$/;
const RUN = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * The review id of a run: `spacelift:<account>:<run id>` (account in lower case; run ids are ULIDs),
 * or `spacelift:<sha256 prefix>` when either part has other characters.
 */
export const spaceliftReviewId = (account: string, runId: string): string => {
  const a = account.toLowerCase();
  if (ACCOUNT.test(a) && RUN.test(runId)) return `spacelift:${a}:${runId}`;
  return `spacelift:${nodeCrypto().createHash('sha256').update(`${a}\n${runId}`).digest('hex').slice(0, 40)}`;
};

export interface SpaceliftReviewsDeps {
  store: VersionedStore<ReviewContent>;
  blobs: BlobStore;
  events: EventPublisher;
  clock: () => Date;
}

/** Where a run's latest recorded state sits in its order: stateVersion when both sides have one, else time. */
const isNewer = (ev: Pick<SpaceliftRunEvent, 'state' | 'stateVersion' | 'stateAt'>, external: Record<string, string> | undefined): boolean => {
  if (!external?.runState) return true;
  const recordedVersion = external.stateVersion !== undefined ? Number(external.stateVersion) : undefined;
  if (ev.stateVersion !== undefined && recordedVersion !== undefined && Number.isFinite(recordedVersion)) return ev.stateVersion > recordedVersion;
  const recordedAt = Date.parse(external.stateAt ?? '');
  const at = Date.parse(ev.stateAt);
  if (Number.isNaN(recordedAt) || Number.isNaN(at)) return false;
  return at > recordedAt;
};

const sameState = (ev: Pick<SpaceliftRunEvent, 'state' | 'stateVersion' | 'stateAt'>, external: Record<string, string> | undefined): boolean =>
  external?.runState === ev.state && (ev.stateVersion !== undefined ? external.stateVersion === String(ev.stateVersion) : external.stateAt === ev.stateAt);

const queueFailed = (c: ReviewContent): boolean => c.status === 'failed' && c.failure?.reason === SPACELIFT_QUEUE_FAILED_REASON;

/** A submission the bus refused: recorded, so Spacelift's retry (or the same plan again) submits it again. */
const QUEUE_FAILURE: QueueFailure = { reason: SPACELIFT_QUEUE_FAILED_REASON, message: 'The review could not be queued; retry shortly.' };

const stateFields = (ev: SpaceliftRunEvent): Record<string, string> => ({
  runState: ev.state,
  stateAt: ev.stateAt,
  ...(ev.stateVersion !== undefined ? { stateVersion: String(ev.stateVersion) } : {}),
});

export const createSpaceliftReviews = (deps: SpaceliftReviewsDeps) => {
  const { store, blobs, clock } = deps;

  const submission = (
    prev: ReviewContent | undefined,
    f: { ev?: SpaceliftRunEvent; account: string; runId: string; stackId: string; input: ReviewInputRef; external: Record<string, string>; title?: string; repository?: string; ref?: string; actor: string },
  ): ReviewContent => {
    const ev = f.ev;
    const title = f.title ?? prev?.title ?? `${ev?.stackName ?? f.stackId}: ${(ev?.runType ?? 'run').toLowerCase()} run ${f.runId}${ev?.commitMessage ? ` (${ev.commitMessage.split('\n')[0]?.slice(0, 120)})` : ''}`;
    const repository = f.repository ?? ev?.repository ?? prev?.repository;
    const ref = f.ref ?? ev?.branch ?? prev?.ref;
    return {
      status: 'pending',
      source: 'spacelift',
      title,
      stack: f.stackId,
      ...(repository ? { repository } : {}),
      ...(ref ? { ref } : {}),
      external: { ...(prev?.external ?? {}), account: f.account, runId: f.runId, stackId: f.stackId, ...f.external },
      submittedBy: f.actor,
      input: f.input,
      acknowledged: false,
      dismissedFindings: prev?.dismissedFindings ?? [],
      feedback: prev?.feedback ?? [],
    };
  };

  /** A run reached a review-worthy state: submit it (unless a plan or this state was already submitted). */
  const submitRun = async (id: string, ev: SpaceliftRunEvent): Promise<RunEventOutcome> => {
    const pointer = ev.changes
      ? { kind: 'spacelift-changes' as const, account: ev.account, stackId: ev.stackId, runId: ev.runId, changes: ev.changes }
      : { kind: 'spacelift-run' as const, account: ev.account, stackId: ev.stackId, runId: ev.runId };
    const input = await storeInput(blobs, `inputs/${encodeURIComponent(id)}/${ev.state.toLowerCase()}.${pointer.kind}.json`, pointer);
    const external: Record<string, string> = {
      runType: ev.runType,
      ...stateFields(ev),
      trigger: ev.state,
      reviewInput: pointer.kind,
      ...(ev.commitSha ? { commitSha: ev.commitSha } : {}),
      ...(ev.commitUrl ? { commitUrl: ev.commitUrl } : {}),
      ...(ev.runUrl ? { runUrl: ev.runUrl } : {}),
      ...(ev.triggeredBy ? { triggeredBy: ev.triggeredBy } : {}),
    };
    const out = await submitStable<'duplicate' | 'stale'>(
      deps,
      id,
      (latest) => {
        const c = latest?.content;
        if (latest && c && !queueFailed(c)) {
          if (sameState(ev, c.external)) throw new Stop(latest, 'duplicate', 'this run state was already received');
          if (!isNewer(ev, c.external)) throw new Stop(latest, 'stale', `the review already records the newer state ${c.external?.runState ?? 'unknown'}`);
          if (c.input.kind === 'plan') throw new Stop(latest, 'duplicate', 'a plan was posted for this run; it is the reviewed input');
          if (c.external?.trigger) throw new Stop(latest, 'duplicate', `the run was already submitted at ${c.external.trigger}`);
        }
        return submission(c, { ev, account: ev.account, runId: ev.runId, stackId: ev.stackId, input, external, actor: ev.actor });
      },
      { actor: ev.actor, reason: `spacelift run ${ev.runId} ${ev.state}` },
      QUEUE_FAILURE,
    );
    if ('stop' in out) return { outcome: out.stop.why, version: out.stop.version, reason: out.stop.reason };
    return { outcome: 'review-requested', version: out.version };
  };

  /** A terminal state of an already-reviewed run: append it as the review's outcome. */
  const recordOutcome = async (id: string, ev: SpaceliftRunEvent): Promise<RunEventOutcome> => {
    try {
      const version = await store.append(
        id,
        (latest) => {
          const c = latest.content;
          if (sameState(ev, c.external)) throw new Stop<'duplicate' | 'stale'>(latest, 'duplicate', 'this run state was already received');
          if (!isNewer(ev, c.external)) throw new Stop<'duplicate' | 'stale'>(latest, 'stale', `the review already records the newer state ${c.external?.runState ?? 'unknown'}`);
          const by = ev.by ?? ev.triggeredBy;
          return {
            ...c,
            external: {
              ...(c.external ?? {}),
              ...stateFields(ev),
              outcome: ev.state.toLowerCase(),
              outcomeAt: ev.stateAt,
              ...(by ? { outcomeBy: by } : {}),
            },
          };
        },
        { actor: ev.actor, reason: `spacelift run ${ev.runId} ended ${ev.state}${ev.by ? ` (by ${ev.by})` : ''}` },
      );
      return { outcome: 'outcome-recorded', version };
    } catch (err) {
      if (err instanceof Stop) return { outcome: (err as Stop<'duplicate' | 'stale'>).why, version: err.version, reason: err.reason };
      if (err instanceof VersionNotFoundError) return { outcome: 'ignored', reason: `run ${ev.runId} has no review, so there is nothing to record its ${ev.state} outcome on` };
      throw err;
    }
  };

  /**
   * Applies one run event: a review trigger submits the run, an outcome is appended to its review,
   * anything else is ignored. Safe to call again with the same event (duplicate, nothing written).
   */
  const handleRunEvent = async (ev: SpaceliftRunEvent): Promise<RunEventOutcome> => {
    const id = spaceliftReviewId(ev.account, ev.runId);
    const kind = classifyRunState(ev.runType, ev.state);
    if (kind === 'review') return submitRun(id, ev);
    if (kind === 'outcome') return recordOutcome(id, ev);
    return { outcome: 'ignored', reason: `state ${ev.state} of a ${ev.runType.toLowerCase()} run neither triggers a review nor ends one` };
  };

  /**
   * A plan (terraform show -json) for a run: it becomes the run's reviewed input, whether the
   * webhook came first or not. The same plan again is a duplicate.
   */
  const submitPlan = async (req: SpaceliftPlanRequest): Promise<PlanOutcome> => {
    const id = spaceliftReviewId(req.account, req.runId);
    // The key carries the plan's digest: two plans for one run cannot overwrite each other's input.
    const input = await storeInput(blobs, (digest) => `inputs/${encodeURIComponent(id)}/plan.${digest.slice(0, 16)}.json`, { kind: 'plan' as const, plan: req.plan });
    const out = await submitStable(
      deps,
      id,
      (latest) => {
        const c = latest?.content;
        if (latest && c && c.input.kind === 'plan' && c.input.sha256 === input.sha256 && !queueFailed(c)) throw new Stop(latest, 'duplicate', 'the same plan was already submitted');
        return submission(c, {
          account: req.account.toLowerCase(),
          runId: req.runId,
          stackId: req.stackId,
          input,
          external: { reviewInput: 'plan', planAt: clock().toISOString() },
          ...(req.title ? { title: req.title } : {}),
          ...(req.repository ? { repository: req.repository } : {}),
          ...(req.ref ? { ref: req.ref } : {}),
          actor: req.actor,
        });
      },
      { actor: req.actor, reason: `plan for spacelift run ${req.runId}` },
      QUEUE_FAILURE,
    );
    return 'stop' in out ? { outcome: 'duplicate', version: out.stop.version } : { outcome: 'submitted', version: out.version };
  };

  return { handleRunEvent, submitPlan, reviewId: spaceliftReviewId };
};

export type SpaceliftReviews = ReturnType<typeof createSpaceliftReviews>;
