import { createIdempotencyStore, createInMemoryBlobStore, createInMemoryMacKeyProvider, createInMemoryTablePort, createVersionedStore } from '@iac-review/dynamo-versioning';
import {
  createPendingSweep,
  createReviewService,
  EventPublishError,
  IdempotencyKeyReusedError,
  idempotentReviewId,
  InvalidIdempotencyKeyError,
  NOT_PICKED_UP_REASON,
  reviewHead,
  submitIdempotent,
  type BusEvent,
  type EventPublisher,
  type ReviewContent,
  type ReviewRequestedDetail,
} from '../src/index';

const result = {
  riskScore: 10,
  riskLevel: 'low' as const,
  confidence: 0.9,
  summary: 's',
  findings: [],
  contributions: [],
  stats: {},
  reviewer: { mode: 'rules-only' as const },
};

/** A bus whose publish can be killed (never returns, as when the function times out) or refused. */
const controllableBus = () => {
  const published: BusEvent[] = [];
  const mode = { hang: 0, refuse: 0 };
  const bus: EventPublisher = {
    publish: async (events) => {
      if (mode.hang > 0) {
        mode.hang--;
        return new Promise<void>(() => undefined);
      }
      if (mode.refuse > 0) {
        mode.refuse--;
        throw new Error('bus unavailable');
      }
      published.push(...events);
    },
  };
  return { bus, published, mode };
};

const setup = () => {
  let now = Date.parse('2026-11-25T12:00:00Z');
  const clock = () => new Date(now);
  const table = createInMemoryTablePort();
  const store = createVersionedStore<ReviewContent>({ table, tableName: 't', entity: 'REVIEW', head: reviewHead, blobStore: createInMemoryBlobStore(), mac: createInMemoryMacKeyProvider(), clock });
  const { bus, published, mode } = controllableBus();
  let n = 0;
  const service = createReviewService({ store, blobs: createInMemoryBlobStore(), events: bus, ids: () => `review-${++n}-abcdef`, clock });
  // The claim TTL is the re-queue interval: 30 minutes.
  const claims = createIdempotencyStore({ port: table, tableName: 't', ttlSeconds: 30 * 60, clock });
  const sweeper = createPendingSweep({ store, events: bus, claims, clock }, { minAgeMinutes: 10, giveUpAfterMinutes: 120 });
  /** The reviewer: completes every requested review it has not seen yet. */
  const review = async () => {
    for (const e of published.splice(0)) {
      if (e.detailType !== 'ReviewRequested') continue;
      const d = e.detail as ReviewRequestedDetail;
      await service.complete(d.reviewId, { requestedVersion: d.version, result, status: 'completed', actor: 'ai-reviewer' });
    }
  };
  return { service, store, published, mode, sweeper, review, advance: (minutes: number) => (now += minutes * 60_000) };
};

const submission = { input: { kind: 'plan' as const, plan: { format_version: '1.2', resource_changes: [] } }, source: 'api' as const, title: 'T', repository: 'acme/infra', actor: 'dash' };

describe('nothing lost between store and bus', () => {
  it('should complete a review whose publish was killed, after the sweep re-queues it', async () => {
    const t = setup();
    t.mode.hang = 1;
    // The function stores version 1 and is killed while publishing (a Lambda timeout runs no catch).
    const killed = await Promise.race([t.service.submit(submission).then(() => 'returned'), new Promise((r) => setTimeout(() => r('timed out'), 50))]);
    expect(killed).toBe('timed out');
    const [head] = (await t.store.listHeads({ index: 'latest' })).items;
    expect(head).toMatchObject({ status: 'pending', latestVersion: 1 });
    const id = head?.id as string;

    await t.review();
    expect((await t.service.get(id)).content.status).toBe('pending');

    // Too young for the sweep: its request may still be on the way.
    t.advance(5);
    expect((await t.sweeper.sweep()).requeued).toEqual([]);

    t.advance(6);
    const swept = await t.sweeper.sweep();
    expect(swept).toMatchObject({ checked: 1, requeued: [id], failed: [], errors: [] });
    await t.review();
    expect((await t.service.get(id)).content.status).toBe('completed');

    // Completed reviews are not pending any more: the next sweep finds nothing.
    t.advance(10);
    expect(await t.sweeper.sweep()).toMatchObject({ checked: 0, requeued: [] });
  });

  it('should re-queue a pending review at most once per interval and mark it failed when it stays unreviewed', async () => {
    const t = setup();
    t.mode.hang = 1;
    void t.service.submit(submission);
    await new Promise((r) => setTimeout(r, 10));
    t.advance(11);
    expect((await t.sweeper.sweep()).requeued).toHaveLength(1);
    t.published.splice(0); // the reviewer is down: the request is lost again
    t.advance(5);
    expect(await t.sweeper.sweep()).toMatchObject({ checked: 1, requeued: [], failed: [] });
    t.advance(26); // the 30-minute claim has expired
    expect((await t.sweeper.sweep()).requeued).toHaveLength(1);
    t.published.splice(0);
    t.advance(80); // pending for 2 hours
    const gaveUp = await t.sweeper.sweep();
    expect(gaveUp.failed).toHaveLength(1);
    const latest = await t.service.get(gaveUp.failed[0] as string);
    expect(latest.content).toMatchObject({ status: 'failed', failure: { reason: NOT_PICKED_UP_REASON } });
    t.advance(10);
    expect(await t.sweeper.sweep()).toMatchObject({ checked: 0 });
  });

  it('should try again after the interval when the bus refuses the re-queue', async () => {
    const t = setup();
    t.mode.hang = 1;
    void t.service.submit(submission);
    await new Promise((r) => setTimeout(r, 10));
    t.advance(11);
    t.mode.refuse = 1;
    const first = await t.sweeper.sweep();
    expect(first.requeued).toEqual([]);
    expect(first.errors).toHaveLength(1);
    expect((await t.sweeper.sweep()).requeued).toEqual([]);
    t.advance(31);
    expect((await t.sweeper.sweep()).requeued).toHaveLength(1);
    await t.review();
    expect((await t.store.listHeads({ index: 'latest' })).items[0]?.status).toBe('completed');
  });
});

describe('Idempotency-Key on submit', () => {
  it('should answer the same key and body with the same review and store nothing new', async () => {
    const t = setup();
    const first = await submitIdempotent(t.service, submission, { caller: 'local-admin', key: 'key-0001' });
    const again = await submitIdempotent(t.service, { ...submission }, { caller: 'local-admin', key: 'key-0001' });
    expect(first.replayed).toBe(false);
    expect(again).toMatchObject({ replayed: true, version: { id: first.version.id, version: 1 } });
    expect(first.version.id).toBe(idempotentReviewId('local-admin', 'key-0001'));
    expect((await t.store.listHeads({ index: 'latest' })).items).toHaveLength(1);
  });

  it('should refuse the same key with another body, and keep the first review intact', async () => {
    const t = setup();
    const first = await submitIdempotent(t.service, submission, { caller: 'c', key: 'key-0002' });
    await expect(submitIdempotent(t.service, { ...submission, title: 'other' }, { caller: 'c', key: 'key-0002' })).rejects.toBeInstanceOf(IdempotencyKeyReusedError);
    await expect(
      submitIdempotent(t.service, { ...submission, input: { kind: 'plan', plan: { format_version: '1.2', resource_changes: [{}] } } }, { caller: 'c', key: 'key-0002' }),
    ).rejects.toBeInstanceOf(IdempotencyKeyReusedError);
    expect(await t.service.loadInput((await t.service.get(first.version.id)).content)).toEqual(submission.input);
  });

  it('should give two callers using the same key two reviews', async () => {
    const t = setup();
    const a = await submitIdempotent(t.service, submission, { caller: 'a', key: 'shared-key' });
    const b = await submitIdempotent(t.service, { ...submission, title: 'B' }, { caller: 'b', key: 'shared-key' });
    expect(a.version.id).not.toBe(b.version.id);
  });

  it('should resolve concurrent requests with one key to one review', async () => {
    const t = setup();
    const all = await Promise.all(Array.from({ length: 5 }, () => submitIdempotent(t.service, submission, { caller: 'c', key: 'key-race' })));
    expect(new Set(all.map((r) => r.version.id)).size).toBe(1);
    expect(all.filter((r) => !r.replayed)).toHaveLength(1);
    expect((await t.store.listHeads({ index: 'latest' })).items).toHaveLength(1);
  });

  it('should keep the review pending when the bus refuses it, and queue it on the retry with the same key', async () => {
    const t = setup();
    t.mode.refuse = 1;
    await expect(submitIdempotent(t.service, submission, { caller: 'c', key: 'key-0003' })).rejects.toThrow(EventPublishError);
    const id = idempotentReviewId('c', 'key-0003');
    expect((await t.service.get(id)).content.status).toBe('pending');
    const retry = await submitIdempotent(t.service, submission, { caller: 'c', key: 'key-0003' });
    expect(retry).toMatchObject({ replayed: true, version: { id } });
    await t.review();
    expect((await t.service.get(id)).content.status).toBe('completed');
  });

  it.each(['', 'has space', 'x'.repeat(256), 'tab\there', 'ünïcode'])('should refuse the unusable key %j', async (key) => {
    const t = setup();
    await expect(submitIdempotent(t.service, submission, { caller: 'c', key })).rejects.toBeInstanceOf(InvalidIdempotencyKeyError);
  });
});
