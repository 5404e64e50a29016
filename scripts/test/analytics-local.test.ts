/**
 * Analytics through the local stack: reviews submitted over HTTP and reviewed by the ai-reviewer are
 * rolled up by `npm run invoke -- trend-aggregation-handler` (a separate process reaching the
 * running stack through its state file) and served by GET /analytics/trends and /analytics/history.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../src/lib/repo';
import { startLocalStack, type LocalStack } from '../src/local/stack';
import { functionEnvironment, writeStateFile } from '../src/local/state-file';

process.env.LOG_LEVEL = 'silent';

const openSsh = 'resource "aws_security_group" "ssh" {\n  ingress {\n    from_port   = 22\n    to_port     = 22\n    protocol    = "tcp"\n    cidr_blocks = ["0.0.0.0/0"]\n  }\n}\n';
const quiet = 'resource "aws_s3_bucket" "b" {\n  bucket = "x"\n}\n';

describe('analytics on the local stack', () => {
  let stack: LocalStack;
  let dir: string;
  let stateFile: string;
  /** The UTC day the reviews were created on (read back, so a run across midnight stays right). */
  let today = '';

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'iac-review-analytics-'));
    stateFile = join(dir, 'local-stack.json');
    const before = { ...process.env };
    stack = await startLocalStack({ port: 0, env: {}, onError: () => undefined });
    writeStateFile({ pid: process.pid, url: stack.url, startedAt: new Date().toISOString(), env: functionEnvironment(before, process.env) }, stateFile);
    for (const [repository, content] of [['acme/infra', openSsh], ['acme/infra', quiet], ['acme/network', openSsh]] as const) {
      const res = await fetch(`${stack.url}/reviews`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': stack.apiKeys.admin }, body: JSON.stringify({ title: 't', repository, files: [{ path: 'main.tf', content }] }) });
      expect(res.status).toBe(202);
    }
    await stack.bus.idle();
    const list = (await (await fetch(`${stack.url}/reviews?limit=1`, { headers: { 'x-api-key': stack.apiKeys.readonly } })).json()) as { items: Array<{ createdAt: string }> };
    today = list.items[0]!.createdAt.slice(0, 10);
  }, 60_000);
  afterAll(async () => {
    await stack?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Runs the invoke command as a separate process (asynchronously: the stack it talks to lives in this one). */
  const invoke = (fn: string, event: unknown, state = stateFile) => {
    const file = join(dir, `event-${Math.random().toString(36).slice(2)}.json`);
    writeFileSync(file, JSON.stringify(event));
    const child = spawn(process.execPath, ['--import', 'tsx', join(repoRoot, 'scripts', 'src', 'invoke.ts'), fn, '--event', file, '--state', state], { cwd: repoRoot, env: { ...process.env, LOG_LEVEL: 'info' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    return new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => child.on('close', (status) => resolve({ status, stdout, stderr })));
  };
  const get = async (path: string, key = stack.apiKeys.readonly) => fetch(`${stack.url}${path}`, { headers: { 'x-api-key': key } });

  it('should list the nightly schedule from the manifest', () => {
    expect(stack.schedules()).toEqual(expect.arrayContaining([expect.objectContaining({ rule: 'trend-aggregation-handler-0', expression: 'cron(15 0 * * ? *)', next: expect.stringMatching(/T00:15:00.000Z$/) })]));
  });

  it('should roll up today with npm run invoke and serve the rollups through GET /analytics/trends', async () => {
    const r = await invoke('trend-aggregation-handler', { day: today });
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout) as { outcome: string; reviews: number; written: number };
    expect(out).toMatchObject({ outcome: 'aggregated', reviews: 3, written: 3 });
    // The function's log lines went to stderr, with the metric line.
    expect(r.stderr).toContain('"TrendRollupsWritten":3');

    const repo = (await (await get(`/analytics/trends?repository=acme%2Finfra&from=${today}&to=${today}`)).json()) as { items: Array<{ reviews: number; byStatus: Record<string, number>; topRules: Array<{ ruleId: string; count: number }>; topCategories: Array<{ category: string }> }> };
    expect(repo.items).toHaveLength(1);
    expect(repo.items[0]).toMatchObject({ reviews: 2, byStatus: { completed: 2 } });
    expect(repo.items[0]!.topCategories).toEqual(expect.arrayContaining([expect.objectContaining({ category: 'network-exposure' })]));
    const overall = (await (await get(`/analytics/trends?from=${today}&to=${today}`)).json()) as { items: Array<{ reviews: number }> };
    expect(overall.items[0]!.reviews).toBe(3);

    // Re-running the day is idempotent: nothing new written.
    const again = JSON.parse((await invoke('trend-aggregation-handler', { day: today })).stdout) as { written: number; unchanged: number };
    expect(again).toMatchObject({ written: 0, unchanged: 3 });
  });

  it('should serve the history of a repository through GET /analytics/history', async () => {
    const res = await get('/analytics/history?repository=acme%2Finfra&days=2');
    expect(res.status).toBe(200);
    const h = (await res.json()) as { reviews: number; rulePrecision: { total: number }; hotspots: { items: Array<{ resourceAddress: string }> } };
    expect(h.reviews).toBe(2);
    expect(h.rulePrecision.total).toBeGreaterThan(0);
  });

  it('should explain what is wrong when the event is bad or no stack is running', async () => {
    const bad = await invoke('trend-aggregation-handler', { day: 'someday' });
    expect(bad.status).toBe(0);
    expect(JSON.parse(bad.stdout)).toMatchObject({ outcome: 'rejected' });
    const unknown = await invoke('no-such-function', {});
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain('unknown function');
    const none = await invoke('trend-aggregation-handler', {}, join(dir, 'missing.json'));
    expect(none.status).toBe(1);
    expect(none.stderr).toContain('npm start');
  });
});
