import { createHmac } from 'node:crypto';
import { createDynamoDbTablePort, createIdempotencyStore, createInMemoryBlobStore, createInMemoryMacKeyProvider, createVersionedStore, ThrottledError } from '@iac-review/dynamo-versioning';
import { captureLogger } from '@iac-review/logger/testing';
import { createInMemoryEventPublisher, createSpaceliftReviews, reviewHead, type ReviewContent } from '@iac-review/reviews';
import { staticSecretProvider } from '@iac-review/webhook-ingress';
import { createHandler } from '../src/handler';
import { startTable, type LocalTable } from './support/dynalite';
import { fixture, json, PREVIOUS_SECRET, request, SECRET, setup, sign, signed } from './support/setup';

const UNCONFIRMED = fixture('run-event-tracked-unconfirmed.json');
const RUN_ID = '01JDQ8Z5M3K6V2X9RT4HWN7C1P';
const REVIEW_ID = `spacelift:acme-corp:${RUN_ID}`;
const withState = (state: string, stateVersion: number, timestamp = 1764413700) => ({ ...UNCONFIRMED, state, stateVersion, timestamp });

describe('POST /webhook/spacelift', () => {
  it('should turn a signed tracked run at UNCONFIRMED (default payload) into a pending review and a ReviewRequested event', async () => {
    const { handler, service, events } = setup();

    const res = await handler(signed(UNCONFIRMED));

    expect(res.statusCode).toBe(202);
    expect(json(res)).toMatchObject({ status: 'accepted', id: REVIEW_ID, version: 1, run: { account: 'acme-corp', id: RUN_ID, state: 'UNCONFIRMED', stateVersion: 5 } });
    const v = await service.get(REVIEW_ID);
    expect(v.content).toMatchObject({
      status: 'pending',
      source: 'spacelift',
      stack: 'prod-network',
      repository: 'acme-corp/infra-live',
      ref: 'main',
      title: `Production network: tracked run ${RUN_ID} (Open the web tier to the load balancer)`,
      input: { kind: 'spacelift-run' },
      external: { stateAt: '2025-11-29T10:50:00.000Z', commitSha: '9b2f4c1d7e8a6b5c4d3e2f1a0b9c8d7e6f5a4b3c', triggeredBy: 'jdoe' },
    });
    expect(events.published).toEqual([{ detailType: 'ReviewRequested', detail: { reviewId: REVIEW_ID, version: 1, source: 'spacelift', inputKind: 'spacelift-run' } }]);
  });

  it('should review a proposed run when it reaches FINISHED', async () => {
    const { handler, service } = setup();
    const res = await handler(signed(fixture('run-event-proposed-finished.json')));
    expect(json(res)).toMatchObject({ status: 'accepted' });
    expect((await service.get('spacelift:acme-corp:01JDQ9B7N4P8W3Y0SU5JXQ8D2R')).content.external).toMatchObject({ runType: 'PROPOSED', trigger: 'FINISHED' });
  });

  it('should review the changes a notification-policy run_updated payload carries (outputs left out)', async () => {
    const { handler, service } = setup();
    const res = await handler(signed(fixture('run-updated-tracked-unconfirmed.json')));
    expect(json(res)).toMatchObject({ status: 'accepted', id: REVIEW_ID });
    const v = await service.get(REVIEW_ID);
    expect(v.content).toMatchObject({ repository: 'acme-corp/infra-live', input: { kind: 'spacelift-changes' }, external: { stateAt: '2025-11-29T10:50:00.000Z', runUrl: expect.stringContaining(RUN_ID) } });
    expect(v.content.external?.stateVersion).toBeUndefined();
    const input = (await service.loadInput(v.content)) as { changes: Array<{ address: string; action: string; values?: Record<string, unknown> }> };
    expect(input.changes.map((c) => [c.action, c.address])).toEqual([
      ['added', 'aws_security_group_rule.web_ingress'],
      ['changed', 'aws_s3_bucket_public_access_block.logs'],
      ['destroy-Before-create-replaced', 'module.db.aws_db_instance.main'],
    ]);
    expect(input.changes[0]?.values).toMatchObject({ cidr_blocks: ['0.0.0.0/0'], from_port: 22 });
  });

  it('should accept the notification policy’s whole input ({account, run_updated}) and an account only in the run URL', async () => {
    const wrapped = setup();
    const runUpdated = fixture('run-updated-tracked-unconfirmed.json');
    const { account: _a, ...withoutAccount } = runUpdated;
    expect(json(await wrapped.handler(signed({ account: { name: 'acme-corp' }, run_updated: withoutAccount, webhook_endpoints: [{ id: 'iac-review' }] })))).toMatchObject({ status: 'accepted', id: REVIEW_ID });
    const fromUrl = setup();
    expect(json(await fromUrl.handler(signed(withoutAccount)))).toMatchObject({ status: 'accepted', id: REVIEW_ID });
  });

  it('should accept unknown extra fields', async () => {
    const { handler } = setup();
    const res = await handler(signed({ ...UNCONFIRMED, somethingNew: { nested: [1, 2] }, run: { ...(UNCONFIRMED.run as object), isDrift: false } }));
    expect(res.statusCode).toBe(202);
  });

  it.each([
    ['a string stateVersion', { ...UNCONFIRMED, stateVersion: '5' }, 'body:stateVersion', 'must be integer'],
    ['a missing run type', { ...UNCONFIRMED, run: { ...(UNCONFIRMED.run as object), type: undefined } }, 'body:run.type', 'is required'],
    ['a numeric stack id', { ...UNCONFIRMED, stack: { id: 42 } }, 'body:stack.id', 'must be string'],
  ])('should answer %s with 400 naming the field, storing nothing', async (_name, payload, field, reason) => {
    const { handler, events, service } = setup();
    const res = await handler(signed(payload));
    expect(res.statusCode).toBe(400);
    expect(res.headers?.['content-type']).toBe('application/problem+json');
    expect(json(res).errors).toEqual(expect.arrayContaining([{ field, reason }]));
    expect(events.published).toHaveLength(0);
    expect((await service.list({})).items).toHaveLength(0);
  });

  it('should name a wrong type deep in a run_updated change', async () => {
    const { handler } = setup();
    const p = fixture('run-updated-tracked-unconfirmed.json') as { run: { changes: Array<{ entity: Record<string, unknown> }> } };
    p.run.changes[1]!.entity.address = 17;
    const res = await handler(signed(p));
    expect(res.statusCode).toBe(400);
    expect(json(res).errors).toEqual(expect.arrayContaining([{ field: 'body:run.changes.1.entity.address', reason: 'must be string' }]));
  });

  it('should answer 400 for a run_updated payload that names no account anywhere', async () => {
    const { handler } = setup();
    const { account: _a, urls: _u, ...p } = fixture('run-updated-tracked-unconfirmed.json');
    const res = await handler(signed(p));
    expect(res.statusCode).toBe(400);
    expect(json(res)).toMatchObject({ errors: [{ field: 'body:account' }] });
  });

  it.each([
    ['a wrong secret', (b: string) => ({ 'X-Signature-256': sign(b, 'not-the-secret') })],
    ['no signature', () => ({})],
    ['only the SHA-1 X-Signature', (b: string) => ({ 'X-Signature': `sha1=${createHmac('sha1', SECRET).update(b).digest('hex')}` })],
  ])('should answer %s with 401, log a security event and store nothing', async (_name, headers) => {
    const { handler, events, service, log } = setup();
    const body = JSON.stringify(UNCONFIRMED);
    const res = await handler(request(body, headers(body)));
    expect(res.statusCode).toBe(401);
    expect(json(res)).toMatchObject({ type: 'https://iac-review.dev/problems/invalid-signature' });
    expect(events.published).toHaveLength(0);
    expect((await service.list({})).items).toHaveLength(0);
    expect(log.lines().filter((l) => l.type === 'security')).toEqual([expect.objectContaining({ event: 'webhook-signature-rejected', source: 'spacelift' })]);
    expect(log.raw()).not.toContain(SECRET);
  });

  it('should accept the previous secret during a rotation', async () => {
    const { handler } = setup();
    expect((await handler(signed(UNCONFIRMED, PREVIOUS_SECRET))).statusCode).toBe(202);
  });

  it('should change nothing when the same delivery is replayed', async () => {
    const { handler, events, service } = setup();
    await handler(signed(UNCONFIRMED));
    const replay = await handler(signed(UNCONFIRMED));
    expect(replay.statusCode).toBe(202);
    expect(json(replay)).toMatchObject({ status: 'duplicate' });
    expect((await service.get(REVIEW_ID)).version).toBe(1);
    expect(events.published).toHaveLength(1);
  });

  it('should append FAILED after UNCONFIRMED as the outcome, in a new version', async () => {
    const { handler, service } = setup();
    await handler(signed(UNCONFIRMED));
    const res = await handler(signed(withState('FAILED', 8)));
    expect(json(res)).toMatchObject({ status: 'recorded', id: REVIEW_ID, version: 2 });
    const v = await service.get(REVIEW_ID);
    expect(v.content.external).toMatchObject({ outcome: 'failed', outcomeAt: '2025-11-29T10:55:00.000Z', outcomeBy: 'jdoe', runState: 'FAILED', stateVersion: '8' });
    expect((await service.getVersion(REVIEW_ID, 1)).content.external?.runState).toBe('UNCONFIRMED');
  });

  it('should order out-of-order deliveries by stateVersion: an older state never overwrites a newer one', async () => {
    const { handler, service } = setup();
    await handler(signed(UNCONFIRMED));
    await handler(signed(withState('FINISHED', 9)));
    const late = await handler(signed(withState('FAILED', 8)));
    expect(json(late)).toMatchObject({ status: 'stale' });
    const lateTrigger = await handler(signed({ ...UNCONFIRMED, stateVersion: 3 }));
    expect(json(lateTrigger)).toMatchObject({ status: 'stale' });
    expect((await service.get(REVIEW_ID)).content.external).toMatchObject({ outcome: 'finished', stateVersion: '9' });
  });

  it('should answer states that neither trigger a review nor end one with "ignored"', async () => {
    const { handler, events } = setup();
    expect(json(await handler(signed(withState('PLANNING', 3))))).toMatchObject({ status: 'ignored' });
    expect(json(await handler(signed(withState('FAILED', 8))))).toMatchObject({ status: 'ignored', reason: expect.stringMatching(/has no review/) });
    expect(events.published).toHaveLength(0);
  });

  it('should answer 503 with Retry-After when the bus refuses, and process Spacelift’s retry', async () => {
    const { handler, events, service } = setup();
    events.failNext();
    const first = await handler(signed(UNCONFIRMED));
    expect(first.statusCode).toBe(503);
    expect(first.headers?.['retry-after']).toBeDefined();
    const retry = await handler(signed(UNCONFIRMED));
    expect(json(retry)).toMatchObject({ status: 'accepted' });
    expect((await service.get(REVIEW_ID)).content.status).toBe('pending');
    expect(events.published).toHaveLength(1);
  });

  it('should answer 503 with Retry-After when the store is throttled', async () => {
    const { handler } = setup({
      idempotency: {
        record: async () => {
          throw new ThrottledError(4);
        },
        forget: async () => undefined,
      },
    });
    const res = await handler(signed(UNCONFIRMED));
    expect(res.statusCode).toBe(503);
    expect(res.headers?.['retry-after']).toBe('4');
  });

  describe('on DynamoDB (dynalite)', () => {
    let table: LocalTable;
    beforeAll(async () => {
      table = await startTable();
    });
    afterAll(() => table.close());

    it('should create one review and one ReviewRequested when the same event arrives 20 times at once', async () => {
      const port = createDynamoDbTablePort({ client: table.client });
      const store = createVersionedStore<ReviewContent>({ table: port, tableName: table.tableName, entity: 'REVIEW', head: reviewHead, blobStore: createInMemoryBlobStore(), mac: createInMemoryMacKeyProvider() });
      const events = createInMemoryEventPublisher();
      const handler = createHandler({
        logger: captureLogger().logger,
        secrets: staticSecretProvider([SECRET]),
        idempotency: createIdempotencyStore({ port, tableName: table.tableName, ttlSeconds: 3600 }),
        spacelift: createSpaceliftReviews({ store, blobs: createInMemoryBlobStore(), events, clock: () => new Date() }),
      });

      const results = await Promise.all(Array.from({ length: 20 }, () => handler(signed(UNCONFIRMED))));

      expect(results.map((r) => r.statusCode)).toEqual(Array.from({ length: 20 }, () => 202));
      expect(results.filter((r) => json(r).status === 'accepted')).toHaveLength(1);
      expect(results.filter((r) => json(r).status === 'duplicate')).toHaveLength(19);
      expect(events.published).toHaveLength(1);
      expect((await store.getLatest(REVIEW_ID)).version).toBe(1);
    });
  });
});
