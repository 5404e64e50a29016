import { captureLogger } from '@iac-review/logger/testing';
import { createInMemoryReviewService, reportIntegrityFailures } from '@iac-review/reviews';
import type { StoredItem } from '@iac-review/dynamo-versioning';
import { forgeContent } from '@iac-review/dynamo-versioning/testing';
import { gzipSync } from 'node:zlib';
import { jsonDepthExceeds } from '../src/body';
import { createHandler } from '../src/handler';
import { call, event } from './support/events';

const captured = captureLogger();
const now = new Date('2026-11-25T10:00:00.000Z');

const setup = () => {
  let n = 0;
  const svc = createInMemoryReviewService({ ids: () => `rev-${String(++n).padStart(8, '0')}`, clock: () => now, onIntegrityFailure: reportIntegrityFailures(captured.logger) });
  const handler = createHandler({
    config: {
      service: 'iac-review',
      version: '1.2.3',
      cors: { allowedOrigins: [] },
      limits: { maxBytes: 64 * 1024, maxDecodedBytes: 8 * 1024 * 1024, maxCompressionRatio: 100, maxDepth: 100 },
      clients: { 'key-admin': { name: 'ci', scopes: ['reviews:read', 'reviews:write'] }, 'key-other': { name: 'other', scopes: ['reviews:read', 'reviews:write'] } },
    },
    logger: captured.logger,
    clock: () => now,
    reviews: svc.service,
  });
  return { handler, ...svc };
};

const plan = { format_version: '1.2', resource_changes: [] };
const submit = (body: unknown, headers: Record<string, string> = {}, key = 'key-admin') => event('POST', '/reviews', { key, body, headers });

describe('bad input gets a 4xx, never a 500', () => {
  it('should refuse JSON nested 10,000 deep with 400 before parsing it', async () => {
    const { handler } = setup();
    const deep = `{"plan":${'['.repeat(10_000)}${']'.repeat(10_000)}}`;
    const res = await call(handler, event('POST', '/reviews', { key: 'key-admin', raw: deep }));
    expect(res.statusCode).toBe(400);
    expect(res.headers?.['content-type']).toBe('application/problem+json');
    expect(res.json.detail).toMatch(/more than 100 levels/);
  });

  it('should count depth in one pass, ignoring brackets inside strings', () => {
    expect(jsonDepthExceeds(Buffer.from(`{"a":"${'['.repeat(500)}"}`), 2)).toBe(false);
    expect(jsonDepthExceeds(Buffer.from(`{"a":"\\"[[[[","b":[[1]]}`), 3)).toBe(false);
    expect(jsonDepthExceeds(Buffer.from('[[[[1]]]]'), 3)).toBe(true);
    expect(jsonDepthExceeds(Buffer.from('[[[1]]]'), 3)).toBe(false);
  });

  it.each(['0x1', '1e0', ' 1', '+1', '1.0', '01x'])('should answer 400 for the path version %j', async (v) => {
    const { handler } = setup();
    await call(handler, submit({ plan }));
    const res = await call(handler, event('GET', `/reviews/rev-00000001/versions/${v}`, { key: 'key-admin' }));
    expect(res.statusCode).toBe(400);
    expect(res.json.detail).toMatch(/plain decimal digits/);
  });

  it('should still serve a plain decimal path version', async () => {
    const { handler } = setup();
    await call(handler, submit({ plan }));
    expect((await call(handler, event('GET', '/reviews/rev-00000001/versions/1', { key: 'key-admin' }))).statusCode).toBe(200);
    expect((await call(handler, event('GET', '/reviews', { key: 'key-admin', query: { limit: '0x10' } }))).statusCode).toBe(400);
  });

  it.each([
    ['title', 'innocent\u202Eexe.fdp'],
    ['title', 'line\nbreak'],
    ['title', 'nul\u0000byte'],
    ['stack', 'prod\u2066x'],
    ['ref', 'main\u001b[31m'],
  ])('should refuse %s with a control or bidi character', async (field, value) => {
    const { handler } = setup();
    const res = await call(handler, submit({ plan, [field]: value }));
    expect(res.statusCode).toBe(400);
    expect(res.json.detail).toMatch(/U\+[0-9A-F]{4}/);
  });

  it('should allow line breaks in a feedback comment but not bidi overrides', async () => {
    const { handler } = setup();
    await call(handler, submit({ plan }));
    const ok = await call(handler, event('POST', '/reviews/rev-00000001/feedback', { key: 'key-admin', body: { action: 'acknowledge', comment: 'seen\nthanks' } }));
    expect(ok.statusCode).toBe(201);
    const bad = await call(handler, event('POST', '/reviews/rev-00000001/feedback', { key: 'key-admin', body: { action: 'acknowledge', comment: 'ok \u202Dhidden' } }));
    expect(bad.statusCode).toBe(400);
  });

  it('should refuse a file path with a bidi override', async () => {
    const { handler } = setup();
    const res = await call(handler, submit({ files: [{ path: 'main\u202E.tf', content: 'x' }] }));
    expect(res.statusCode).toBe(400);
  });

  it('should refuse repository and stack filters together', async () => {
    const { handler } = setup();
    const res = await call(handler, event('GET', '/reviews', { key: 'key-admin', query: { repository: 'acme/infra', stack: 'prod' } }));
    expect(res.statusCode).toBe(400);
    expect(res.json.detail).toMatch(/repository or by stack/);
  });

  it.each(['__proto__', 'toString', 'constructor', 'hasOwnProperty'])('should treat the query name %s as a plain (unknown) name', async (name) => {
    const { handler } = setup();
    const query = JSON.parse(`{"${name}":"x"}`) as Record<string, string>;
    const health = await call(handler, event('GET', '/health', { query }));
    expect(health.statusCode).toBe(200);
    const list = await call(handler, event('GET', '/reviews', { key: 'key-admin', query }));
    expect(list.statusCode).toBeLessThan(500);
  });

  it('should refuse a gzip body that expands more than 100:1, and one over the decoded cap', async () => {
    const { handler } = setup();
    const bomb = gzipSync(Buffer.from(JSON.stringify({ plan, title: 'a'.repeat(3_000_000) })));
    expect(bomb.length * 100).toBeLessThan(3_000_000);
    const res = await call(handler, event('POST', '/reviews', { key: 'key-admin', raw: bomb.toString('base64'), base64: true, headers: { 'Content-Encoding': 'gzip' } }));
    expect(res.statusCode).toBe(413);
    expect(res.json.detail).toMatch(/100:1/);
  });
});

describe('Idempotency-Key on POST /reviews', () => {
  it('should answer the same key and body with the same 202 and review id', async () => {
    const { handler, events } = setup();
    const first = await call(handler, submit({ plan, title: 'T' }, { 'Idempotency-Key': 'k-123456' }));
    const again = await call(handler, submit({ plan, title: 'T' }, { 'Idempotency-Key': 'k-123456' }));
    expect(first.statusCode).toBe(202);
    expect(again.statusCode).toBe(202);
    expect(again.json).toEqual(first.json);
    expect(again.headers?.location).toBe(first.headers?.location);
    // The replay asks for the still-pending review again (the reviewer dedupes); nothing new is stored.
    expect(events.published.filter((e) => e.detailType === 'ReviewRequested').map((e) => (e.detail as { reviewId: string }).reviewId)).toEqual([first.json.id, first.json.id]);
    expect(captured.lines().some((l) => l.type === 'audit' && l.outcome === 'duplicate' && l.resource === `review/${first.json.id}`)).toBe(true);
  });

  it('should answer the same key with another body with 422 problem+json', async () => {
    const { handler } = setup();
    await call(handler, submit({ plan, title: 'T' }, { 'Idempotency-Key': 'k-654321' }));
    const res = await call(handler, submit({ plan, title: 'other' }, { 'Idempotency-Key': 'k-654321' }));
    expect(res.statusCode).toBe(422);
    expect(res.headers?.['content-type']).toBe('application/problem+json');
    expect(res.json.type).toBe('https://iac-review.dev/problems/idempotency-key-reused');
  });

  it('should scope keys per API key and refuse an unusable key', async () => {
    const { handler } = setup();
    const a = await call(handler, submit({ plan, title: 'A' }, { 'Idempotency-Key': 'shared' }));
    const b = await call(handler, submit({ plan, title: 'B' }, { 'Idempotency-Key': 'shared' }, 'key-other'));
    expect(b.statusCode).toBe(202);
    expect(b.json.id).not.toBe(a.json.id);
    expect((await call(handler, submit({ plan }, { 'Idempotency-Key': 'with space' }))).statusCode).toBe(400);
  });
});

describe('GET /reviews/{id}/verify and reads of a tampered version', () => {
  const tamper = async (table: ReturnType<typeof setup>['table'], id: string, version: number) => {
    const item = (await table.dump('reviews')).find((i) => i.pk === `REVIEW#${id}` && i.version === version) as StoredItem;
    await table.rawPut('reviews', forgeContent(item, { ...(JSON.parse(item.content as string) as Record<string, unknown>), title: 'rewritten' }));
  };

  it('should report every version ok for an untouched history', async () => {
    const { handler } = setup();
    await call(handler, submit({ plan, title: 'T' }));
    await call(handler, event('POST', '/reviews/rev-00000001/feedback', { key: 'key-admin', body: { action: 'acknowledge', comment: 'ok' } }));
    const res = await call(handler, event('GET', '/reviews/rev-00000001/verify', { key: 'key-admin' }));
    expect(res.statusCode).toBe(200);
    expect(res.json).toEqual({ id: 'rev-00000001', ok: true, latestVersion: 2, versions: [{ version: 1, status: 'ok', keyId: 'k1' }, { version: 2, status: 'ok', keyId: 'k1' }] });
  });

  it('should detect a rewritten version on /verify and refuse to serve it with 409, logging a security event and a metric', async () => {
    const { handler, table } = setup();
    await call(handler, submit({ plan, title: 'T' }));
    await call(handler, event('POST', '/reviews/rev-00000001/feedback', { key: 'key-admin', body: { action: 'acknowledge', comment: 'ok' } }));
    await tamper(table, 'rev-00000001', 1);
    const before = captured.lines().length;

    const verify = await call(handler, event('GET', '/reviews/rev-00000001/verify', { key: 'key-admin' }));
    expect(verify.json.ok).toBe(false);
    expect(verify.json.versions.map((v: { status: string }) => v.status)).toEqual(['content-mismatch', 'broken-link']);

    const read = await call(handler, event('GET', '/reviews/rev-00000001/versions/1', { key: 'key-admin' }));
    expect(read.statusCode).toBe(409);
    expect(read.json).toMatchObject({ type: 'https://iac-review.dev/problems/integrity-failed', brokenAt: 1 });
    expect((await call(handler, event('GET', '/reviews/rev-00000001', { key: 'key-admin' }))).statusCode).toBe(409);

    const lines = captured.lines().slice(before);
    expect(lines.some((l) => l.type === 'security' && l.event === 'history.integrity-failed' && l.id === 'rev-00000001')).toBe(true);
    expect(lines.some((l) => l.type === 'metric' && l.HistoryIntegrityFailures === 1)).toBe(true);
  });

  it('should need reviews:read and answer 404 for an unknown review', async () => {
    const { handler } = setup();
    expect((await call(handler, event('GET', '/reviews/rev-00000009/verify'))).statusCode).toBe(401);
    expect((await call(handler, event('GET', '/reviews/rev-00000009/verify', { key: 'key-admin' }))).statusCode).toBe(404);
  });
});
