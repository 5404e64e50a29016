import { openApiDocument, type ClientRegistry, type HttpEvent } from '@iac-review/core';
import { createAuthenticator, createDynamoRateLimiter, createTokenVerifier, readOidcConfig, type Authenticator, type OidcConfig, type RateLimiter } from '@iac-review/identity';
import { startLocalIssuer, type LocalIssuer } from '@iac-review/identity/testing';
import { captureLogger } from '@iac-review/logger/testing';
import { createInMemoryReviewService } from '@iac-review/reviews';
import { base64url } from 'jose';
import { createHandler } from '../src/handler';
import { startTable, type LocalTable } from './support/dynalite';

const now = new Date('2026-11-25T10:00:00.000Z');
const plan = { format_version: '1.2', resource_changes: [] };
const clients: ClientRegistry = { 'key-all': { name: 'ci', scopes: ['reviews:read', 'reviews:write', 'analytics:read'] }, 'key-ro': { name: 'dashboard', scopes: ['reviews:read'] } };
const GROUP_SCOPES = { 'iac-readers': ['reviews:read', 'analytics:read'], 'iac-writers': ['reviews:read', 'reviews:write', 'analytics:read'], 'iac-admins': ['admin'], 'reviews-only': ['reviews:read'] };

let issuer: LocalIssuer;
let table: LocalTable;
beforeAll(async () => {
  issuer = await startLocalIssuer({
    users: [
      { username: 'rita', password: 'r', email: 'rita@example.com', groups: ['iac-readers'], sub: 'sub-rita' },
      { username: 'walt', password: 'w', email: 'walt@example.com', groups: ['iac-writers'], sub: 'sub-walt' },
      { username: 'ada', password: 'a', email: 'ada@example.com', groups: ['iac-admins'], sub: 'sub-ada' },
      { username: 'nora', password: 'n', email: 'nora@example.com', groups: [], sub: 'sub-nora' },
      { username: 'remy', password: 'x', email: 'remy@example.com', groups: ['reviews-only'], sub: 'sub-remy' },
      { username: 'tess', password: 't', email: 'tess@example.com', groups: ['iac-writers', 'team-a'], sub: 'sub-tess' },
    ],
  });
  table = await startTable('iac-review-identity');
});
afterAll(async () => {
  await issuer.close();
  await table.close();
});

const oidcConfig = (extra: Record<string, string> = {}): OidcConfig =>
  readOidcConfig({ OIDC_ISSUER: issuer.issuer, OIDC_AUDIENCE: issuer.clientId, OIDC_GROUPS_CLAIM: 'groups', OIDC_GROUP_SCOPES: JSON.stringify(GROUP_SCOPES), ...extra })!;

const setup = (opts: { oidc?: OidcConfig; limiter?: RateLimiter } = {}) => {
  const captured = captureLogger();
  let n = 0;
  const { service: reviews, store } = createInMemoryReviewService({ ids: () => `rev-${String(++n).padStart(8, '0')}`, clock: () => now });
  const oidc = opts.oidc ?? oidcConfig();
  const auth: Authenticator = createAuthenticator({ clients, oidc, verifier: createTokenVerifier(oidc), logger: captured.logger, ...(opts.limiter ? { limiter: opts.limiter } : {}) });
  const handler = createHandler({
    config: { service: 'iac-review', version: '1', cors: { allowedOrigins: [] }, limits: { maxBytes: 1024 * 1024, maxDecodedBytes: 1024 * 1024 }, clients },
    logger: captured.logger,
    clock: () => now,
    reviews,
    auth,
  });
  return { handler, store, reviews, captured };
};

type Cred = { key?: string; token?: string };
const event = (method: string, path: string, cred: Cred, opts: { body?: unknown; query?: Record<string, string> } = {}): HttpEvent =>
  ({
    httpMethod: method,
    path,
    resource: path,
    headers: { ...(opts.body !== undefined ? { 'Content-Type': 'application/json' } : {}), ...(cred.token ? { Authorization: `Bearer ${cred.token}` } : {}) },
    multiValueHeaders: {},
    queryStringParameters: opts.query ?? null,
    multiValueQueryStringParameters: null,
    pathParameters: null,
    stageVariables: null,
    body: opts.body !== undefined ? JSON.stringify(opts.body) : null,
    isBase64Encoded: false,
    requestContext: { requestId: 'req', identity: { sourceIp: '198.51.100.7', ...(cred.key ? { apiKeyId: cred.key } : {}) } },
  }) as unknown as HttpEvent;

const call = async (h: ReturnType<typeof setup>['handler'], e: HttpEvent) => {
  const res = await h(e, { awsRequestId: 'r1' });
  return { ...res, json: res.body ? (JSON.parse(res.body) as Record<string, unknown>) : undefined };
};

const operations = Object.entries(openApiDocument.paths).flatMap(([path, ops]) =>
  Object.entries(ops as Record<string, { operationId?: string; 'x-iac-review-function'?: string; 'x-iac-review-scopes'?: string[] }>)
    .filter(([, op]) => op.operationId && op['x-iac-review-function'] === 'api-handler')
    .map(([method, op]) => ({ method: method.toUpperCase(), path, operationId: op.operationId!, scopes: op['x-iac-review-scopes'] ?? [] })),
);

describe('api-handler: people and API keys through one authorization check', () => {
  it('walks every operation with each caller kind: a key and a person holding the same scopes get the same answer', async () => {
    const { handler } = setup();
    const callers: Array<{ name: string; cred: () => Promise<Cred>; scopes: string[] | null }> = [
      { name: 'key with every scope', cred: async () => ({ key: 'key-all' }), scopes: ['reviews:read', 'reviews:write', 'analytics:read'] },
      { name: 'person in iac-writers', cred: async () => ({ token: await issuer.tokenFor('walt') }), scopes: ['reviews:read', 'reviews:write', 'analytics:read'] },
      { name: 'person in iac-admins', cred: async () => ({ token: await issuer.tokenFor('ada') }), scopes: ['reviews:read', 'reviews:write', 'analytics:read'] },
      { name: 'read-only key', cred: async () => ({ key: 'key-ro' }), scopes: ['reviews:read'] },
      { name: 'person in reviews-only', cred: async () => ({ token: await issuer.tokenFor('remy') }), scopes: ['reviews:read'] },
      { name: 'person in iac-readers', cred: async () => ({ token: await issuer.tokenFor('rita') }), scopes: ['reviews:read', 'analytics:read'] },
      { name: 'person without groups', cred: async () => ({ token: await issuer.tokenFor('nora') }), scopes: [] },
      { name: 'no credentials', cred: async () => ({}), scopes: null },
    ];
    expect(operations.length).toBeGreaterThanOrEqual(8);
    const table: string[] = [];
    for (const op of operations) {
      const path = op.path.replace('{id}', 'rev-none').replace('{version}', '1');
      const byScopes = new Map<string, boolean>();
      for (const c of callers) {
        const res = await call(handler, event(op.method, path, await c.cred(), op.method === 'POST' ? { body: {} } : {}));
        const allowed = ![401, 403].includes(res.statusCode);
        const expected = op.scopes.every((s) => c.scopes?.includes(s));
        table.push(`${op.operationId} ${c.name}: ${res.statusCode}`);
        expect({ op: op.operationId, caller: c.name, allowed }).toEqual({ op: op.operationId, caller: c.name, allowed: expected });
        if (!allowed) {
          expect(res.headers?.['content-type']).toBe('application/problem+json');
          expect(res.statusCode).toBe(c.scopes === null ? 401 : 403);
        }
        const k = JSON.stringify(op.scopes.map((s) => c.scopes?.includes(s)));
        if (byScopes.has(k)) expect(allowed).toBe(byScopes.get(k));
        byScopes.set(k, allowed);
      }
    }
    expect(table.length).toBe(operations.length * callers.length);
  });

  it("stores the signed-in person as the actor of the version and of the audit line, and a reader's token gets 403 on writes", async () => {
    const { handler, captured, reviews } = setup();
    const created = await call(handler, event('POST', '/reviews', { token: await issuer.tokenFor('walt') }, { body: { repository: 'acme/infra', plan } }));
    expect(created.statusCode).toBe(202);
    const id = created.json!.id as string;
    const v1 = await reviews.getVersion(id, 1);
    expect(v1.actor).toBe('user:walt sub=sub-walt email=walt@example.com groups=iac-writers');
    expect(v1.content.submittedBy).toBe(v1.actor);
    const audit = captured.lines().find((l) => l.type === 'audit' && l.action === 'review.create');
    expect(audit).toMatchObject({ actor: v1.actor, actorKind: 'person', sub: 'sub-walt', email: 'walt@example.com', groups: ['iac-writers'] });

    const fb = await call(handler, event('POST', `/reviews/${id}/feedback`, { token: await issuer.tokenFor('walt') }, { body: { action: 'acknowledge', comment: 'seen' } }));
    expect(fb.statusCode).toBe(201);
    expect(fb.json!.actor).toBe('user:walt sub=sub-walt email=walt@example.com groups=iac-writers');

    const readerToken = await issuer.tokenFor('rita');
    const denied = await call(handler, event('POST', `/reviews/${id}/feedback`, { token: readerToken }, { body: { action: 'acknowledge', comment: 'me too' } }));
    expect(denied.statusCode).toBe(403);
    expect(denied.json!.detail).toMatch(/iac-readers.*reviews:write/);
    expect((await call(handler, event('POST', '/reviews', { token: readerToken }, { body: { plan } }))).statusCode).toBe(403);
    expect((await call(handler, event('GET', `/reviews/${id}`, { token: readerToken }))).statusCode).toBe(200);
    expect(captured.lines().filter((l) => l.type === 'security' && l.event === 'auth.denied' && l.sub === 'sub-rita' && l.status === 403)).toHaveLength(2);
    // The key path still names the client.
    const byKey = await call(handler, event('POST', '/reviews', { key: 'key-all' }, { body: { plan } }));
    expect((await reviews.getVersion(byKey.json!.id as string, 1)).actor).toBe('ci');
  });

  it("scopes Idempotency-Key per person: a retry replays the person's review, another person's same key makes their own", async () => {
    const { handler } = setup();
    const send = async (token: string) => {
      const e = event('POST', '/reviews', { token }, { body: { plan } });
      (e.headers as Record<string, string>)['Idempotency-Key'] = 'retry-0001';
      return call(handler, e);
    };
    const walt = await issuer.tokenFor('walt');
    const first = await send(walt);
    const retry = await send(walt);
    const other = await send(await issuer.tokenFor('ada'));
    expect([first.statusCode, retry.statusCode, other.statusCode]).toEqual([202, 202, 202]);
    expect(retry.json!.id).toBe(first.json!.id);
    expect(other.json!.id).not.toBe(first.json!.id);
  });

  it('answers 401 problem+json and logs a security event for expired, wrong-audience, wrong-issuer, unsigned and tampered tokens', async () => {
    const { handler, captured } = setup();
    const good = await issuer.tokenFor('walt');
    const [h, p, sig] = good.split('.');
    const claims = JSON.parse(new TextDecoder().decode(base64url.decode(p!))) as Record<string, unknown>;
    const bad: Record<string, string> = {
      expired: await issuer.sign({ sub: 'sub-walt', aud: issuer.clientId, groups: ['iac-writers'] }, { expiresInSeconds: -3600 }),
      'wrong audience': await issuer.sign({ sub: 'sub-walt', aud: 'another-app', groups: ['iac-writers'] }),
      'wrong issuer': await issuer.sign({ sub: 'sub-walt', aud: issuer.clientId, iss: 'https://idp.example.com', groups: ['iac-writers'] }),
      'alg none': `${base64url.encode(JSON.stringify({ alg: 'none', typ: 'JWT' }))}.${p}.`,
      tampered: `${h}.${base64url.encode(JSON.stringify({ ...claims, groups: ['iac-admins'] }))}.${sig}`,
      'not a bearer token': 'x y',
    };
    for (const [name, token] of Object.entries(bad)) {
      const before = captured.lines().filter((l) => l.type === 'security' && l.event === 'auth.signin-failed').length;
      const res = await call(handler, event('GET', '/reviews', { token }));
      expect({ name, status: res.statusCode, type: res.headers?.['content-type'] }).toEqual({ name, status: 401, type: 'application/problem+json' });
      expect(res.json!.detail).toMatch(/Bearer|not accepted/);
      expect(res.headers?.['www-authenticate']).toMatch(/^Bearer/);
      const after = captured.lines().filter((l) => l.type === 'security' && l.event === 'auth.signin-failed');
      expect(after.length).toBe(before + 1);
    }
    // Tokens never reach the log, even the refused ones.
    expect(captured.raw()).not.toContain(sig);
    expect(captured.raw()).not.toContain(bad.expired!.split('.')[2]);
  });

  it('shows a person only the repositories their groups allow (OWASP API1): 404 by id, 403 for a named repository', async () => {
    const oidc = oidcConfig({ OIDC_GROUP_REPOSITORIES: JSON.stringify({ 'team-a': ['acme/infra', 'platform/*'] }) });
    const { handler, captured } = setup({ oidc });
    const mine = (await call(handler, event('POST', '/reviews', { key: 'key-all' }, { body: { repository: 'acme/infra', plan } }))).json!.id as string;
    const platform = (await call(handler, event('POST', '/reviews', { key: 'key-all' }, { body: { repository: 'platform/network', plan } }))).json!.id as string;
    const theirs = (await call(handler, event('POST', '/reviews', { key: 'key-all' }, { body: { repository: 'acme/secrets', plan } }))).json!.id as string;
    const norepo = (await call(handler, event('POST', '/reviews', { key: 'key-all' }, { body: { plan } }))).json!.id as string;
    const tess = { token: await issuer.tokenFor('tess') };

    const list = await call(handler, event('GET', '/reviews', tess));
    expect(list.statusCode).toBe(200);
    expect((list.json!.items as Array<{ id: string }>).map((i) => i.id).sort()).toEqual([mine, platform].sort());
    expect((await call(handler, event('GET', '/reviews', tess, { query: { repository: 'acme/secrets' } }))).statusCode).toBe(403);
    expect((await call(handler, event('GET', '/reviews', tess, { query: { repository: 'acme/infra' } }))).statusCode).toBe(200);

    expect((await call(handler, event('GET', `/reviews/${mine}`, tess))).statusCode).toBe(200);
    for (const id of [theirs, norepo]) {
      for (const path of [`/reviews/${id}`, `/reviews/${id}/versions`, `/reviews/${id}/versions/1`, `/reviews/${id}/verify`]) {
        const res = await call(handler, event('GET', path, tess));
        expect({ path, status: res.statusCode }).toEqual({ path, status: 404 });
      }
      const fb = await call(handler, event('POST', `/reviews/${id}/feedback`, tess, { body: { action: 'acknowledge', comment: 'not mine' } }));
      expect(fb.statusCode).toBe(404);
    }
    expect((await call(handler, event('POST', '/reviews', tess, { body: { repository: 'acme/secrets', plan } }))).statusCode).toBe(403);
    expect((await call(handler, event('POST', '/reviews', tess, { body: { plan } }))).statusCode).toBe(403);
    expect((await call(handler, event('POST', '/reviews', tess, { body: { repository: 'platform/dns', plan } }))).statusCode).toBe(202);
    const denied = captured.lines().filter((l) => l.type === 'security' && l.event === 'auth.object-denied');
    expect(denied.filter((l) => l.status === 404 && l.reviewId === theirs && l.sub === 'sub-tess')).toHaveLength(5);
    expect(denied.filter((l) => l.status === 403)).toHaveLength(3);
    // Keys and admins are not limited to repositories.
    expect(((await call(handler, event('GET', '/reviews', { key: 'key-ro' }))).json!.items as unknown[]).length).toBe(5);
    expect((await call(handler, event('GET', `/reviews/${theirs}`, { token: await issuer.tokenFor('ada') }))).statusCode).toBe(200);
  });

  it("limits each person by their own token bucket in DynamoDB: one person's 429s leave another's requests alone", async () => {
    let t = 1_900_000_000_000;
    const limiter = createDynamoRateLimiter({ client: table.client, tableName: table.tableName, config: { capacity: 3, refillPerSecond: 0.5 }, clock: () => t });
    const { handler, captured } = setup({ limiter });
    const walt = { token: await issuer.tokenFor('walt') };
    const rita = { token: await issuer.tokenFor('rita') };
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await call(handler, event('GET', '/reviews', walt))).statusCode);
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    const limited = await call(handler, event('GET', '/reviews', walt));
    expect(limited.headers?.['retry-after']).toBe('2');
    expect(limited.headers?.['content-type']).toBe('application/problem+json');
    for (let i = 0; i < 3; i++) expect((await call(handler, event('GET', '/reviews', rita))).statusCode).toBe(200);
    expect((await call(handler, event('GET', '/reviews', { key: 'key-ro' }))).statusCode).toBe(200);
    expect(captured.lines().filter((l) => l.type === 'security' && l.event === 'rate-limit.exceeded' && l.sub === 'sub-walt')).toHaveLength(3);
    t += 2000;
    expect((await call(handler, event('GET', '/reviews', walt))).statusCode).toBe(200);
  });
});
