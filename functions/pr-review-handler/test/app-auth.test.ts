import { generateKeyPairSync } from 'node:crypto';
import { startGitHubStub, type GitHubStub } from './support/github-stub';
import { busEvent, harness, REPO } from './support/harness';

const SHA = '3333333333333333333333333333333333333333';

describe('GitHub App authentication', () => {
  let stub: GitHubStub;
  beforeAll(async () => {
    stub = await startGitHubStub();
  });
  afterAll(async () => {
    await stub.close();
  });

  const key = () => generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } }).privateKey;

  it('should exchange an app JWT for the installation named in the push and call the API with that installation token', async () => {
    const h = harness(stub, { credentials: { kind: 'app', appId: '12345', privateKey: key() } });
    stub.setPullRequestFiles(REPO, 8, [{ filename: 'main.tf', status: 'added', patch: '@@ -0,0 +1 @@\n+locals {}' }]);
    stub.setContents(REPO, SHA, { 'main.tf': 'locals {}\n' });
    const pushed = await h.github.submitPush({ repository: REPO, pullRequest: 8, headSha: SHA, installationId: 4242, deliveryId: 'd', action: 'opened', actor: 'github:octocat' });
    const out = await h.handler(busEvent('ReviewRequested', { reviewId: pushed.version.id, version: 1, source: 'github', inputKind: 'pull-request' }));
    expect(out).toMatchObject({ outcome: 'fetched', files: 1 });
    const tokenRequest = stub.requests.find((r) => r.path === '/app/installations/4242/access_tokens');
    expect(tokenRequest?.authorization).toMatch(/^bearer [\w-]+\.[\w-]+\.[\w-]+$/i);
    const listing = stub.requests.find((r) => r.path === `/repos/${REPO}/pulls/8/files`);
    expect(listing?.authorization).toBe('token ghs_installation_4242');
  });

  it('should find the installation of a repository the webhook did not name (a plan posted first), once', async () => {
    const h = harness(stub, { credentials: { kind: 'app', appId: '12345', privateKey: key() } });
    const REPO2 = 'acme/other';
    stub.setPullRequestFiles(REPO2, 3, []);
    const plan = await h.github.submitPlan({ repository: REPO2, pullRequest: 3, headSha: SHA, plan: { format_version: '1.2', resource_changes: [] }, actor: 'ci' });
    const done = await h.service.complete(plan.version.id, { requestedVersion: 1, result: { riskScore: 1, riskLevel: 'low', confidence: 0.9, summary: 's', findings: [], contributions: [], stats: {}, reviewer: { mode: 'rules-only' } }, status: 'completed', actor: 'ai-reviewer' });
    await h.handler(busEvent('ReviewCompleted', { reviewId: plan.version.id, version: done.version.version, source: 'github' }));
    await h.handler(busEvent('ReviewCompleted', { reviewId: plan.version.id, version: done.version.version, source: 'github' }));
    expect(stub.requests.filter((r) => r.path === `/repos/${REPO2}/installation`)).toHaveLength(1);
    expect(stub.requests.filter((r) => r.path === '/app/installations/777/access_tokens')).toHaveLength(1);
    expect(stub.comments(REPO2, 3)).toHaveLength(1);
    expect(stub.requests.filter((r) => r.path === `/repos/${REPO2}/issues/3/comments` && r.method === 'POST').map((r) => r.authorization)).toEqual(['token ghs_installation_777']);
  });
});
