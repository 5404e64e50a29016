import { header, HttpProblemError, jsonResponse, RequestValidationError, ServiceUnavailableError, type HttpEvent, type HttpResult } from '@iac-review/core';
import type { IdempotencyStore } from '@iac-review/dynamo-versioning';
import type { Logger } from '@iac-review/logger';
import { githubReviewId, type GithubReviews } from '@iac-review/reviews';
import { createWebhookHandler, payloadValidationError, transientRetryAfter, type WebhookSecretProvider } from '@iac-review/webhook-ingress';
import { validatePullRequestEvent, type PingEvent } from './payload';

export interface Deps {
  logger: Logger;
  secrets: WebhookSecretProvider;
  idempotency: IdempotencyStore;
  github: Pick<GithubReviews, 'submitPush' | 'recordOutcome'>;
  /** Review draft pull requests too (default: skip them until they are ready for review). */
  reviewDrafts?: boolean;
  maxBodyBytes?: number;
}

/** Actions that propose a new head: each new head SHA becomes a submission version. */
export const REVIEW_ACTIONS = new Set(['opened', 'synchronize', 'reopened', 'ready_for_review']);

/** GitHub payloads are ≤ 25 MB, but pull_request payloads are tens of KB; API Gateway passes ≤ 6 MB to Lambda. */
export const DEFAULT_MAX_BODY_BYTES = 2 * 1024 * 1024;

const links = (id: string) => ({ review: `/reviews/${encodeURIComponent(id)}`, versions: `/reviews/${encodeURIComponent(id)}/versions` });

const ignored = (reason: string): HttpResult => jsonResponse(202, { status: 'ignored', reason });

/** Store, blob or bus failures on this path: 503 with Retry-After, so the delivery can be redelivered. */
const unavailable = (err: unknown): unknown => {
  if (err instanceof HttpProblemError) return err;
  return new ServiceUnavailableError(transientRetryAfter(err) ?? 5, 'The delivery could not be stored or queued; nothing was kept. Redeliver it from the webhook settings (Recent Deliveries → Redeliver) shortly.', err);
};

/**
 * POST /webhook/github: signature (X-Hub-Signature-256 over the raw body) → payload → dedupe on
 * X-GitHub-Delivery → store a submission for the head SHA (deduped on repository, PR and SHA) →
 * ReviewRequested → 202 with the review id. No GitHub API call happens here.
 */
export const createHandler = (deps: Deps): ((event: HttpEvent) => Promise<HttpResult>) =>
  createWebhookHandler<unknown>({
    source: 'github',
    signatureHeader: 'X-Hub-Signature-256',
    secrets: deps.secrets,
    logger: deps.logger,
    maxBodyBytes: deps.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
    dedupe: {
      store: deps.idempotency,
      // Only deliveries that can do work are recorded; a redelivery reuses X-GitHub-Delivery.
      key: (_payload, event) => (header(event, 'x-github-event') === 'pull_request' ? header(event, 'x-github-delivery')?.trim() || undefined : undefined),
      meta: (payload, event) => {
        const p = payload as { action?: unknown; number?: unknown; repository?: { full_name?: unknown } };
        return {
          event: header(event, 'x-github-event') ?? '',
          ...(typeof p.action === 'string' ? { action: p.action.slice(0, 40) } : {}),
          ...(typeof p.repository?.full_name === 'string' ? { repository: p.repository.full_name.slice(0, 200) } : {}),
          ...(typeof p.number === 'number' ? { pullRequest: p.number } : {}),
        };
      },
    },
    onDuplicate: ({ payload, deliveryKey, firstSeenAt }) => {
      const v = validatePullRequestEvent(payload);
      const id = v.ok ? githubReviewId(v.event.repository.full_name, v.event.number) : undefined;
      deps.logger.info('GitHub delivery already received; nothing done again', { delivery: deliveryKey, firstSeenAt, ...(id ? { reviewId: id } : {}) });
      return jsonResponse(200, { status: 'duplicate', ...(id ? { id, links: links(id) } : {}), delivery: deliveryKey, firstSeenAt });
    },
    handle: async ({ payload, event, logger }) => {
      const kind = header(event, 'x-github-event');
      const delivery = header(event, 'x-github-delivery');
      if (!kind) throw new RequestValidationError('The X-GitHub-Event header is missing; GitHub sends it with every delivery.', [{ field: 'header:X-GitHub-Event', reason: 'is required' }]);
      if (kind === 'ping') {
        const p = payload as PingEvent;
        logger.info('GitHub ping received', { delivery, hookId: p.hook_id });
        return jsonResponse(200, { status: 'ok', event: 'ping', ...(typeof p.zen === 'string' ? { zen: p.zen } : {}) });
      }
      if (kind !== 'pull_request') {
        logger.info('GitHub event ignored: only pull_request and ping are handled', { event: kind, delivery });
        return ignored(`${kind} events are not reviewed; subscribe this webhook to "Pull requests" only.`);
      }
      if (!delivery) throw new RequestValidationError('The X-GitHub-Delivery header is missing; GitHub sends it with every delivery.', [{ field: 'header:X-GitHub-Delivery', reason: 'is required' }]);
      const v = validatePullRequestEvent(payload);
      if (!v.ok) throw payloadValidationError(v.errors, 'pull_request payload');
      const e = v.event;
      const pr = e.pull_request;
      const repository = e.repository.full_name;
      const fields = { delivery, repository, pullRequest: e.number, action: e.action, headSha: pr.head.sha };
      const actor = `github:${e.sender?.login ?? 'unknown'}`;

      if (e.action === 'closed') {
        let out: Awaited<ReturnType<Deps['github']['recordOutcome']>>;
        try {
          out = await deps.github.recordOutcome({
            repository,
            pullRequest: e.number,
            merged: pr.merged === true,
            ...(pr.closed_at ? { closedAt: pr.closed_at } : {}),
            ...(pr.merge_commit_sha ? { mergeCommitSha: pr.merge_commit_sha } : {}),
            deliveryId: delivery,
            actor,
          });
        } catch (err) {
          throw unavailable(err);
        }
        if (!out) {
          logger.info('closed pull request has no review; nothing recorded', fields);
          return ignored('This pull request has no review, so there is no outcome to record.');
        }
        const outcome = pr.merged === true ? 'merged' : 'closed';
        logger.info(`pull request ${outcome}: outcome ${out.outcome === 'duplicate' ? 'already recorded' : 'recorded'}`, { ...fields, reviewId: out.version.id, version: out.version.version });
        return jsonResponse(out.outcome === 'duplicate' ? 200 : 202, { status: out.outcome === 'duplicate' ? 'duplicate' : 'recorded', outcome, id: out.version.id, version: out.version.version, links: links(out.version.id) });
      }
      if (!REVIEW_ACTIONS.has(e.action)) {
        logger.info('pull_request action ignored', fields);
        return ignored(`pull_request "${e.action}" does not change the proposed code; nothing to review.`);
      }
      if (pr.draft === true && !deps.reviewDrafts) {
        logger.info('draft pull request skipped', fields);
        return ignored('Draft pull requests are reviewed once they are ready for review (set GITHUB_REVIEW_DRAFTS=true to review drafts).');
      }
      let out: Awaited<ReturnType<Deps['github']['submitPush']>>;
      try {
        out = await deps.github.submitPush({
          repository,
          pullRequest: e.number,
          headSha: pr.head.sha,
          baseSha: pr.base.sha,
          headRef: pr.head.ref,
          baseRef: pr.base.ref,
          title: pr.title.slice(0, 300),
          ...(pr.html_url ? { url: pr.html_url } : {}),
          ...(e.installation?.id !== undefined ? { installationId: e.installation.id } : {}),
          ...(pr.changed_files !== undefined ? { changedFiles: pr.changed_files } : {}),
          deliveryId: delivery,
          action: e.action,
          actor,
        });
      } catch (err) {
        throw unavailable(err);
      }
      const id = out.version.id;
      if (out.outcome === 'duplicate') {
        logger.info('head SHA already submitted; nothing done again', { ...fields, reviewId: id, version: out.version.version });
        return jsonResponse(200, { status: 'duplicate', id, version: out.version.version, headSha: pr.head.sha, links: links(id) });
      }
      logger.info('pull request push accepted for review', { ...fields, reviewId: id, version: out.version.version });
      logger.audit({ action: 'review.submit', actor, resource: `review/${id}`, outcome: 'success', toVersion: out.version.version, source: 'github', delivery, headSha: pr.head.sha });
      return jsonResponse(202, { status: 'accepted', id, version: out.version.version, headSha: pr.head.sha, links: links(id) }, { location: links(id).review });
    },
  });
