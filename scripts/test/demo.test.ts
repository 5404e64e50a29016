/**
 * npm run demo's seeding against the local stack: the offline plans become reviews, decisions
 * become versions, signed Spacelift runs become reviews with their outcomes.
 */
import { seedReviews, seededDays, SAMPLE_SUBMISSIONS } from '../src/demo/seed';
import { SPACELIFT_SAMPLES, spaceliftChanges } from '../src/demo/spacelift';
import { demoGithubPort, ephemeralPortRange, GITHUB_SAMPLES, loopbackPort } from '../src/demo/github';
import { loadPlan } from '../src/demo/seed';
import { startLocalStack, type LocalStack } from '../src/local/stack';

process.env.LOG_LEVEL = 'silent';
const SECRET = 'demo-test-spacelift-secret';
const GITHUB_SECRET = 'demo-test-github-secret';

process.env.SPACELIFT_WEBHOOK_SECRET = SECRET;

interface Version {
  version: number;
  reason: string;
  actor: string;
  review: { source: string; stack?: string; status: string; feedback: Array<{ action: string }>; result?: { findings: unknown[] } } & Record<string, unknown>;
}

describe('demo seeding (local stack)', () => {
  let stack: LocalStack;
  let githubApiUrl: string;
  beforeAll(async () => {
    githubApiUrl = `http://127.0.0.1:${await demoGithubPort()}`;
    stack = await startLocalStack({
      port: 0,
      env: { SPACELIFT_WEBHOOK_SECRET: SECRET, GITHUB_WEBHOOK_SECRET: GITHUB_SECRET, GITHUB_TOKEN: 'demo-token', GITHUB_API_URL: githubApiUrl, GITHUB_MIN_WRITE_INTERVAL_MS: '0' },
      onError: () => undefined,
    });
  });
  afterAll(async () => {
    await stack.stop();
  });
  const get = async <T>(path: string): Promise<T> => (await (await fetch(`${stack.url}${path}`, { headers: { 'x-api-key': stack.apiKeys.readonly } })).json()) as T;

  it('turns plans into reviews, records decisions, and sends signed Spacelift runs and GitHub pull requests with their outcomes', async () => {
    const lines: string[] = [];
    const result = await seedReviews({ baseUrl: stack.url, apiKey: stack.apiKeys.admin, spaceliftSecret: SECRET, githubSecret: GITHUB_SECRET, githubApiUrl, timeoutMs: 30_000, log: (l) => lines.push(l) });
    expect(result.reviews).toHaveLength(SAMPLE_SUBMISSIONS.length + SPACELIFT_SAMPLES.length + GITHUB_SAMPLES.length);
    expect(result.reviews.every((r) => r.status === 'completed')).toBe(true);
    expect(new Set(result.reviews.map((r) => r.riskLevel))).toEqual(new Set(['low', 'high', 'critical']));
    expect(result.decisions).toBe(3);
    expect(result.webhooks).toEqual([
      expect.objectContaining({ source: 'spacelift', sent: 4 }),
      // Reviewed from the files the demo served, and published back to it (the stack has a token).
      expect.objectContaining({ source: 'github', sent: 4, note: expect.stringContaining('2 review comments published') }),
    ]);
    const prs = await get<{ items: Array<{ id: string; repository?: string; riskLevel?: string }> }>('/reviews?source=github');
    expect(prs.items.map((i) => i.repository).sort()).toEqual(GITHUB_SAMPLES.map((s) => s.repository).sort());
    expect(prs.items.every((i) => i.riskLevel === 'critical' || i.riskLevel === 'high')).toBe(true);
    const merged = prs.items.find((i) => i.repository === 'acme/network');
    const mergedVersions = await get<{ items: Version[] }>(`/reviews/${encodeURIComponent(merged?.id ?? '')}/versions`);
    expect(JSON.stringify(mergedVersions.items[0])).toMatch(/merged/);

    const list = await get<{ items: Array<{ id: string; source: string; stack?: string }> }>('/reviews?source=spacelift');
    expect(list.items.map((i) => i.stack).sort()).toEqual(SPACELIFT_SAMPLES.map((s) => s.stackId).sort());
    for (const item of list.items) {
      const versions = await get<{ items: Version[] }>(`/reviews/${item.id}/versions`);
      // Submitted by the webhook, completed by the reviewer, then the run's end recorded on top.
      expect(versions.items.length).toBeGreaterThanOrEqual(3);
      const latest = versions.items[0] as Version;
      expect(JSON.stringify(latest)).toMatch(item.stack === 'legacy-db' ? /FAILED/ : /FINISHED/);
      const reviewed = versions.items.find((v) => v.review.result);
      expect(reviewed?.review.result?.findings.length ?? 0).toBeGreaterThan(item.stack === 'legacy-db' ? 0 : -1);
    }
    const decided = result.reviews.filter((r) => r.version >= 3 && !list.items.some((i) => i.id === r.id) && !prs.items.some((i) => i.id === r.id));
    expect(decided).toHaveLength(3);
  }, 60_000); // a fixed set of plans, runs and deliveries (bounded work); 11 s on a loaded 2-core machine

  it('says why it sends no Spacelift runs without the secret', async () => {
    const result = await seedReviews({ baseUrl: stack.url, apiKey: stack.apiKeys.admin, samples: SAMPLE_SUBMISSIONS.slice(0, 1), feedback: false, timeoutMs: 30_000 });
    expect(result.reviews).toHaveLength(1);
    expect(result.webhooks).toEqual([
      { source: 'spacelift', sent: 0, note: expect.stringContaining('SPACELIFT_WEBHOOK_SECRET') },
      { source: 'github', sent: 0, note: expect.stringContaining('GITHUB_WEBHOOK_SECRET') },
    ]);
    const notLoopback = await seedReviews({ baseUrl: stack.url, apiKey: stack.apiKeys.admin, samples: [], githubSecret: GITHUB_SECRET, githubApiUrl: 'https://api.github.com', timeoutMs: 30_000 });
    expect(notLoopback.webhooks[1]?.note).toMatch(/http:\/\/127\.0\.0\.1:<free port>/);
  });

  it('fails with the reason when the stack is not there', async () => {
    await expect(seedReviews({ baseUrl: 'http://127.0.0.1:9', apiKey: 'k' })).rejects.toThrow(/npm start/);
  });

  it('serves GitHub only on a loopback http URL with a port', () => {
    expect(loopbackPort('http://127.0.0.1:3001')).toBe(3001);
    expect(loopbackPort('http://localhost:3001/')).toBe(3001);
    expect(loopbackPort('https://api.github.com')).toBeUndefined();
    expect(loopbackPort('http://10.0.0.1:3001')).toBeUndefined();
    expect(loopbackPort('http://127.0.0.1:3001/api/v3')).toBeUndefined();
    expect(loopbackPort(undefined)).toBeUndefined();
  });

  it('names a GitHub port below the kernel\'s ephemeral range, so no outgoing connection takes it before the demo serves there', async () => {
    expect(ephemeralPortRange(() => '32768\t60999\n')).toEqual([32768, 60999]);
    expect(ephemeralPortRange(() => 'garbage')).toEqual([49152, 65535]);
    expect(ephemeralPortRange(() => {
      throw new Error('ENOENT');
    })).toEqual([49152, 65535]);
    const [low] = ephemeralPortRange();
    for (const r of [0, 0.5, 0.999]) {
      const port = await demoGithubPort(() => r);
      expect(port).toBeGreaterThanOrEqual(10_000);
      expect(port).toBeLessThan(low);
    }
  });

  it('rolls up yesterday too when the demo ran across midnight UTC (its Spacelift runs are backdated)', () => {
    const at = (iso: string) => Date.parse(iso);
    expect(seededDays(at('2026-11-29T12:00:00Z'), at('2026-11-29T12:01:00Z'))).toEqual(['2026-11-29']);
    expect(seededDays(at('2026-11-30T00:01:00Z'), at('2026-11-30T00:02:00Z'))).toEqual(['2026-11-29', '2026-11-30']);
    expect(seededDays(at('2026-11-29T23:59:00Z'), at('2026-11-30T00:00:30Z'))).toEqual(['2026-11-29', '2026-11-30']);
    expect(seededDays(at('2026-12-31T23:59:30Z'), at('2027-01-01T00:00:00Z'))).toEqual(['2026-12-31', '2027-01-01']);
  });

  it('maps plan actions to Spacelift change actions', () => {
    const changes = spaceliftChanges(loadPlan('deletes'));
    expect(changes.length).toBeGreaterThan(0);
    expect(new Set(changes.map((c) => c.action))).toContain('deleted');
    expect(changes.every((c) => c.phase === 'plan' && c.entity.entity_type === 'resource')).toBe(true);
  });
});
