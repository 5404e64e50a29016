import { openApiDocument, type ClientRegistry, type HttpEvent } from '@iac-review/core';
import { createAuthenticator, createDynamoRateLimiter, readOidcConfig, type Authenticator, type OidcConfig, type RateLimiter } from '@iac-review/identity';
import { createTokenVerifier } from '@iac-review/identity/oidc';
import { startLocalIssuer, type LocalIssuer } from '@iac-review/identity/testing';
import { captureLogger } from '@iac-review/logger/testing';
import { createInMemoryReviewService } from '@iac-review/reviews';
import { base64url } from 'jose';
import { createAuthorizer } from '../../request-authorizer/src/handler';
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
  // No token verifier here: people's tokens are verified by the request authorizer (see person()).
  const auth: Authenticator = createAuthenticator({ clients, oidc, logger: captured.logger, ...(opts.limiter ? { limiter: opts.limiter } : {}) });
  const handler = createHandler({
    config: { service: 'iac-review', version: '1', cors: { allowedOrigins: [] }, limits: { maxBytes: 1024 * 1024, maxDecodedBytes: 1024 * 1024 }, clients },
    logger: captured.logger,
    clock: () => now,
    reviews,
    auth,
  });
  return { handler, store, reviews, captured };
};

/** A bearer token, and what API Gateway passes on when the request authorizer accepted it (its context + principalId). */
type Cred = { key?: string; token?: string; authorizer?: Record<string, unknown> };

/** The real request authorizer of AWS (functions/request-authorizer), verifying against the local issuer. */
const authorizerLog = captureLogger();
let authorize: ReturnType<typeof createAuthorizer> | undefined;
const viaAuthorizer = async (token: string): Promise<Cred> => {
  authorize ??= createAuthorizer({ logger: authorizerLog.logger, verifier: createTokenVerifier(oidcConfig()), peopleApiKey: 'people-plan-key' });
  const r = await authorize({ type: 'REQUEST', methodArn: 'arn:aws:execute-api:eu-west-1:123456789012:api/prod/GET/reviews', headers: { Authorization: `Bearer ${token}` } });
  return { token, authorizer: { ...r.context, principalId: r.principalId, integrationLatency: 5 } };
};
/** A signed-in person's request as it reaches the function in AWS: token verified by the authorizer, person in the context. */
const person = async (username: string): Promise<Cred> => viaAuthorizer(await issuer.tokenFor(username));
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
    // A person arrives with the people usage plan's key id (the authorizer's usageIdentifierKey), which no client holds.
    requestContext: {
      requestId: 'req',
      identity: { sourceIp: '198.51.100.7', ...(cred.key ? { apiKeyId: cred.key } : cred.authorizer ? { apiKeyId: 'people-plan-key-id' } : {}) },
      ...(cred.authorizer ? { authorizer: cred.authorizer } : {}),
    },
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
      { name: 'person in iac-writers', cred: async () => person('walt'), scopes: ['reviews:read', 'reviews:write', 'analytics:read'] },
      { name: 'person in iac-admins', cred: async () => person('ada'), scopes: ['reviews:read', 'reviews:write', 'analytics:read'] },
      { name: 'read-only key', cred: async () => ({ key: 'key-ro' }), scopes: ['reviews:read'] },
      { name: 'person in reviews-only', cred: async () => person('remy'), scopes: ['reviews:read'] },
      { name: 'person in iac-readers', cred: async () => person('rita'), scopes: ['reviews:read', 'analytics:read'] },
      { name: 'person without groups', cred: async () => person('nora'), scopes: [] },
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
    const created = await call(handler, event('POST', '/reviews', await person('walt'), { body: { repository: 'acme/infra', plan } }));
    expect(created.statusCode).toBe(202);
    const id = created.json!.id as string;
    const v1 = await reviews.getVersion(id, 1);
    expect(v1.actor).toBe('user:walt sub=sub-walt email=walt@example.com groups=iac-writers');
    expect(v1.content.submittedBy).toBe(v1.actor);
    const audit = captured.lines().find((l) => l.type === 'audit' && l.action === 'review.create');
    expect(audit).toMatchObject({ actor: v1.actor, actorKind: 'person', sub: 'sub-walt', email: 'walt@example.com', groups: ['iac-writers'] });

    const fb = await call(handler, event('POST', `/reviews/${id}/feedback`, await person('walt'), { body: { action: 'acknowledge', comment: 'seen' } }));
    expect(fb.statusCode).toBe(201);
    expect(fb.json!.actor).toBe('user:walt sub=sub-walt email=walt@example.com groups=iac-writers');

    const reader = await person('rita');
    const denied = await call(handler, event('POST', `/reviews/${id}/feedback`, reader, { body: { action: 'acknowledge', comment: 'me too' } }));
    expect(denied.statusCode).toBe(403);
    expect(denied.json!.detail).toMatch(/iac-readers.*reviews:write/);
    expect((await call(handler, event('POST', '/reviews', reader, { body: { plan } }))).statusCode).toBe(403);
    expect((await call(handler, event('GET', `/reviews/${id}`, reader))).statusCode).toBe(200);
    expect(captured.lines().filter((l) => l.type === 'security' && l.event === 'auth.denied' && l.sub === 'sub-rita' && l.status === 403)).toHaveLength(2);
    // The key path still names the client.
    const byKey = await call(handler, event('POST', '/reviews', { key: 'key-all' }, { body: { plan } }));
    expect((await reviews.getVersion(byKey.json!.id as string, 1)).actor).toBe('ci');
  });

  it("scopes Idempotency-Key per person: a retry replays the person's review, another person's same key makes their own", async () => {
    const { handler } = setup();
    const send = async (cred: Cred) => {
      const e = event('POST', '/reviews', cred, { body: { plan } });
      (e.headers as Record<string, string>)['Idempotency-Key'] = 'retry-0001';
      return call(handler, e);
    };
    const walt = await person('walt');
    const first = await send(walt);
    const retry = await send(walt);
    const other = await send(await person('ada'));
    expect([first.statusCode, retry.statusCode, other.statusCode]).toEqual([202, 202, 202]);
    expect(retry.json!.id).toBe(first.json!.id);
    expect(other.json!.id).not.toBe(first.json!.id);
  });

  it("refuses expired, wrong-audience, wrong-issuer, unsigned and tampered tokens at the authorizer; such a token reaching the function without the authorizer's context gets 401 problem+json, never access", async () => {
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
    };
    for (const [name, token] of Object.entries(bad)) {
      // In AWS the authorizer refuses it (API Gateway answers its UNAUTHORIZED problem+json) ...
      const before = authorizerLog.lines().filter((l) => l.type === 'security' && l.event === 'auth.signin-failed').length;
      await expect(viaAuthorizer(token)).rejects.toThrow(/^Unauthorized$/);
      expect({ name, logged: authorizerLog.lines().filter((l) => l.type === 'security' && l.event === 'auth.signin-failed').length }).toEqual({ name, logged: before + 1 });
      // ... and a route wired without the authorizer would not let it through either.
      for (const [method, path] of [['GET', '/reviews'], ['POST', '/reviews']] as const) {
        const res = await call(handler, event(method, path, { token }, method === 'POST' ? { body: { plan } } : {}));
        expect({ name, status: res.statusCode, type: res.headers?.['content-type'] }).toEqual({ name, status: 401, type: 'application/problem+json' });
        expect(res.json!.detail).toMatch(/verified by the API's request authorizer.*API key/);
        expect(res.headers?.['www-authenticate']).toMatch(/^Bearer/);
      }
    }
    // A perfectly good token without the authorizer's context is refused the same way: the function verifies no token.
    expect((await call(handler, event('GET', '/reviews', { token: good }))).statusCode).toBe(401);
    expect(captured.lines().filter((l) => l.type === 'security' && l.event === 'auth.signin-failed')).toHaveLength(Object.keys(bad).length * 2 + 1);
    const notBearer = await call(handler, event('GET', '/reviews', { token: 'x y' }));
    expect([notBearer.statusCode, notBearer.json!.detail]).toEqual([401, expect.stringMatching(/Bearer/)]);
    expect((await call(handler, event('GET', '/reviews', { key: 'key-ro' }))).json!.items).toEqual([]);
    // Tokens never reach the log, even the refused ones.
    for (const raw of [captured.raw(), authorizerLog.raw()]) {
      expect(raw).not.toContain(sig);
      expect(raw).not.toContain(bad.expired!.split('.')[2]);
    }
  });

  it("answers 500 problem+json to a malformed authorizer context (a deployment fault), stores nothing and logs the reason", async () => {
    const { handler, captured } = setup();
    const contexts: Record<string, Record<string, unknown>> = {
      'empty sub': { callerKind: 'person', sub: '', groups: '["iac-admins"]', principalId: 'x' },
      'groups not JSON': { callerKind: 'person', sub: 'sub-walt', groups: 'iac-admins', principalId: 'sub-walt' },
      'groups not strings': { callerKind: 'person', sub: 'sub-walt', groups: '[["iac-admins"]]', principalId: 'sub-walt' },
      'unknown caller kind': { callerKind: 'root', principalId: 'x' },
    };
    for (const [name, authorizer] of Object.entries(contexts)) {
      const res = await call(handler, event('POST', '/reviews', { key: 'key-all', authorizer }, { body: { repository: 'acme/infra', plan } }));
      expect({ name, status: res.statusCode, type: res.headers?.['content-type'] }).toEqual({ name, status: 500, type: 'application/problem+json' });
      expect(res.json!.detail).toMatch(/authorizer passed a caller this function cannot read/);
    }
    expect(captured.lines().filter((l) => l.message === 'authorizer context rejected').map((l) => l.reason)).toEqual([
      expect.stringMatching(/sub/),
      expect.stringMatching(/groups is not valid JSON/),
      expect.stringMatching(/array of strings/),
      expect.stringMatching(/callerKind/),
    ]);
    expect((await call(handler, event('GET', '/reviews', { key: 'key-ro' }))).json!.items).toEqual([]);
  });

  it('shows a person only the repositories their groups allow (OWASP API1): 404 by id, 403 for a named repository', async () => {
    const oidc = oidcConfig({ OIDC_GROUP_REPOSITORIES: JSON.stringify({ 'team-a': ['acme/infra', 'platform/*'] }) });
    const { handler, captured } = setup({ oidc });
    const mine = (await call(handler, event('POST', '/reviews', { key: 'key-all' }, { body: { repository: 'acme/infra', plan } }))).json!.id as string;
    const platform = (await call(handler, event('POST', '/reviews', { key: 'key-all' }, { body: { repository: 'platform/network', plan } }))).json!.id as string;
    const theirs = (await call(handler, event('POST', '/reviews', { key: 'key-all' }, { body: { repository: 'acme/secrets', plan } }))).json!.id as string;
    const norepo = (await call(handler, event('POST', '/reviews', { key: 'key-all' }, { body: { plan } }))).json!.id as string;
    const tess = await person('tess');

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
    expect((await call(handler, event('GET', `/reviews/${theirs}`, await person('ada')))).statusCode).toBe(200);
  });

  it("limits each person by their own token bucket in DynamoDB: one person's 429s leave another's requests alone", async () => {
    let t = 1_900_000_000_000;
    const limiter = createDynamoRateLimiter({ client: table.client, tableName: table.tableName, config: { capacity: 3, refillPerSecond: 0.5 }, clock: () => t });
    const { handler, captured } = setup({ limiter });
    const walt = await person('walt');
    const rita = await person('rita');
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
