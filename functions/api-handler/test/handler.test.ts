import { captureLogger } from '@iac-review/logger/testing';
import { createInMemoryReviewService } from '@iac-review/reviews';
import { gzipSync } from 'node:zlib';
import { createHandler } from '../src/handler';
import { call, event } from './support/events';

const captured = captureLogger();
const logger = captured.logger;
const now = new Date('2026-11-25T10:00:00.000Z');

const setup = () => {
  let n = 0;
  const { service: reviews, events, store } = createInMemoryReviewService({ ids: () => `rev-${String(++n).padStart(8, '0')}`, clock: () => now });
  const handler = createHandler({
    config: {
      service: 'iac-review',
      version: '1.2.3',
      cors: { allowedOrigins: ['https://dash.example.com'] },
      limits: { maxBytes: 4096, maxDecodedBytes: 1024 * 1024 },
      clients: { 'key-admin': { name: 'ci', scopes: ['reviews:read', 'reviews:write'] }, 'key-ro': { name: 'dashboard', scopes: ['reviews:read'] } },
    },
    logger,
    clock: () => now,
    reviews,
  });
  return { handler, events, reviews, store };
};

const plan = { format_version: '1.2', resource_changes: [] };

describe('api-handler', () => {
  it('should answer GET /health without a key', async () => {
    const { handler } = setup();
    const res = await call(handler, event('GET', '/health'));
    expect(res.statusCode).toBe(200);
    expect(res.json).toEqual({ status: 'ok', service: 'iac-review', version: '1.2.3', time: now.toISOString() });
  });

  it('should accept a submission with 202, a Location and links, and queue the review', async () => {
    const { handler, events } = setup();
    const res = await call(handler, event('POST', '/reviews', { key: 'key-admin', body: { title: 'Add db', repository: 'acme/infra', plan } }));
    expect(res.statusCode).toBe(202);
    expect(res.json).toMatchObject({ id: 'rev-00000001', status: 'pending', version: 1, links: { review: '/reviews/rev-00000001' } });
    expect(res.headers?.location).toBe('/reviews/rev-00000001');
    expect(events.published[0]?.detailType).toBe('ReviewRequested');
    expect(captured.lines().some((l) => l.type === 'audit' && l.action === 'review.create' && l.actor === 'ci')).toBe(true);
  });

  it('should take a gzip-compressed submission', async () => {
    const { handler } = setup();
    const gz = gzipSync(Buffer.from(JSON.stringify({ plan }))).toString('base64');
    const res = await call(handler, event('POST', '/reviews', { key: 'key-admin', raw: gz, base64: true, headers: { 'Content-Encoding': 'gzip' } }));
    expect(res.statusCode).toBe(202);
  });

  it('should answer 401 without a known key and 403 for a read-only key on a write, logging security events', async () => {
    const { handler } = setup();
    expect((await call(handler, event('GET', '/reviews'))).statusCode).toBe(401);
    expect((await call(handler, event('GET', '/reviews', { key: 'unknown' }))).statusCode).toBe(401);
    const denied = await call(handler, event('POST', '/reviews', { key: 'key-ro', body: { plan } }));
    expect(denied.statusCode).toBe(403);
    expect(denied.json.detail).toContain('reviews:write');
    expect(captured.lines().filter((l) => l.type === 'security' && l.event === 'auth.denied').length).toBeGreaterThanOrEqual(3);
  });

  it('should reject bad bodies with 400/413/415 naming the problem', async () => {
    const { handler } = setup();
    const post = (opts: Parameters<typeof event>[2]) => call(handler, event('POST', '/reviews', { key: 'key-admin', ...opts }));
    const notJson = await post({ raw: '{"plan": ' });
    expect(notJson.statusCode).toBe(400);
    expect(notJson.json.detail).toMatch(/not valid JSON/);
    const neither = await post({ body: { title: 'x' } });
    expect(neither.statusCode).toBe(400);
    expect(neither.json.errors[0]).toEqual({ field: 'body', reason: 'must contain one of: plan, files' });
    expect((await post({ raw: 'x'.repeat(5000) })).statusCode).toBe(413);
    expect((await post({ body: { plan }, headers: { 'Content-Type': 'text/plain' } })).statusCode).toBe(415);
    expect((await post({ body: { plan }, headers: { 'Content-Encoding': 'br' } })).statusCode).toBe(415);
  });

  it('should list, get and page through versions', async () => {
    const { handler } = setup();
    for (const r of ['acme/a', 'acme/b', 'acme/a']) await call(handler, event('POST', '/reviews', { key: 'key-admin', body: { repository: r, plan } }));
    const all = await call(handler, event('GET', '/reviews', { key: 'key-ro' }));
    expect(all.json.items).toHaveLength(3);
    const onlyA = await call(handler, event('GET', '/reviews', { key: 'key-ro', query: { repository: 'acme/a', limit: '1' } }));
    expect(onlyA.json.items).toHaveLength(1);
    expect(onlyA.json.items[0]).toMatchObject({ repository: 'acme/a', status: 'pending', version: 1 });
    const next = await call(handler, event('GET', '/reviews', { key: 'key-ro', query: { repository: 'acme/a', limit: '1', cursor: onlyA.json.nextCursor } }));
    expect(next.json.items[0].id).not.toBe(onlyA.json.items[0].id);
    const one = await call(handler, event('GET', '/reviews/rev-00000001', { key: 'key-ro' }));
    expect(one.statusCode).toBe(200);
    expect(one.headers?.etag).toBe('"1"');
    expect(one.json.review.input).toEqual({ kind: 'plan', size: expect.any(Number), sha256: expect.any(String) });
    expect((await call(handler, event('GET', '/reviews/rev-00000001/versions/1', { key: 'key-ro' }))).statusCode).toBe(200);
    expect((await call(handler, event('GET', '/reviews/rev-00000001/versions/9', { key: 'key-ro' }))).statusCode).toBe(404);
    expect((await call(handler, event('GET', '/reviews/rev-99999999', { key: 'key-ro' }))).statusCode).toBe(404);
    expect((await call(handler, event('GET', '/reviews', { key: 'key-ro', query: { limit: '500' } }))).statusCode).toBe(400);
  });

  it('should record feedback as a new version and answer 409 on a stale If-Match', async () => {
    const { handler } = setup();
    await call(handler, event('POST', '/reviews', { key: 'key-admin', body: { plan } }));
    const ok = await call(handler, event('POST', '/reviews/rev-00000001/feedback', { key: 'key-admin', body: { action: 'acknowledge', comment: 'seen' }, headers: { 'If-Match': '"1"' } }));
    expect(ok.statusCode).toBe(201);
    expect(ok.json).toMatchObject({ version: 2, previousVersion: 1, actor: 'ci', review: { acknowledged: true } });
    expect(ok.headers?.etag).toBe('"2"');
    const stale = await call(handler, event('POST', '/reviews/rev-00000001/feedback', { key: 'key-admin', body: { action: 'reopen', comment: 'x' }, headers: { 'If-Match': '"1"' } }));
    expect(stale.statusCode).toBe(409);
    expect(stale.json).toMatchObject({ latestVersion: 2, expectedVersion: 1 });
    const noFinding = await call(handler, event('POST', '/reviews/rev-00000001/feedback', { key: 'key-admin', body: { action: 'dismiss-finding', findingId: 'X@y', comment: 'x' } }));
    expect(noFinding.statusCode).toBe(400);
    expect((await call(handler, event('POST', '/reviews/rev-00000001/feedback', { key: 'key-admin', body: { action: 'override-risk', comment: 'x' } }))).statusCode).toBe(400);
    expect((await call(handler, event('POST', '/reviews/rev-00000001/feedback', { key: 'key-admin', body: { action: 'acknowledge', comment: 'x' }, headers: { 'If-Match': 'banana' } }))).statusCode).toBe(400);
  });

  it('should answer 503 with Retry-After when the review cannot be queued, keeping the submission as failed', async () => {
    const { handler, events, reviews } = setup();
    events.failNext();
    const res = await call(handler, event('POST', '/reviews', { key: 'key-admin', body: { plan } }));
    expect(res.statusCode).toBe(503);
    expect(res.headers?.['retry-after']).toBe('2');
    expect((await reviews.get('rev-00000001')).content.status).toBe('failed');
  });

  it('should answer CORS preflight for allowed origins only and add CORS headers to responses', async () => {
    const { handler } = setup();
    const pre = await call(handler, event('OPTIONS', '/reviews/abc12345/feedback', { headers: { Origin: 'https://dash.example.com' } }));
    expect(pre.statusCode).toBe(204);
    expect(pre.headers).toMatchObject({ 'access-control-allow-origin': 'https://dash.example.com', 'access-control-allow-methods': 'POST, OPTIONS' });
    const evil = await call(handler, event('OPTIONS', '/reviews', { headers: { Origin: 'https://evil.example' } }));
    expect(evil.headers?.['access-control-allow-origin']).toBeUndefined();
    expect((await call(handler, event('OPTIONS', '/nope'))).statusCode).toBe(404);
    const got = await call(handler, event('GET', '/health', { headers: { Origin: 'https://dash.example.com' } }));
    expect(got.headers?.['access-control-allow-origin']).toBe('https://dash.example.com');
  });

  it('should answer unknown routes 404 and wrong methods 405', async () => {
    const { handler } = setup();
    expect((await call(handler, event('GET', '/nope'))).statusCode).toBe(404);
    const wrong = await call(handler, event('DELETE', '/health'));
    expect(wrong.statusCode).toBe(405);
    expect(wrong.headers?.allow).toBe('GET');
  });
});
