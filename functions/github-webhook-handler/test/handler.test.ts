import { createDynamoDbTablePort, createIdempotencyStore, createInMemoryTablePort } from '@iac-review/dynamo-versioning';
import { captureLogger } from '@iac-review/logger/testing';
import { staticSecretProvider } from '@iac-review/webhook-ingress';
import { createHandler } from '../src/handler';
import { delivery, example, json, PREVIOUS_SECRET, request, setup } from './support/setup';
import { startTable, type LocalTable } from './support/dynalite';

const REVIEW_ID = 'github:codertocat:hello-world:2';
const NEW_SHA = '0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c';

const opened = () => example('pull_request', 'opened', (e) => e.installation !== undefined);

describe('POST /webhook/github', () => {
  it('should accept a signed pull_request.opened example: store a pending submission for its head SHA and request a review', async () => {
    const { handler, service, events, log } = setup();
    const payload = opened();
    const res = await handler(await delivery('pull_request', payload, { delivery: 'd-opened-1' }));
    expect(res.statusCode).toBe(202);
    expect(json(res)).toEqual({ status: 'accepted', id: REVIEW_ID, version: 1, headSha: 'ec26c3e57ca3a959ca5aad62de7213c562f8c821', links: { review: `/reviews/${encodeURIComponent(REVIEW_ID)}`, versions: `/reviews/${encodeURIComponent(REVIEW_ID)}/versions` } });
    const v = await service.get(REVIEW_ID);
    expect(v.content).toMatchObject({
      status: 'pending',
      source: 'github',
      repository: 'Codertocat/Hello-World',
      title: 'Update the README with new information.',
      ref: 'changes',
      input: { kind: 'pull-request' },
      external: { pullRequest: '2', headSha: 'ec26c3e57ca3a959ca5aad62de7213c562f8c821', deliveryId: 'd-opened-1', action: 'opened', changedFiles: '1', installationId: String((payload.installation as { id: number }).id) },
    });
    expect(events.published).toEqual([{ detailType: 'ReviewRequested', detail: { reviewId: REVIEW_ID, version: 1, source: 'github', inputKind: 'pull-request' } }]);
    expect(log.lines().find((l) => l.message === 'pull request push accepted for review')).toMatchObject({ delivery: 'd-opened-1', repository: 'Codertocat/Hello-World', pullRequest: 2 });
  });

  it("should verify GitHub's documented test vector on the raw body (then refuse the non-JSON body with 400, not 401)", async () => {
    // https://docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries#testing-the-webhook-payload-validation
    const vector = createHandler({
      logger: captureLogger().logger,
      secrets: staticSecretProvider(["It's a Secret to Everybody"]),
      idempotency: createIdempotencyStore({ port: createInMemoryTablePort(), tableName: 't', ttlSeconds: 60 }),
      github: setup().github,
    });
    const good = 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17';
    const ok = await vector(request('Hello, World!', { 'X-GitHub-Event': 'ping', 'X-GitHub-Delivery': 'v-1', 'X-Hub-Signature-256': good }));
    expect(ok.statusCode).toBe(400);
    expect(json(ok)).toMatchObject({ detail: expect.stringContaining('not valid JSON') });
    const bad = await vector(request('Hello, World!', { 'X-GitHub-Event': 'ping', 'X-GitHub-Delivery': 'v-2', 'X-Hub-Signature-256': `${good.slice(0, -1)}f` }));
    expect(bad.statusCode).toBe(401);
  });

  it('should refuse missing, malformed, sha1 and wrong signatures with 401, store nothing and log a security event', async () => {
    const { handler, events, log, store } = setup();
    const body = JSON.stringify(opened());
    const headers = { 'X-GitHub-Event': 'pull_request', 'X-GitHub-Delivery': 'd-bad' };
    const cases: Array<[Record<string, string>, string]> = [
      [{}, 'missing-signature'],
      [{ 'X-Hub-Signature-256': 'sha256=xyz' }, 'malformed-signature'],
      [{ 'X-Hub-Signature-256': `sha1=${'a'.repeat(40)}` }, 'unsupported-algorithm'],
      [{ 'X-Hub-Signature-256': `sha256=${'0'.repeat(64)}` }, 'signature-mismatch'],
    ];
    for (const [extra, reason] of cases) {
      const res = await handler(request(body, { ...headers, ...extra }));
      expect(res.statusCode).toBe(401);
      expect(res.headers?.['content-type']).toBe('application/problem+json');
      expect(json(res)).toMatchObject({ reason });
    }
    // Signed with another secret → 401 as well; the body signed with the previous secret is accepted (rotation).
    expect((await handler(await delivery('pull_request', opened(), { secret: 'not-the-secret' }))).statusCode).toBe(401);
    expect(events.published).toEqual([]);
    await expect(store.getLatest(REVIEW_ID)).rejects.toThrow();
    const security = log.lines().filter((l) => l.type === 'security');
    expect(security).toHaveLength(5);
    expect(JSON.stringify(security)).not.toContain('0'.repeat(64));
    expect((await handler(await delivery('pull_request', opened(), { secret: PREVIOUS_SECRET }))).statusCode).toBe(202);
  });

  it('should accept an API Gateway base64-encoded body, verifying the decoded bytes', async () => {
    const { handler } = setup();
    const res = await handler(await delivery('pull_request', opened(), { base64: true }));
    expect(res.statusCode).toBe(202);
  });

  it('should answer a redelivery (same X-GitHub-Delivery) with 200 and the existing review id, doing nothing again', async () => {
    const { handler, events, store } = setup();
    const payload = opened();
    expect((await handler(await delivery('pull_request', payload, { delivery: 'd-1' }))).statusCode).toBe(202);
    const again = await handler(await delivery('pull_request', payload, { delivery: 'd-1' }));
    expect(again.statusCode).toBe(200);
    expect(json(again)).toMatchObject({ status: 'duplicate', id: REVIEW_ID, delivery: 'd-1' });
    // A different delivery for the same repository, PR and head SHA (e.g. reopened) is a duplicate too.
    const sameSha = await handler(await delivery('pull_request', example('pull_request', 'reopened'), { delivery: 'd-2' }));
    expect(sameSha.statusCode).toBe(200);
    expect(json(sameSha)).toMatchObject({ status: 'duplicate', id: REVIEW_ID, version: 1 });
    expect(events.published).toHaveLength(1);
    expect((await store.listVersions(REVIEW_ID)).items).toHaveLength(1);
  });

  it('should append a version for a synchronize with a new head SHA, to the same review', async () => {
    const { handler, events, service } = setup();
    await handler(await delivery('pull_request', opened()));
    const sync = example('pull_request', 'synchronize');
    sync.pull_request!.head.sha = NEW_SHA;
    const res = await handler(await delivery('pull_request', sync));
    expect(res.statusCode).toBe(202);
    expect(json(res)).toMatchObject({ status: 'accepted', id: REVIEW_ID, version: 2, headSha: NEW_SHA });
    expect((await service.get(REVIEW_ID)).content.external).toMatchObject({ headSha: NEW_SHA, action: 'synchronize' });
    expect(events.published.map((e) => (e.detail as { version: number }).version)).toEqual([1, 2]);
  });

  it('should answer ping with 200, skip drafts unless configured, ignore other events and actions with 202', async () => {
    const { handler, events } = setup();
    const ping = await handler(await delivery('ping', example('ping')));
    expect(ping.statusCode).toBe(200);
    expect(json(ping)).toMatchObject({ status: 'ok', event: 'ping' });
    const push = await handler(await delivery('push', example('push')));
    expect(push.statusCode).toBe(202);
    expect(json(push)).toMatchObject({ status: 'ignored', reason: expect.stringContaining('push events are not reviewed') });
    const labeled = await handler(await delivery('pull_request', example('pull_request', 'labeled')));
    expect(json(labeled)).toMatchObject({ status: 'ignored', reason: expect.stringContaining('"labeled"') });
    const draft = opened();
    draft.pull_request!.draft = true;
    const skipped = await handler(await delivery('pull_request', draft));
    expect(skipped.statusCode).toBe(202);
    expect(json(skipped)).toMatchObject({ status: 'ignored', reason: expect.stringContaining('GITHUB_REVIEW_DRAFTS') });
    expect(events.published).toEqual([]);

    const drafts = setup({ reviewDrafts: true });
    expect((await drafts.handler(await delivery('pull_request', draft))).statusCode).toBe(202);
    expect(drafts.events.published).toHaveLength(1);
  });

  it('should append the outcome when the pull request closes (merged or not)', async () => {
    const { handler, service } = setup();
    await handler(await delivery('pull_request', opened()));
    const closed = example('pull_request', 'closed');
    closed.pull_request!.merged = true;
    closed.pull_request!.closed_at = '2026-11-29T13:00:00Z';
    const res = await handler(await delivery('pull_request', closed));
    expect(res.statusCode).toBe(202);
    expect(json(res)).toMatchObject({ status: 'recorded', outcome: 'merged', id: REVIEW_ID, version: 2 });
    expect((await service.get(REVIEW_ID)).content.external).toMatchObject({ outcome: 'merged', closedAt: '2026-11-29T13:00:00Z' });
    // A PR that was never reviewed has nothing to record.
    const other = setup();
    const nothing = await other.handler(await delivery('pull_request', example('pull_request', 'closed')));
    expect(json(nothing)).toMatchObject({ status: 'ignored' });
  });

  it('should refuse bad payloads with 400 naming the fields, and oversized ones with 413, storing nothing', async () => {
    const { handler, events } = setup({ maxBodyBytes: 64 * 1024 });
    const broken = opened();
    broken.pull_request!.head.sha = 'not-a-sha';
    delete (broken as { repository?: unknown }).repository;
    const res = await handler(await delivery('pull_request', broken));
    expect(res.statusCode).toBe(400);
    expect(json(res)).toMatchObject({ detail: expect.stringMatching(/pull_request.head.sha must be a 40-character/) });
    expect(JSON.stringify(json(res))).toContain('body:repository');
    const big = opened();
    (big.pull_request as Record<string, unknown>).body = 'x'.repeat(70 * 1024);
    const tooBig = await handler(await delivery('pull_request', big));
    expect(tooBig.statusCode).toBe(413);
    expect(events.published).toEqual([]);
    // After a 400 the delivery id is forgotten: fixing the sender and redelivering works.
    const fixed = await handler(await delivery('pull_request', opened()));
    expect(fixed.statusCode).toBe(202);
  });

  it('should answer 503 with Retry-After when the store or bus fails, keep nothing half-done, and process the redelivery', async () => {
    let failures = 1;
    const { handler, events, service } = setup({
      github: (g) => ({
        ...g,
        submitPush: async (req) => {
          if (failures-- > 0) throw Object.assign(new Error('ProvisionedThroughputExceededException'), { name: 'ThrottledError' });
          return g.submitPush(req);
        },
      }),
    });
    const event = await delivery('pull_request', opened(), { delivery: 'd-503' });
    const res = await handler(event);
    expect(res.statusCode).toBe(503);
    expect(Number(res.headers?.['retry-after'])).toBeGreaterThan(0);
    expect(json(res)).toMatchObject({ detail: expect.stringContaining('Redeliver') });
    await expect(service.get(REVIEW_ID)).rejects.toThrow();
    const redelivered = await handler(event);
    expect(redelivered.statusCode).toBe(202);
    expect(events.published).toHaveLength(1);

    // The bus refusing the event: 503, the version records the failure, and the redelivery queues it.
    const bus = setup();
    bus.events.failNext();
    const refused = await bus.handler(await delivery('pull_request', opened(), { delivery: 'd-bus' }));
    expect(refused.statusCode).toBe(503);
    expect((await bus.service.get(REVIEW_ID)).content.status).toBe('failed');
    const retried = await bus.handler(await delivery('pull_request', opened(), { delivery: 'd-bus' }));
    expect(retried.statusCode).toBe(202);
    expect((await bus.service.get(REVIEW_ID)).content.status).toBe('pending');
    expect(bus.events.published).toHaveLength(1);
  });

  describe('on DynamoDB (dynalite)', () => {
    let table: LocalTable;
    beforeAll(async () => {
      table = await startTable();
    });
    afterAll(async () => {
      await table.close();
    });

    it('should turn 20 concurrent copies of one delivery into one review and one request', async () => {
      const idempotency = createIdempotencyStore({ port: createDynamoDbTablePort({ client: table.client }), tableName: table.tableName, ttlSeconds: 3600 });
      const { handler, events, store } = setup({ idempotency });
      const event = await delivery('pull_request', opened(), { delivery: 'd-concurrent' });
      const answers = await Promise.all(Array.from({ length: 20 }, () => handler(event)));
      expect(answers.filter((a) => a.statusCode === 202)).toHaveLength(1);
      expect(answers.filter((a) => a.statusCode === 200).map((a) => json(a).id)).toEqual(Array(19).fill(REVIEW_ID));
      expect(events.published).toHaveLength(1);
      expect((await store.listVersions(REVIEW_ID)).items).toHaveLength(1);
    });
  });
});
