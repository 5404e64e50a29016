import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { HttpEvent } from '@iac-review/core';
import { createIdempotencyStore, createInMemoryTablePort, type IdempotencyStore } from '@iac-review/dynamo-versioning';
import { captureLogger } from '@iac-review/logger/testing';
import { createInMemoryReviewService, createSpaceliftReviews } from '@iac-review/reviews';
import { staticSecretProvider } from '@iac-review/webhook-ingress';
import { createHandler } from '../../src/handler';

export const SECRET = 'spacelift-test-secret-1';
export const PREVIOUS_SECRET = 'spacelift-test-secret-0';

export const fixture = (name: string): Record<string, unknown> => JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', name), 'utf8')) as Record<string, unknown>;

/** HMAC-SHA256 of the exact body, as Spacelift's X-Signature-256 (computed with node:crypto, independently of the code under test). */
export const sign = (body: string, secret = SECRET): string => `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

export const request = (body: string, headers: Record<string, string> = {}): HttpEvent =>
  ({
    httpMethod: 'POST',
    path: '/webhook/spacelift',
    resource: '/webhook/spacelift',
    headers: { 'Content-Type': 'application/json', 'User-Agent': 'Spacelift-Webhook', ...headers },
    multiValueHeaders: {},
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: null,
    stageVariables: null,
    isBase64Encoded: false,
    body,
    requestContext: { requestId: 'req-test', identity: { sourceIp: '203.0.113.50' } },
  }) as unknown as HttpEvent;

/** A signed delivery of `payload` (JSON.stringify'd once, so the signature covers exactly these bytes). */
export const signed = (payload: unknown, secret = SECRET): HttpEvent => {
  const body = JSON.stringify(payload);
  return request(body, { 'X-Signature-256': sign(body, secret) });
};

export const setup = (opts: { idempotency?: IdempotencyStore } = {}) => {
  const mem = createInMemoryReviewService({ clock: () => new Date('2026-11-29T12:00:00Z') });
  const spacelift = createSpaceliftReviews({ store: mem.store, blobs: mem.blobs, events: mem.events, clock: () => new Date('2026-11-29T12:00:00Z') });
  const log = captureLogger();
  const idempotency = opts.idempotency ?? createIdempotencyStore({ port: createInMemoryTablePort(), tableName: 'idem', ttlSeconds: 3600 });
  const handler = createHandler({ logger: log.logger, secrets: staticSecretProvider([SECRET, PREVIOUS_SECRET]), idempotency, spacelift });
  return { ...mem, spacelift, handler, log, idempotency };
};

export const json = (r: { body: string }): Record<string, unknown> => JSON.parse(r.body) as Record<string, unknown>;
