import { createInMemoryReviewService, createSpaceliftReviews, EventPublishError, classifyRunState, spaceliftReviewId, type SpaceliftRunEvent } from '../src/index';

const setup = () => {
  const mem = createInMemoryReviewService({ clock: () => new Date('2026-11-29T12:00:00Z') });
  const spacelift = createSpaceliftReviews({ store: mem.store, blobs: mem.blobs, events: mem.events, clock: () => new Date('2026-11-29T12:00:00Z') });
  return { ...mem, spacelift };
};

const ev = (over: Partial<SpaceliftRunEvent> = {}): SpaceliftRunEvent => ({
  account: 'acme',
  runId: '01HZX3J0QK7T3M1V9D3Y6W8E2B',
  runType: 'TRACKED',
  state: 'UNCONFIRMED',
  stateVersion: 5,
  stateAt: '2026-11-29T11:00:00.000Z',
  stackId: 'prod-network',
  stackName: 'Prod network',
  repository: 'acme/infra',
  branch: 'main',
  commitSha: '0ee3a3b7266daf5a1d44a193a0f48ce995fa75eb',
  triggeredBy: 'alice',
  actor: 'spacelift',
  ...over,
});

const ID = 'spacelift:acme:01HZX3J0QK7T3M1V9D3Y6W8E2B';

describe('classifyRunState', () => {
  it.each([
    ['TRACKED', 'UNCONFIRMED', 'review'],
    ['PROPOSED', 'FINISHED', 'review'],
    ['TRACKED', 'FINISHED', 'outcome'],
    ['TRACKED', 'FAILED', 'outcome'],
    ['TRACKED', 'DISCARDED', 'outcome'],
    ['TRACKED', 'STOPPED', 'outcome'],
    ['PROPOSED', 'FAILED', 'outcome'],
    ['TRACKED', 'APPLYING', 'other'],
    ['PROPOSED', 'UNCONFIRMED', 'other'],
    ['TRACKED', 'QUEUED', 'other'],
  ])('%s %s → %s', (type, state, kind) => expect(classifyRunState(type, state)).toBe(kind));
});

describe('spaceliftReviewId', () => {
  it('should be stable per account and run, and hash ids it cannot spell safely', () => {
    expect(spaceliftReviewId('ACME', '01ABC')).toBe('spacelift:acme:01ABC');
    expect(spaceliftReviewId('acme', 'run/../x')).toMatch(/^spacelift:[0-9a-f]{40}$/);
  });
});

describe('Spacelift run reviews', () => {
  it('should submit a tracked run at UNCONFIRMED as a pending review with a run pointer and request it', async () => {
    const { spacelift, events, service } = setup();
    const r = await spacelift.handleRunEvent(ev());
    expect(r.outcome).toBe('review-requested');
    const v = await service.get(ID);
    expect(v.version).toBe(1);
    expect(v.content).toMatchObject({ status: 'pending', source: 'spacelift', stack: 'prod-network', repository: 'acme/infra', ref: 'main', input: { kind: 'spacelift-run' } });
    expect(v.content.external).toMatchObject({ account: 'acme', runId: '01HZX3J0QK7T3M1V9D3Y6W8E2B', runState: 'UNCONFIRMED', stateVersion: '5', trigger: 'UNCONFIRMED', runType: 'TRACKED' });
    expect(await service.loadInput(v.content)).toEqual({ kind: 'spacelift-run', account: 'acme', stackId: 'prod-network', runId: '01HZX3J0QK7T3M1V9D3Y6W8E2B' });
    expect(events.published).toEqual([{ detailType: 'ReviewRequested', detail: { reviewId: ID, version: 1, source: 'spacelift', inputKind: 'spacelift-run' } }]);
  });

  it('should store changes carried in the payload as the input', async () => {
    const { spacelift, service } = setup();
    const changes = [{ action: 'added', address: 'aws_s3_bucket.logs', type: 'aws_s3_bucket', entityType: 'resource', phase: 'plan', values: { bucket: 'logs' } }];
    await spacelift.handleRunEvent(ev({ runType: 'PROPOSED', state: 'FINISHED', changes }));
    const v = await service.get(ID);
    expect(v.content.input.kind).toBe('spacelift-changes');
    expect(await service.loadInput(v.content)).toMatchObject({ kind: 'spacelift-changes', changes });
  });

  it('should treat the same event again as a duplicate and write nothing', async () => {
    const { spacelift, events, service } = setup();
    await spacelift.handleRunEvent(ev());
    const again = await spacelift.handleRunEvent(ev());
    expect(again.outcome).toBe('duplicate');
    expect((await service.get(ID)).version).toBe(1);
    expect(events.published).toHaveLength(1);
  });

  it('should record FAILED after UNCONFIRMED as a new version with state, time and who', async () => {
    const { spacelift, service } = setup();
    await spacelift.handleRunEvent(ev());
    const r = await spacelift.handleRunEvent(ev({ state: 'FAILED', stateVersion: 8, stateAt: '2026-11-29T11:05:00.000Z', by: 'bob' }));
    expect(r.outcome).toBe('outcome-recorded');
    const v = await service.get(ID);
    expect(v.version).toBe(2);
    expect(v.reason).toMatch(/ended FAILED \(by bob\)/);
    expect(v.content.external).toMatchObject({ outcome: 'failed', outcomeAt: '2026-11-29T11:05:00.000Z', outcomeBy: 'bob', runState: 'FAILED', stateVersion: '8' });
    expect((await service.getVersion(ID, 1)).content.external?.outcome).toBeUndefined();
  });

  it('should never let an older state overwrite a newer one (out of order)', async () => {
    const { spacelift, service } = setup();
    await spacelift.handleRunEvent(ev());
    await spacelift.handleRunEvent(ev({ state: 'FAILED', stateVersion: 8 }));
    const late = await spacelift.handleRunEvent(ev({ state: 'STOPPED', stateVersion: 7 }));
    expect(late.outcome).toBe('stale');
    const lateTrigger = await spacelift.handleRunEvent(ev({ state: 'UNCONFIRMED', stateVersion: 4 }));
    expect(lateTrigger.outcome).toBe('stale');
    const v = await service.get(ID);
    expect(v.version).toBe(2);
    expect(v.content.external).toMatchObject({ outcome: 'failed', runState: 'FAILED' });
  });

  it('should order payloads without stateVersion by the state time', async () => {
    const { spacelift, service } = setup();
    await spacelift.handleRunEvent(ev({ stateVersion: undefined, stateAt: '2026-11-29T11:00:00.000Z' }));
    expect((await spacelift.handleRunEvent(ev({ state: 'FINISHED', stateVersion: undefined, stateAt: '2026-11-29T10:59:59.000Z' }))).outcome).toBe('stale');
    expect((await spacelift.handleRunEvent(ev({ state: 'FINISHED', stateVersion: undefined, stateAt: '2026-11-29T11:10:00.000Z' }))).outcome).toBe('outcome-recorded');
    expect((await service.get(ID)).content.external?.outcome).toBe('finished');
  });

  it('should ignore an outcome of a run that has no review, and states that neither trigger nor end one', async () => {
    const { spacelift, events } = setup();
    expect(await spacelift.handleRunEvent(ev({ state: 'FAILED' }))).toMatchObject({ outcome: 'ignored', reason: expect.stringMatching(/has no review/) });
    expect(await spacelift.handleRunEvent(ev({ state: 'APPLYING' }))).toMatchObject({ outcome: 'ignored' });
    expect(events.published).toHaveLength(0);
  });

  it('should make a posted plan the reviewed input, whether it comes before or after the webhook', async () => {
    const after = setup();
    await after.spacelift.handleRunEvent(ev());
    const p = await after.spacelift.submitPlan({ account: 'acme', runId: '01HZX3J0QK7T3M1V9D3Y6W8E2B', stackId: 'prod-network', plan: { format_version: '1.2', resource_changes: [] }, actor: 'ci' });
    expect(p.outcome).toBe('submitted');
    const v = await after.service.get(ID);
    expect(v).toMatchObject({ version: 2, content: { status: 'pending', input: { kind: 'plan' }, external: { reviewInput: 'plan', runState: 'UNCONFIRMED' } } });
    expect((await after.spacelift.submitPlan({ account: 'acme', runId: '01HZX3J0QK7T3M1V9D3Y6W8E2B', stackId: 'prod-network', plan: { format_version: '1.2', resource_changes: [] }, actor: 'ci' })).outcome).toBe('duplicate');

    const before = setup();
    await before.spacelift.submitPlan({ account: 'acme', runId: '01HZX3J0QK7T3M1V9D3Y6W8E2B', stackId: 'prod-network', plan: { format_version: '1.2', resource_changes: [] }, actor: 'ci' });
    const hook = await before.spacelift.handleRunEvent(ev());
    expect(hook).toMatchObject({ outcome: 'duplicate', reason: expect.stringMatching(/plan was posted/) });
    expect((await before.service.get(ID)).content.input.kind).toBe('plan');
    expect(before.events.published).toHaveLength(1);
  });

  it('should record a bus failure and let the redelivery submit again', async () => {
    const { spacelift, events, service } = setup();
    events.failNext();
    await expect(spacelift.handleRunEvent(ev())).rejects.toBeInstanceOf(EventPublishError);
    expect((await service.get(ID)).content.status).toBe('failed');
    const retry = await spacelift.handleRunEvent(ev());
    expect(retry.outcome).toBe('review-requested');
    expect((await service.get(ID)).content.status).toBe('pending');
    expect(events.published).toHaveLength(1);
  });

  it('should create exactly one submission when 20 deliveries of the same event race', async () => {
    const { spacelift, events, service } = setup();
    const results = await Promise.all(Array.from({ length: 20 }, () => spacelift.handleRunEvent(ev())));
    expect(results.filter((r) => r.outcome === 'review-requested')).toHaveLength(1);
    expect((await service.get(ID)).version).toBe(1);
    expect(events.published).toHaveLength(1);
  });
});
