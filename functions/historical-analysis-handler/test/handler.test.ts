import { computeRollups, createHistoryService, createTrendStore } from '@iac-review/analytics';
import type { HttpEvent } from '@iac-review/core';
import { createInMemoryTablePort, createVersionedStore } from '@iac-review/dynamo-versioning';
import { captureLogger } from '@iac-review/logger/testing';
import { reviewHead, type ReviewContent } from '@iac-review/reviews';
import { createHandler } from '../src/handler';

const NOW = new Date('2026-11-25T10:00:00.000Z');

const content = (over: Partial<ReviewContent> = {}): ReviewContent => ({
  status: 'completed',
  source: 'github',
  repository: 'acme/infra',
  submittedBy: 'x',
  input: { kind: 'plan', key: 'k', sha256: 's', size: 1 },
  acknowledged: false,
  dismissedFindings: [],
  feedback: [],
  result: { riskScore: 70, riskLevel: 'high', confidence: 0.9, summary: '', findings: [{ ruleId: 'NET-001', severity: 'high', category: 'network-exposure', resourceAddress: 'aws_security_group.web', message: 'm', remediation: 'r' }], contributions: [], stats: {}, reviewer: { mode: 'rules-only' }, reviewedVersion: 1, reviewedAt: '2026-11-24T09:00:00Z' },
  ...over,
});

const setup = async () => {
  const table = createInMemoryTablePort();
  const clock = { now: new Date('2026-11-24T09:00:00Z') };
  const reviews = createVersionedStore<ReviewContent>({ table, tableName: 't', entity: 'REVIEW', head: reviewHead, clock: () => clock.now });
  await reviews.create('review-0001', content(), { actor: 'x', reason: 'seed' });
  clock.now = new Date('2026-11-24T11:00:00Z');
  await reviews.create('review-0002', content({ external: { outcome: 'merged', closedAt: '2026-11-24T12:00:00Z' } }), { actor: 'x', reason: 'seed' });
  const trends = createTrendStore({ table, tableName: 't' });
  for (const day of ['2026-11-23', '2026-11-24']) {
    const snaps = day === '2026-11-24' ? [{ id: 'review-0001', content: content() }, { id: 'review-0002', content: content() }] : [];
    for (const r of computeRollups(day, snaps)) await trends.put(r, { actor: 'test', reason: 'seed' });
  }
  const log = captureLogger();
  const handler = createHandler({
    config: { cors: { allowedOrigins: ['https://dash.example.com'] }, clients: { 'key-ro': { name: 'dashboard', scopes: ['reviews:read', 'analytics:read'] }, 'key-reviews': { name: 'ci', scopes: ['reviews:read'] } } },
    logger: log.logger,
    clock: () => NOW,
    trends,
    history: createHistoryService({ reviews, clock: () => NOW }),
  });
  return { handler, log };
};

const get = (path: string, query: Record<string, string> = {}, key: string | null = 'key-ro', headers: Record<string, string> = {}): HttpEvent =>
  ({
    httpMethod: 'GET',
    path,
    resource: path,
    headers,
    multiValueHeaders: {},
    queryStringParameters: Object.keys(query).length ? query : null,
    multiValueQueryStringParameters: null,
    pathParameters: null,
    stageVariables: null,
    body: null,
    isBase64Encoded: false,
    requestContext: { requestId: 'req-1', identity: { sourceIp: '127.0.0.1', ...(key ? { apiKeyId: key } : {}) } },
  }) as unknown as HttpEvent;

const ctx = { awsRequestId: 'aws-1' };
const body = (r: { body: string }) => JSON.parse(r.body) as Record<string, unknown>;

describe('historical-analysis-handler', () => {
  it('should serve the trends of a repository by day, defaulting to the 30 days up to yesterday', async () => {
    const { handler } = await setup();
    const res = await handler(get('/analytics/trends', { repository: 'acme/infra' }), ctx);
    expect(res.statusCode).toBe(200);
    const page = body(res) as { from: string; to: string; scope: string; items: Array<{ start: string; reviews: number; daysWithData: number; outcomes: { merged: number } }> };
    expect([page.scope, page.from, page.to, page.items.length]).toEqual(['repo:acme/infra', '2026-10-26', '2026-11-24', 30]);
    expect(page.items.at(-1)).toMatchObject({ start: '2026-11-24', reviews: 2, daysWithData: 1 });
    expect(page.items.at(-2)).toMatchObject({ start: '2026-11-23', reviews: 0, daysWithData: 0 });
  });

  it('should serve the overall trends by week when neither repository nor stack is given', async () => {
    const { handler } = await setup();
    const res = await handler(get('/analytics/trends', { from: '2026-11-17', to: '2026-11-24', granularity: 'week' }), ctx);
    const page = body(res) as { scope: string; items: Array<{ start: string; end: string; reviews: number; daysWithData: number }> };
    expect(page.scope).toBe('overall');
    // 2026-11-23 is a Monday: the first bucket is clipped to Tue 17th–Sun 22nd.
    expect(page.items).toEqual([expect.objectContaining({ start: '2026-11-17', end: '2026-11-22', reviews: 0, daysWithData: 0 }), expect.objectContaining({ start: '2026-11-23', end: '2026-11-24', reviews: 2, daysWithData: 2 })]);
  });

  it('should serve the history of a repository', async () => {
    const { handler } = await setup();
    const res = await handler(get('/analytics/history', { repository: 'acme/infra', days: '7' }), ctx);
    expect(res.statusCode).toBe(200);
    expect(body(res)).toMatchObject({ scope: 'repo:acme/infra', days: 7, reviews: 2, recurringFindings: { total: 1, items: [expect.objectContaining({ ruleId: 'NET-001', reviews: 2 })] }, outcomes: { total: 1, items: [expect.objectContaining({ kind: 'merged', reviewId: 'review-0002' })] } });
  });

  it('should page the history lists with nextCursor', async () => {
    const { handler } = await setup();
    const first = body(await handler(get('/analytics/history', { repository: 'acme/infra', days: '7', limit: '1' }), ctx)) as { offset: number; nextCursor?: string; outcomes: { total: number } };
    expect(first.offset).toBe(0);
    expect(first.nextCursor).toBeUndefined();
    const res = await handler(get('/analytics/history', { repository: 'acme/infra', days: '7', limit: '1', cursor: 'eyJzIjoicmVwbzphY21lL2luZnJhIiwiZCI6NywibCI6MSwidCI6IjIwMjYtMTEtMjUiLCJvIjoxfQ' }), ctx);
    expect(res.statusCode).toBe(200);
    expect(body(res)).toMatchObject({ offset: 1, recurringFindings: { total: 1, items: [] } });
  });

  it.each([
    ['both repository and stack', '/analytics/trends', { repository: 'a/b', stack: 's' }, /not both/],
    ['no scope for history', '/analytics/history', {}, /repository .* or the stack/],
    ['days out of range', '/analytics/history', { stack: 's', days: '91' }, /days/],
    ['a bad day', '/analytics/trends', { from: '2026-02-30' }, /from/],
    ['from after to', '/analytics/trends', { from: '2026-11-20', to: '2026-11-10' }, /must not be after/],
    ['a year and more', '/analytics/trends', { from: '2025-01-01', to: '2026-11-10' }, /at most 366 days/],
    ['a foreign cursor', '/analytics/trends', { cursor: 'eyJzIjoib3ZlcmFsbCJ9' }, /cursor/],
    ['an unknown parameter', '/analytics/history', { stack: 's', __proto__x: '1' }, /not a known field/],
  ])('should answer %s with a 400 problem naming the field', async (_name, path, query, detail) => {
    const { handler } = await setup();
    const res = await handler(get(path, query as Record<string, string>), ctx);
    expect(res.statusCode).toBe(400);
    expect(res.headers?.['content-type']).toBe('application/problem+json');
    expect(String(body(res).detail)).toMatch(detail);
  });

  it('should require an API key with analytics:read (401 / 403) and log a security event', async () => {
    const { handler, log } = await setup();
    expect((await handler(get('/analytics/trends', {}, null), ctx)).statusCode).toBe(401);
    const forbidden = await handler(get('/analytics/history', { stack: 's' }, 'key-reviews'), ctx);
    expect(forbidden.statusCode).toBe(403);
    expect(String(body(forbidden).detail)).toContain('analytics:read');
    expect(log.lines().filter((l) => l.type === 'security' && l.event === 'auth.denied')).toHaveLength(2);
  });

  it('should apply the same input checks as every HTTP function: plain decimal integers, prototype-named parameters, control characters', async () => {
    const { handler } = await setup();
    for (const days of ['0x1e', '1e1', ' 7']) {
      const res = await handler(get('/analytics/history', { repository: 'acme/infra', days }), ctx);
      expect({ days, status: res.statusCode }).toEqual({ days, status: 400 });
      expect(res.headers?.['content-type']).toMatch(/problem\+json/);
    }
    // JSON.parse makes __proto__ an own key, as a query string parser does.
    const query = JSON.parse('{"repository":"acme/infra","__proto__":"x","constructor":"y","toString":"z"}') as Record<string, string>;
    const proto = await handler(get('/analytics/trends', query), ctx);
    expect([proto.statusCode, proto.headers?.['content-type']]).toEqual([400, expect.stringMatching(/problem\+json/)]);
    const bidi = await handler(get('/analytics/trends', { repository: 'acme/\u202einfra' }), ctx);
    expect(bidi.statusCode).toBe(400);
  });

  it('should add CORS headers for an allowed origin and answer a preflight', async () => {
    const { handler } = await setup();
    const res = await handler(get('/analytics/trends', {}, 'key-ro', { origin: 'https://dash.example.com' }), ctx);
    expect(res.headers?.['access-control-allow-origin']).toBe('https://dash.example.com');
    const pre = await handler({ ...get('/analytics/history', {}, null, { origin: 'https://dash.example.com' }), httpMethod: 'OPTIONS' } as HttpEvent, ctx);
    expect(pre.statusCode).toBe(204);
    expect(pre.headers?.['access-control-allow-methods']).toContain('GET');
  });
});
