/**
 * Spacelift runs end to end on the local stack, with a loopback Spacelift GraphQL stub:
 * signed UNCONFIRMED run event → 202 → ai-reviewer fetches the run's changes (apiKeyUser JWT,
 * changesV3) → completed review; a later FAILED appends the outcome; replays change nothing; a bad
 * signature gets 401 and stores nothing; a notification-policy payload with changes is reviewed as sent.
 */
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startSpaceliftStub, type SpaceliftStub } from '../../functions/ai-reviewer/test/support/spacelift-stub';
import { repoRoot } from '../src/lib/repo';
import { startLocalStack, type LocalStack } from '../src/local/stack';

process.env.LOG_LEVEL = 'silent';

const SECRET = 'e2e-spacelift-secret';
const fixture = (name: string) => JSON.parse(readFileSync(join(repoRoot, 'functions', 'spacelift-webhook-handler', 'test', 'fixtures', name), 'utf8')) as Record<string, unknown>;
const UNCONFIRMED = fixture('run-event-tracked-unconfirmed.json');
const RUN = '01JDQ8Z5M3K6V2X9RT4HWN7C1P';
const REVIEW_ID = `spacelift:acme-corp:${RUN}`;

interface ReviewDto {
  version: number;
  review: { status: string; stack?: string; input: { kind: string }; external?: Record<string, string>; result?: { riskLevel: string; confidence: number; summary: string; stats: Record<string, unknown>; findings: Array<{ category: string; resourceAddress: string }> } };
}

describe('Spacelift runs end to end (local stack + Spacelift GraphQL stub)', () => {
  let stack: LocalStack;
  let sl: SpaceliftStub;

  beforeAll(async () => {
    sl = await startSpaceliftStub();
    sl.keys.set('01E2EKEY', 'e2e-key-secret');
    sl.runs.push({
      stackId: 'prod-network',
      runId: RUN,
      resources: [
        { address: 'aws_db_instance.main', metadata: { type: 'DELETE' } },
        { address: 'aws_security_group_rule.web_ingress', metadata: { type: 'ADD' } },
      ],
    });
    stack = await startLocalStack({
      port: 0,
      env: { SPACELIFT_WEBHOOK_SECRET: SECRET, SPACELIFT_API_URL: sl.url, SPACELIFT_API_KEY_ID: '01E2EKEY', SPACELIFT_API_KEY_SECRET: 'e2e-key-secret' },
      onError: () => undefined,
      retryDelaysMs: [50, 100],
    });
  });
  afterAll(async () => {
    await stack.stop();
    await sl.close();
  });

  const deliver = async (payload: unknown, signature?: string) => {
    const body = JSON.stringify(payload);
    const res = await fetch(`${stack.url}/webhook/spacelift`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'Spacelift', 'x-signature-256': signature ?? `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}` },
      body,
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  const review = async (id: string): Promise<{ status: number; dto: ReviewDto }> => {
    await stack.bus.idle();
    const res = await fetch(`${stack.url}/reviews/${encodeURIComponent(id)}`, { headers: { 'x-api-key': stack.apiKeys.readonly } });
    return { status: res.status, dto: (await res.json()) as ReviewDto };
  };

  it('should say in the banner fields that Spacelift deliveries are verified and changes fetched', () => {
    expect(stack.spacelift).toMatchObject({ webhookSecret: true, api: true });
  });

  it('should turn a signed UNCONFIRMED tracked run into a completed review of the changes fetched from Spacelift', async () => {
    const res = await deliver(UNCONFIRMED);
    expect(res).toMatchObject({ status: 202, body: { status: 'accepted', id: REVIEW_ID, version: 1 } });
    const { dto } = await review(REVIEW_ID);
    expect(dto.version).toBe(2);
    expect(dto.review).toMatchObject({ status: 'completed', stack: 'prod-network', input: { kind: 'spacelift-run' } });
    expect(dto.review.result?.stats).toMatchObject({ resourceChanges: 2 });
    expect(dto.review.result?.summary).toMatch(/not their values/);
    expect(sl.requests.map((r) => r.op)).toEqual(['token', 'changes']);
    expect(stack.bus.deadLetters).toEqual([]);
  });

  it('should append a later FAILED as the outcome, and change nothing on replays', async () => {
    const failed = { ...UNCONFIRMED, state: 'FAILED', stateVersion: 8, timestamp: 1764413700 };
    expect(await deliver(failed)).toMatchObject({ status: 202, body: { status: 'recorded', id: REVIEW_ID, version: 3 } });
    const after = await review(REVIEW_ID);
    expect(after.dto.version).toBe(3);
    expect(after.dto.review.external).toMatchObject({ outcome: 'failed', runState: 'FAILED', stateVersion: '8', outcomeBy: 'jdoe' });
    expect(after.dto.review.result?.stats).toMatchObject({ resourceChanges: 2 });

    expect(await deliver(failed)).toMatchObject({ status: 202, body: { status: 'duplicate' } });
    expect(await deliver(UNCONFIRMED)).toMatchObject({ status: 202, body: { status: 'duplicate' } });
    expect(await deliver({ ...UNCONFIRMED, state: 'STOPPED', stateVersion: 7 })).toMatchObject({ status: 202, body: { status: 'stale' } });
    expect((await review(REVIEW_ID)).dto.version).toBe(3);
    expect(sl.requests.filter((r) => r.op === 'changes')).toHaveLength(1);
  });

  it('should answer a bad signature with 401 and store nothing', async () => {
    const other = { ...UNCONFIRMED, run: { ...(UNCONFIRMED.run as object), id: '01JDQZZZZZZZZZZZZZZZZZZZZZ' } };
    const res = await deliver(other, `sha256=${createHmac('sha256', 'wrong-secret').update(JSON.stringify(other)).digest('hex')}`);
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ type: 'https://iac-review.dev/problems/invalid-signature', reason: 'signature-mismatch' });
    expect((await review('spacelift:acme-corp:01JDQZZZZZZZZZZZZZZZZZZZZZ')).status).toBe(404);
  });

  it('should review the plan an after_plan hook posts for a run, and keep it when the webhook follows', async () => {
    const runId = '01JDQHOOKRUN00000000000001';
    const plan = JSON.parse(readFileSync(join(repoRoot, 'packages', 'risk-scoring', 'test', 'fixtures', 'plans', 'deletes.json'), 'utf8')) as unknown;
    const posted = await fetch(`${stack.url}/reviews`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': stack.apiKeys.admin },
      body: JSON.stringify({ title: `Spacelift run ${runId}`, stack: 'prod-network', spaceliftRun: { account: 'acme-corp', id: runId }, plan }),
    });
    expect(posted.status).toBe(202);
    const { id } = (await posted.json()) as { id: string };
    expect(id).toBe(`spacelift:acme-corp:${runId}`);
    expect(await deliver({ ...UNCONFIRMED, run: { ...(UNCONFIRMED.run as object), id: runId } })).toMatchObject({ status: 202, body: { status: 'duplicate', reason: expect.stringMatching(/plan was posted/) } });
    const { dto } = await review(id);
    expect(dto.review).toMatchObject({ status: 'completed', input: { kind: 'plan' } });
    expect(dto.review.result?.riskLevel).toBe('critical');
  });

  it('should review the changes a notification-policy payload carries, with their values', async () => {
    const p = fixture('run-updated-tracked-unconfirmed.json') as { run: Record<string, unknown> };
    p.run.id = '01JDQPOLICYRUN000000000001';
    const res = await deliver(p);
    expect(res).toMatchObject({ status: 202, body: { status: 'accepted' } });
    const { dto } = await review(String(res.body.id));
    expect(dto.review).toMatchObject({ status: 'completed', input: { kind: 'spacelift-changes' }, repository: 'acme-corp/infra-live' });
    expect(dto.review.result?.findings.some((f) => f.resourceAddress === 'aws_security_group_rule.web_ingress')).toBe(true);
  });
});
