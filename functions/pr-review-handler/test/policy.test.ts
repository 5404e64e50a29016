import { evaluateHcl, policyFromFiles, reviewChanges } from '@iac-review/risk-scoring';
import { captureLogger } from '@iac-review/logger/testing';
import { createGitHubClient } from '../src/github-client';
import { describePolicy } from '../src/policy';
import { startGitHubStub, type GitHubStub } from './support/github-stub';
import { busEvent, harness, REPO } from './support/harness';
import { HEAD_POLICY } from './support/plans';

const BASE = 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb';
const HEAD = 'cccccccccccccccccccccccccccccccccccccccc';

const SG = `resource "aws_security_group" "bastion" {
  name = "bastion"
  ingress {
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}
`;
const BASE_POLICY = 'failOn: high\n';

describe('pr-review-handler: the team policy comes from the base branch', () => {
  let stub: GitHubStub;
  beforeEach(async () => {
    stub = await startGitHubStub();
  });
  afterEach(async () => {
    await stub.close();
  });

  /** webhook → fetch → ai-reviewer's review of the stored input (same engine calls) → publish. */
  const runPush = async (basePolicy: string) => {
    stub.setPullRequestFiles(REPO, 7, [
      { filename: 'net/sg.tf', status: 'added', patch: `@@ -0,0 +1,9 @@\n${SG.trimEnd().split('\n').map((l) => `+${l}`).join('\n')}` },
      { filename: '.iac-review.yml', status: 'modified', patch: '@@ -1 +1,6 @@\n-failOn: high\n+failOn: critical' },
    ]);
    stub.setContents(REPO, BASE, { '.iac-review.yml': basePolicy });
    stub.setContents(REPO, HEAD, { 'net/sg.tf': SG, '.iac-review.yml': HEAD_POLICY });
    const h = harness(stub, { failOn: 'never' });
    const pushed = await h.github.submitPush({ repository: REPO, pullRequest: 7, headSha: HEAD, baseSha: BASE, deliveryId: 'd-policy', action: 'opened', actor: 'github:octocat' });
    const fetched = await h.handler(busEvent('ReviewRequested', { reviewId: pushed.version.id, version: pushed.version.version, source: 'github', inputKind: 'pull-request' }));
    expect(fetched).toMatchObject({ outcome: 'fetched' });
    const latest = await h.service.get(pushed.version.id);
    const input = (await h.service.loadInput(latest.content)) as { kind: 'hcl'; files: Array<{ path: string; content: string }> };
    // What ai-reviewer does with the stored input.
    const hcl = evaluateHcl(input.files);
    const { policy } = policyFromFiles(input.files);
    const reviewed = reviewChanges(hcl.changes, { inputKind: 'hcl', hcl: hcl.coverage, policy });
    const done = await h.service.complete(pushed.version.id, { requestedVersion: (fetched as { version: number }).version, result: { ...reviewed, stats: { ...reviewed.stats }, reviewer: { mode: 'rules-only' as const } }, status: 'completed', actor: 'ai-reviewer' });
    const published = await h.handler(busEvent('ReviewCompleted', { reviewId: pushed.version.id, version: done.version.version, source: 'github' }));
    return { input, reviewed, published, comment: stub.comments(REPO, 7)[0]?.body ?? '' };
  };

  it('should not let a head-branch config change suppress a finding in the PR review', async () => {
    const { input, reviewed, published, comment } = await runPush(BASE_POLICY);
    // The stored input holds the base branch's policy file, never the head's.
    expect(input.files.map((f) => [f.path, f.content])).toEqual([
      ['net/sg.tf', SG],
      ['.iac-review.yml', BASE_POLICY],
    ]);
    const net = reviewed.findings.filter((f) => f.ruleId === 'NET-002');
    expect(net.map((f) => [f.resourceAddress, f.suppressed ?? null])).toEqual([['aws_security_group.bastion', null]]);
    // The base's failOn (high) decides the check, not the head's (critical) nor the deployment's (never).
    expect(reviewed.riskLevel).toBe('high');
    expect(published).toMatchObject({ outcome: 'published', result: { check: { conclusion: 'failure' } } });
    // The comment says the PR changes the policy and what that would do, and lists the finding as active.
    expect(comment).toContain('### Team policy');
    expect(comment).toContain("Policy: `.iac-review.yml` from the base branch (`bbbbbbb`).");
    expect(comment).toContain('This pull request changes the policy file; the change applies only once merged');
    expect(comment).toContain('failOn would change from high to critical.');
    expect(comment).toContain('Suppression NET-002 on aws_security_group.bastion (until 2999-01-01, reason: trust me) would be added; it would silence 1 finding(s) of this review.');
    expect(comment).not.toContain('Suppressed (');
    // Both versions were read through the contents API at their own SHA.
    const policyReads = stub.requests.filter((r) => r.path.endsWith('/contents/.iac-review.yml'));
    expect(policyReads.length).toBeGreaterThanOrEqual(3); // base at fetch; base and head at publish
  });

  it('should apply the same suppression when it is on the base branch (control)', async () => {
    const { reviewed, published, comment } = await runPush(HEAD_POLICY);
    expect(reviewed.findings.filter((f) => f.ruleId === 'NET-002').map((f) => f.suppressed?.reason)).toEqual(['trust me']);
    expect(reviewed.riskLevel).not.toBe('high');
    expect(published).toMatchObject({ outcome: 'published', result: { check: { conclusion: 'success' }, inline: { action: 'none' } } });
    expect(comment).toContain('<details><summary>Suppressed (1): accepted risks, not counted in the score</summary>');
    expect(comment).toContain('- `NET-002` on `aws_security_group.bastion` (high): trust me · until 2999-01-01 · `.iac-review.yml:3`');
    expect(comment).not.toContain('This pull request changes the policy file');
  });

  it('should name an invalid base policy and review without it', async () => {
    const { input, comment } = await runPush('suppressions:\n  - rule: NET-002\n');
    expect(input.files.map((f) => f.path)).toEqual(['net/sg.tf']);
    expect(comment).toContain("The base branch's policy file is invalid and was not applied: .iac-review.yml:2: suppressions[0].resource: is required");
  });

  it('should apply no base policy, and say why, when the base branch has two policy files', async () => {
    stub.setPullRequestFiles(REPO, 7, [{ filename: 'net/sg.tf', status: 'added', patch: `@@ -0,0 +1,9 @@\n${SG.trimEnd().split('\n').map((l) => `+${l}`).join('\n')}` }]);
    stub.setContents(REPO, BASE, { '.iac-review.yml': HEAD_POLICY, '.iac-review.json': '{"failOn": "high"}' });
    stub.setContents(REPO, HEAD, { 'net/sg.tf': SG, '.iac-review.yml': HEAD_POLICY, '.iac-review.json': '{"failOn": "high"}' });
    const h = harness(stub, { failOn: 'never' });
    const pushed = await h.github.submitPush({ repository: REPO, pullRequest: 7, headSha: HEAD, baseSha: BASE, deliveryId: 'd-two', action: 'opened', actor: 'github:octocat' });
    await h.handler(busEvent('ReviewRequested', { reviewId: pushed.version.id, version: pushed.version.version, source: 'github', inputKind: 'pull-request' }));
    const latest = await h.service.get(pushed.version.id);
    const input = (await h.service.loadInput(latest.content)) as { kind: 'hcl'; files: Array<{ path: string }> };
    // Neither file is guessed at: the suppression in the .yml does not reach the review.
    expect(input.files.map((f) => f.path)).toEqual(['net/sg.tf']);
    expect((latest.content as { inputNotes?: string[] }).inputNotes ?? []).toContain("The base branch's policy was not applied: commit bbbbbbb has 2 policy files (.iac-review.yml, .iac-review.json); keep exactly one.");
    const { logger } = captureLogger({ functionName: 'pr-review-handler' });
    const gh = createGitHubClient({ baseUrl: stub.url, credentials: { kind: 'token', token: 'ghs_test_token' }, logger, maxRetries: 0, maxRateLimitWaitSeconds: 1, waitUnitMs: 5, minWriteIntervalMs: 0 });
    const view = await describePolicy(gh, { owner: 'acme', repo: 'infra', pullRequest: 7, headSha: HEAD }, BASE, []);
    expect(view.base).toBeUndefined();
    expect(view.lines[0]).toBe("The base branch's policy was not applied: commit bbbbbbb has 2 policy files (.iac-review.yml, .iac-review.json); keep exactly one.");
  });

  it('should describe a policy the pull request adds', async () => {
    stub.setContents(REPO, BASE, { 'main.tf': '' });
    stub.setContents(REPO, HEAD, { '.iac-review.json': '{"failOn": "critical"}' });
    const { logger } = captureLogger({ functionName: 'pr-review-handler' });
    const gh = createGitHubClient({ baseUrl: stub.url, credentials: { kind: 'token', token: 'ghs_test_token' }, logger, maxRetries: 0, maxRateLimitWaitSeconds: 1, waitUnitMs: 5, minWriteIntervalMs: 0 });
    const view = await describePolicy(gh, { owner: 'acme', repo: 'infra', pullRequest: 7, headSha: HEAD }, BASE, []);
    expect(view.base).toBeUndefined();
    expect(view.lines).toEqual(['This pull request changes the policy file; the change applies only once merged (this review used the base branch\'s):', '- The pull request adds .iac-review.json.', '- failOn would change from the default to critical.']);
  });
});
