import { startLocalStack, type LocalStack } from '../src/local/stack';

process.env.LOG_LEVEL = 'silent';

describe('API keys, scopes, rate limits, CORS and concurrency (local stack)', () => {
  let stack: LocalStack;
  beforeAll(async () => {
    stack = await startLocalStack({ port: 0, env: { LOCAL_API_KEY: 'k-admin', LOCAL_READONLY_API_KEY: 'k-ro', CORS_ALLOWED_ORIGINS: 'https://dash.example.com' }, rateLimit: { ratePerSecond: 200, burst: 200 }, onError: () => undefined });
  });
  afterAll(async () => {
    await stack.stop();
  });

  const post = (path: string, body: unknown, key?: string, headers: Record<string, string> = {}) =>
    fetch(`${stack.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...(key ? { 'x-api-key': key } : {}), ...headers }, body: JSON.stringify(body) });

  it('should answer 401 without a key or with an unknown key', async () => {
    const none = await fetch(`${stack.url}/reviews`);
    expect(none.status).toBe(401);
    expect(none.headers.get('content-type')).toBe('application/problem+json');
    expect((await fetch(`${stack.url}/reviews`, { headers: { 'x-api-key': 'nope' } })).status).toBe(401);
  });

  it('should let the read-only key read but answer 403 on writes', async () => {
    expect((await fetch(`${stack.url}/reviews`, { headers: { 'x-api-key': 'k-ro' } })).status).toBe(200);
    const denied = await post('/reviews', { plan: { format_version: '1.2', resource_changes: [] } }, 'k-ro');
    expect(denied.status).toBe(403);
    expect(((await denied.json()) as { detail: string }).detail).toContain('reviews:write');
  });

  it('should give 20 concurrent feedback posts 20 new contiguous versions, and 409 on a stale If-Match', async () => {
    const created = (await (await post('/reviews', { plan: { format_version: '1.2', resource_changes: [] } }, 'k-admin')).json()) as { id: string };
    // Let the reviewer finish first (it appends the completed version), so only feedback races.
    await stack.bus.idle();
    const base = ((await (await fetch(`${stack.url}/reviews/${created.id}`, { headers: { 'x-api-key': 'k-ro' } })).json()) as { version: number }).version;
    expect(base).toBe(2);
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => post(`/reviews/${created.id}/feedback`, { action: 'acknowledge', comment: `ack ${i}` }, 'k-admin')));
    expect(results.map((r) => r.status)).toEqual(Array(20).fill(201));
    const versions = ((await Promise.all(results.map((r) => r.json()))) as Array<{ version: number; previousVersion: number }>).map((v) => v.version).sort((a, b) => a - b);
    expect(versions).toEqual(Array.from({ length: 20 }, (_, i) => base + 1 + i));
    const list = (await (await fetch(`${stack.url}/reviews/${created.id}/versions?limit=100`, { headers: { 'x-api-key': 'k-ro' } })).json()) as { items: Array<{ version: number; previousVersion?: number }> };
    expect(list.items.map((v) => v.version)).toEqual(Array.from({ length: base + 20 }, (_, i) => base + 20 - i));
    for (const v of list.items) if (v.version > 1) expect(v.previousVersion).toBe(v.version - 1);
    const stale = await post(`/reviews/${created.id}/feedback`, { action: 'reopen', comment: 'late' }, 'k-admin', { 'if-match': '"5"' });
    expect(stale.status).toBe(409);
    expect(await stale.json()).toMatchObject({ status: 409, expectedVersion: 5, latestVersion: base + 20 });
  });

  it('should answer preflight for allowed origins and keep other origins out', async () => {
    const ok = await fetch(`${stack.url}/reviews`, { method: 'OPTIONS', headers: { origin: 'https://dash.example.com', 'access-control-request-method': 'POST' } });
    expect(ok.status).toBe(204);
    expect(ok.headers.get('access-control-allow-origin')).toBe('https://dash.example.com');
    expect(ok.headers.get('access-control-allow-headers')).toContain('x-api-key');
    const evil = await fetch(`${stack.url}/reviews`, { method: 'OPTIONS', headers: { origin: 'https://evil.example' } });
    expect(evil.headers.get('access-control-allow-origin')).toBeNull();
  });
});
