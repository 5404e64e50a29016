import { VersionConflictError } from '@iac-review/dynamo-versioning';
import { createInMemoryReviewService, EventPublishError, FeedbackRejectedError, reviewHead } from '../src/index';

const result = {
  riskScore: 72,
  riskLevel: 'high' as const,
  confidence: 0.9,
  summary: 's',
  findings: [{ ruleId: 'NET-001', severity: 'high' as const, category: 'network-exposure' as const, resourceAddress: 'aws_security_group.web', message: 'm', remediation: 'r' }],
  contributions: [],
  stats: {},
  reviewer: { mode: 'rules-only' as const },
};

const setup = () => {
  let n = 0;
  return createInMemoryReviewService({ ids: () => `review-${++n}-abcdef`, clock: () => new Date('2026-11-25T12:00:00Z') });
};

describe('review service', () => {
  it('should store the input once, write a pending version 1 and request a review', async () => {
    const { service, events } = setup();
    const v1 = await service.submit({ input: { kind: 'plan', plan: { resource_changes: [] } }, source: 'api', repository: 'acme/infra', title: 'T', actor: 'dash' });
    expect(v1).toMatchObject({ version: 1, actor: 'dash', content: { status: 'pending', repository: 'acme/infra', input: { kind: 'plan' } } });
    expect(events.published).toEqual([{ detailType: 'ReviewRequested', detail: { reviewId: v1.id, version: 1, source: 'api', inputKind: 'plan' } }]);
    expect(await service.loadInput(v1.content)).toEqual({ kind: 'plan', plan: { resource_changes: [] } });
    const page = await service.list({ repository: 'acme/infra' });
    expect(page.items.map((h) => h.id)).toEqual([v1.id]);
  });

  it('should record a failed version, not a forever-pending one, when the bus refuses the request', async () => {
    const { service, events } = setup();
    events.failNext();
    await expect(service.submit({ input: { kind: 'hcl', files: [{ path: 'a.tf', content: '' }] }, source: 'api', actor: 'dash' })).rejects.toBeInstanceOf(EventPublishError);
    const latest = await service.get('review-1-abcdef');
    expect(latest).toMatchObject({ version: 2, content: { status: 'failed' } });
  });

  it('should complete once: a re-delivered request creates no second version and re-announces the same one', async () => {
    const { service, events } = setup();
    const v1 = await service.submit({ input: { kind: 'plan', plan: {} }, source: 'api', actor: 'dash' });
    const first = await service.complete(v1.id, { requestedVersion: 1, result, status: 'completed', actor: 'ai-reviewer' });
    const again = await service.complete(v1.id, { requestedVersion: 1, result, status: 'completed', actor: 'ai-reviewer' });
    expect(first).toMatchObject({ created: true, version: { version: 2, content: { status: 'completed', result: { reviewedVersion: 1, riskLevel: 'high' } } } });
    expect(again).toMatchObject({ created: false, version: { version: 2 } });
    const completed = events.published.filter((e) => e.detailType === 'ReviewCompleted');
    expect(completed.map((e) => (e.detail as { version: number }).version)).toEqual([2, 2]);
    expect((await service.listVersions(v1.id, {})).items).toHaveLength(2);
  });

  it('should announce on retry when the first attempt wrote the version but the bus failed', async () => {
    const { service, events } = setup();
    const v1 = await service.submit({ input: { kind: 'plan', plan: {} }, source: 'api', actor: 'dash' });
    events.failNext();
    await expect(service.complete(v1.id, { requestedVersion: 1, result, status: 'completed', actor: 'ai-reviewer' })).rejects.toBeInstanceOf(EventPublishError);
    const retry = await service.complete(v1.id, { requestedVersion: 1, result, status: 'completed', actor: 'ai-reviewer' });
    expect(retry.created).toBe(false);
    expect(events.published.filter((e) => e.detailType === 'ReviewCompleted')).toHaveLength(1);
  });

  it('should record an unreviewable submission as failed once', async () => {
    const { service } = setup();
    const v1 = await service.submit({ input: { kind: 'plan', plan: { resource_changes: 'nope' } }, source: 'api', actor: 'dash' });
    const first = await service.fail(v1.id, { requestedVersion: 1, reason: 'resource_changes is not an array', actor: 'ai-reviewer' });
    const again = await service.fail(v1.id, { requestedVersion: 1, reason: 'resource_changes is not an array', actor: 'ai-reviewer' });
    expect(first).toMatchObject({ created: true, version: { version: 2, content: { status: 'failed', failure: { reason: 'resource_changes is not an array' } } } });
    expect(again.created).toBe(false);
  });

  it('should announce a failed review as ReviewCompleted with status failed, again on a re-delivery, and retryably', async () => {
    const { service, events } = setup();
    const v1 = await service.submit({ input: { kind: 'plan', plan: { resource_changes: 'nope' } }, source: 'api', repository: 'acme/infra', actor: 'dash' });
    events.failNext();
    await expect(service.fail(v1.id, { requestedVersion: 1, reason: 'bad plan', actor: 'ai-reviewer' })).rejects.toBeInstanceOf(EventPublishError);
    await service.fail(v1.id, { requestedVersion: 1, reason: 'bad plan', actor: 'ai-reviewer' });
    const completed = events.published.filter((e) => e.detailType === 'ReviewCompleted');
    expect(completed.map((e) => e.detail)).toEqual([{ reviewId: v1.id, version: 2, status: 'failed', source: 'api', repository: 'acme/infra' }]);
    expect((await service.listVersions(v1.id, {})).items).toHaveLength(2);
  });

  it('should apply feedback as new versions and reject stale or senseless feedback', async () => {
    const { service } = setup();
    const v1 = await service.submit({ input: { kind: 'plan', plan: {} }, source: 'api', actor: 'dash' });
    await service.complete(v1.id, { requestedVersion: 1, result, status: 'completed', actor: 'ai-reviewer' });

    const v3 = await service.feedback(v1.id, { action: 'dismiss-finding', findingId: 'NET-001@aws_security_group.web', comment: 'intended', actor: 'alice', expectedVersion: 2 });
    expect(v3.content.dismissedFindings).toEqual(['NET-001@aws_security_group.web']);
    const v4 = await service.feedback(v1.id, { action: 'override-risk', riskLevel: 'low', comment: 'ok', actor: 'bob' });
    expect(reviewHead(v4.content).riskLevel).toBe('low');

    await expect(service.feedback(v1.id, { action: 'acknowledge', comment: 'x', actor: 'c', expectedVersion: 2 })).rejects.toBeInstanceOf(VersionConflictError);
    await expect(service.feedback(v1.id, { action: 'dismiss-finding', findingId: 'NOPE@x', comment: 'x', actor: 'c' })).rejects.toBeInstanceOf(FeedbackRejectedError);
    await expect(service.feedback(v1.id, { action: 'override-risk', comment: 'x', actor: 'c' })).rejects.toBeInstanceOf(FeedbackRejectedError);

    const v5 = await service.feedback(v1.id, { action: 'reopen', comment: 'again', actor: 'alice' });
    expect(v5.content).toMatchObject({ acknowledged: false, dismissedFindings: [] });
    expect(v5.content.riskOverride).toBeUndefined();
    expect(v5.content.feedback.map((f) => f.action)).toEqual(['dismiss-finding', 'override-risk', 'reopen']);
  });
});
