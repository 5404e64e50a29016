import { normalisePlan, policyFromFiles, reviewChanges } from '@iac-review/risk-scoring';
import type { ReviewInput } from '@iac-review/reviews';
import { startGitHubStub, type GitHubStub } from './support/github-stub';
import { busEvent, harness, REPO } from './support/harness';
import { acceptOpenSsh, HEAD_POLICY, openSshPlan } from './support/plans';

/**
 * A plan posted for a pull request (POST /reviews → submitPlan) is reviewed under the base branch's
 * team policy, with the same guarantees as a review of the PR's source: the base's file, never the
 * head's; an invalid or ambiguous one is named and left out; the comment describes the policy.
 */

const BASE = 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb';
const HEAD = 'cccccccccccccccccccccccccccccccccccccccc';

/** NET-002 (high) on aws_security_group.bastion. */
const PLAN = openSshPlan('bastion');
const SUPPRESS = `failOn: high\n${acceptOpenSsh('bastion', 'jump host, reviewed by security')}`;

describe("pr-review-handler: a plan posted for a pull request is reviewed under the base branch's policy", () => {
  let stub: GitHubStub;
  beforeEach(async () => {
    stub = await startGitHubStub();
  });
  afterEach(async () => {
    await stub.close();
  });

  /** [webhook →] plan posted → policy attached → ai-reviewer's review of the stored input (same engine calls) → publish. */
  const runPlan = async (opts: { basePolicy?: Record<string, string>; headPolicy?: Record<string, string>; webhookFirst: boolean }) => {
    stub.setContents(REPO, BASE, { 'main.tf': '', ...opts.basePolicy });
    stub.setContents(REPO, HEAD, { 'main.tf': '', ...opts.headPolicy });
    stub.setPullRequest(REPO, 7, { baseSha: BASE, headSha: HEAD });
    // The plan's resources are not in the PR's files (e.g. a module's): no inline comments.
    stub.setPullRequestFiles(REPO, 7, [{ filename: 'main.tf', status: 'modified', patch: '@@ -1 +1 @@\n-#\n+module "net" {}' }]);
    const h = harness(stub, { failOn: 'never' });
    if (opts.webhookFirst) await h.github.submitPush({ repository: REPO, pullRequest: 7, headSha: HEAD, baseSha: BASE, deliveryId: 'd-plan', action: 'opened', actor: 'github:octocat' });
    const posted = await h.github.submitPlan({ repository: REPO, pullRequest: 7, headSha: HEAD, plan: PLAN, actor: 'api:ci' });
    expect(posted).toMatchObject({ outcome: 'submitted', version: { content: { input: { kind: 'pull-request' }, external: { reviewInput: 'plan' } } } });
    const requested = h.events.published.at(-1)?.detail as { inputKind: string; version: number };
    expect(requested).toMatchObject({ inputKind: 'pull-request', version: posted.version.version });
    const fetched = await h.handler(busEvent('ReviewRequested', { reviewId: posted.version.id, version: requested.version, source: 'github', inputKind: 'pull-request' }));
    expect(fetched).toMatchObject({ outcome: 'fetched' });
    // Before the review, only the base commit's policy files were read (never the head's).
    const policyReadsBeforeReview = stub.requests.filter((r) => /\/contents\/\.iac-review\./.test(r.path)).map((r) => r.ref);
    const latest = await h.service.get(posted.version.id);
    expect(h.events.published.at(-1)?.detail).toMatchObject({ inputKind: 'plan', version: latest.version });
    const input = (await h.service.loadInput(latest.content)) as Extract<ReviewInput, { kind: 'plan' }>;
    // What ai-reviewer does with a plan input (functions/ai-reviewer/src/handler.ts).
    const { policy } = policyFromFiles(input.policyFiles ?? []);
    const reviewed = reviewChanges(normalisePlan(input.plan), { inputKind: 'plan', ...(input.policyFiles?.length ? { policy } : {}) });
    const done = await h.service.complete(posted.version.id, { requestedVersion: latest.version, result: { ...reviewed, stats: { ...reviewed.stats }, reviewer: { mode: 'rules-only' as const } }, status: 'completed', actor: 'ai-reviewer' });
    const published = await h.handler(busEvent('ReviewCompleted', { reviewId: posted.version.id, version: done.version.version, source: 'github' }));
    const net = reviewed.findings.filter((f) => f.ruleId === 'NET-002').map((f) => [f.resourceAddress, f.suppressed?.reason ?? null]);
    return { h, latest, input, reviewed, net, published, policyReadsBeforeReview, comment: stub.comments(REPO, 7)[0]?.body ?? '' };
  };

  it("should suppress a finding the base branch's policy accepts, and describe that policy in the comment", async () => {
    const { input, net, latest, published, comment } = await runPlan({ basePolicy: { '.iac-review.yml': SUPPRESS }, headPolicy: { '.iac-review.yml': SUPPRESS }, webhookFirst: true });
    expect(input).toEqual({ kind: 'plan', plan: PLAN, policyFiles: [{ path: '.iac-review.yml', content: SUPPRESS }] });
    expect(latest.content.external).toMatchObject({ baseSha: BASE, headSha: HEAD, reviewInput: 'plan' });
    expect(net).toEqual([['aws_security_group.bastion', 'jump host, reviewed by security']]);
    expect(published).toMatchObject({ outcome: 'published', result: { check: { conclusion: 'success' } } });
    expect(comment).toContain('**reviewed from plan**');
    expect(comment).toContain('### Team policy');
    expect(comment).toContain('Policy: `.iac-review.yml` from the base branch (`bbbbbbb`).');
    expect(comment).toContain('<details><summary>Suppressed (1): accepted risks, not counted in the score</summary>');
    expect(comment).not.toContain('This pull request changes the policy file');
  });

  it("should not let the head branch's policy suppress a finding in the plan's review, and say what the change would do", async () => {
    const { input, net, reviewed, published, comment, policyReadsBeforeReview } = await runPlan({ basePolicy: { '.iac-review.yml': 'failOn: high\n' }, headPolicy: { '.iac-review.yml': HEAD_POLICY }, webhookFirst: true });
    expect(input.policyFiles).toEqual([{ path: '.iac-review.yml', content: 'failOn: high\n' }]);
    expect(net).toEqual([['aws_security_group.bastion', null]]);
    expect(reviewed.riskLevel).toBe('high');
    // The base's failOn (high) decides the check, not the head's (critical) nor the deployment's (never).
    expect(published).toMatchObject({ outcome: 'published', result: { check: { conclusion: 'failure' } } });
    expect(comment).toContain('**reviewed from plan**');
    expect(comment).toContain('This pull request changes the policy file; the change applies only once merged');
    expect(comment).toContain('failOn would change from high to critical.');
    expect(comment).toContain('Suppression NET-002 on aws_security_group.bastion (until 2999-01-01, reason: trust me) would be added; it would silence 1 finding(s) of this review.');
    // The head's file was read only to describe it (at publish): before the review, only the base commit was asked for.
    expect(policyReadsBeforeReview).toEqual([BASE, BASE, BASE]);
    expect(stub.requests.some((r) => r.path.endsWith('/contents/.iac-review.yml') && r.ref === HEAD)).toBe(true);
  });

  it('should name an invalid base policy in the notes and review the plan without it', async () => {
    const { input, latest, net, comment } = await runPlan({ basePolicy: { '.iac-review.yml': 'suppressions:\n  - rule: NET-002\n' }, headPolicy: { '.iac-review.yml': HEAD_POLICY }, webhookFirst: true });
    expect(input).toEqual({ kind: 'plan', plan: PLAN });
    const note = "The base branch's policy file is invalid and was not applied: .iac-review.yml:2: suppressions[0].resource: is required";
    expect(latest.content.inputNotes).toEqual([note]);
    expect(net).toEqual([['aws_security_group.bastion', null]]);
    expect(comment).toContain(note);
  });

  it('should apply neither file when the base branch has two policy files', async () => {
    const { input, latest, net } = await runPlan({ basePolicy: { '.iac-review.yml': SUPPRESS, '.iac-review.json': '{"failOn": "high"}' }, webhookFirst: true });
    expect(input.policyFiles).toBeUndefined();
    expect(latest.content.inputNotes).toEqual(["The base branch's policy was not applied: commit bbbbbbb has 2 policy files (.iac-review.yml, .iac-review.json); keep exactly one."]);
    expect(net).toEqual([['aws_security_group.bastion', null]]);
  });

  it('should learn the base commit from GitHub when the plan comes before any webhook', async () => {
    const { h, input, latest, net, comment } = await runPlan({ basePolicy: { '.iac-review.yml': SUPPRESS }, headPolicy: { '.iac-review.yml': HEAD_POLICY }, webhookFirst: false });
    expect(stub.requests.some((r) => r.method === 'GET' && r.path === `/repos/${REPO}/pulls/7`)).toBe(true);
    expect(input.policyFiles).toEqual([{ path: '.iac-review.yml', content: SUPPRESS }]);
    expect(latest.content.external).toMatchObject({ baseSha: BASE, headSha: HEAD });
    expect(net).toEqual([['aws_security_group.bastion', 'jump host, reviewed by security']]);
    expect(comment).toContain('Policy: `.iac-review.yml` from the base branch (`bbbbbbb`).');
    expect(h.log.lines().some((l) => l.baseShaFrom === 'github')).toBe(true);
  });

  it('should review the plan without a policy, and say why, when GitHub does not show the pull request', async () => {
    stub.setContents(REPO, BASE, { '.iac-review.yml': SUPPRESS });
    const h = harness(stub, { failOn: 'never' });
    const posted = await h.github.submitPlan({ repository: REPO, pullRequest: 7, headSha: HEAD, plan: PLAN, actor: 'api:ci' });
    const out = await h.handler(busEvent('ReviewRequested', { reviewId: posted.version.id, version: 1, source: 'github', inputKind: 'pull-request' }));
    expect(out).toMatchObject({ outcome: 'fetched', version: 2, files: 0, notes: 1 });
    const latest = await h.service.get(posted.version.id);
    expect(latest.content.inputNotes).toEqual(['No team policy was applied: GitHub answered 404 when pull request #7 (to learn its base branch) was read.']);
    expect(latest.content.external?.baseSha).toBeUndefined();
    expect(await h.service.loadInput(latest.content)).toEqual({ kind: 'plan', plan: PLAN });
  });

  it('should retry (throw, write nothing) when GitHub fails while the base policy is read', async () => {
    stub.setPullRequest(REPO, 7, { baseSha: BASE, headSha: HEAD });
    const h = harness(stub, { failOn: 'never', maxRetries: 0 });
    const posted = await h.github.submitPlan({ repository: REPO, pullRequest: 7, headSha: HEAD, plan: PLAN, actor: 'api:ci' });
    stub.rateLimitNext({ status: 403, kind: 'primary', resetInSeconds: 3600 }, 5, /contents/);
    await expect(h.handler(busEvent('ReviewRequested', { reviewId: posted.version.id, version: 1, source: 'github', inputKind: 'pull-request' }))).rejects.toThrow();
    const latest = await h.service.get(posted.version.id);
    expect(latest.version).toBe(1);
    expect(latest.content).toMatchObject({ status: 'pending', input: { kind: 'pull-request' } });
  });
});
