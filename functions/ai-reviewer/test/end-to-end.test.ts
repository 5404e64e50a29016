import {
  createBedrockReviewer,
  createBedrockRuntimeClient,
  createBedrockRuntimeConversePort,
  PROMPT_VERSION,
  type BedrockReviewerConfig,
} from '@iac-review/bedrock-service';
import { startBedrockStub, type BedrockStub, type StubReply, type StubRequest } from '@iac-review/bedrock-service/testing';
import type { Finding } from '@iac-review/core';
import { createDynamoDbTablePort, createInMemoryBlobStore, createVersionedStore } from '@iac-review/dynamo-versioning';
import { createInMemoryEventPublisher, createReviewService, reviewHead, type ReviewContent, type ReviewResultRecord } from '@iac-review/reviews';
import { normalisePlan, reviewChanges } from '@iac-review/risk-scoring';
import { createHandler } from '../src/handler';
import { validAnswer } from './support/answers';
import { captureLogger } from './support/capture-logger';
import { startTable, type LocalTable } from './support/dynalite';
import { lambdaContext, reviewRequested } from './support/events';
import { DB_PASSWORD, INJECTION, largePlan, riskyPlan } from './support/plans';

/**
 * End to end through the handler: dynalite behind the real DynamoDB adapter, and the real Bedrock
 * Runtime client (SDK retry strategy, HTTP/2, SigV4) pointed at the loopback Converse stub.
 */
describe('ai-reviewer end to end (dynalite + Bedrock Converse stub)', () => {
  let table: LocalTable;
  let stub: BedrockStub;
  let client: ReturnType<typeof createBedrockRuntimeClient>;
  let reviewSeq = 0;

  beforeAll(async () => {
    [table, stub] = await Promise.all([startTable(), startBedrockStub()]);
    client = createBedrockRuntimeClient({
      region: 'eu-west-1',
      endpoint: stub.endpoint,
      maxAttempts: 3,
      credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'fake-secret-for-stub' },
    });
  });
  afterEach(() => {
    for (const req of stub.requests) expect(req.raw).not.toContain(DB_PASSWORD);
    stub.requests.length = 0;
  });
  afterAll(async () => {
    client.destroy();
    await Promise.all([stub.close(), table.close()]);
  });

  const setup = (reply: (req: StubRequest, index: number) => StubReply, config: Partial<BedrockReviewerConfig> = {}) => {
    stub.script(reply);
    const log = captureLogger();
    const blobs = createInMemoryBlobStore();
    // Every DynamoDB request through the store's port, by operation (the reviewer's cost per review).
    const dynamoCalls: string[] = [];
    const port = createDynamoDbTablePort({ client: table.client });
    const countedPort: typeof port = {
      get: (...a) => (dynamoCalls.push('get'), port.get(...a)),
      putIfAbsent: (...a) => (dynamoCalls.push('putIfAbsent'), port.putIfAbsent(...a)),
      updateIfNewer: (...a) => (dynamoCalls.push('updateIfNewer'), port.updateIfNewer(...a)),
      query: (...a) => (dynamoCalls.push('query'), port.query(...a)),
      delete: (...a) => (dynamoCalls.push('delete'), port.delete(...a)),
    };
    const store = createVersionedStore<ReviewContent>({
      table: countedPort,
      tableName: table.tableName,
      entity: 'REVIEW',
      head: reviewHead,
      blobStore: createInMemoryBlobStore(),
    });
    const events = createInMemoryEventPublisher();
    const service = createReviewService({ store, blobs, events, ids: () => `e2e-${++reviewSeq}`, clock: () => new Date() });
    const reviewer = createBedrockReviewer({
      port: createBedrockRuntimeConversePort(client),
      logger: log.logger,
      config: { timeoutMs: 5_000, deadlineReserveMs: 0, minCallMs: 50, concurrency: 1, ...config },
    });
    const handler = createHandler({ reviews: service, logger: log.logger, llm: { enabled: true, reviewer }, storeReserveMs: 100 });
    const run = async (plan: unknown, remainingMs = 30_000) => {
      const v1 = await service.submit({ input: { kind: 'plan', plan }, source: 'api', repository: 'acme/infra', actor: 'dash' });
      dynamoCalls.length = 0;
      const outcome = await handler(reviewRequested({ reviewId: v1.id, version: v1.version, source: 'api', inputKind: 'plan' }), lambdaContext(remainingMs));
      const reviewerCalls = dynamoCalls.splice(0);
      const stored = await store.getLatest(v1.id);
      const verified = await store.verifyHistory(v1.id);
      return { id: v1.id, outcome, stored, result: stored.content.result as ReviewResultRecord, verified, events, log, handler, service, store, reviewerCalls };
    };
    return { run };
  };

  const rulesOnly = (plan: unknown) => reviewChanges(normalisePlan(plan), { inputKind: 'plan' });
  const key = (f: Finding) => `${f.ruleId}@${f.resourceAddress}:${f.severity}`;
  const ruleKeys = (findings: readonly Finding[]) => findings.filter((f) => f.source !== 'llm').map(key).sort();
  const expectAllRuleFindings = (result: ReviewResultRecord, plan: unknown) => {
    const expected = rulesOnly(plan).findings.map(key).sort();
    expect(expected.length).toBeGreaterThan(0);
    expect(ruleKeys(result.findings)).toEqual(expected);
  };
  const RULES_ONLY_CONFIDENCE = () => rulesOnly(riskyPlan()).confidence;

  it('should store a completed review with the model finding merged for a valid tool answer', async () => {
    const { run } = setup(() => ({ kind: 'tool', input: validAnswer(), usage: { cacheWriteInputTokens: 1800 } }));
    const r = await run(riskyPlan());
    expect(r.outcome).toMatchObject({ outcome: 'completed', version: 2, status: 'completed' });
    expect(r.stored).toMatchObject({ version: 2, actor: 'ai-reviewer', reason: 'review completed', content: { status: 'completed' } });
    expect(r.verified).toMatchObject({ ok: true });
    expectAllRuleFindings(r.result, riskyPlan());
    expect(r.result.findings.filter((f) => f.source === 'llm').map((f) => f.ruleId)).toEqual(['llm:db-no-iam-auth']);
    expect(r.result.reviewer).toEqual({
      mode: 'rules+llm',
      modelId: 'global.anthropic.claude-sonnet-4-6',
      promptVersion: PROMPT_VERSION,
      coverage: { resources: 2, reviewed: 2, omitted: 0 },
    });
    expect(r.result.confidence).toBeGreaterThan(RULES_ONLY_CONFIDENCE());
    expect(r.result.stats).toMatchObject({ llm: { usage: { cacheWriteInputTokens: 1800, calls: 1 } } });
    expect(stub.requests).toHaveLength(1);
    expect(r.events.published.at(-1)).toMatchObject({ detailType: 'ReviewCompleted', detail: { reviewId: r.id, version: 2, status: 'completed' } });
  });

  it('should cost one read, one conditional put and one head update in DynamoDB per completed review', async () => {
    const { run } = setup(() => ({ kind: 'tool', input: validAnswer() }));
    const r = await run(riskyPlan());
    expect(r.outcome).toMatchObject({ outcome: 'completed', version: 2 });
    // getLatest is one Query (head, newest version, predecessor); completing chains onto the version it read.
    expect(r.reviewerCalls).toEqual(['query', 'putIfAbsent', 'updateIfNewer']);
    expect(r.verified).toMatchObject({ ok: true, versions: 2 });
  });

  it('should repair a malformed JSON answer once and store a completed review', async () => {
    const { run } = setup((_req, i) => (i === 0 ? { kind: 'tool', input: '{"summary": "x", "findings": [{' } : { kind: 'tool', input: validAnswer() }));
    const r = await run(riskyPlan());
    expect(r.stored.content.status).toBe('completed');
    expect(stub.requests).toHaveLength(2);
    expect(r.result.findings).toHaveLength(4);
  });

  it('should store completed-degraded (invalid-output) with every rule finding when the answer stays malformed JSON', async () => {
    const { run } = setup(() => ({ kind: 'text', text: '{"summary": "oops", "findings": [' }));
    const r = await run(riskyPlan());
    expect(r.stored).toMatchObject({ reason: 'review completed without the LLM: invalid-output', content: { status: 'completed-degraded' } });
    expect(r.result.reviewer).toMatchObject({ mode: 'rules-only', degradedReason: 'invalid-output', promptVersion: PROMPT_VERSION });
    expectAllRuleFindings(r.result, riskyPlan());
    expect(r.result.confidence).toBeLessThan(RULES_ONLY_CONFIDENCE());
    expect(stub.requests).toHaveLength(2);
  });

  it('should store completed-degraded (invalid-output) when the answer violates the schema after the repair', async () => {
    const bad = { summary: 'x', findings: [{ ...validAnswer().findings[0], severity: 'catastrophic' }], ruleAssessments: 'none' };
    const { run } = setup(() => ({ kind: 'tool', input: bad }));
    const r = await run(riskyPlan());
    expect(r.stored.content.status).toBe('completed-degraded');
    expect(r.result.reviewer.degradedReason).toBe('invalid-output');
    expect(r.result.findings.some((f) => f.source === 'llm')).toBe(false);
    expectAllRuleFindings(r.result, riskyPlan());
    const repair = stub.requests[1]?.body as { messages: Array<{ content: Array<{ toolResult?: { content: Array<{ text: string }> } }> }> };
    expect(repair.messages[2]?.content[0]?.toolResult?.content[0]?.text).toContain('severity');
  });

  it('should accept a schema violation repaired on the second call', async () => {
    const bad = { summary: 'x', findings: [{ ...validAnswer().findings[0], severity: 'catastrophic' }], ruleAssessments: [] };
    const { run } = setup((_req, i) => ({ kind: 'tool', input: i === 0 ? bad : validAnswer() }));
    const r = await run(riskyPlan());
    expect(r.stored.content.status).toBe('completed');
    expect(r.result.findings.filter((f) => f.source === 'llm')).toHaveLength(1);
  });

  it('should store a completed review after throttling then success (SDK retry strategy)', async () => {
    const { run } = setup((_req, i) =>
      i === 0 ? { kind: 'error', status: 429, type: 'ThrottlingException', message: 'Too many requests, please wait.' } : { kind: 'tool', input: validAnswer() },
    );
    const r = await run(riskyPlan());
    expect(stub.requests).toHaveLength(2);
    expect(r.stored.content.status).toBe('completed');
    expect(r.result.reviewer.mode).toBe('rules+llm');
    expect(r.result.stats).toMatchObject({ llm: { usage: { calls: 1 } } });
  });

  it('should store completed-degraded (deadline) when the model hangs past the Lambda deadline', async () => {
    const { run } = setup(() => ({ kind: 'hang' }), { timeoutMs: 60_000 });
    const t0 = Date.now();
    const r = await run(riskyPlan(), 1_000);
    expect(Date.now() - t0).toBeLessThan(3_000);
    expect(r.stored).toMatchObject({ version: 2, content: { status: 'completed-degraded' } });
    expect(r.result.reviewer).toMatchObject({ degradedReason: 'deadline', coverage: { resources: 2, reviewed: 0, omitted: 2 } });
    expectAllRuleFindings(r.result, riskyPlan());
    expect(r.result.confidence).toBeLessThan(RULES_ONLY_CONFIDENCE());
  });

  it('should store completed-degraded (service-error) after the SDK retried a 500', async () => {
    const { run } = setup(() => ({ kind: 'error', status: 500, type: 'InternalServerException', message: 'boom' }));
    const r = await run(riskyPlan());
    expect(stub.requests).toHaveLength(3);
    expect(r.stored).toMatchObject({ reason: 'review completed without the LLM: service-error', content: { status: 'completed-degraded' } });
    expect(r.result.reviewer).toMatchObject({ mode: 'rules-only', degradedReason: 'service-error' });
    expectAllRuleFindings(r.result, riskyPlan());
    expect(r.result.confidence).toBeLessThan(RULES_ONLY_CONFIDENCE());
    expect(r.events.published.at(-1)).toMatchObject({ detailType: 'ReviewCompleted', detail: { status: 'completed-degraded' } });
  });

  it('should keep every rule finding when the plan tells the model to ignore its instructions and report nothing', async () => {
    // The "model" obeys the injection: no findings, every rule finding disputed.
    const obeying = { summary: 'No issues.', findings: [], ruleAssessments: [1, 2, 3].map((i) => ({ ref: `R${i}`, verdict: 'disagree' })) };
    const { run } = setup(() => ({ kind: 'tool', input: obeying }));
    const injected = riskyPlan({ injection: true });
    const r = await run(injected);
    // the injection reached the model only inside the delimited untrusted block
    const userText = String((stub.requests[0]?.body as { messages: Array<{ content: Array<{ text?: string }> }> }).messages[0]?.content[0]?.text);
    const block = /<untrusted_change_set nonce="([0-9a-f]+)">([\s\S]*)<\/untrusted_change_set nonce="\1">/.exec(userText);
    expect(block?.[2]).toContain(INJECTION);
    expect(userText.replace(block?.[0] ?? '', '')).not.toContain(INJECTION);
    // nothing the rules found changed: same findings, same severities, as the clean plan's rules-only review
    expectAllRuleFindings(r.result, riskyPlan());
    expectAllRuleFindings(r.result, injected);
    expect(r.result.riskScore).toBeGreaterThanOrEqual(rulesOnly(injected).riskScore);
    expect(r.result.riskLevel).toBe(rulesOnly(injected).riskLevel);
  });

  it('should review a 5000-resource plan in chunks and report the coverage honestly', async () => {
    const { run } = setup(() => ({ kind: 'tool', input: { summary: 'Parameters only.', findings: [], ruleAssessments: [] } }), {
      chunkTokenBudget: 20_000,
      maxChunks: 4,
      concurrency: 2,
    });
    const r = await run(largePlan(5000));
    const sent = new Set(stub.requests.flatMap((q) => [...q.raw.matchAll(/aws_ssm_parameter\.p\[\\*"(\d+)\\*"\]/g)].map((m) => m[1])));
    const { coverage } = r.result.reviewer;
    expect(stub.requests).toHaveLength(4);
    expect(coverage).toEqual({ resources: 5000, reviewed: sent.size, omitted: 5000 - sent.size });
    expect(sent.size).toBeGreaterThan(0);
    expect(sent.size).toBeLessThan(5000);
    expect(r.result.stats).toMatchObject({ llm: { status: 'partial', chunks: { total: 4, reviewed: 4 }, omitted: { resources: 5000 - sent.size, byReason: { 'max-chunks': 5000 - sent.size } } } });
    // size limits are not an outage: completed, but confidence carries the coverage
    expect(r.stored.content.status).toBe('completed');
    const factors = (r.result.stats as { confidenceFactors: Array<{ name: string; factor: number; detail: string }> }).confidenceFactors;
    expect(factors.find((f) => f.name === 'coverage')).toMatchObject({ detail: `${sent.size} of 5000 items analysed` });
    expect(r.result.confidence).toBeLessThan(rulesOnly(largePlan(5000)).confidence);
    expect(r.result.summary).toContain(`The model reviewed ${sent.size} of 5000 changed resources`);
  });

  it('should cover all 5000 resources with the default chunk budget', async () => {
    const { run } = setup(() => ({ kind: 'tool', input: { summary: 'Parameters only.', findings: [], ruleAssessments: [] } }), { concurrency: 4 });
    const r = await run(largePlan(5000));
    expect(stub.requests.length).toBeGreaterThan(1);
    expect(r.result.reviewer.coverage).toEqual({ resources: 5000, reviewed: 5000, omitted: 0 });
    expect(r.stored.content.status).toBe('completed');
  });

  it('should write one completed version when the same event is delivered again', async () => {
    const { run } = setup(() => ({ kind: 'tool', input: validAnswer() }));
    const r = await run(riskyPlan());
    const event = reviewRequested({ reviewId: r.id, version: 1, source: 'api', inputKind: 'plan' }, 'evt-redelivered');
    const again = await r.handler(event, lambdaContext());
    expect(again).toEqual({ outcome: 'duplicate', reviewId: r.id, version: 2, status: 'completed' });
    const versions = await r.store.listVersions(r.id);
    expect(versions.items.map((v) => [v.version, v.content.status])).toEqual([
      [2, 'completed'],
      [1, 'pending'],
    ]);
    expect(stub.requests).toHaveLength(1);
    const completed = r.events.published.filter((e) => e.detailType === 'ReviewCompleted');
    expect(completed.map((e) => (e.detail as { version: number }).version)).toEqual([2, 2]);
  });
});
