import { STICKY_MARKER } from '../src/comment';
import { startGitHubStub, type GitHubStub } from './support/github-stub';
import { busEvent, finding, harness, REPO, result } from './support/harness';

const SHA1 = '1111111111111111111111111111111111111111';
const SHA2 = '2222222222222222222222222222222222222222';

const SG_V1 = 'resource "aws_security_group" "web" {\n  name = "web"\n}\n';
const SG_V2 = 'resource "aws_security_group" "web" {\n  name = "web"\n  ingress {\n    from_port   = 22\n    to_port     = 22\n    cidr_blocks = ["0.0.0.0/0"]\n  }\n}\n';
const VARS = 'variable "env" {\n  default = "dev"\n}\n';
const OTHER = 'resource "aws_s3_bucket" "logs" {\n  bucket = "logs"\n}\n';

describe('pr-review-handler', () => {
  let stub: GitHubStub;
  beforeEach(async () => {
    stub = await startGitHubStub();
  });
  afterEach(async () => {
    await stub.close();
  });

  const seedPush = (sha: string, sg: string, patch: string) => {
    stub.setPullRequestFiles(REPO, 5, [
      { filename: 'network/sg.tf', status: 'modified', patch },
      { filename: 'network/old.tf', status: 'removed' },
      { filename: 'README.md', status: 'modified', patch: '@@ -1 +1 @@\n-a\n+b' },
    ]);
    stub.setContents(REPO, sha, { 'network/sg.tf': sg, 'network/variables.tf': VARS, 'network/other.tf': OTHER, 'network/terraform.tfvars': 'env = "prod"\n', 'README.md': 'b' });
  };

  /** webhook → fetch → (ai-reviewer's part, simulated) complete → publish. */
  const runPush = async (h: ReturnType<typeof harness>, sha: string, r: ReturnType<typeof result>) => {
    const pushed = await h.github.submitPush({ repository: REPO, pullRequest: 5, headSha: sha, deliveryId: `d-${sha.slice(0, 6)}`, action: 'synchronize', actor: 'github:octocat' });
    const fetched = await h.handler(busEvent('ReviewRequested', { reviewId: pushed.version.id, version: pushed.version.version, source: 'github', inputKind: 'pull-request' }));
    expect(fetched).toMatchObject({ outcome: 'fetched' });
    const requested = (fetched as { version: number }).version;
    const done = await h.service.complete(pushed.version.id, { requestedVersion: requested, result: r, status: 'completed', actor: 'ai-reviewer' });
    const published = await h.handler(busEvent('ReviewCompleted', { reviewId: pushed.version.id, version: done.version.version, source: 'github' }));
    return { id: pushed.version.id, version: done.version.version, published };
  };

  it('should fetch the changed Terraform at the head SHA plus the unchanged files of the same module as context, and say what it skipped', async () => {
    const h = harness(stub);
    seedPush(SHA1, SG_V1, '@@ -0,0 +1,3 @@\n+resource "aws_security_group" "web" {\n+  name = "web"\n+}');
    const pushed = await h.github.submitPush({ repository: REPO, pullRequest: 5, headSha: SHA1, deliveryId: 'd1', action: 'opened', actor: 'github:octocat' });
    const out = await h.handler(busEvent('ReviewRequested', { reviewId: pushed.version.id, version: 1, source: 'github', inputKind: 'pull-request' }));
    expect(out).toEqual({ outcome: 'fetched', reviewId: 'github:acme:infra:5', version: 2, files: 4, notes: 2 });
    const latest = await h.service.get(pushed.version.id);
    const input = (await h.service.loadInput(latest.content)) as { kind: string; files: Array<{ path: string; content: string; context?: boolean }> };
    expect(input.kind).toBe('hcl');
    // Changed file first, then the module's unchanged files as context (evaluated, not judged).
    expect(input.files.map((f) => [f.path, f.context === true])).toEqual([
      ['network/sg.tf', false],
      ['network/other.tf', true],
      ['network/terraform.tfvars', true],
      ['network/variables.tf', true],
    ]);
    expect(input.files[0]?.content).toBe(SG_V1);
    expect(latest.content.inputNotes).toEqual([expect.stringContaining('1 deleted Terraform file(s) (network/old.tf)'), '1 changed file(s) are not Terraform and were not reviewed.']);
    expect(h.events.published.map((e) => e.detail)).toEqual([
      expect.objectContaining({ inputKind: 'pull-request', version: 1 }),
      expect.objectContaining({ inputKind: 'hcl', version: 2, source: 'github' }),
    ]);
    // Contents were read at the head SHA only, and nothing was written to GitHub on this path.
    expect(stub.requests.filter((r) => r.path.includes('/contents/')).length).toBeGreaterThan(0);
    expect(stub.requests.filter((r) => r.method !== 'GET')).toEqual([]);
  });

  it('should report a pull request over GitHub\'s 3000-file listing cap as capped, after paging through it', async () => {
    const h = harness(stub);
    const files = Array.from({ length: 3200 }, (_, i) => ({ filename: `docs/page-${String(i).padStart(4, '0')}.md`, status: 'added' as const, patch: '@@ -0,0 +1 @@\n+x' }));
    files[10] = { filename: 'main.tf', status: 'added', patch: '@@ -0,0 +1,3 @@\n+resource "aws_s3_bucket" "b" {\n+  bucket = "b"\n+}' };
    stub.setPullRequestFiles(REPO, 9, files);
    stub.setContents(REPO, SHA1, { 'main.tf': 'resource "aws_s3_bucket" "b" {\n  bucket = "b"\n}\n' });
    const pushed = await h.github.submitPush({ repository: REPO, pullRequest: 9, headSha: SHA1, deliveryId: 'd9', action: 'opened', actor: 'github:octocat' });
    const out = await h.handler(busEvent('ReviewRequested', { reviewId: pushed.version.id, version: 1, source: 'github', inputKind: 'pull-request' }));
    expect(out).toMatchObject({ outcome: 'fetched', files: 1 });
    const latest = await h.service.get(pushed.version.id);
    expect(latest.content.inputNotes?.[0]).toMatch(/GitHub lists at most 3000 files of a pull request; .*files beyond the first 3000 were not reviewed/);
    expect(stub.requests.filter((r) => r.path.endsWith('/pulls/9/files'))).toHaveLength(30);
    expect(h.log.lines().some((l) => l.level === 'warn' && String(l.message).includes('more files than GitHub lists'))).toBe(true);
  });

  it('should keep one sticky comment per PR, edited in place across pushes, with what changed since the previous push', async () => {
    const h = harness(stub);
    seedPush(SHA1, SG_V1, '@@ -0,0 +1,3 @@\n+resource "aws_security_group" "web" {\n+  name = "web"\n+}');
    const first = await runPush(h, SHA1, result('medium', 35, [finding('LOG-001', 'medium', 'aws_security_group.web')]));
    expect(first.published).toMatchObject({ outcome: 'published', result: { comment: { action: 'created' }, check: { kind: 'check-run', action: 'created', conclusion: 'success' }, inline: { action: 'none' } } });
    const [comment] = stub.comments(REPO, 5);
    expect(comment?.body).toContain(STICKY_MARKER);
    expect(comment?.body).toContain('medium risk (score 35/100)');
    expect(comment?.body).toContain('reviewed from Terraform source');
    expect(comment?.body).not.toContain('Since the previous push');

    seedPush(SHA2, SG_V2, '@@ -1,3 +1,8 @@\n resource "aws_security_group" "web" {\n   name = "web"\n+  ingress {\n+    from_port   = 22\n+    to_port     = 22\n+    cidr_blocks = ["0.0.0.0/0"]\n+  }\n }');
    const second = await runPush(h, SHA2, result('high', 72, [finding('NET-002', 'high', 'aws_security_group.web')]));
    expect(second.id).toBe(first.id);
    expect(second.published).toMatchObject({ outcome: 'published', result: { comment: { action: 'updated', id: comment?.id }, check: { action: 'created', conclusion: 'failure' }, inline: { action: 'posted', posted: 1 } } });
    const comments = stub.comments(REPO, 5);
    expect(comments).toHaveLength(1);
    const body = comments[0]!.body;
    expect(body).toContain('high risk (score 72/100)');
    expect(body).toContain('Since the previous push (`1111111` → `2222222`)');
    expect(body).toContain('Risk: medium → high (⬆️ up; score 35 → 72)');
    expect(body).toMatch(/Findings fixed: 1 \(`LOG-001` on `aws_security_group.web`\)/);
    expect(body).toMatch(/New findings: 1 \(`NET-002` on `aws_security_group.web`\)/);
    expect(body).toContain('#### High (1)');
    expect(body).toContain('**Fix:** fix aws_security_group.web');
    expect(body).toContain('[View the review](https://iac-review.example.com/reviews/github%3Aacme%3Ainfra%3A5)');
    // One check run per head SHA, conclusion from fail-on (high).
    expect(stub.checkRuns(REPO).map((r) => [r.head_sha, r.name, r.conclusion])).toEqual([
      [SHA1, 'iac-review', 'success'],
      [SHA2, 'iac-review', 'failure'],
    ]);
    // The high finding is commented inline on the first changed line of its block (the ingress line).
    expect(stub.reviews(REPO, 5)).toEqual([expect.objectContaining({ commit_id: SHA2, event: 'COMMENT', comments: [expect.objectContaining({ path: 'network/sg.tf', line: 3, side: 'RIGHT' })] })]);

    // A second ReviewCompleted for the same version (redelivery): same comment, same check run, no second inline review.
    const again = await h.handler(busEvent('ReviewCompleted', { reviewId: second.id, version: second.version, source: 'github' }));
    expect(again).toMatchObject({ result: { comment: { action: 'updated', id: comment?.id }, check: { action: 'updated' }, inline: { action: 'already-posted' } } });
    expect(stub.comments(REPO, 5)).toHaveLength(1);
    expect(stub.checkRuns(REPO)).toHaveLength(2);
    expect(stub.reviews(REPO, 5)).toHaveLength(1);

    // A late ReviewCompleted for the first push does not overwrite the newer comment.
    const late = await h.handler(busEvent('ReviewCompleted', { reviewId: first.id, version: first.version, source: 'github' }));
    expect(late).toMatchObject({ result: { comment: { action: 'kept-newer' } } });
    expect(stub.comments(REPO, 5)[0]?.body).toContain('high risk (score 72/100)');
  });

  it('should honour primary (403) and secondary (429) rate limits with their reset headers, then publish', async () => {
    const h = harness(stub);
    seedPush(SHA1, SG_V1, '@@ -0,0 +1 @@\n+x');
    stub.rateLimitNext({ status: 403, kind: 'primary', resetInSeconds: 2 }, 1, /\/issues\/5\/comments$/);
    stub.rateLimitNext({ status: 429, kind: 'secondary', retryAfterSeconds: 3 }, 1, /\/check-runs$/);
    const run = await runPush(h, SHA1, result('low', 5, []));
    expect(run.published).toMatchObject({ outcome: 'published' });
    expect(stub.comments(REPO, 5)).toHaveLength(1);
    expect(stub.checkRuns(REPO)).toHaveLength(1);
    const warnings = h.log.lines().filter((l) => String(l.message).includes('rate limit hit'));
    expect(warnings.map((w) => [String(w.message).includes('primary'), w.retryAfterSeconds])).toEqual([
      [true, expect.any(Number)],
      [false, 3],
    ]);
    expect(warnings[0]?.retryAfterSeconds as number).toBeGreaterThanOrEqual(2);
    // The comment list was asked for: the limited attempt, the retry after the wait, the check after creating.
    const listed = stub.requests.filter((r) => r.method === 'GET' && r.path === '/repos/acme/infra/issues/5/comments');
    expect(listed).toHaveLength(3);
    // It waited for the reset (a "second" is 5 ms in this harness) before retrying.
    expect(listed[1]!.at - listed[0]!.at).toBeGreaterThanOrEqual((warnings[0]?.retryAfterSeconds as number) * 5 - 1);
    const checks = stub.requests.filter((r) => r.path === `/repos/acme/infra/commits/${SHA1}/check-runs`);
    expect(checks).toHaveLength(2);
    expect(checks[1]!.at - checks[0]!.at).toBeGreaterThanOrEqual(3 * 5 - 1);
  });

  it('should fail (so the event is redelivered) when the rate limit resets too late, keeping the stored review', async () => {
    const h = harness(stub, { maxWaitSeconds: 10 });
    seedPush(SHA1, SG_V1, '@@ -0,0 +1 @@\n+x');
    stub.rateLimitNext({ status: 403, kind: 'primary', resetInSeconds: 3600 }, 1, /\/issues\/5\/comments$/);
    await expect(runPush(h, SHA1, result('low', 5, []))).rejects.toMatchObject({ status: 403 });
    const stored = await h.service.get('github:acme:infra:5');
    expect(stored.content.status).toBe('completed');
    expect(stub.comments(REPO, 5)).toHaveLength(0);
    // The redelivered event publishes.
    const retried = await h.handler(busEvent('ReviewCompleted', { reviewId: stored.id, version: stored.version, source: 'github' }));
    expect(retried).toMatchObject({ outcome: 'published', result: { comment: { action: 'created' } } });
    expect(stub.comments(REPO, 5)).toHaveLength(1);
  });

  it('should fall back to a commit status named iac-review when the token cannot create check runs', async () => {
    const h = harness(stub, { failOn: 'medium' });
    seedPush(SHA1, SG_V1, '@@ -0,0 +1 @@\n+x');
    stub.refuseCheckRuns(true);
    const run = await runPush(h, SHA1, result('medium', 30, []));
    expect(run.published).toMatchObject({ result: { check: { kind: 'status', conclusion: 'failure' } } });
    expect(stub.statuses(REPO)).toEqual([{ sha: SHA1, state: 'failure', context: 'iac-review' }]);
  });

  it('should review but not publish without credentials, and say so', async () => {
    const h = harness(stub, { credentials: null });
    seedPush(SHA1, SG_V1, '@@ -0,0 +1 @@\n+x');
    const run = await runPush(h, SHA1, result('low', 5, []));
    expect(run.published).toEqual({ outcome: 'not-published', reviewId: 'github:acme:infra:5', version: 3, reason: 'no GitHub credentials configured' });
    expect(stub.requests.filter((r) => r.method !== 'GET')).toEqual([]);
    expect(stub.requests.every((r) => r.authorization === undefined)).toBe(true);
  });

  it('should say "reviewed from plan" when a plan for the head SHA was the reviewed input', async () => {
    const h = harness(stub);
    const plan = await h.github.submitPlan({ repository: REPO, pullRequest: 5, headSha: SHA1, plan: { format_version: '1.2', resource_changes: [] }, actor: 'ci' });
    // The plan waits for the base branch's policy (this PR is unknown to the stub: reviewed without one).
    expect(await h.handler(busEvent('ReviewRequested', { reviewId: plan.version.id, version: 1, source: 'github', inputKind: 'pull-request' }))).toMatchObject({ outcome: 'fetched', version: 2 });
    const done = await h.service.complete(plan.version.id, { requestedVersion: 2, result: result('low', 3, []), status: 'completed', actor: 'ai-reviewer' });
    const out = await h.handler(busEvent('ReviewCompleted', { reviewId: plan.version.id, version: done.version.version, source: 'github' }));
    expect(out).toMatchObject({ outcome: 'published' });
    expect(stub.comments(REPO, 5)[0]?.body).toContain('**reviewed from plan**');
  });

  it('should fail the review at once, with the reason, when GitHub answers 404 for the pull request files (no retry can help)', async () => {
    const h = harness(stub);
    // No files registered for PR 5 at all: the stub answers 404 to the listing, as GitHub does for a deleted repository.
    const pushed = await h.github.submitPush({ repository: REPO, pullRequest: 5, headSha: SHA1, deliveryId: 'd404', action: 'opened', actor: 'github:octocat' });
    const out = await h.handler(busEvent('ReviewRequested', { reviewId: pushed.version.id, version: 1, source: 'github', inputKind: 'pull-request' }));
    expect(out).toMatchObject({ outcome: 'failed', reviewId: pushed.version.id, version: 2 });
    const latest = await h.service.get(pushed.version.id);
    expect(latest.content.status).toBe('failed');
    expect(latest.content.failure?.reason).toMatch(/GitHub answered 404/);
    // The PR still learns why: ReviewCompleted with status failed was announced for publishing.
    expect(h.events.published.map((e) => [e.detailType, (e.detail as { status?: string }).status])).toContainEqual(['ReviewCompleted', 'failed']);
    // A redelivery of the same request writes nothing new.
    await h.handler(busEvent('ReviewRequested', { reviewId: pushed.version.id, version: 1, source: 'github', inputKind: 'pull-request' }));
    expect((await h.service.get(pushed.version.id)).version).toBe(2);
  });

  it('should throw (so the event is retried), not fail the review, when the files listing is rate limited (403) past the wait it honours', async () => {
    const h = harness(stub);
    seedPush(SHA1, SG_V1, '@@ -0,0 +1 @@\n+x');
    stub.rateLimitNext({ status: 403, kind: 'primary', resetInSeconds: 3600 }, 1, /\/pulls\/5\/files$/);
    const pushed = await h.github.submitPush({ repository: REPO, pullRequest: 5, headSha: SHA1, deliveryId: 'd403', action: 'opened', actor: 'github:octocat' });
    await expect(h.handler(busEvent('ReviewRequested', { reviewId: pushed.version.id, version: 1, source: 'github', inputKind: 'pull-request' }))).rejects.toThrow();
    expect((await h.service.get(pushed.version.id)).content.status).not.toBe('failed');
  });

  it('should ignore events that are not its own and skip superseded pushes without calling GitHub', async () => {
    const h = harness(stub);
    expect(await h.handler(busEvent('ReviewRequested', { reviewId: 'r-1', version: 1, source: 'api', inputKind: 'plan' }))).toMatchObject({ outcome: 'ignored' });
    expect(await h.handler({ nonsense: true })).toMatchObject({ outcome: 'ignored', reason: 'malformed event' });
    const a = await h.github.submitPush({ repository: REPO, pullRequest: 5, headSha: SHA1, deliveryId: 'a', action: 'opened', actor: 'x' });
    await h.github.submitPush({ repository: REPO, pullRequest: 5, headSha: SHA2, deliveryId: 'b', action: 'synchronize', actor: 'x' });
    expect(await h.handler(busEvent('ReviewRequested', { reviewId: a.version.id, version: 1, source: 'github', inputKind: 'pull-request' }))).toMatchObject({ outcome: 'superseded' });
    expect(stub.requests).toEqual([]);
  });

  it('should not start a comment for a push without Terraform changes, but pass its check (and keep editing an existing comment)', async () => {
    const h = harness(stub);
    stub.setPullRequestFiles(REPO, 5, [{ filename: 'README.md', status: 'modified', patch: '@@ -1 +1 @@\n-a\n+b' }]);
    stub.setContents(REPO, SHA1, { 'README.md': 'b' });
    const first = await runPush(h, SHA1, result('low', 0, []));
    expect(first.published).toMatchObject({ outcome: 'published', result: { comment: { action: 'none' }, check: { conclusion: 'success' } } });
    expect(stub.comments(REPO, 5)).toEqual([]);
    expect(stub.checkRuns(REPO)).toEqual([expect.objectContaining({ head_sha: SHA1, conclusion: 'success', output: expect.objectContaining({ title: 'No Terraform changes in this push' }) })]);
    expect((await h.service.get(first.id)).content.inputNotes).toContain('No Terraform files (.tf, .tfvars, .tf.json) changed in this push.');

    seedPush(SHA2, SG_V1, '@@ -0,0 +1,3 @@\n+resource "aws_security_group" "web" {\n+  name = "web"\n+}');
    await runPush(h, SHA2, result('medium', 30, [finding('LOG-001', 'medium', 'aws_security_group.web')]));
    expect(stub.comments(REPO, 5)).toHaveLength(1);
    const SHA3 = '4444444444444444444444444444444444444444';
    stub.setPullRequestFiles(REPO, 5, [{ filename: 'README.md', status: 'modified', patch: '@@ -1 +1 @@\n-b\n+c' }]);
    stub.setContents(REPO, SHA3, { 'README.md': 'c' });
    const third = await runPush(h, SHA3, result('low', 0, []));
    expect(third.published).toMatchObject({ result: { comment: { action: 'updated' } } });
    expect(stub.comments(REPO, 5)).toHaveLength(1);
    expect(stub.comments(REPO, 5)[0]?.body).toContain('Risk: medium → low');
  });

  it('should tell the pull request when its push could not be reviewed (neutral check, reason in the comment)', async () => {
    const h = harness(stub);
    seedPush(SHA1, 'resource "aws_s3_bucket" {', '@@ -0,0 +1 @@\n+resource "aws_s3_bucket" {');
    const pushed = await h.github.submitPush({ repository: REPO, pullRequest: 5, headSha: SHA1, deliveryId: 'f', action: 'opened', actor: 'x' });
    const fetched = (await h.handler(busEvent('ReviewRequested', { reviewId: pushed.version.id, version: 1, source: 'github', inputKind: 'pull-request' }))) as { version: number };
    // What ai-reviewer does with source it cannot parse.
    const failed = await h.service.fail(pushed.version.id, { requestedVersion: fetched.version, reason: 'The input cannot be reviewed: cannot parse network/sg.tf as HCL', actor: 'ai-reviewer' });
    const completed = h.events.published.filter((e) => e.detailType === 'ReviewCompleted');
    expect(completed).toHaveLength(1);
    const out = await h.handler(busEvent('ReviewCompleted', completed[0]!.detail as Record<string, unknown>));
    expect(out).toMatchObject({ outcome: 'published', version: failed.version.version, result: { comment: { action: 'created' }, check: { conclusion: 'neutral' }, inline: { action: 'none' } } });
    expect(stub.comments(REPO, 5)[0]?.body).toContain('could not review commit `1111111`');
    expect(stub.comments(REPO, 5)[0]?.body).toContain('cannot parse network/sg.tf as HCL');
    expect(stub.checkRuns(REPO)[0]?.output?.title).toContain('Could not be reviewed');
  });
});
