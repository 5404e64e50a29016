import { computeRollups, createHistoryService, createTrendStore } from '@iac-review/analytics';
import { openApiDocument, type ClientRegistry, type HttpEvent } from '@iac-review/core';
import { createInMemoryTablePort, createVersionedStore } from '@iac-review/dynamo-versioning';
import { createAuthenticator, readOidcConfig } from '@iac-review/identity';
import { createTokenVerifier } from '@iac-review/identity/oidc';
import { startLocalIssuer, type LocalIssuer } from '@iac-review/identity/testing';
import { captureLogger } from '@iac-review/logger/testing';
import { reviewHead, type ReviewContent } from '@iac-review/reviews';
import { createAuthorizer } from '../../request-authorizer/src/handler';
import { createHandler } from '../src/handler';

const NOW = new Date('2026-11-25T10:00:00.000Z');
const clients: ClientRegistry = { 'key-analytics': { name: 'dashboard', scopes: ['reviews:read', 'analytics:read'] }, 'key-reviews': { name: 'ci', scopes: ['reviews:read'] } };

const content = (repository: string): ReviewContent => ({
  status: 'completed',
  source: 'github',
  repository,
  submittedBy: 'x',
  input: { kind: 'plan', key: 'k', sha256: 's', size: 1 },
  acknowledged: false,
  dismissedFindings: [],
  feedback: [],
  result: { riskScore: 70, riskLevel: 'high', confidence: 0.9, summary: '', findings: [], contributions: [], stats: {}, reviewer: { mode: 'rules-only' }, reviewedVersion: 1, reviewedAt: '2026-11-24T09:00:00Z' },
});

let issuer: LocalIssuer;
beforeAll(async () => {
  issuer = await startLocalIssuer({
    users: [
      { username: 'rita', password: 'r', email: 'rita@example.com', groups: ['iac-readers'], sub: 'sub-rita' },
      { username: 'remy', password: 'x', email: 'remy@example.com', groups: ['reviews-only'], sub: 'sub-remy' },
      { username: 'tess', password: 't', email: 'tess@example.com', groups: ['iac-readers', 'team-a'], sub: 'sub-tess' },
      { username: 'nora', password: 'n', email: 'nora@example.com', groups: [], sub: 'sub-nora' },
    ],
  });
});
afterAll(() => issuer.close());

type Cred = { key?: string; token?: string; authorizer?: Record<string, unknown> };

/** A signed-in person's request as it reaches the function in AWS: the real request authorizer verified the token, the person is in its context. */
let authorize: ReturnType<typeof createAuthorizer> | undefined;
const person = async (username: string): Promise<Cred> => {
  const token = await issuer.tokenFor(username);
  authorize ??= createAuthorizer({
    logger: captureLogger().logger,
    verifier: createTokenVerifier(readOidcConfig({ OIDC_ISSUER: issuer.issuer, OIDC_AUDIENCE: issuer.clientId, OIDC_GROUPS_CLAIM: 'groups' })!),
    peopleApiKey: 'people-plan-key',
  });
  const r = await authorize({ type: 'REQUEST', methodArn: 'arn:aws:execute-api:eu-west-1:123456789012:api/prod/GET/analytics/trends', headers: { authorization: `Bearer ${token}` } });
  return { token, authorizer: { ...r.context, principalId: r.principalId } };
};

const setup = async (repositories?: Record<string, string[]>) => {
  const table = createInMemoryTablePort();
  const reviews = createVersionedStore<ReviewContent>({ table, tableName: 't', entity: 'REVIEW', head: reviewHead, clock: () => new Date('2026-11-24T09:00:00Z') });
  await reviews.create('review-0001', content('acme/infra'), { actor: 'x', reason: 'seed' });
  await reviews.create('review-0002', content('acme/secrets'), { actor: 'x', reason: 'seed' });
  const trends = createTrendStore({ table, tableName: 't' });
  for (const r of computeRollups('2026-11-24', [{ id: 'review-0001', content: content('acme/infra') }, { id: 'review-0002', content: content('acme/secrets') }])) await trends.put(r, { actor: 'test', reason: 'seed' });
  const log = captureLogger();
  const oidc = readOidcConfig({
    OIDC_ISSUER: issuer.issuer,
    OIDC_AUDIENCE: issuer.clientId,
    OIDC_GROUP_SCOPES: JSON.stringify({ 'iac-readers': ['reviews:read', 'analytics:read'], 'reviews-only': ['reviews:read'] }),
    ...(repositories ? { OIDC_GROUP_REPOSITORIES: JSON.stringify(repositories) } : {}),
  })!;
  const handler = createHandler({
    config: { cors: { allowedOrigins: [] }, clients },
    logger: log.logger,
    clock: () => NOW,
    trends,
    history: createHistoryService({ reviews, clock: () => NOW }),
    auth: createAuthenticator({ clients, oidc, logger: log.logger }),
  });
  return { handler, log };
};

const get = (path: string, query: Record<string, string>, cred: Cred): HttpEvent =>
  ({
    httpMethod: 'GET',
    path,
    resource: path,
    headers: cred.token ? { authorization: `Bearer ${cred.token}` } : {},
    multiValueHeaders: {},
    queryStringParameters: query,
    multiValueQueryStringParameters: null,
    pathParameters: null,
    stageVariables: null,
    body: null,
    isBase64Encoded: false,
    requestContext: {
      requestId: 'req-1',
      identity: { sourceIp: '127.0.0.1', ...(cred.key ? { apiKeyId: cred.key } : cred.authorizer ? { apiKeyId: 'people-plan-key-id' } : {}) },
      ...(cred.authorizer ? { authorizer: cred.authorizer } : {}),
    },
  }) as unknown as HttpEvent;
const ctx = { awsRequestId: 'aws-1' };

const operations = Object.entries(openApiDocument.paths).flatMap(([path, ops]) =>
  Object.entries(ops as Record<string, { operationId?: string; 'x-iac-review-function'?: string; 'x-iac-review-scopes'?: string[] }>)
    .filter(([, op]) => op['x-iac-review-function'] === 'historical-analysis-handler')
    .map(([, op]) => ({ path, operationId: op.operationId!, scopes: op['x-iac-review-scopes'] ?? [] })),
);

describe('historical-analysis-handler: people and API keys through one authorization check', () => {
  it('walks every analytics operation with each caller kind: same answer for a key and a person with the same scopes', async () => {
    const { handler } = await setup();
    expect(operations.map((o) => o.operationId).sort()).toEqual(['getAnalyticsHistory', 'getAnalyticsTrends']);
    const callers = [
      { name: 'key with analytics:read', cred: async () => ({ key: 'key-analytics' }), expect: 200 },
      { name: 'person in iac-readers', cred: () => person('rita'), expect: 200 },
      { name: 'key without analytics:read', cred: async () => ({ key: 'key-reviews' }), expect: 403 },
      { name: 'person in reviews-only', cred: () => person('remy'), expect: 403 },
      { name: 'person without groups', cred: () => person('nora'), expect: 403 },
      { name: 'no credentials', cred: async () => ({}), expect: 401 },
    ];
    for (const op of operations) {
      expect(op.scopes).toEqual(['analytics:read']);
      for (const c of callers) {
        const res = await handler(get(op.path, { repository: 'acme/infra' }, await c.cred()), ctx);
        expect({ op: op.operationId, caller: c.name, status: res.statusCode }).toEqual({ op: op.operationId, caller: c.name, status: c.expect });
      }
    }
  });

  it("reads a repository's analytics only when the person's groups allow it; overall and stack figures are refused to them", async () => {
    const { handler, log } = await setup({ 'team-a': ['acme/infra'] });
    const tess = await person('tess');
    for (const path of ['/analytics/trends', '/analytics/history']) {
      expect((await handler(get(path, { repository: 'acme/infra' }, tess), ctx)).statusCode).toBe(200);
      const denied = await handler(get(path, { repository: 'acme/secrets' }, tess), ctx);
      expect(denied.statusCode).toBe(403);
      expect(JSON.parse(denied.body).detail).toMatch(/acme\/secrets/);
      expect((await handler(get(path, { stack: 'prod' }, tess), ctx)).statusCode).toBe(403);
      expect((await handler(get(path, { repository: 'acme/secrets' }, { key: 'key-analytics' }), ctx)).statusCode).toBe(200);
    }
    expect((await handler(get('/analytics/trends', {}, tess), ctx)).statusCode).toBe(403);
    expect((await handler(get('/analytics/trends', {}, { key: 'key-analytics' }), ctx)).statusCode).toBe(200);
    // rita is in no group with repositories: she sees none.
    expect((await handler(get('/analytics/trends', { repository: 'acme/infra' }, await person('rita')), ctx)).statusCode).toBe(403);
    // Each refusal is a security event naming the person and the repository (none for the allowed reads).
    const denied = log.lines().filter((l) => l.type === 'security' && l.event === 'auth.object-denied');
    expect(denied).toHaveLength(6);
    expect(denied[0]).toMatchObject({ status: 403, repository: 'acme/secrets', sub: 'sub-tess', actorKind: 'person', path: '/analytics/trends' });
  });

  it("answers 401 to a bearer token without the authorizer's context (this function verifies no token) and 500 to a malformed context", async () => {
    const { handler, log } = await setup();
    const rita = await person('rita');
    const bare = await handler(get('/analytics/trends', { repository: 'acme/infra' }, { token: rita.token! }), ctx);
    expect([bare.statusCode, bare.headers?.['content-type']]).toEqual([401, 'application/problem+json']);
    expect(JSON.parse(bare.body).detail).toMatch(/verified by the API's request authorizer/);
    expect(log.lines().filter((l) => l.type === 'security' && l.event === 'auth.signin-failed')).toHaveLength(1);
    const forged = await handler(get('/analytics/trends', { repository: 'acme/infra' }, { ...rita, authorizer: { ...rita.authorizer, groups: 'iac-readers' } }), ctx);
    expect([forged.statusCode, forged.headers?.['content-type']]).toEqual([500, 'application/problem+json']);
    expect(log.lines().find((l) => l.message === 'authorizer context rejected')).toMatchObject({ level: 'error', reason: expect.stringMatching(/groups/) });
  });
});
