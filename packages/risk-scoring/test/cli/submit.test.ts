import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { runSubmit } from '../../src/cli/submit';

const SHA = 'ec26c3e57ca3a959ca5aad62de7213c562f8c821';
const plan = { format_version: '1.2', resource_changes: [] };

const io = (stdin = '') => {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { stdout: (s: string) => void out.push(s), stderr: (s: string) => void err.push(s), readStdin: async () => stdin } };
};

/** A loopback API that records requests and answers with `status`. */
const api = async (status = 202, answer: Record<string, unknown> = { id: 'github:acme:infra:7', status: 'pending', version: 3 }) => {
  const seen: Array<{ headers: IncomingMessage['headers']; body: Record<string, unknown>; path: string }> = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const text = req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw).toString('utf8') : raw.toString('utf8');
      seen.push({ headers: req.headers, body: JSON.parse(text) as Record<string, unknown>, path: req.url ?? '' });
      res.writeHead(status, { 'content-type': status === 202 ? 'application/json' : 'application/problem+json', ...(status === 503 ? { 'retry-after': '7' } : {}) });
      res.end(JSON.stringify(status === 202 ? answer : { title: 'Bad', detail: 'headSha does not match' }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, seen, close: () => new Promise<void>((r) => server.close(() => r())) };
};

describe('review submit', () => {
  const dir = mkdtempSync(join(tmpdir(), 'submit-'));
  const planFile = join(dir, 'plan.json');
  writeFileSync(planFile, JSON.stringify(plan));

  it('should post the plan with repository, PR number and head SHA (from the Actions event file) and print the review', async () => {
    const server = await api();
    const event = join(dir, 'event.json');
    writeFileSync(event, JSON.stringify({ pull_request: { number: 7, head: { sha: SHA } } }));
    const t = io();
    const code = await runSubmit([planFile, '--title', 'infra plan'], t.io, { IAC_REVIEW_API_URL: `${server.url}/`, IAC_REVIEW_API_KEY: 'k-123', GITHUB_REPOSITORY: 'acme/infra', GITHUB_EVENT_PATH: event });
    await server.close();
    expect(code).toBe(0);
    expect(server.seen).toHaveLength(1);
    expect(server.seen[0]?.path).toBe('/reviews');
    expect(server.seen[0]?.headers['x-api-key']).toBe('k-123');
    expect(server.seen[0]?.body).toEqual({ repository: 'acme/infra', pullRequest: 7, headSha: SHA, plan, title: 'infra plan' });
    expect(t.out.join('')).toContain(`submitted: review github:acme:infra:7 version 3 for acme/infra#7 at ${SHA.slice(0, 12)}`);
  });

  it('should gzip a large plan and read it from stdin', async () => {
    const server = await api();
    const big = { format_version: '1.2', resource_changes: Array.from({ length: 3000 }, (_, i) => ({ address: `aws_s3_bucket.b${i}`, change: { actions: ['create'], after: { bucket: `bucket-${i}` } } })) };
    const t = io(JSON.stringify(big));
    const code = await runSubmit(['-', '--api-url', server.url, '--repository', 'acme/infra', '--pull-request', '7', '--head-sha', SHA, '--format', 'json'], t.io, { IAC_REVIEW_API_KEY: 'k' });
    await server.close();
    expect(code).toBe(0);
    expect(server.seen[0]?.headers['content-encoding']).toBe('gzip');
    expect((server.seen[0]?.body.plan as { resource_changes: unknown[] }).resource_changes).toHaveLength(3000);
    expect(JSON.parse(t.out.join(''))).toMatchObject({ id: 'github:acme:infra:7', url: `${server.url}/reviews/github%3Aacme%3Ainfra%3A7` });
  });

  it('should exit 1 with the API\'s reason when it refuses, and 2 on usage errors or a non-plan, without calling the API', async () => {
    const refusing = await api(503);
    const t = io();
    expect(await runSubmit([planFile, '--api-url', refusing.url, '--repository', 'acme/infra', '--pull-request', '7', '--head-sha', SHA], t.io, { IAC_REVIEW_API_KEY: 'k' })).toBe(1);
    await refusing.close();
    expect(t.err.join('')).toContain('the API refused the plan (503): headSha does not match (retry after 7 s)');

    const none = await api();
    const env = { IAC_REVIEW_API_KEY: 'k', IAC_REVIEW_API_URL: none.url };
    const u1 = io();
    expect(await runSubmit([planFile, '--repository', 'acme/infra', '--pull-request', '7'], u1.io, env)).toBe(2);
    expect(u1.err.join('')).toContain('--head-sha must be the 40-character head commit SHA');
    const u2 = io();
    expect(await runSubmit([planFile, '--api-key', 'x'], u2.io, env)).toBe(2);
    expect(u2.err.join('')).toContain('read from $IAC_REVIEW_API_KEY');
    const notPlan = join(dir, 'main.tf.json');
    writeFileSync(notPlan, '{"resource":{}}');
    const u3 = io();
    expect(await runSubmit([notPlan, '--repository', 'acme/infra', '--pull-request', '7', '--head-sha', SHA], u3.io, env)).toBe(2);
    expect(u3.err.join('')).toContain('is not terraform show -json output');
    const u4 = io();
    expect(await runSubmit([planFile, '--repository', 'acme/infra', '--pull-request', '7', '--head-sha', SHA], u4.io, { IAC_REVIEW_API_URL: none.url })).toBe(2);
    expect(u4.err.join('')).toContain('$IAC_REVIEW_API_KEY is not set');
    await none.close();
    expect(none.seen).toEqual([]);
  });
});
