import { EventPublishError, createGithubReviews, createInMemoryReviewService, githubReviewId, QUEUE_FAILED_REASON } from '../src/index';

const result = {
  riskScore: 40,
  riskLevel: 'medium' as const,
  confidence: 0.8,
  summary: 's',
  findings: [],
  contributions: [],
  stats: {},
  reviewer: { mode: 'rules-only' as const },
};

const setup = () => {
  const mem = createInMemoryReviewService({ clock: () => new Date('2026-11-29T12:00:00Z') });
  const github = createGithubReviews({ store: mem.store, blobs: mem.blobs, events: mem.events, clock: () => new Date('2026-11-29T12:00:00Z') });
  return { ...mem, github };
};

const push = (headSha: string, extra: Partial<Parameters<ReturnType<typeof setup>['github']['submitPush']>[0]> = {}) => ({
  repository: 'Acme/Infra',
  pullRequest: 7,
  headSha,
  baseSha: 'b'.repeat(40),
  deliveryId: `d-${headSha.slice(0, 4)}`,
  action: 'synchronize',
  actor: 'github:octocat',
  ...extra,
});

const SHA1 = '1'.repeat(40);
const SHA2 = '2'.repeat(40);

describe('githubReviewId', () => {
  it('should be stable per repository and PR, case-insensitive, and fit the review id alphabet', () => {
    expect(githubReviewId('Acme/Infra', 7)).toBe('github:acme:infra:7');
    expect(githubReviewId('acme/infra', 7)).toBe(githubReviewId('ACME/INFRA', 7));
    expect(githubReviewId('acme/infra', 8)).not.toBe(githubReviewId('acme/infra', 7));
    // 39-character owner + 100-character repository: hashed, still ≤ 128 characters.
    const long = githubReviewId(`${'o'.repeat(39)}/${'r'.repeat(100)}`, 123456);
    expect(long).toMatch(/^github:[0-9a-f]{40}$/);
    expect(() => githubReviewId('acme', 1)).toThrow(/owner\/name/);
    expect(() => githubReviewId('acme/infra', 0)).toThrow(/positive integer/);
  });
});

describe('pull-request reviews', () => {
  it('should create one review per PR and append a pending pull-request submission per new head SHA', async () => {
    const { github, events, store } = setup();
    const first = await github.submitPush(push(SHA1, { action: 'opened', title: 'Add bucket' }));
    const second = await github.submitPush(push(SHA2));
    expect(first).toMatchObject({ outcome: 'submitted', version: { id: 'github:acme:infra:7', version: 1, content: { status: 'pending', source: 'github', input: { kind: 'pull-request' }, external: { headSha: SHA1, pullRequest: '7' } } } });
    expect(second).toMatchObject({ outcome: 'submitted', version: { id: 'github:acme:infra:7', version: 2, content: { title: 'Add bucket', external: { headSha: SHA2, action: 'synchronize' } } } });
    expect(events.published.map((e) => e.detail)).toEqual([
      { reviewId: 'github:acme:infra:7', version: 1, source: 'github', inputKind: 'pull-request' },
      { reviewId: 'github:acme:infra:7', version: 2, source: 'github', inputKind: 'pull-request' },
    ]);
    expect((await store.listVersions('github:acme:infra:7')).items).toHaveLength(2);
  });

  it('should treat the same head SHA again as a duplicate, also when 20 arrive at once', async () => {
    const { github, events, store } = setup();
    const all = await Promise.all(Array.from({ length: 20 }, (_, i) => github.submitPush(push(SHA1, { deliveryId: `delivery-${i}` }))));
    expect(all.filter((r) => r.outcome === 'submitted')).toHaveLength(1);
    expect(new Set(all.map((r) => r.version.id))).toEqual(new Set(['github:acme:infra:7']));
    expect(events.published).toHaveLength(1);
    expect((await store.listVersions('github:acme:infra:7')).items).toHaveLength(1);
  });

  it('should record a queueing failure so that a retry of the same push is not a duplicate', async () => {
    const { github, events, service } = setup();
    events.failNext();
    await expect(github.submitPush(push(SHA1))).rejects.toBeInstanceOf(EventPublishError);
    expect((await service.get('github:acme:infra:7')).content).toMatchObject({ status: 'failed', failure: { reason: QUEUE_FAILED_REASON } });
    const retry = await github.submitPush(push(SHA1));
    expect(retry).toMatchObject({ outcome: 'submitted', version: { version: 3, content: { status: 'pending' } } });
    expect(retry.version.content.failure).toBeUndefined();
  });

  it('should attach fetched files once and re-request on re-delivery; a newer push supersedes older fetches', async () => {
    const { github, events } = setup();
    const v1 = await github.submitPush(push(SHA1));
    const files = { kind: 'hcl' as const, files: [{ path: 'main.tf', content: 'resource "aws_s3_bucket" "b" {}' }] };
    const attached = await github.attachFetchedInput(v1.version.id, { requestedVersion: 1, headSha: SHA1, input: files, notes: ['skipped docs.md: not Terraform'], actor: 'pr-review-handler' });
    expect(attached).toMatchObject({ outcome: 'requested', version: { version: 2, content: { status: 'pending', input: { kind: 'hcl' }, inputNotes: ['skipped docs.md: not Terraform'], external: { fetchedFor: '1', reviewInput: 'hcl' } } } });
    const again = await github.attachFetchedInput(v1.version.id, { requestedVersion: 1, headSha: SHA1, input: files, notes: [], actor: 'pr-review-handler' });
    expect(again).toMatchObject({ outcome: 're-requested', version: { version: 2 } });
    expect(events.published.map((e) => (e.detail as { inputKind: string; version: number }).inputKind)).toEqual(['pull-request', 'hcl', 'hcl']);

    await github.submitPush(push(SHA2));
    const stale = await github.attachFetchedInput(v1.version.id, { requestedVersion: 1, headSha: SHA1, input: files, notes: [], actor: 'pr-review-handler' });
    expect(stale.outcome).toBe('superseded');
  });

  it('should leave fetched files pending when the bus refuses them, and request them again on re-delivery', async () => {
    // Prepare
    const { github, events, service } = setup();
    const v1 = await github.submitPush(push(SHA1));
    const files = { kind: 'hcl' as const, files: [{ path: 'main.tf', content: 'resource "aws_s3_bucket" "b" {}' }] };
    events.failNext();
    // Act
    const refused = github.attachFetchedInput(v1.version.id, { requestedVersion: 1, headSha: SHA1, input: files, notes: [], actor: 'pr-review-handler' });
    // Assert: retryable, nothing but the fetched version written (no failure recorded)
    await expect(refused).rejects.toThrow(/could not be queued; the event will be retried/);
    expect((await service.get(v1.version.id)).content).toMatchObject({ status: 'pending', input: { kind: 'hcl' } });
    expect((await service.get(v1.version.id)).version).toBe(2);
    const again = await github.attachFetchedInput(v1.version.id, { requestedVersion: 1, headSha: SHA1, input: files, notes: [], actor: 'pr-review-handler' });
    expect(again).toMatchObject({ outcome: 're-requested', version: { version: 2 } });
    expect(events.published.map((e) => e.detail)).toEqual([
      expect.objectContaining({ version: 1, inputKind: 'pull-request', source: 'github' }),
      expect.objectContaining({ version: 2, inputKind: 'hcl', source: 'github' }),
    ]);
  });

  it('should let a plan for the same head SHA replace the fetched files, and a later webhook for that SHA be a duplicate', async () => {
    const { github, service, blobs } = setup();
    const plan = { format_version: '1.2', resource_changes: [] };
    const fromPlan = await github.submitPlan({ repository: 'acme/infra', pullRequest: 7, headSha: SHA1, plan, actor: 'ci' });
    expect(fromPlan).toMatchObject({ outcome: 'submitted', version: { version: 1, content: { source: 'github', input: { kind: 'pull-request' }, external: { reviewInput: 'plan', headSha: SHA1 } } } });
    const pointer = (await service.loadInput(fromPlan.version.content)) as unknown as { kind: string; headSha: string; plan: { key: string } };
    expect(pointer).toMatchObject({ kind: 'pull-request', headSha: SHA1 });
    expect(JSON.parse((await blobs.get(pointer.plan.key)).toString('utf8'))).toEqual({ kind: 'plan', plan });
    expect((await github.submitPlan({ repository: 'acme/infra', pullRequest: 7, headSha: SHA1, plan, actor: 'ci' })).outcome).toBe('duplicate');
    expect((await github.submitPush(push(SHA1))).outcome).toBe('duplicate');
    // A fetch that was already under way for the same SHA does not override the plan.
    const hook = await github.submitPush(push(SHA2));
    await github.submitPlan({ repository: 'acme/infra', pullRequest: 7, headSha: SHA2, plan, actor: 'ci' });
    const fetched = await github.attachFetchedInput(hook.version.id, { requestedVersion: hook.version.version, headSha: SHA2, input: { kind: 'hcl', files: [] }, notes: [], actor: 'x' });
    expect(fetched.outcome).toBe('superseded');
  });

  it('should keep the base commit a webhook recorded for the same head SHA when a plan is posted, and not guess one for a new SHA', async () => {
    const { github } = setup();
    await github.submitPush(push(SHA1));
    const same = await github.submitPlan({ repository: 'acme/infra', pullRequest: 7, headSha: SHA1, plan: { format_version: '1.2', resource_changes: [] }, actor: 'ci' });
    expect(same.version.content.external).toMatchObject({ headSha: SHA1, baseSha: 'b'.repeat(40), reviewInput: 'plan' });
    const next = await github.submitPlan({ repository: 'acme/infra', pullRequest: 7, headSha: SHA2, plan: { format_version: '1.2', resource_changes: [] }, actor: 'ci' });
    expect(next.version.content.external?.headSha).toBe(SHA2);
    expect(next.version.content.external?.baseSha).toBeUndefined();
  });

  it("should attach the base branch's policy to a posted plan as a new input, record the base commit and notes, and request the review", async () => {
    const { github, service, events } = setup();
    const plan = { format_version: '1.2', resource_changes: [{ address: 'a.b', type: 'a', name: 'b', change: { actions: ['create'], after: {} } }] };
    const posted = await github.submitPlan({ repository: 'acme/infra', pullRequest: 7, headSha: SHA1, plan, actor: 'ci' });
    const pointerRef = posted.version.content.input;
    const policyFile = { path: '.iac-review.yml', content: 'failOn: high\n' };
    const attached = await github.attachPlanPolicy(posted.version.id, pointerRef, { requestedVersion: 1, headSha: SHA1, baseSha: 'c'.repeat(40), policyFile, notes: [], actor: 'pr-review-handler' });
    expect(attached).toMatchObject({ outcome: 'requested', version: { version: 2, content: { status: 'pending', input: { kind: 'plan' }, external: { reviewInput: 'plan', fetchedFor: '1', baseSha: 'c'.repeat(40), headSha: SHA1 } } } });
    expect(await service.loadInput(attached.version.content)).toEqual({ kind: 'plan', plan, policyFiles: [policyFile] });
    // The plan's own stored input is left as it was (inputs are immutable).
    const pointer = (await service.loadInput(posted.version.content)) as unknown as { plan: { key: string } };
    expect(attached.version.content.input.key).not.toBe(pointer.plan.key);
    expect(events.published.map((e) => (e.detail as { inputKind: string }).inputKind)).toEqual(['pull-request', 'plan']);
    // A re-delivered request re-announces; it writes nothing.
    expect(await github.attachPlanPolicy(posted.version.id, pointerRef, { requestedVersion: 1, headSha: SHA1, policyFile, notes: [], actor: 'x' })).toMatchObject({ outcome: 're-requested', version: { version: 2 } });
  });

  it('should review the plan as posted, with the notes, when the base branch has no valid policy; and leave it pending to retry when the bus refuses', async () => {
    const { github, service, events } = setup();
    const plan = { format_version: '1.2', resource_changes: [] };
    const posted = await github.submitPlan({ repository: 'acme/infra', pullRequest: 7, headSha: SHA1, plan, actor: 'ci' });
    const pointer = (await service.loadInput(posted.version.content)) as unknown as { plan: { key: string; sha256: string } };
    events.failNext();
    const notes = ["The base branch's policy file is invalid and was not applied: .iac-review.yml:1: failOn: must be one of"];
    await expect(github.attachPlanPolicy(posted.version.id, posted.version.content.input, { requestedVersion: 1, headSha: SHA1, notes, actor: 'x' })).rejects.toThrow(/could not be queued/);
    const again = await github.attachPlanPolicy(posted.version.id, posted.version.content.input, { requestedVersion: 1, headSha: SHA1, notes, actor: 'x' });
    expect(again).toMatchObject({ outcome: 're-requested', version: { version: 2, content: { status: 'pending', inputNotes: notes, input: { kind: 'plan', key: pointer.plan.key, sha256: pointer.plan.sha256 } } } });
    expect(await service.loadInput(again.version.content)).toEqual({ kind: 'plan', plan });
    // A newer push supersedes a plan whose policy was still being read.
    const later = await github.submitPlan({ repository: 'acme/infra', pullRequest: 7, headSha: SHA2, plan, actor: 'ci' });
    await github.submitPush(push('3'.repeat(40)));
    expect((await github.attachPlanPolicy(later.version.id, later.version.content.input, { requestedVersion: later.version.version, headSha: SHA2, notes: [], actor: 'x' })).outcome).toBe('superseded');
  });

  it('should append the outcome when the PR closes, keep the result, and drop per-push details on the next push', async () => {
    const { github, service } = setup();
    const v1 = await github.submitPush(push(SHA1));
    await service.complete(v1.version.id, { requestedVersion: 1, result, status: 'completed', actor: 'ai-reviewer' });
    const closed = await github.recordOutcome({ repository: 'acme/infra', pullRequest: 7, merged: true, closedAt: '2026-11-29T13:00:00Z', deliveryId: 'x', actor: 'github:octocat' });
    expect(closed).toMatchObject({ outcome: 'submitted', version: { version: 3, reason: 'pull request merged', content: { status: 'completed', result: { riskLevel: 'medium' }, external: { outcome: 'merged', closedAt: '2026-11-29T13:00:00Z' } } } });
    expect((await github.recordOutcome({ repository: 'acme/infra', pullRequest: 7, merged: true, closedAt: '2026-11-29T13:00:00Z', deliveryId: 'y', actor: 'a' }))?.outcome).toBe('duplicate');
    expect(await github.recordOutcome({ repository: 'acme/infra', pullRequest: 99, merged: false, deliveryId: 'z', actor: 'a' })).toBeUndefined();
    const reopened = await github.submitPush(push(SHA2, { action: 'reopened' }));
    expect(reopened.version.content.external?.outcome).toBeUndefined();
    expect(reopened.version.content.result).toBeUndefined();
  });
});
