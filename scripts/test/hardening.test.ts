/**
 * Issue 13 against the local stack: bad input gets a 4xx (never a 500 or a reset), a tampered
 * version is caught by /verify and on read, Idempotency-Key, gateway security signals, and the
 * refusal to listen beyond loopback with the published keys.
 */
import { GetItemCommand, PutItemCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { request } from 'node:http';
import { gzipSync } from 'node:zlib';
// The attacker's tools: the same canonical JSON and hash the store uses (no key needed for them).
import { canonicalJson, sha256Hex, versionHash } from '../../packages/dynamo-versioning/src/index';
import type { GatewaySecurityEvent } from '../src/local/http-gateway';
import { isLoopbackHost, startLocalStack, type LocalStack } from '../src/local/stack';

process.env.LOG_LEVEL = 'silent';

const plan = { format_version: '1.2', resource_changes: [] };

describe('integrity and input hardening (local stack)', () => {
  let stack: LocalStack;
  const security: GatewaySecurityEvent[] = [];
  const errors: unknown[] = [];
  beforeAll(async () => {
    stack = await startLocalStack({ port: 0, env: {}, rateLimit: { ratePerSecond: 2, burst: 60 }, onError: (e) => errors.push(e), onSecurityEvent: (e) => security.push(e) });
  });
  afterAll(async () => {
    await stack.stop();
  });

  const admin = () => ({ 'x-api-key': stack.apiKeys.admin });
  const get = (path: string, headers: Record<string, string> = admin()) => fetch(`${stack.url}${path}`, { headers });
  const post = (path: string, body: string | Uint8Array, headers: Record<string, string> = {}) =>
    fetch(`${stack.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...admin(), ...headers }, body });
  const problem = async (res: Response) => {
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    return (await res.json()) as { type: string; detail: string; status: number; brokenAt?: number };
  };

  it('should answer JSON nested 10,000 deep with 400', async () => {
    const res = await post('/reviews', `{"plan":${'['.repeat(10_000)}${']'.repeat(10_000)}}`);
    expect(res.status).toBe(400);
    expect((await problem(res)).detail).toMatch(/levels deep/);
  });

  it('should answer malformed percent-encoding in the path with 400', async () => {
    for (const path of ['/reviews/%', '/reviews/%E0%A4%A/versions/1']) {
      const res = await get(path);
      expect(res.status).toBe(400);
      expect((await problem(res)).detail).toMatch(/percent-encoding/);
    }
  });

  it('should handle the query and header names __proto__, toString and constructor on every route', async () => {
    for (const path of ['/health', '/reviews', '/reviews/abcdefgh-1234', '/reviews/abcdefgh-1234/versions']) {
      for (const name of ['__proto__', 'toString', 'constructor', 'hasOwnProperty']) {
        const q = await get(`${path}?${name}=1&${name}=2`);
        expect(q.status).toBeLessThan(500);
        const h = await get(path, { ...admin(), [name]: 'x' });
        expect(h.status).toBeLessThan(500);
      }
    }
    expect(errors).toEqual([]);
  });

  it.each([12, 64])('should answer a %i MB body with 413 problem+json, not a dropped connection', async (mb) => {
    const res = await post('/reviews', Buffer.alloc(mb * 1024 * 1024, 0x20));
    expect(res.status).toBe(413);
    expect((await problem(res)).type).toBe('https://iac-review.dev/problems/payload-too-large');
  });

  it('should answer a chunked body over 10 MB (no Content-Length) with 413', async () => {
    const url = new URL(`${stack.url}/reviews`);
    const status = await new Promise<number>((resolve, reject) => {
      const req = request({ host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: { 'content-type': 'application/json', ...admin(), 'transfer-encoding': 'chunked' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      const chunk = Buffer.alloc(1024 * 1024, 0x20);
      for (let i = 0; i < 16; i++) req.write(chunk);
      req.end();
    });
    expect(status).toBe(413);
  });

  it('should refuse a 60 KB gzip body that expands to 60 MB (compression ratio)', async () => {
    const bomb = gzipSync(Buffer.from(`{"plan":${JSON.stringify(plan)},"title":"${' '.repeat(60 * 1024 * 1024)}"}`), { level: 9 });
    expect(bomb.length).toBeLessThan(200 * 1024);
    const res = await post('/reviews', bomb, { 'content-encoding': 'gzip' });
    expect(res.status).toBe(413);
    expect((await problem(res)).detail).toMatch(/100:1/);
  });

  it('should answer control characters and bidi overrides in a title with 400', async () => {
    for (const title of ['safe\u202Etxt.exe', 'bell\u0007', 'two\nlines']) {
      const res = await post('/reviews', JSON.stringify({ plan, title }));
      expect(res.status).toBe(400);
    }
  });

  it('should accept path versions only as plain decimal digits, and refuse repository with stack', async () => {
    const created = (await (await post('/reviews', JSON.stringify({ plan, title: 'versions' }))).json()) as { id: string };
    expect((await get(`/reviews/${created.id}/versions/1`)).status).toBe(200);
    for (const v of ['0x1', '1e0', '%201', '+1']) expect((await get(`/reviews/${created.id}/versions/${v}`)).status).toBe(400);
    expect((await get('/reviews?repository=acme/infra&stack=prod')).status).toBe(400);
  });

  it('should honour Idempotency-Key: same key and body → same 202, other body → 422', async () => {
    const body = JSON.stringify({ plan, title: 'idempotent' });
    const first = await post('/reviews', body, { 'idempotency-key': 'it-key-0001' });
    const again = await post('/reviews', body, { 'idempotency-key': 'it-key-0001' });
    expect(first.status).toBe(202);
    expect(again.status).toBe(202);
    const a = (await first.json()) as { id: string };
    expect(await again.json()).toEqual(a);
    const other = await post('/reviews', JSON.stringify({ plan, title: 'something else' }), { 'idempotency-key': 'it-key-0001' });
    expect(other.status).toBe(422);
    expect((await problem(other)).type).toBe('https://iac-review.dev/problems/idempotency-key-reused');
    await stack.bus.idle();
    expect(((await (await get(`/reviews/${a.id}`)).json()) as { review: { status: string } }).review.status).toBe('completed');
  });

  it('should detect a tampered version on /verify and refuse to serve it (409)', async () => {
    const { id } = (await (await post('/reviews', JSON.stringify({ plan, title: 'to be tampered' }))).json()) as { id: string };
    await stack.bus.idle();
    const ok = (await (await get(`/reviews/${id}/verify`)).json()) as { ok: boolean; versions: Array<{ version: number; status: string; keyId?: string }> };
    expect(ok.ok).toBe(true);
    expect(ok.versions.map((v) => v.status)).toEqual(['ok', 'ok']);
    expect(ok.versions[0]?.keyId).toBe('local-1');

    // Rewrite version 1 directly in the table as the unkeyed chain allowed: new content, its digest
    // and the version's hash all recomputed, previousHash kept.
    const key = { pk: { S: `REVIEW#${id}` }, sk: { S: 'V#0000000001' } };
    const item = (await stack.dynamo.client.send(new GetItemCommand({ TableName: stack.tableName, Key: key, ConsistentRead: true }))).Item as Record<string, AttributeValue>;
    const forged = canonicalJson({ ...(JSON.parse(item.content?.S as string) as Record<string, unknown>), title: 'nothing to see' });
    const contentSha256 = sha256Hex(forged);
    const s = (k: string) => item[k]?.S as string;
    const hash = versionHash({ entity: 'REVIEW', id, version: 1, previousVersion: null, createdAt: s('createdAt'), firstCreatedAt: s('firstCreatedAt'), actor: s('actor'), reason: s('reason'), contentSha256, previousHash: null });
    await stack.dynamo.client.send(new PutItemCommand({ TableName: stack.tableName, Item: { ...item, content: { S: forged }, contentSha256: { S: contentSha256 }, hash: { S: hash } } }));

    const report = (await (await get(`/reviews/${id}/verify`)).json()) as { ok: boolean; versions: Array<{ status: string }> };
    expect(report.ok).toBe(false);
    // Version 1's MAC no longer matches; version 2 still names the genuine hash of version 1.
    expect(report.versions.map((v) => v.status)).toEqual(['content-mismatch', 'broken-link']);
    const read = await get(`/reviews/${id}/versions/1`);
    expect(read.status).toBe(409);
    expect(await problem(read)).toMatchObject({ type: 'https://iac-review.dev/problems/integrity-failed', brokenAt: 1 });
    // The newest version is fine on its own, but its link to version 1 is checked too.
    expect((await get(`/reviews/${id}`)).status).toBe(409);
  });

  it('should emit one security event per 401, 403 and 429 answer', async () => {
    security.length = 0;
    expect((await get('/reviews', {})).status).toBe(401);
    expect((await get('/reviews', { 'x-api-key': 'nope' })).status).toBe(401);
    expect((await fetch(`${stack.url}/reviews`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': stack.apiKeys.readonly }, body: JSON.stringify({ plan }) })).status).toBe(403);
    const burst = await Promise.all(Array.from({ length: 80 }, () => get('/reviews/abcdefgh-0000', { 'x-api-key': stack.apiKeys.readonly })));
    const throttled = burst.filter((r) => r.status === 429).length;
    expect(throttled).toBeGreaterThan(0);
    expect(security.filter((e) => e.status === 401)).toHaveLength(2);
    expect(security.filter((e) => e.status === 403)).toEqual([expect.objectContaining({ event: 'gateway.forbidden', method: 'POST', path: '/reviews' })]);
    expect(security.filter((e) => e.event === 'gateway.throttled')).toHaveLength(throttled);
    // The access-log view: status, route, source, never the key.
    expect(JSON.stringify(security)).not.toContain('nope');
  });
});

describe('local stack safety', () => {
  it('should know loopback addresses', () => {
    for (const h of ['127.0.0.1', '127.1.2.3', 'localhost', '::1']) expect(isLoopbackHost(h)).toBe(true);
    for (const h of ['0.0.0.0', '::', '192.168.1.10', '10.0.0.1', 'example.com']) expect(isLoopbackHost(h)).toBe(false);
  });

  it.each(['0.0.0.0', '::'])('should refuse to listen on %s with the published default keys', async (host) => {
    await expect(startLocalStack({ port: 0, host, env: {}, onError: () => undefined })).rejects.toThrow(/Refusing to listen on .*LOCAL_API_KEY/);
    await expect(startLocalStack({ port: 0, host, env: { LOCAL_API_KEY: 'my-own-admin-key-123' }, onError: () => undefined })).rejects.toThrow(/Refusing to listen/);
  });
});
