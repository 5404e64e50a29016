import { nodeCrypto } from '@iac-review/core';
import { VersionNotFoundError, type BlobStore, type Version, type VersionedStore } from '@iac-review/dynamo-versioning';
import type { EventPublisher } from './events';
import type { ReviewContent, ReviewInput, ReviewInputRef } from './model';
import { loadStoredInput, requestReview, Stop, storeInput, submitStable, type QueueFailure } from './submission';

/**
 * Pull-request reviews: one review per repository + PR number (a stable id), one submission
 * version per push (head SHA), the outcome (merged or not) appended when the PR closes.
 *
 * A push first becomes a `pull-request` submission: the webhook path must not call GitHub, so the
 * files are fetched afterwards (pr-review-handler), stored as an `hcl` input and requested again;
 * a plan posted for the same PR and head SHA (POST /reviews) replaces that input ("reviewed from plan"):
 * it too is a `pull-request` submission first, so pr-review-handler can add the base branch's policy.
 */

export interface GithubReviewsDeps {
  store: VersionedStore<ReviewContent>;
  blobs: BlobStore;
  events: EventPublisher;
  clock: () => Date;
}

/** What the pointer input of a `pull-request` submission holds (the files are fetched later). */
export interface PullRequestInput {
  kind: 'pull-request';
  repository: string;
  pullRequest: number;
  headSha: string;
  baseSha?: string;
  /** A plan posted for this head SHA (POST /reviews): pr-review-handler adds the base branch's policy to it. */
  plan?: ReviewInputRef;
}

export interface PushRequest {
  /** owner/name as GitHub spells it. */
  repository: string;
  pullRequest: number;
  headSha: string;
  baseSha?: string;
  headRef?: string;
  baseRef?: string;
  title?: string;
  url?: string;
  installationId?: number;
  /** `changed_files` of the pull request (tells pr-review-handler whether GitHub's file listing is capped). */
  changedFiles?: number;
  deliveryId: string;
  /** The webhook action (opened, synchronize, reopened, ready_for_review). */
  action: string;
  actor: string;
}

export interface PlanForPushRequest {
  repository: string;
  pullRequest: number;
  headSha: string;
  plan: unknown;
  title?: string;
  actor: string;
}

export interface OutcomeRequest {
  repository: string;
  pullRequest: number;
  merged: boolean;
  closedAt?: string;
  mergeCommitSha?: string;
  deliveryId: string;
  actor: string;
}

export interface FetchedInputRequest {
  /** The `pull-request` submission version the files were fetched for (from ReviewRequested). */
  requestedVersion: number;
  headSha: string;
  input: Extract<ReviewInput, { kind: 'hcl' }>;
  /** What was left out and why (shown with the review). */
  notes: string[];
  /** How many Terraform files changed in the push (0: nothing to review; the PR gets no new comment). */
  terraformFiles?: number;
  actor: string;
}

export interface PlanPolicyRequest {
  /** The `pull-request` submission version that carries the plan (from ReviewRequested). */
  requestedVersion: number;
  headSha: string;
  /** The base commit the policy was read at (recorded, so the comment can describe the policy). */
  baseSha?: string;
  /** The base branch's policy file, when it has a valid one (never the head's). */
  policyFile?: { path: string; content: string };
  /** Why no policy applies (invalid, ambiguous, unreadable), shown with the review. */
  notes: string[];
  actor: string;
}

export type SubmitOutcome = { outcome: 'submitted'; version: Version<ReviewContent> } | { outcome: 'duplicate'; version: Version<ReviewContent> };
export type FetchedOutcome =
  | { outcome: 'requested'; version: Version<ReviewContent> }
  | { outcome: 're-requested'; version: Version<ReviewContent> }
  | { outcome: 'superseded'; version: Version<ReviewContent> };

/** The failure reason written when a submission could not be queued: a retry of the same push may try again. */
export const QUEUE_FAILED_REASON = 'could not be queued for review; redeliver the webhook or submit it again';

const SEGMENT = /^[A-Za-z0-9_.-]+$/;
const MAX_ID = 128;

/**
 * The review id of a pull request: `github:<owner>:<repo>:<number>` in lower case (GitHub names are
 * case-insensitive), or `github:<sha256 prefix>` when that would be longer than 128 characters.
 */
export const githubReviewId = (repository: string, pullRequest: number): string => {
  const [owner, repo, ...rest] = repository.split('/');
  if (!owner || !repo || rest.length > 0 || !SEGMENT.test(owner) || !SEGMENT.test(repo)) throw new Error(`repository must be owner/name, got "${repository}"`);
  if (!Number.isSafeInteger(pullRequest) || pullRequest < 1) throw new Error(`pull request number must be a positive integer, got ${pullRequest}`);
  const id = `github:${owner.toLowerCase()}:${repo.toLowerCase()}:${pullRequest}`;
  if (id.length <= MAX_ID) return id;
  return `github:${nodeCrypto().createHash('sha256').update(`${owner.toLowerCase()}/${repo.toLowerCase()}#${pullRequest}`).digest('hex').slice(0, 40)}`;
};

/** Keys of `external` that describe one submission or the PR's end, not the PR: not carried to the next push. */
const PER_SUBMISSION = new Set(['fetchedFor', 'reviewInput', 'outcome', 'closedAt', 'mergeCommitSha', 'deliveryId', 'action', 'baseSha', 'pushedAt', 'changedFiles', 'terraformFiles', 'planSha256']);
const carried = (external: Record<string, string> | undefined): Record<string, string> =>
  Object.fromEntries(Object.entries(external ?? {}).filter(([k]) => !PER_SUBMISSION.has(k)));

const queueFailed = (c: ReviewContent): boolean => c.status === 'failed' && c.failure?.reason === QUEUE_FAILED_REASON;

/** A push or plan the bus refused: recorded, so a retry of the same push is not a duplicate. */
const SUBMIT_QUEUE_FAILURE: QueueFailure = { reason: QUEUE_FAILED_REASON, message: 'The review could not be queued; retry shortly.' };
/** Fetched files the bus refused: the review stays pending and the event is retried. */
const FETCHED_QUEUE_FAILURE: QueueFailure = { message: 'The review could not be queued; the event will be retried.' };

const submitted = (out: { version: Version<ReviewContent> } | { stop: Stop }): SubmitOutcome =>
  'stop' in out ? { outcome: 'duplicate', version: out.stop.version } : { outcome: 'submitted', version: out.version };

export const createGithubReviews = (deps: GithubReviewsDeps) => {
  const { store, blobs, clock } = deps;

  /** A new submission's content: the PR's metadata, a fresh pending state, the review's feedback history kept. */
  const nextSubmission = (
    latest: Version<ReviewContent> | undefined,
    fields: { repository: string; title?: string; ref?: string; external: Record<string, string>; input: ReviewInputRef; actor: string },
  ): ReviewContent => {
    const prev = latest?.content;
    return {
      status: 'pending',
      source: 'github',
      repository: fields.repository,
      ...((fields.title ?? prev?.title) ? { title: fields.title ?? prev?.title } : {}),
      ...((fields.ref ?? prev?.ref) ? { ref: fields.ref ?? prev?.ref } : {}),
      external: { ...carried(prev?.external), ...fields.external },
      submittedBy: fields.actor,
      input: fields.input,
      // A new push needs a new acknowledgement; dismissals are per finding and stay; feedback is history.
      acknowledged: false,
      dismissedFindings: prev?.dismissedFindings ?? [],
      feedback: prev?.feedback ?? [],
    };
  };

  /**
   * A push (opened, synchronize, reopened, ready_for_review): appends a `pull-request` submission for
   * its head SHA and requests it. The same head SHA again (another delivery, a reopen, or a plan that
   * came first) is a duplicate: nothing is written or requested.
   */
  const submitPush = async (req: PushRequest): Promise<SubmitOutcome> => {
    const id = githubReviewId(req.repository, req.pullRequest);
    const pointer: PullRequestInput = { kind: 'pull-request', repository: req.repository, pullRequest: req.pullRequest, headSha: req.headSha, ...(req.baseSha ? { baseSha: req.baseSha } : {}) };
    const input = await storeInput(blobs, `inputs/${encodeURIComponent(id)}/${req.headSha}.pull-request.json`, pointer);
    const external: Record<string, string> = {
      pullRequest: String(req.pullRequest),
      headSha: req.headSha,
      deliveryId: req.deliveryId,
      action: req.action,
      ...(req.baseSha ? { baseSha: req.baseSha } : {}),
      ...(req.headRef ? { headRef: req.headRef } : {}),
      ...(req.baseRef ? { baseRef: req.baseRef } : {}),
      ...(req.url ? { url: req.url } : {}),
      ...(req.installationId !== undefined ? { installationId: String(req.installationId) } : {}),
      ...(req.changedFiles !== undefined ? { changedFiles: String(req.changedFiles) } : {}),
      pushedAt: clock().toISOString(),
    };
    const out = await submitStable(
      deps,
      id,
      (latest) => {
        if (latest && latest.content.external?.headSha === req.headSha && !queueFailed(latest.content)) throw new Stop(latest, 'duplicate');
        return nextSubmission(latest, { repository: req.repository, ...(req.title ? { title: req.title } : {}), ...(req.headRef ? { ref: req.headRef } : {}), external, input, actor: req.actor });
      },
      { actor: req.actor, reason: `push ${req.headSha.slice(0, 12)} (${req.action})` },
      SUBMIT_QUEUE_FAILURE,
    );
    return submitted(out);
  };

  /**
   * A plan (terraform show -json) for a PR's head SHA: it becomes the reviewed input of that push. The
   * same plan for the same SHA again is a duplicate. It is stored, then requested as a `pull-request`
   * submission that points at it: pr-review-handler reads the base branch's policy from GitHub (this
   * path, like the webhook's, calls no GitHub API) and attaches it (attachPlanPolicy) before the
   * review, so a plan is reviewed under the same team policy as the PR's source would be.
   */
  const submitPlan = async (req: PlanForPushRequest): Promise<SubmitOutcome> => {
    const id = githubReviewId(req.repository, req.pullRequest);
    // The key carries the plan's digest: two plans for one SHA cannot overwrite each other's input.
    const plan = await storeInput(blobs, (digest) => `inputs/${encodeURIComponent(id)}/${req.headSha}.plan.${digest.slice(0, 16)}.json`, { kind: 'plan' as const, plan: req.plan });
    const pointer: PullRequestInput = { kind: 'pull-request', repository: req.repository, pullRequest: req.pullRequest, headSha: req.headSha, plan };
    const input = await storeInput(blobs, (digest) => `inputs/${encodeURIComponent(id)}/${req.headSha}.pull-request.plan.${digest.slice(0, 16)}.json`, pointer);
    const out = await submitStable(
      deps,
      id,
      (latest) => {
        const c = latest?.content;
        // (A plan stored before plans carried the base policy is its own input: same digest, same plan.)
        const samePlan = c?.external?.planSha256 === plan.sha256 || (c?.input.kind === 'plan' && c.input.sha256 === plan.sha256);
        if (latest && c && c.external?.headSha === req.headSha && samePlan && !queueFailed(c)) throw new Stop(latest, 'duplicate');
        // The base commit a webhook recorded for this head SHA is kept (else pr-review-handler asks GitHub).
        const base = c?.external?.headSha === req.headSha ? c.external.baseSha : undefined;
        return nextSubmission(latest, {
          repository: req.repository,
          ...(req.title ? { title: req.title } : {}),
          external: { pullRequest: String(req.pullRequest), headSha: req.headSha, reviewInput: 'plan', planSha256: plan.sha256, ...(base ? { baseSha: base } : {}), pushedAt: clock().toISOString() },
          input,
          actor: req.actor,
        });
      },
      { actor: req.actor, reason: `plan for ${req.headSha.slice(0, 12)}` },
      SUBMIT_QUEUE_FAILURE,
    );
    return submitted(out);
  };

  /**
   * Appends what was fetched for a `pull-request` submission as the reviewed input of the next
   * version and requests its review. A newer push or plan supersedes it; a re-delivered request
   * re-announces the version it wrote before.
   */
  const attach = async (
    id: string,
    req: { requestedVersion: number; headSha: string; notes: string[]; actor: string },
    input: ReviewInputRef,
    external: Record<string, string>,
    reason: string,
  ): Promise<FetchedOutcome> => {
    let version: Version<ReviewContent>;
    try {
      version = await store.append(
        id,
        (latest) => {
          const c = latest.content;
          if (c.external?.fetchedFor === String(req.requestedVersion) && c.external.headSha === req.headSha) {
            if (c.status === 'pending') throw new Stop(latest, 're-request');
            throw new Stop(latest, 'superseded');
          }
          if (latest.version !== req.requestedVersion || c.input.kind !== 'pull-request' || c.external?.headSha !== req.headSha) throw new Stop(latest, 'superseded');
          return {
            ...c,
            input,
            external: { ...(c.external ?? {}), fetchedFor: String(req.requestedVersion), ...external },
            ...(req.notes.length > 0 ? { inputNotes: req.notes } : {}),
          };
        },
        { actor: req.actor, reason },
      );
    } catch (err) {
      if (!(err instanceof Stop)) throw err;
      if (err.why === 'superseded') return { outcome: 'superseded', version: err.version };
      await requestReview(deps, err.version, FETCHED_QUEUE_FAILURE);
      return { outcome: 're-requested', version: err.version };
    }
    await requestReview(deps, version, FETCHED_QUEUE_FAILURE);
    return { outcome: 'requested', version };
  };

  /**
   * The files of a `pull-request` submission, fetched from GitHub: stored as an `hcl` input in the
   * next version and requested for review (see attach).
   */
  const attachFetchedInput = async (id: string, req: FetchedInputRequest): Promise<FetchedOutcome> => {
    const input = await storeInput(blobs, `inputs/${encodeURIComponent(id)}/${req.headSha}.hcl.json`, req.input);
    return attach(id, req, input, { reviewInput: 'hcl', ...(req.terraformFiles !== undefined ? { terraformFiles: String(req.terraformFiles) } : {}) }, `fetched ${req.input.files.length} Terraform file(s) at ${req.headSha.slice(0, 12)}`);
  };

  /**
   * The base branch's policy for a plan posted for a pull request (submitPlan): the plan stored with
   * the policy file as a new `plan` input (inputs are never rewritten; without a policy file the plan's
   * own input is used as it is), the base commit and the notes recorded, and the review requested.
   * A failure before the version is written leaves the review as it was (an unreferenced input at most).
   */
  const attachPlanPolicy = async (id: string, pointerRef: ReviewInputRef, req: PlanPolicyRequest): Promise<FetchedOutcome> => {
    const pointer = (await loadStoredInput(blobs, pointerRef)) as Partial<PullRequestInput>;
    if (pointer.kind !== 'pull-request' || !pointer.plan || pointer.headSha !== req.headSha) throw new Error(`input ${pointerRef.key} is not a plan posted for ${req.headSha}`);
    let input: ReviewInputRef = pointer.plan;
    if (req.policyFile) {
      const stored = (await loadStoredInput(blobs, pointer.plan)) as { kind?: unknown; plan?: unknown };
      if (stored.kind !== 'plan') throw new Error(`input ${pointer.plan.key} is not a plan`);
      const withPolicy: Extract<ReviewInput, { kind: 'plan' }> = { kind: 'plan', plan: stored.plan, policyFiles: [req.policyFile] };
      input = await storeInput(blobs, (digest) => `inputs/${encodeURIComponent(id)}/${req.headSha}.plan.${digest.slice(0, 16)}.json`, withPolicy);
    }
    const where = req.baseSha ? ` at base ${req.baseSha.slice(0, 12)}` : '';
    return attach(id, req, input, { reviewInput: 'plan', ...(req.baseSha ? { baseSha: req.baseSha } : {}) }, req.policyFile ? `plan for ${req.headSha.slice(0, 12)} with the base branch's policy${where}` : `plan for ${req.headSha.slice(0, 12)} without a team policy${where}`);
  };

  /** Records how the PR ended (merged or closed without merging). No review yet → undefined. */
  const recordOutcome = async (req: OutcomeRequest): Promise<SubmitOutcome | undefined> => {
    const id = githubReviewId(req.repository, req.pullRequest);
    const outcome = req.merged ? 'merged' : 'closed';
    try {
      const version = await store.append(
        id,
        (latest) => {
          const c = latest.content;
          if (c.external?.outcome === outcome && c.external.closedAt === (req.closedAt ?? c.external.closedAt)) throw new Stop(latest, 'duplicate');
          return {
            ...c,
            external: {
              ...(c.external ?? {}),
              outcome,
              closedAt: req.closedAt ?? clock().toISOString(),
              ...(req.mergeCommitSha ? { mergeCommitSha: req.mergeCommitSha } : {}),
            },
          };
        },
        { actor: req.actor, reason: req.merged ? 'pull request merged' : 'pull request closed without merging' },
      );
      return { outcome: 'submitted', version };
    } catch (err) {
      if (err instanceof Stop) return { outcome: 'duplicate', version: err.version };
      if (err instanceof VersionNotFoundError) return undefined;
      throw err;
    }
  };

  return { submitPush, submitPlan, attachFetchedInput, attachPlanPolicy, recordOutcome, reviewId: githubReviewId };
};

export type GithubReviews = ReturnType<typeof createGithubReviews>;
