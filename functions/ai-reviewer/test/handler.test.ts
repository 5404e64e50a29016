import { BedrockThrottledError, toolAnswer } from '@iac-review/bedrock-service';
import { ThrottledError } from '@iac-review/dynamo-versioning';
import type { ReviewContent } from '@iac-review/reviews';
import { hostileAnswer, MODEL_FINDING, validAnswer } from './support/answers';
import { metricNames } from './support/capture-logger';
import { lambdaContext, reviewRequested } from './support/events';
import { inMemoryHarness } from './support/in-memory';
import { DB_PASSWORD, riskyPlan } from './support/plans';

const RULE_FINDINGS = [
  { ruleId: 'PUB-007', severity: 'high', resourceAddress: 'aws_db_instance.main' },
  { ruleId: 'NET-002', severity: 'high', resourceAddress: 'aws_security_group.ssh' },
  { ruleId: 'ENC-001', severity: 'medium', resourceAddress: 'aws_db_instance.main' },
];

const throttled = () => new BedrockThrottledError('ThrottlingException (HTTP 429): Too many requests', { errorType: 'ThrottlingException' });

describe('ai-reviewer handler (in-memory ports)', () => {
  it('should complete a rules-only review when Bedrock is disabled, without calling it a degradation', async () => {
    const h = inMemoryHarness();
    const v1 = await h.submitPlan(riskyPlan());
    const out = await h.handler(reviewRequested({ reviewId: v1.id, version: 1, source: 'api', inputKind: 'plan' }), lambdaContext());
    expect(out).toEqual({ outcome: 'completed', reviewId: v1.id, version: 2, status: 'completed' });
    const latest = await h.service.get(v1.id);
    expect(latest.content.status).toBe('completed');
    expect(latest.content.result).toMatchObject({ reviewedVersion: 1, reviewer: { mode: 'rules-only' }, confidence: 0.9 });
    expect(latest.content.result?.reviewer.degradedReason).toBeUndefined();
    expect(latest.content.result?.findings).toEqual(RULE_FINDINGS.map((f) => expect.objectContaining({ ...f, source: 'rule' })));
    expect(latest.content.result?.stats).toMatchObject({ llm: { status: 'disabled', reason: 'BEDROCK_ENABLED is false' } });
    expect(h.events.published.map((e) => e.detailType)).toEqual(['ReviewRequested', 'ReviewCompleted']);
    expect(h.events.published[1]?.detail).toMatchObject({ reviewId: v1.id, version: 2, status: 'completed', riskLevel: latest.content.result?.riskLevel });
    const audit = h.log.lines().find((l) => l.type === 'audit');
    expect(audit).toMatchObject({ action: 'review.complete', actor: 'ai-reviewer', resource: `review/${v1.id}`, outcome: 'success', version: 2 });
    expect(metricNames(h.log.lines())).toContain('ReviewsCompleted');
  });

  it('should add the model findings and narrative, store prompt version, model id and coverage, and raise confidence on agreement', async () => {
    const h = inMemoryHarness({ converse: () => toolAnswer(validAnswer(), { inputTokens: 2000, outputTokens: 300, cacheReadInputTokens: 1500 }) });
    const v1 = await h.submitPlan(riskyPlan());
    await h.handler(reviewRequested({ reviewId: v1.id, version: 1, source: 'api', inputKind: 'plan' }), lambdaContext());
    const r = (await h.service.get(v1.id)).content.result;
    expect(r?.reviewer).toEqual({
      mode: 'rules+llm',
      modelId: 'global.anthropic.claude-sonnet-4-6',
      promptVersion: expect.stringMatching(/\S/),
      coverage: { resources: 2, reviewed: 2, omitted: 0 },
    });
    expect(r?.findings).toEqual(
      expect.arrayContaining([...RULE_FINDINGS.map((f) => expect.objectContaining(f)), expect.objectContaining({ ...MODEL_FINDING, source: 'llm' })]),
    );
    expect(r?.findings).toHaveLength(4);
    expect(r?.summary).toContain('unencrypted database');
    expect(r?.confidence).toBeGreaterThan(0.9);
    expect(r?.stats).toMatchObject({ ruleFindings: 3, modelFindings: 1, llm: { status: 'ok', agreement: 1, usage: { inputTokens: 2000, cacheReadInputTokens: 1500, calls: 1 } } });
    const done = h.log.lines().find((l) => l.message === 'review completed');
    expect(done).toMatchObject({ status: 'completed', tokenUsage: { inputTokens: 2000, outputTokens: 300 } });
  });

  it('should never let the model remove or downgrade a rule finding', async () => {
    const h = inMemoryHarness({ converse: () => toolAnswer(hostileAnswer()) });
    const v1 = await h.submitPlan(riskyPlan());
    await h.handler(reviewRequested({ reviewId: v1.id, version: 1, source: 'api', inputKind: 'plan' }), lambdaContext());
    const r = (await h.service.get(v1.id)).content.result;
    for (const f of RULE_FINDINGS) expect(r?.findings).toContainEqual(expect.objectContaining({ ...f, source: 'rule' }));
    expect(r?.findings.filter((f) => f.ruleId === 'NET-002')).toHaveLength(1);
    expect(r?.riskLevel).not.toBe('low');
    // disagreement is measured and lowers confidence below a review the model agreed with
    const agreeing = inMemoryHarness({ converse: () => toolAnswer(validAnswer()) });
    const a1 = await agreeing.submitPlan(riskyPlan());
    await agreeing.handler(reviewRequested({ reviewId: a1.id, version: 1, source: 'api', inputKind: 'plan' }), lambdaContext());
    expect(r?.confidence).toBeLessThan((await agreeing.service.get(a1.id)).content.result?.confidence ?? 0);
  });

  it('should complete degraded with the reason and lower confidence when the model is unavailable', async () => {
    const h = inMemoryHarness({ converse: () => throttled() });
    const v1 = await h.submitPlan(riskyPlan());
    const out = await h.handler(reviewRequested({ reviewId: v1.id, version: 1, source: 'api', inputKind: 'plan' }), lambdaContext());
    expect(out).toMatchObject({ outcome: 'completed', status: 'completed-degraded' });
    const latest = await h.service.get(v1.id);
    expect(latest.reason).toBe('review completed without the LLM: throttled');
    expect(latest.content.status).toBe('completed-degraded');
    expect(latest.content.result?.reviewer).toMatchObject({ mode: 'rules-only', degradedReason: 'throttled', coverage: { resources: 2, reviewed: 0, omitted: 2 } });
    expect(latest.content.result?.confidence).toBeLessThan(0.9);
    expect(latest.content.result?.findings).toHaveLength(3);
    expect(latest.content.result?.summary).toContain('unavailable (throttled)');
    expect(metricNames(h.log.lines())).toContain('ReviewsDegraded');
  });

  it('should keep sensitive values out of the prompt and pass the historical context', async () => {
    const h = inMemoryHarness({
      converse: () => toolAnswer(validAnswer()),
      history: { contextFor: async ({ content }) => `3 earlier reviews of ${content.repository ?? '?'}: all high risk` },
    });
    const v1 = await h.submitPlan(riskyPlan());
    await h.handler(reviewRequested({ reviewId: v1.id, version: 1, source: 'api', inputKind: 'plan' }), lambdaContext());
    const sent = JSON.stringify(h.port?.requests);
    expect(sent).not.toContain(DB_PASSWORD);
    expect(sent).toContain('3 earlier reviews of acme/infra');
    expect(h.log.raw()).not.toContain(DB_PASSWORD);
  });

  it('should review without history when the history port fails', async () => {
    const h = inMemoryHarness({ converse: () => toolAnswer(validAnswer()), history: { contextFor: () => Promise.reject(new Error('history down')) } });
    const v1 = await h.submitPlan(riskyPlan());
    const out = await h.handler(reviewRequested({ reviewId: v1.id, version: 1, source: 'api', inputKind: 'plan' }), lambdaContext());
    expect(out).toMatchObject({ status: 'completed' });
    expect(h.log.lines().some((l) => l.message === 'historical context unavailable; reviewing without it')).toBe(true);
  });

  it('should stop the model at the Lambda deadline minus the store reserve', async () => {
    const h = inMemoryHarness({ converse: () => 'hang', reviewerConfig: { timeoutMs: 30_000 } });
    const v1 = await h.submitPlan(riskyPlan());
    const t0 = Date.now();
    await h.handler(reviewRequested({ reviewId: v1.id, version: 1, source: 'api', inputKind: 'plan' }), lambdaContext(300));
    expect(Date.now() - t0).toBeLessThan(2_000);
    expect((await h.service.get(v1.id)).content.result?.reviewer).toMatchObject({ degradedReason: 'deadline' });
  });

  it('should drop a malformed event without throwing, with a metric, and write nothing', async () => {
    const h = inMemoryHarness();
    for (const bad of [undefined, 'x', { source: 'aws.s3', 'detail-type': 'Object Created', id: '1', detail: {} }, reviewRequested({ reviewId: '', version: 0, source: 'api', inputKind: 'plan' })]) {
      await expect(h.handler(bad, lambdaContext())).resolves.toMatchObject({ outcome: 'rejected' });
    }
    expect(h.events.published).toEqual([]);
    expect(metricNames(h.log.lines()).filter((m) => m === 'ReviewEventsRejected')).toHaveLength(4);
  });

  it('should drop an event for a review that does not exist', async () => {
    const h = inMemoryHarness();
    await expect(h.handler(reviewRequested({ reviewId: 'nope', version: 1, source: 'api', inputKind: 'plan' }), lambdaContext())).resolves.toEqual({
      outcome: 'not-found',
      reviewId: 'nope',
    });
  });

  it('should record an input that is not a Terraform plan as a failed version with the reason, once', async () => {
    const h = inMemoryHarness();
    const v1 = await h.submitPlan({ hello: 'world' });
    await expect(h.handler(reviewRequested({ reviewId: v1.id, version: 1, source: 'api', inputKind: 'plan' }), lambdaContext())).resolves.toMatchObject({
      outcome: 'invalid-input',
    });
    expect(h.log.lines().find((l) => l.type === 'audit')).toMatchObject({ outcome: 'failure' });
    const failed = await h.service.get(v1.id);
    expect(failed).toMatchObject({ version: 2, content: { status: 'failed', failure: { reason: expect.stringContaining('cannot be reviewed') } } });
    await h.handler(reviewRequested({ reviewId: v1.id, version: 1, source: 'api', inputKind: 'plan' }), lambdaContext());
    expect((await h.service.get(v1.id)).version).toBe(2);
  });

  it('should throw on a transient store failure so Lambda retries', async () => {
    const h = inMemoryHarness({ reviews: (s) => ({ ...s, get: () => Promise.reject(new ThrottledError(1)) }) });
    await expect(h.handler(reviewRequested({ reviewId: 'r-1', version: 1, source: 'api', inputKind: 'plan' }), lambdaContext())).rejects.toBeInstanceOf(ThrottledError);
  });

  it('should throw when the bus is down, and on the retry announce the stored version without writing another or asking the model again', async () => {
    const h = inMemoryHarness({ converse: () => toolAnswer(validAnswer()) });
    const v1 = await h.submitPlan(riskyPlan());
    const event = reviewRequested({ reviewId: v1.id, version: 1, source: 'api', inputKind: 'plan' });
    h.events.failNext();
    await expect(h.handler(event, lambdaContext())).rejects.toThrow('ReviewCompleted could not be announced');
    const again = await h.handler(event, lambdaContext());
    expect(again).toEqual({ outcome: 'duplicate', reviewId: v1.id, version: 2, status: 'completed' });
    expect(h.port?.requests).toHaveLength(1);
    expect((await h.service.listVersions(v1.id, {})).items.map((v) => v.version)).toEqual([2, 1]);
    expect(h.events.published.filter((e) => e.detailType === 'ReviewCompleted').map((e) => (e.detail as { version: number }).version)).toEqual([2]);
  });

  it('should complete once when the same event is delivered twice, even concurrently', async () => {
    const h = inMemoryHarness({ converse: () => toolAnswer(validAnswer()) });
    const v1 = await h.submitPlan(riskyPlan());
    const event = reviewRequested({ reviewId: v1.id, version: 1, source: 'api', inputKind: 'plan' });
    const outs = await Promise.all([h.handler(event, lambdaContext()), h.handler(event, lambdaContext())]);
    expect(outs.map((o) => o.outcome).sort()).toEqual(['completed', 'duplicate']);
    const third = await h.handler(event, lambdaContext());
    expect(third).toMatchObject({ outcome: 'duplicate', version: 2 });
    const versions = (await h.service.listVersions(v1.id, {})).items;
    expect(versions.map((v) => (v.content as ReviewContent).status)).toEqual(['completed', 'pending']);
    expect(h.log.lines().filter((l) => l.type === 'audit').map((l) => l.outcome).sort()).toEqual(['duplicate', 'duplicate', 'success']);
  });
});
