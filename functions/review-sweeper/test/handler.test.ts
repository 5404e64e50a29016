import { createIdempotencyStore } from '@iac-review/dynamo-versioning';
import { captureLogger } from '@iac-review/logger/testing';
import { createInMemoryReviewService, createPendingSweep, type ReviewRequestedDetail } from '@iac-review/reviews';
import { createHandler } from '../src/handler';

const result = { riskScore: 10, riskLevel: 'low' as const, confidence: 0.9, summary: 's', findings: [], contributions: [], stats: {}, reviewer: { mode: 'rules-only' as const } };

describe('review-sweeper', () => {
  it('should re-queue a review whose publish was lost, so the reviewer completes it, and report figures', async () => {
    // The in-memory store stamps versions with the real time: the sweep's clock starts there.
    let now = Date.now();
    const clock = () => new Date(now);
    const { service, store, events, table } = createInMemoryReviewService({ clock });
    // The submitting function died between storing version 1 and publishing ReviewRequested.
    events.failNext();
    const v1 = await service.submit({ input: { kind: 'plan', plan: { format_version: '1.2', resource_changes: [] } }, source: 'api', actor: 'dash', onPublishFailure: 'keep-pending' }).catch(() => undefined);
    expect(v1).toBeUndefined();
    const [pending] = (await store.listHeads({ index: 'latest' })).items;
    expect(pending?.status).toBe('pending');

    const log = captureLogger();
    const sweep = createPendingSweep({ store, events, claims: createIdempotencyStore({ port: table, tableName: 'reviews', ttlSeconds: 1800, clock }), clock, logger: log.logger });
    const handler = createHandler({ sweep: sweep.sweep, logger: log.logger });

    expect(await handler()).toEqual({ checked: 0, requeued: 0, failed: 0, errors: 0 });
    now += 11 * 60_000;
    expect(await handler()).toEqual({ checked: 1, requeued: 1, failed: 0, errors: 0 });

    const requested = events.published.filter((e) => e.detailType === 'ReviewRequested').map((e) => e.detail as ReviewRequestedDetail);
    expect(requested).toEqual([{ reviewId: pending?.id, version: 1, source: 'api', inputKind: 'plan' }]);
    await service.complete(requested[0]?.reviewId as string, { requestedVersion: 1, result, status: 'completed', actor: 'ai-reviewer' });
    expect((await service.get(pending?.id as string)).content.status).toBe('completed');

    const lines = log.lines();
    expect(lines.find((l) => l.message === 'pending-review sweep finished' && l.requeued === 1)).toMatchObject({ level: 'warn', requeuedIds: [pending?.id] });
    expect(lines.some((l) => l.type === 'metric' && l.PendingReviewsRequeued === 1)).toBe(true);
  });
});
