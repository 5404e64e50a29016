/**
 * GitHub pull requests end to end on the local stack, with a loopback GitHub REST stub:
 * signed webhook → 202 → pr-review-handler fetches the files → ai-reviewer (rules only) → review
 * completed → one sticky comment and the iac-review check on the stub. Redelivery, bad signatures,
 * a new push and a plan for the head SHA.
 */
import { randomUUID } from 'node:crypto';
import examples from '@octokit/webhooks-examples';
import { sign } from '@octokit/webhooks-methods';
import { startGitHubStub, type GitHubStub } from '../../functions/pr-review-handler/test/support/github-stub';
import { acceptOpenSsh, openSshPlan } from '../../functions/pr-review-handler/test/support/plans';
import { startLocalStack, type LocalStack } from '../src/local/stack';

process.env.LOG_LEVEL = 'silent';

const SECRET = 'e2e-webhook-secret';
const REPO = 'Codertocat/Hello-World';
const SHA1 = 'ec26c3e57ca3a959ca5aad62de7213c562f8c821';
const SHA2 = '5f4e3d2c1b0a99887766554433221100ffeeddcc';
const REVIEW_ID = 'github:codertocat:hello-world:2';

const OPEN_SSH = 'resource "aws_security_group" "ssh" {\n  name = "ssh"\n  ingress {\n    from_port   = 22\n    to_port     = 22\n    protocol    = "tcp"\n    cidr_blocks = ["0.0.0.0/0"]\n  }\n}\n';
const OPEN_SSH_AND_DB = `${OPEN_SSH}\nresource "aws_db_instance" "main" {\n  engine              = "postgres"\n  instance_class      = "db.t3.micro"\n  publicly_accessible = true\n  storage_encrypted   = false\n}\n`;

type Payload = Record<string, unknown> & { action: string; pull_request: { head: { sha: string }; [k: string]: unknown } };
const example = (action: string): Payload => {
  const def = (examples as unknown as Array<{ name: string; examples: Payload[] }>).find((d) => d.name === 'pull_request');
  const found = def?.examples.find((e) => e.action === action && e.installation !== undefined);
  if (!found) throw new Error(`no pull_request.${action} example`);
  return structuredClone(found);
};

interface ReviewDto {
  version: number;
  review: { status: string; input: { kind: string }; external?: Record<string, string>; result?: { riskLevel: string; findings: Array<{ ruleId: string; category: string; severity: string; resourceAddress: string }> } };
}

describe('GitHub pull requests end to end (local stack + GitHub stub)', () => {
  let stack: LocalStack;
  let gh: GitHubStub;

  beforeAll(async () => {
    gh = await startGitHubStub();
    stack = await startLocalStack({
      port: 0,
      env: { GITHUB_WEBHOOK_SECRET: SECRET, GITHUB_TOKEN: 'ghp_e2e_token', GITHUB_API_URL: gh.url, GITHUB_MIN_WRITE_INTERVAL_MS: '0', GITHUB_WAIT_UNIT_MS: '5' },
      onError: () => undefined,
      retryDelaysMs: [50, 100],
    });
  });
  afterAll(async () => {
    await stack.stop();
    await gh.close();
  });

  const send = async (event: string, payload: unknown, opts: { delivery?: string; signature?: string | null } = {}) => {
    const body = JSON.stringify(payload);
    const signature = opts.signature === undefined ? await sign(SECRET, body) : opts.signature;
    const res = await fetch(`${stack.url}/webhook/github`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-github-event': event, 'x-github-delivery': opts.delivery ?? randomUUID(), ...(signature ? { 'x-hub-signature-256': signature } : {}) },
      body,
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  const review = async (): Promise<ReviewDto> => (await (await fetch(`${stack.url}/reviews/${REVIEW_ID}`, { headers: { 'x-api-key': stack.apiKeys.readonly } })).json()) as ReviewDto;
  const versions = async (): Promise<number> => ((await (await fetch(`${stack.url}/reviews/${REVIEW_ID}/versions?limit=100`, { headers: { 'x-api-key': stack.apiKeys.readonly } })).json()) as { items: unknown[] }).items.length;

  it('should say in its settings that it publishes to the configured GitHub', () => {
    expect(stack.github).toMatchObject({ publishing: true, apiUrl: gh.url, webhookSecret: true });
  });

  it('should turn a signed pull_request.opened into a completed review and one sticky comment', async () => {
    gh.setPullRequestFiles(REPO, 2, [
      { filename: 'infra/sg.tf', status: 'added', patch: `@@ -0,0 +1,9 @@\n${OPEN_SSH.trimEnd().split('\n').map((l) => `+${l}`).join('\n')}` },
      { filename: 'README.md', status: 'modified', patch: '@@ -1 +1 @@\n-a\n+b' },
    ]);
    gh.setContents(REPO, SHA1, { 'infra/sg.tf': OPEN_SSH, 'README.md': 'b' });
    const res = await send('pull_request', example('opened'), { delivery: 'e2e-delivery-1' });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ status: 'accepted', id: REVIEW_ID, version: 1 });

    await stack.bus.idle();
    const r = await review();
    expect(r.review.status).toBe('completed');
    expect(r.review.external).toMatchObject({ headSha: SHA1, pullRequest: '2' });
    expect(r.review.result?.findings).toEqual(expect.arrayContaining([expect.objectContaining({ category: 'network-exposure', resourceAddress: 'aws_security_group.ssh' })]));
    const comments = gh.comments(REPO, 2);
    expect(comments).toHaveLength(1);
    expect(comments[0]?.body).toContain('<!-- iac-review:sticky -->');
    expect(comments[0]?.body).toContain('aws_security_group.ssh');
    expect(gh.checkRuns(REPO)).toEqual([expect.objectContaining({ name: 'iac-review', head_sha: SHA1, status: 'completed' })]);
    expect(stack.bus.deadLetters).toEqual([]);
  });

  it('should create nothing for a redelivery of the same delivery id', async () => {
    const before = await versions();
    const requests = gh.requests.length;
    const res = await send('pull_request', example('opened'), { delivery: 'e2e-delivery-1' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'duplicate', id: REVIEW_ID });
    await stack.bus.idle();
    expect(await versions()).toBe(before);
    expect(gh.requests.length).toBe(requests);
    expect(gh.comments(REPO, 2)).toHaveLength(1);
  });

  it('should refuse a bad or missing signature with 401 and store nothing', async () => {
    const before = await versions();
    const sync = example('synchronize');
    sync.pull_request.head.sha = SHA2;
    const wrong = await send('pull_request', sync, { signature: `sha256=${'ab'.repeat(32)}` });
    const missing = await send('pull_request', sync, { signature: null });
    expect([wrong.status, missing.status]).toEqual([401, 401]);
    expect(wrong.body).toMatchObject({ reason: 'signature-mismatch' });
    expect(missing.body).toMatchObject({ reason: 'missing-signature' });
    await stack.bus.idle();
    expect(await versions()).toBe(before);
  });

  it('should append a version for a synchronize with a new head SHA and edit the same comment', async () => {
    const before = await versions();
    const [first] = gh.comments(REPO, 2);
    gh.setPullRequestFiles(REPO, 2, [{ filename: 'infra/sg.tf', status: 'modified', patch: `@@ -9,0 +10,7 @@\n+\n${OPEN_SSH_AND_DB.trimEnd().split('\n').slice(9).map((l) => `+${l}`).join('\n')}` }]);
    gh.setContents(REPO, SHA2, { 'infra/sg.tf': OPEN_SSH_AND_DB });
    const sync = example('synchronize');
    sync.pull_request.head.sha = SHA2;
    const res = await send('pull_request', sync);
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ status: 'accepted', id: REVIEW_ID, version: before + 1 });
    await stack.bus.idle();
    const r = await review();
    expect(r.review.status).toBe('completed');
    expect(r.review.external?.headSha).toBe(SHA2);
    expect(r.review.result?.findings.some((f) => f.resourceAddress === 'aws_db_instance.main')).toBe(true);
    expect(await versions()).toBe(before + 3);
    const comments = gh.comments(REPO, 2);
    expect(comments).toHaveLength(1);
    expect(comments[0]?.id).toBe(first?.id);
    expect(comments[0]?.body).toContain('Since the previous push (`ec26c3e` → `5f4e3d2`)');
    expect(comments[0]?.body).toContain('aws_db_instance.main');
    expect(gh.checkRuns(REPO).map((c) => c.head_sha)).toEqual([SHA1, SHA2]);
    expect(stack.bus.deadLetters).toEqual([]);
  });

  it('should review a plan posted for the head SHA (the submit step) and say "reviewed from plan"', async () => {
    const plan = {
      format_version: '1.2',
      resource_changes: [{ address: 'aws_s3_bucket.logs', mode: 'managed', type: 'aws_s3_bucket', name: 'logs', provider_name: 'registry.terraform.io/hashicorp/aws', change: { actions: ['delete'], before: { bucket: 'logs' }, after: null } }],
    };
    const res = await fetch(`${stack.url}/reviews`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': stack.apiKeys.admin }, body: JSON.stringify({ repository: REPO, pullRequest: 2, headSha: SHA2, plan }) });
    expect(res.status).toBe(202);
    expect(((await res.json()) as { id: string }).id).toBe(REVIEW_ID);
    await stack.bus.idle();
    const r = await review();
    expect(r.review).toMatchObject({ status: 'completed', input: { kind: 'plan' }, external: { headSha: SHA2, reviewInput: 'plan' } });
    const comments = gh.comments(REPO, 2);
    expect(comments).toHaveLength(1);
    expect(comments[0]?.body).toContain('**reviewed from plan**');
    expect(stack.bus.deadLetters).toEqual([]);
  });

  it("should review a plan posted before any webhook under the base branch's policy (learned from GitHub), never the head's", async () => {
    const BASE = 'ba5eba5eba5eba5eba5eba5eba5eba5eba5eba5e';
    const HEAD = 'feedfacefeedfacefeedfacefeedfacefeedface';
    const id = 'github:codertocat:hello-world:9';
    const accept = (reason: string) => acceptOpenSsh('ssh', reason);
    gh.setPullRequest(REPO, 9, { baseSha: BASE, headSha: HEAD });
    gh.setPullRequestFiles(REPO, 9, [{ filename: '.iac-review.yml', status: 'modified', patch: '@@ -1 +1 @@\n-a\n+b' }]);
    gh.setContents(REPO, BASE, { '.iac-review.yml': accept('bastion host, accepted by security') });
    gh.setContents(REPO, HEAD, { '.iac-review.yml': `failOn: critical\n${accept('bastion host, accepted by security')}` });
    const plan = openSshPlan('ssh');
    const res = await fetch(`${stack.url}/reviews`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': stack.apiKeys.admin }, body: JSON.stringify({ repository: REPO, pullRequest: 9, headSha: HEAD, plan }) });
    expect(res.status).toBe(202);
    await stack.bus.idle();
    const r = (await (await fetch(`${stack.url}/reviews/${id}`, { headers: { 'x-api-key': stack.apiKeys.readonly } })).json()) as {
      review: { status: string; input: { kind: string }; external?: Record<string, string>; result?: { findings: Array<{ ruleId: string; resourceAddress: string; suppressed?: { reason: string } }> } };
    };
    expect(r.review).toMatchObject({ status: 'completed', input: { kind: 'plan' }, external: { headSha: HEAD, baseSha: BASE, reviewInput: 'plan' } });
    expect(r.review.result?.findings.filter((f) => f.ruleId === 'NET-002').map((f) => [f.resourceAddress, f.suppressed?.reason])).toEqual([['aws_security_group.ssh', 'bastion host, accepted by security']]);
    const body = gh.comments(REPO, 9)[0]?.body ?? '';
    expect(body).toContain('**reviewed from plan**');
    expect(body).toContain('Policy: `.iac-review.yml` from the base branch (`ba5eba5`).');
    expect(body).toContain('failOn would change from the default to critical.');
    expect(gh.requests.some((q) => q.path === `/repos/${REPO}/pulls/9`)).toBe(true);
    expect(stack.bus.deadLetters).toEqual([]);
  });
});
