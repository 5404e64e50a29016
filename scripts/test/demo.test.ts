/**
 * npm run demo's seeding against the local stack: the offline plans become reviews, decisions
 * become versions, signed Spacelift runs become reviews with their outcomes.
 */
import { seedReviews, SAMPLE_SUBMISSIONS } from '../src/demo/seed';
import { SPACELIFT_SAMPLES, spaceliftChanges } from '../src/demo/spacelift';
import { loadPlan } from '../src/demo/seed';
import { startLocalStack, type LocalStack } from '../src/local/stack';

process.env.LOG_LEVEL = 'silent';
const SECRET = 'demo-test-spacelift-secret';
process.env.SPACELIFT_WEBHOOK_SECRET = SECRET;

interface Version {
  version: number;
  reason: string;
  actor: string;
  review: { source: string; stack?: string; status: string; feedback: Array<{ action: string }>; result?: { findings: unknown[] } } & Record<string, unknown>;
}

describe('demo seeding (local stack)', () => {
  let stack: LocalStack;
  beforeAll(async () => {
    stack = await startLocalStack({ port: 0, env: { SPACELIFT_WEBHOOK_SECRET: SECRET }, onError: () => undefined });
  });
  afterAll(async () => {
    await stack.stop();
  });
  const get = async <T>(path: string): Promise<T> => (await (await fetch(`${stack.url}${path}`, { headers: { 'x-api-key': stack.apiKeys.readonly } })).json()) as T;

  it('turns plans into reviews, records decisions, and sends signed Spacelift runs with their outcomes', async () => {
    const lines: string[] = [];
    const result = await seedReviews({ baseUrl: stack.url, apiKey: stack.apiKeys.admin, spaceliftSecret: SECRET, timeoutMs: 30_000, log: (l) => lines.push(l) });
    expect(result.reviews).toHaveLength(SAMPLE_SUBMISSIONS.length + SPACELIFT_SAMPLES.length);
    expect(result.reviews.every((r) => r.status === 'completed')).toBe(true);
    expect(new Set(result.reviews.map((r) => r.riskLevel))).toEqual(new Set(['low', 'high', 'critical']));
    expect(result.decisions).toBe(3);
    expect(result.webhooks).toEqual([expect.objectContaining({ source: 'spacelift', sent: 4 })]);

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
    const decided = result.reviews.filter((r) => r.version >= 3 && !list.items.some((i) => i.id === r.id));
    expect(decided).toHaveLength(3);
  });

  it('says why it sends no Spacelift runs without the secret', async () => {
    const result = await seedReviews({ baseUrl: stack.url, apiKey: stack.apiKeys.admin, samples: SAMPLE_SUBMISSIONS.slice(0, 1), feedback: false, timeoutMs: 30_000 });
    expect(result.reviews).toHaveLength(1);
    expect(result.webhooks).toEqual([{ source: 'spacelift', sent: 0, note: expect.stringContaining('SPACELIFT_WEBHOOK_SECRET') }]);
  });

  it('fails with the reason when the stack is not there', async () => {
    await expect(seedReviews({ baseUrl: 'http://127.0.0.1:9', apiKey: 'k' })).rejects.toThrow(/npm start/);
  });

  it('maps plan actions to Spacelift change actions', () => {
    const changes = spaceliftChanges(loadPlan('deletes'));
    expect(changes.length).toBeGreaterThan(0);
    expect(new Set(changes.map((c) => c.action))).toContain('deleted');
    expect(changes.every((c) => c.phase === 'plan' && c.entity.entity_type === 'resource')).toBe(true);
  });
});
