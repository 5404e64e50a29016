/**
 * Walks the OpenAPI document against the running local stack: every documented operation must be
 * served and answer with a documented status and a body valid against the documented schema; every
 * operation the API function implements must be documented.
 */
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { spawnSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { openApiDocument } from '@iac-review/core';
import { join } from 'node:path';
import { createOperations } from '../../functions/api-handler/src/handler';
import { repoRoot } from '../src/lib/repo';
import { startLocalStack, type LocalStack } from '../src/local/stack';

process.env.LOG_LEVEL = 'silent';
// The Spacelift webhook's secret (the stack passes it to the function).
const SPACELIFT_SECRET = 'contract-spacelift-secret';
const GITHUB_SECRET = 'contract-github-secret';

type Op = { operationId: string; responses: Record<string, { content?: Record<string, { schema: unknown }> }> };
interface Example {
  path: string;
  body?: unknown;
  key?: 'admin' | 'readonly' | 'none';
  headers?: Record<string, string>;
}

const plan = { format_version: '1.2', terraform_version: '1.11.4', resource_changes: [] };

describe('API contract (local stack)', () => {
  let stack: LocalStack;
  let reviewId = '';
  const ajv = addFormats(new Ajv({ strict: false, allErrors: true }));
  ajv.addSchema({ $id: 'https://iac-review.dev/openapi.json', components: openApiDocument.components });

  beforeAll(async () => {
    stack = await startLocalStack({ port: 0, env: { GITHUB_WEBHOOK_SECRET: GITHUB_SECRET, SPACELIFT_WEBHOOK_SECRET: SPACELIFT_SECRET }, onError: () => undefined });
    const res = await fetch(`${stack.url}/reviews`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': stack.apiKeys.admin },
      body: JSON.stringify({ title: 'fixture', repository: 'acme/infra', plan }),
    });
    reviewId = ((await res.json()) as { id: string }).id;
  });
  afterAll(async () => {
    await stack.stop();
  });

  /** One valid request per documented operation; a new operation without one fails the build. */
  const examples: Record<string, () => Example> = {
    getHealth: () => ({ path: '/health', key: 'none' }),
    createReview: () => ({ path: '/reviews', body: { title: 'walk', stack: 'prod-network', files: [{ path: 'main.tf', content: 'resource "aws_s3_bucket" "b" {}\n' }] } }),
    listReviews: () => ({ path: '/reviews?limit=5&repository=acme%2Finfra' }),
    getReview: () => ({ path: `/reviews/${reviewId}` }),
    listReviewVersions: () => ({ path: `/reviews/${reviewId}/versions?limit=10` }),
    getReviewVersion: () => ({ path: `/reviews/${reviewId}/versions/1` }),
    verifyReview: () => ({ path: `/reviews/${reviewId}/verify`, key: 'readonly' }),
    postReviewFeedback: () => ({ path: `/reviews/${reviewId}/feedback`, body: { action: 'acknowledge', comment: 'contract walk' } }),
    getAnalyticsTrends: () => ({ path: '/analytics/trends?from=2026-11-01&to=2026-11-14&granularity=week', key: 'readonly' }),
    getAnalyticsHistory: () => ({ path: '/analytics/history?repository=acme%2Finfra&days=7&limit=5', key: 'readonly' }),
    receiveSpaceliftWebhook: () => {
      const body = {
        account: 'acme',
        state: 'UNCONFIRMED',
        stateVersion: 5,
        timestamp: 1764413400,
        run: { id: '01JDQCONTRACTRUN0000000001', type: 'TRACKED', branch: 'main', commit: { hash: 'abc123', url: 'https://github.com/acme/infra/commit/abc123' } },
        stack: { id: 'prod-network', name: 'Production network', labels: [] },
      };
      const signature = `sha256=${createHmac('sha256', SPACELIFT_SECRET).update(JSON.stringify(body)).digest('hex')}`;
      return { path: '/webhook/spacelift', body, key: 'none', headers: { 'X-Signature-256': signature } };
    },
    receiveGithubWebhook: () => {
      const body = { zen: 'Keep it logically awesome.', hook_id: 292430182 };
      const signature = `sha256=${createHmac('sha256', GITHUB_SECRET).update(JSON.stringify(body)).digest('hex')}`;
      return { path: '/webhook/github', body, key: 'none', headers: { 'X-GitHub-Event': 'ping', 'X-GitHub-Delivery': 'contract-ping-1', 'X-Hub-Signature-256': signature } };
    },
  };

  const operations = Object.entries(openApiDocument.paths).flatMap(([path, item]) =>
    Object.entries(item).map(([method, op]) => ({ path, method: method.toUpperCase(), op: op as Op })),
  );

  it('should be a valid OpenAPI document with no lint problems', async () => {
    const r = spawnSync(process.execPath, [join(repoRoot, 'scripts', 'src', 'lint-openapi.mjs'), '--json'], { encoding: 'utf8' });
    expect(JSON.parse(r.stdout || '["lint did not run: ' + r.stderr.replace(/"/g, "'") + '"]')).toEqual([]);
    expect(r.status).toBe(0);
  });

  it('should implement exactly the documented operations (no undocumented, no unserved)', () => {
    const implemented = Object.keys(createOperations({} as never)).sort();
    const documented = operations.filter((o) => o.op['x-iac-review-function' as never] === 'api-handler').map((o) => o.op.operationId).sort();
    expect(implemented).toEqual(documented);
    expect(Object.keys(examples).sort()).toEqual(operations.map((o) => o.op.operationId).sort());
  });

  it.each(operations.map((o) => [`${o.method} ${o.path}`, o] as const))('should serve %s as documented', async (_name, { method, op }) => {
    const ex = examples[op.operationId]?.();
    if (!ex) throw new Error(`no example request for ${op.operationId}`);
    const key = ex.key === 'none' ? undefined : ex.key === 'readonly' ? stack.apiKeys.readonly : stack.apiKeys.admin;
    const res = await fetch(`${stack.url}${ex.path}`, {
      method,
      headers: { ...(key ? { 'x-api-key': key } : {}), ...(ex.body ? { 'content-type': 'application/json' } : {}), ...ex.headers },
      ...(ex.body ? { body: JSON.stringify(ex.body) } : {}),
    });
    const text = await res.text();
    const documented = op.responses[String(res.status)];
    expect({ status: res.status, documented: Boolean(documented), body: res.status >= 300 ? text : '' }).toEqual({ status: res.status, documented: true, body: '' });
    expect(res.status).toBeLessThan(300);
    const contentType = (res.headers.get('content-type') ?? '').split(';')[0] ?? '';
    const schema = documented?.content?.[contentType]?.schema;
    expect(schema).toBeDefined();
    const validate = ajv.compile(JSON.parse(JSON.stringify(schema).replace(/"#\/components\//g, '"https://iac-review.dev/openapi.json#/components/')));
    const valid = validate(JSON.parse(text));
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  it('should answer every documented error as problem+json with a documented status', async () => {
    const bad = await fetch(`${stack.url}/reviews`, { method: 'POST', headers: { 'x-api-key': stack.apiKeys.admin, 'content-type': 'application/json' }, body: '{"title":' });
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toBe('application/problem+json');
    const notFound = await fetch(`${stack.url}/reviews/doesnotexist1`, { headers: { 'x-api-key': stack.apiKeys.readonly } });
    expect(notFound.status).toBe(404);
    expect(((await notFound.json()) as { detail: string }).detail).toContain('doesnotexist1');
  });
});
