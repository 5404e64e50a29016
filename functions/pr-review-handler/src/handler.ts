import type { RiskLevel } from '@iac-review/core';
import { VersionNotFoundError, type Version } from '@iac-review/dynamo-versioning';
import type { Logger } from '@iac-review/logger';
import { EVENT_SOURCE, REVIEW_COMPLETED, REVIEW_REQUESTED, effectiveRiskLevel, type GithubReviews, type ReviewContent, type ReviewService } from '@iac-review/reviews';
import type { ClientTarget } from './clients';
import type { FailOn } from './comment';
import { gatherTerraform, type GatherLimits } from './gather';
import type { GitHubClient } from './github-client';
import { publishReview, type PublishResult } from './publish';
import { basePolicyFor, describePolicy, readBasePolicy } from './policy';

export type ReviewsPort = Pick<ReviewService, 'get' | 'getVersion' | 'listVersions' | 'fail'>;
export type GithubPort = Pick<GithubReviews, 'attachFetchedInput' | 'attachPlanPolicy'>;

export interface Deps {
  reviews: ReviewsPort;
  github: GithubPort;
  logger: Logger;
  /** A client for reading (anonymous when no credentials are configured). */
  readerFor: (target: ClientTarget) => Promise<GitHubClient>;
  /** A client for publishing, or undefined when publishing is off (no credentials): reviews are still stored. */
  publisherFor: (target: ClientTarget) => Promise<GitHubClient | undefined>;
  failOn: FailOn;
  limits: GatherLimits;
  reviewUrl?: (reviewId: string) => string;
  actor?: string;
}

export type HandlerOutcome =
  | { outcome: 'ignored'; reason: string }
  | { outcome: 'fetched'; reviewId: string; version: number; files: number; notes: number }
  | { outcome: 'superseded'; reviewId: string; version: number }
  | { outcome: 'failed'; reviewId: string; version: number; reason: string }
  | { outcome: 'published'; reviewId: string; version: number; result: PublishResult }
  | { outcome: 'not-published'; reviewId: string; version: number; reason: string };

interface BusEnvelope {
  source?: unknown;
  'detail-type'?: unknown;
  id?: unknown;
  detail?: { reviewId?: unknown; version?: unknown; source?: unknown; inputKind?: unknown };
}

const splitRepository = (repository: string): { owner: string; repo: string } => {
  const [owner = '', repo = ''] = repository.split('/');
  return { owner, repo };
};

const targetOf = (c: ReviewContent & { repository: string }): ClientTarget => {
  const raw = c.external?.installationId;
  return raw && /^\d+$/.test(raw) ? { repository: c.repository, installationId: Number(raw) } : { repository: c.repository };
};

/**
 * ReviewRequested (source github, inputKind pull-request): fetch the push's Terraform files at the
 * head SHA and request the review of them (ai-reviewer does the reviewing, as for every other input);
 * for a plan posted for the pull request, read the base branch's team policy and attach it instead.
 * ReviewCompleted (source github): publish the result to the pull request.
 * Transient failures (GitHub, DynamoDB, S3, the bus) throw, so the event is redelivered and finally
 * dead-lettered; the review itself is stored before publishing and is never lost.
 */
/** A 403 that is GitHub's rate limit (primary: no requests left; secondary: the abuse limit), not a denial. */
const isRateLimited = (err: unknown): boolean => {
  const e = err as { response?: { headers?: Record<string, string | undefined> }; message?: string };
  return e.response?.headers?.['x-ratelimit-remaining'] === '0' || /rate limit/i.test(e.message ?? '');
};

/** GitHub answered that something cannot be read (gone, no access, not listable): no retry will change that. */
const permanentReadError = (err: unknown): boolean => {
  const status = (err as { status?: number }).status;
  return status === 404 || status === 410 || status === 422 || status === 401 || (status === 403 && !isRateLimited(err));
};

export const createHandler = (deps: Deps) => {
  const log = deps.logger;
  const actor = deps.actor ?? 'pr-review-handler';

  const fetchInput = async (reviewId: string, requestedVersion: number): Promise<HandlerOutcome> => {
    let latest: Version<ReviewContent>;
    try {
      latest = await deps.reviews.get(reviewId);
    } catch (err) {
      if (err instanceof VersionNotFoundError) return { outcome: 'ignored', reason: `review ${reviewId} does not exist` };
      throw err;
    }
    if (latest.version < requestedVersion) throw new Error(`review ${reviewId} is at version ${latest.version}, the event asks for ${requestedVersion}; retrying`);
    const requested = latest.version === requestedVersion ? latest : await deps.reviews.getVersion(reviewId, requestedVersion);
    const c = requested.content;
    const headSha = c.external?.headSha;
    const number = Number(c.external?.pullRequest);
    if (c.input.kind !== 'pull-request' || !headSha || !c.repository || !Number.isSafeInteger(number)) {
      return { outcome: 'ignored', reason: `version ${requestedVersion} of ${reviewId} is not a pull-request push` };
    }
    // Cheap check before any GitHub call: a newer push or a plan has already replaced this one.
    if (latest.version !== requestedVersion && latest.content.external?.fetchedFor !== String(requestedVersion)) {
      log.info('push superseded before its files were fetched', { reviewId, requestedVersion, latestVersion: latest.version });
      return { outcome: 'superseded', reviewId, version: latest.version };
    }
    const { owner, repo } = splitRepository(c.repository);
    const changedFiles = c.external?.changedFiles ? Number(c.external.changedFiles) : undefined;
    const gh = await deps.readerFor(targetOf({ ...c, repository: c.repository }));
    if (c.external?.reviewInput === 'plan') return attachPlanPolicy(gh, reviewId, requested, { owner, repo, pullRequest: number, headSha });
    const started = Date.now();
    let gathered: Awaited<ReturnType<typeof gatherTerraform>>;
    try {
      gathered = await gatherTerraform(gh, { owner, repo, pullRequest: number, headSha, ...(changedFiles !== undefined && Number.isFinite(changedFiles) ? { changedFiles } : {}) }, deps.limits);
    } catch (err) {
      // GitHub answered that the pull request or its files cannot be read (gone, no access): no retry
      // will change that, so the review fails now with the reason instead of waiting in the
      // dead-letter queue and staying pending. Rate limits and 5xx are thrown and retried.
      const status = (err as { status?: number }).status;
      if (!permanentReadError(err)) throw err;
      const reason = `GitHub answered ${status} when the pull request's files were read (${status === 404 || status === 410 ? 'the pull request, repository or commit is gone or not visible to this app' : status === 422 ? 'GitHub cannot list these files' : 'the app has no access to this repository'}); nothing was reviewed.`;
      log.warn('pull request files cannot be read; review failed', { reviewId, requestedVersion, status, repository: c.repository, pullRequest: number, headSha });
      const failed = await deps.reviews.fail(reviewId, { requestedVersion, reason, actor, latest });
      return { outcome: 'failed', reviewId, version: failed.version.version, reason };
    }
    const notes = gathered.files.length === 0 ? [...gathered.notes, 'No Terraform files (.tf, .tfvars, .tf.json) changed in this push.'] : gathered.notes;
    // The team policy comes from the base branch, never the head: a pull request cannot switch off its own checks.
    const files = [...gathered.files];
    const baseSha = c.external?.baseSha;
    if (baseSha && gathered.files.length > 0) {
      const base = await readBasePolicy(gh, { owner, repo, pullRequest: number }, baseSha);
      if (base.note) notes.push(base.note);
      else if (base.file) files.push(base.file);
    }
    const out = await deps.github.attachFetchedInput(reviewId, { requestedVersion, headSha, input: { kind: 'hcl', files }, notes, actor, terraformFiles: gathered.terraformChanged });
    if (out.outcome === 'superseded') {
      log.info('push superseded while its files were fetched', { reviewId, requestedVersion, latestVersion: out.version.version });
      return { outcome: 'superseded', reviewId, version: out.version.version };
    }
    log.info('pull request files fetched; review requested', {
      reviewId,
      requestedVersion,
      version: out.version.version,
      outcome: out.outcome,
      repository: c.repository,
      pullRequest: number,
      headSha,
      listed: gathered.listed,
      files: gathered.files.length,
      capped: gathered.capped,
      notes,
      durationMs: Date.now() - started,
    });
    if (gathered.capped) log.warn('pull request has more files than GitHub lists; review covers the first 3000', { reviewId, repository: c.repository, pullRequest: number });
    return { outcome: 'fetched', reviewId, version: out.version.version, files: gathered.files.length, notes: notes.length };
  };

  /**
   * A plan posted for the pull request (POST /reviews): the base branch's policy is read (the base
   * commit a webhook recorded, else GitHub's current one for the PR) and attached to the plan, so the
   * plan is reviewed under the same policy as the PR's source. An invalid, ambiguous or unreadable
   * policy is named in the notes and the plan is reviewed without it; rate limits and 5xx throw (retried).
   */
  const attachPlanPolicy = async (gh: GitHubClient, reviewId: string, requested: Version<ReviewContent>, pr: { owner: string; repo: string; pullRequest: number; headSha: string }): Promise<HandlerOutcome> => {
    const started = Date.now();
    const base = await basePolicyFor(gh, pr, requested.content.external?.baseSha, permanentReadError);
    const out = await deps.github.attachPlanPolicy(reviewId, requested.content.input, {
      requestedVersion: requested.version,
      headSha: pr.headSha,
      ...(base.baseSha ? { baseSha: base.baseSha } : {}),
      ...(base.file ? { policyFile: { path: base.file.path, content: base.file.content } } : {}),
      notes: base.notes,
      actor,
    });
    if (out.outcome === 'superseded') {
      log.info('plan superseded while the base policy was read', { reviewId, requestedVersion: requested.version, latestVersion: out.version.version });
      return { outcome: 'superseded', reviewId, version: out.version.version };
    }
    log.info("plan for a pull request: base branch's policy read; review requested", {
      reviewId,
      requestedVersion: requested.version,
      version: out.version.version,
      outcome: out.outcome,
      repository: requested.content.repository,
      pullRequest: pr.pullRequest,
      headSha: pr.headSha,
      baseSha: base.baseSha,
      baseShaFrom: base.baseShaFrom,
      policy: base.file?.path ?? null,
      notes: base.notes,
      durationMs: Date.now() - started,
    });
    return { outcome: 'fetched', reviewId, version: out.version.version, files: base.file ? 1 : 0, notes: base.notes.length };
  };

  /** The newest completed result of an earlier push (for "since the previous push"). */
  const previousPush = async (reviewId: string, current: Version<ReviewContent>): Promise<{ result: NonNullable<ReviewContent['result']>; headSha?: string; riskLevel?: RiskLevel } | undefined> => {
    const headSha = current.content.external?.headSha;
    let cursor: string | undefined;
    for (let page = 0; page < 5; page++) {
      const p = await deps.reviews.listVersions(reviewId, { limit: 100, ...(cursor ? { cursor } : {}) });
      for (const v of p.items) {
        if (v.version >= current.version) continue;
        const res = v.content.result;
        if (res && v.content.external?.headSha && v.content.external.headSha !== headSha) {
          const risk = effectiveRiskLevel(v.content);
          return { result: res, headSha: v.content.external.headSha, ...(risk ? { riskLevel: risk } : {}) };
        }
      }
      if (!p.cursor) return undefined;
      cursor = p.cursor;
    }
    return undefined;
  };

  const publish = async (reviewId: string, version: number): Promise<HandlerOutcome> => {
    let v: Version<ReviewContent>;
    try {
      v = await deps.reviews.getVersion(reviewId, version);
    } catch (err) {
      if (err instanceof VersionNotFoundError) return { outcome: 'ignored', reason: `review ${reviewId} has no version ${version}` };
      throw err;
    }
    const c = v.content;
    const number = Number(c.external?.pullRequest);
    const headSha = c.external?.headSha;
    if (!c.repository || !Number.isSafeInteger(number) || !headSha || (!c.result && c.status !== 'failed')) return { outcome: 'ignored', reason: `version ${version} of ${reviewId} is not a completed pull-request review` };
    const gh = await deps.publisherFor(targetOf({ ...c, repository: c.repository }));
    if (!gh) {
      log.info('review completed; not published to GitHub (no credentials configured)', { reviewId, version, repository: c.repository, pullRequest: number, riskLevel: c.result?.riskLevel, status: c.status });
      return { outcome: 'not-published', reviewId, version, reason: 'no GitHub credentials configured' };
    }
    const { owner, repo } = splitRepository(c.repository);
    const previous = await previousPush(reviewId, v);
    const reviewUrl = deps.reviewUrl?.(reviewId);
    const baseSha = c.external?.baseSha;
    const policy = baseSha && c.result ? await describePolicy(gh, { owner, repo, pullRequest: number, headSha }, baseSha, c.result.findings) : undefined;
    // A push without Terraform changes gets its check, but no new comment (an existing one is still updated).
    const noTerraform = c.input.kind === 'hcl' && c.external?.terraformFiles === '0';
    const result = await publishReview(
      gh,
      { reviewId, version, content: c, ...(previous ? { previous } : {}), ...(reviewUrl ? { reviewUrl } : {}), ...(policy?.lines.length ? { policy: policy.lines } : {}), pr: { owner, repo, pullRequest: number, headSha }, failOn: policy?.failOn ?? deps.failOn, ...(noTerraform ? { noTerraformChanges: true } : {}) },
      log,
    );
    log.info('review published to the pull request', { reviewId, version, repository: c.repository, pullRequest: number, headSha, ...result });
    log.audit({ action: 'review.publish', actor, resource: `review/${reviewId}`, outcome: 'success', version, repository: c.repository, pullRequest: number, comment: result.comment.action, check: result.check.conclusion });
    return { outcome: 'published', reviewId, version, result };
  };

  return async (event: unknown): Promise<HandlerOutcome> => {
    const e = (event ?? {}) as BusEnvelope;
    const d = e.detail ?? {};
    if (e.source !== EVENT_SOURCE || typeof d.reviewId !== 'string' || typeof d.version !== 'number' || !Number.isSafeInteger(d.version) || d.version < 1) {
      log.error('malformed event dropped (not retried)', { detailType: e['detail-type'], id: e.id });
      return { outcome: 'ignored', reason: 'malformed event' };
    }
    if (d.source !== 'github') return { outcome: 'ignored', reason: `source ${String(d.source)} is not github` };
    if (e['detail-type'] === REVIEW_REQUESTED) {
      if (d.inputKind !== 'pull-request') return { outcome: 'ignored', reason: `inputKind ${String(d.inputKind)} needs no fetching` };
      return fetchInput(d.reviewId, d.version);
    }
    if (e['detail-type'] === REVIEW_COMPLETED) return publish(d.reviewId, d.version);
    return { outcome: 'ignored', reason: `detail-type ${String(e['detail-type'])} is not handled` };
  };
};
