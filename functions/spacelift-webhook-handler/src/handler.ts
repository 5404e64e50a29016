import { jsonResponse, type HttpEvent, type HttpResult } from '@iac-review/core';
import type { IdempotencyStore } from '@iac-review/dynamo-versioning';
import type { Logger } from '@iac-review/logger';
import type { RunEventOutcome, SpaceliftReviews } from '@iac-review/reviews';
import { createWebhookHandler, type PayloadValidator, type WebhookSecretProvider } from '@iac-review/webhook-ingress';
import { dedupeKey, toRunEvent as mapRunEvent, type SpaceliftPayload } from './payload';
import type { SpaceliftRunEvent } from '@iac-review/reviews';

/** One mapping per delivery: the dedupe key, its meta and the handler all read the same event. */
const runEvents = new WeakMap<SpaceliftPayload, SpaceliftRunEvent>();
const toRunEvent = (p: SpaceliftPayload): SpaceliftRunEvent => {
  let ev = runEvents.get(p);
  if (!ev) runEvents.set(p, (ev = mapRunEvent(p)));
  return ev;
};

/** Spacelift signs with HMAC-SHA256 in this header (`X-Signature` carries SHA-1 and is not accepted). */
export const SIGNATURE_HEADER = 'X-Signature-256';
/** Payloads with planned changes can be large; API Gateway → Lambda carries at most 6 MB. */
export const MAX_BODY_BYTES = 5 * 1024 * 1024;

export interface Deps {
  logger: Logger;
  secrets: WebhookSecretProvider;
  idempotency: IdempotencyStore;
  spacelift: Pick<SpaceliftReviews, 'handleRunEvent'>;
  maxBodyBytes?: number;
}

/** The answer's `status`, the same words as the GitHub webhook's where they mean the same. */
const STATUS: Record<RunEventOutcome['outcome'], string> = {
  'review-requested': 'accepted',
  'outcome-recorded': 'recorded',
  duplicate: 'duplicate',
  stale: 'stale',
  ignored: 'ignored',
};

const DETAIL: Record<RunEventOutcome['outcome'], string> = {
  'review-requested': 'The run was submitted for review.',
  'outcome-recorded': 'The run outcome was recorded on its review.',
  duplicate: 'Already received; nothing was done again.',
  stale: 'A newer state of this run is already recorded; this older one was not applied.',
  ignored: 'Nothing to do for this event.',
};

/**
 * POST /webhook/spacelift: verify (X-Signature-256 over the raw body, two active secrets) → validate
 * (either payload shape) → dedupe on (account, run, state, stateVersion) → store → ReviewRequested
 * → 202. No Spacelift API call happens on this path; the reviewer fetches changes later if needed.
 */
export const createHandler = (deps: Deps): ((event: HttpEvent) => Promise<HttpResult>) =>
  createWebhookHandler<SpaceliftPayload>({
    source: 'spacelift',
    signatureHeader: SIGNATURE_HEADER,
    secrets: deps.secrets,
    logger: deps.logger,
    maxBodyBytes: deps.maxBodyBytes ?? MAX_BODY_BYTES,
    // ~40 KB of compiled schema code, loaded on the first delivery whose signature verifies.
    // The generated module is CommonJS: as an ES module (the bundle) its exports are `default`.
    loadValidator: async () => {
      const m: { validateSpaceliftPayload?: unknown; default?: { validateSpaceliftPayload: unknown } } = await import('./generated/payload-validator');
      return (m.default?.validateSpaceliftPayload ?? m.validateSpaceliftPayload) as PayloadValidator;
    },
    dedupe: {
      store: deps.idempotency,
      key: (payload) => dedupeKey(toRunEvent(payload)),
      meta: (payload) => {
        const ev = toRunEvent(payload);
        return { runId: ev.runId, state: ev.state, stackId: ev.stackId };
      },
    },
    onDuplicate: ({ firstSeenAt }) => jsonResponse(202, { status: 'duplicate', detail: DETAIL.duplicate, firstSeenAt }),
    handle: async ({ payload, logger }) => {
      const ev = toRunEvent(payload);
      const result = await deps.spacelift.handleRunEvent(ev);
      const reviewId = 'version' in result ? result.version.id : undefined;
      const fields = { runId: ev.runId, account: ev.account, stackId: ev.stackId, state: ev.state, runType: ev.runType, outcome: result.outcome, ...(reviewId ? { reviewId } : {}) };
      logger.info('spacelift run event handled', fields);
      if (result.outcome === 'review-requested' || result.outcome === 'outcome-recorded') {
        logger.audit({ action: result.outcome === 'review-requested' ? 'review.submit' : 'review.outcome', actor: `spacelift:${ev.account}`, resource: `review/${reviewId}`, outcome: 'success', runId: ev.runId, state: ev.state });
      }
      return jsonResponse(202, {
        status: STATUS[result.outcome],
        detail: DETAIL[result.outcome],
        ...('reason' in result ? { reason: result.reason } : {}),
        run: { account: ev.account, id: ev.runId, state: ev.state, ...(ev.stateVersion !== undefined ? { stateVersion: ev.stateVersion } : {}) },
        ...(reviewId && 'version' in result ? { id: reviewId, version: result.version.version, links: { review: `/reviews/${encodeURIComponent(reviewId)}` } } : {}),
      });
    },
  });
