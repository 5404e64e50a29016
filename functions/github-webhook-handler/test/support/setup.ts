import { randomUUID } from 'node:crypto';
import type { HttpEvent } from '@iac-review/core';
import { createIdempotencyStore, createInMemoryTablePort, type IdempotencyStore } from '@iac-review/dynamo-versioning';
import { captureLogger } from '@iac-review/logger/testing';
import { createGithubReviews, createInMemoryReviewService } from '@iac-review/reviews';
import { staticSecretProvider } from '@iac-review/webhook-ingress';
import { sign } from '@octokit/webhooks-methods';
import examples from '@octokit/webhooks-examples';
import { createHandler, type Deps } from '../../src/handler';

export const SECRET = 'github-test-secret-current';
export const PREVIOUS_SECRET = 'github-test-secret-previous';

type Example = Record<string, unknown> & { action?: string; pull_request?: Record<string, unknown> & { head: { sha: string } } };

/** A published example payload from @octokit/webhooks-examples (a deep copy, safe to modify). */
export const example = (event: string, action?: string, pick: (e: Example) => boolean = () => true): Example => {
  const def = (examples as unknown as Array<{ name: string; examples: Example[] }>).find((d) => d.name === event);
  const found = def?.examples.find((e) => (action === undefined || e.action === action) && pick(e));
  if (!found) throw new Error(`no ${event}${action ? `.${action}` : ''} example in @octokit/webhooks-examples`);
  return structuredClone(found);
};

export const request = (body: string, headers: Record<string, string> = {}, opts: { base64?: boolean } = {}): HttpEvent =>
  ({
    httpMethod: 'POST',
    path: '/webhook/github',
    resource: '/webhook/github',
    headers: { 'Content-Type': 'application/json', 'User-Agent': 'GitHub-Hookshot/abc123', ...headers },
    multiValueHeaders: {},
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: null,
    stageVariables: null,
    isBase64Encoded: opts.base64 === true,
    body: opts.base64 ? Buffer.from(body, 'utf8').toString('base64') : body,
    requestContext: { requestId: 'req-test', identity: { sourceIp: '192.30.252.10' } },
  }) as unknown as HttpEvent;

/** A delivery of `payload` signed with @octokit/webhooks-methods' sign (GitHub's algorithm), as GitHub sends it. */
export const delivery = async (event: string, payload: unknown, opts: { secret?: string; delivery?: string; base64?: boolean } = {}): Promise<HttpEvent> => {
  const body = JSON.stringify(payload);
  return request(
    body,
    { 'X-GitHub-Event': event, 'X-GitHub-Delivery': opts.delivery ?? randomUUID(), 'X-GitHub-Hook-ID': '292430182', 'X-Hub-Signature-256': await sign(opts.secret ?? SECRET, body) },
    opts.base64 ? { base64: true } : {},
  );
};

export const setup = (opts: { idempotency?: IdempotencyStore; reviewDrafts?: boolean; maxBodyBytes?: number; github?: (g: Deps['github']) => Deps['github'] } = {}) => {
  const mem = createInMemoryReviewService({ clock: () => new Date('2026-11-29T12:00:00Z') });
  const github = createGithubReviews({ store: mem.store, blobs: mem.blobs, events: mem.events, clock: () => new Date('2026-11-29T12:00:00Z') });
  const log = captureLogger({ functionName: 'github-webhook-handler' });
  const idempotency = opts.idempotency ?? createIdempotencyStore({ port: createInMemoryTablePort(), tableName: 'idem', ttlSeconds: 3600 });
  const handler = createHandler({
    logger: log.logger,
    secrets: staticSecretProvider([SECRET, PREVIOUS_SECRET]),
    idempotency,
    github: opts.github ? opts.github(github) : github,
    ...(opts.reviewDrafts !== undefined ? { reviewDrafts: opts.reviewDrafts } : {}),
    ...(opts.maxBodyBytes !== undefined ? { maxBodyBytes: opts.maxBodyBytes } : {}),
  });
  return { ...mem, github, handler, log, idempotency };
};

export const json = (r: { body: string }): Record<string, unknown> => JSON.parse(r.body) as Record<string, unknown>;
