import { createInMemoryReviewService, createSpaceliftReviews, type SpaceliftRunEvent } from '@iac-review/reviews';
import { createHandler } from '../src/handler';
import { createSpaceliftGraphqlClient } from '../src/spacelift-graphql';
import { parseAddress, toResourceChanges, type SpaceliftChangesPort } from '../src/spacelift-input';
import { captureLogger } from './support/capture-logger';
import { lambdaContext, reviewRequested } from './support/events';
import { startSpaceliftStub, type SpaceliftStub } from './support/spacelift-stub';

const RUN = '01JDQ8Z5M3K6V2X9RT4HWN7C1P';
const ID = `spacelift:acme-corp:${RUN}`;
const ev = (over: Partial<SpaceliftRunEvent> = {}): SpaceliftRunEvent => ({
  account: 'acme-corp',
  runId: RUN,
  runType: 'TRACKED',
  state: 'UNCONFIRMED',
  stateVersion: 5,
  stateAt: '2026-11-29T11:00:00.000Z',
  stackId: 'prod-network',
  actor: 'spacelift',
  ...over,
});

const harness = (spacelift?: SpaceliftChangesPort) => {
  const mem = createInMemoryReviewService();
  const runs = createSpaceliftReviews({ store: mem.store, blobs: mem.blobs, events: mem.events, clock: () => new Date() });
  const log = captureLogger();
  const handler = createHandler({ reviews: mem.service, logger: log.logger, llm: { enabled: false, reason: 'test' }, storeReserveMs: 0, ...(spacelift ? { spacelift } : {}) });
  const review = async (e: SpaceliftRunEvent) => {
    const r = await runs.handleRunEvent(e);
    if (!('version' in r)) throw new Error(r.outcome);
    return handler(reviewRequested({ reviewId: ID, version: r.version.version, source: 'spacelift', inputKind: r.version.content.input.kind }), lambdaContext());
  };
  return { ...mem, review, log };
};

describe('parseAddress', () => {
  it.each([
    ['aws_s3_bucket.logs', { type: 'aws_s3_bucket', name: 'logs', mode: 'managed' }],
    ['module.net.module.sg.aws_security_group.web[0]', { type: 'aws_security_group', name: 'web', mode: 'managed', moduleAddress: 'module.net.module.sg', index: 0 }],
    ['module.a["x.y"].data.aws_iam_policy_document.p["k"]', { type: 'aws_iam_policy_document', name: 'p', mode: 'data', moduleAddress: 'module.a["x.y"]', index: 'k' }],
  ])('%s', (address, expected) => expect(parseAddress(address)).toEqual(expected));
});

describe('Spacelift inputs in the reviewer', () => {
  it('should review changes carried in the webhook with their values (rules fire on them)', async () => {
    const h = harness();
    const out = await h.review(
      ev({
        changes: [
          { action: 'added', address: 'aws_security_group_rule.ssh', type: 'aws_security_group_rule', entityType: 'resource', phase: 'plan', values: { type: 'ingress', from_port: 22, to_port: 22, protocol: 'tcp', cidr_blocks: ['0.0.0.0/0'] } },
          { action: 'destroy-Before-create-replaced', address: 'module.db.aws_db_instance.main', type: 'aws_db_instance', entityType: 'resource', phase: 'plan', values: { engine: 'postgres', storage_encrypted: true } },
        ],
      }),
    );
    expect(out).toMatchObject({ outcome: 'completed', status: 'completed' });
    const v = await h.service.get(ID);
    expect(v.content.status).toBe('completed');
    expect(v.content.result?.stats).toMatchObject({ resourceChanges: 2, actions: expect.objectContaining({ create: 1, replace: 1 }) });
    expect(v.content.result?.findings.map((f) => f.resourceAddress)).toContain('aws_security_group_rule.ssh');
    expect(v.content.result?.riskLevel).not.toBe('low');
  });

  it('should keep attribute rules undetermined for changes without values, and say so', async () => {
    const changes = toResourceChanges([{ action: 'added', address: 'aws_s3_bucket.logs', entityType: 'resource', phase: 'plan' }]);
    expect(changes[0]).toMatchObject({ type: 'aws_s3_bucket', provider: 'aws', actions: ['create'], after: {}, unknownPaths: [[]] });
    const h = harness();
    await h.review(ev({ changes: [{ action: 'added', address: 'aws_s3_bucket.logs', entityType: 'resource', phase: 'plan' }] }));
    const v = await h.service.get(ID);
    expect(v.content.result?.summary).toMatch(/not their values/);
  });

  describe('fetched through the GraphQL API', () => {
    let stub: SpaceliftStub;
    beforeEach(async () => {
      stub = await startSpaceliftStub();
      stub.keys.set('01KEY', 'secret');
    });
    afterEach(() => stub.close());
    const port = (over: Partial<Parameters<typeof createSpaceliftGraphqlClient>[0]> = {}) =>
      createSpaceliftGraphqlClient({ apiUrl: stub.url, apiKey: async () => ({ keyId: '01KEY', keySecret: 'secret' }), backoffMs: 1, maxAttempts: 2, ...over });

    it('should fetch the run’s changes when the webhook carried none, and review them', async () => {
      stub.runs.push({ stackId: 'prod-network', runId: RUN, resources: [{ address: 'aws_s3_bucket.data', metadata: { type: 'DELETE' } }, { address: 'aws_iam_role.ci', metadata: { type: 'ADD' } }] });
      const h = harness(port());
      expect(await h.review(ev())).toMatchObject({ outcome: 'completed', status: 'completed' });
      const v = await h.service.get(ID);
      expect(v.content.result?.stats).toMatchObject({ resourceChanges: 2, actions: expect.objectContaining({ delete: 1, create: 1 }) });
      expect(v.content.result?.riskScore).toBeGreaterThan(0);
      expect(stub.requests.map((r) => r.op)).toEqual(['token', 'changes']);
    });

    it('should complete degraded, saying why, when the API keeps failing', async () => {
      stub.failures.push(503, 503, 503, 503);
      const h = harness(port());
      expect(await h.review(ev())).toMatchObject({ outcome: 'completed', status: 'completed-degraded' });
      const v = await h.service.get(ID);
      expect(v.content.status).toBe('completed-degraded');
      expect(v.content.result).toMatchObject({ confidence: 0, reviewer: { degradedReason: 'spacelift-api-unavailable' } });
      expect(v.content.result?.summary).toMatch(/could not be fetched \(.*HTTP 503 \(after 2 attempts\)\)\. Nothing was reviewed\./);
      expect(h.log.raw()).not.toContain('secret"');
    });
  });

  it('should complete degraded when no Spacelift API is configured', async () => {
    const h = harness();
    await h.review(ev());
    const v = await h.service.get(ID);
    expect(v.content).toMatchObject({ status: 'completed-degraded', result: { reviewer: { degradedReason: 'spacelift-api-unconfigured' } } });
    expect(v.content.result?.summary).toMatch(/SPACELIFT_API_URL/);
  });
});
