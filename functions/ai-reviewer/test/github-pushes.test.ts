import { createGithubReviews, createInMemoryReviewService } from '@iac-review/reviews';
import { createHandler } from '../src/handler';
import { captureLogger } from './support/capture-logger';
import { lambdaContext, reviewRequested } from './support/events';
import { acceptOpenSsh, openSshPlan } from '../../pr-review-handler/test/support/plans';

const SHA1 = 'a'.repeat(40);
const SHA2 = 'b'.repeat(40);
const OPEN_SSH = 'resource "aws_security_group" "ssh" {\n  ingress {\n    from_port   = 22\n    to_port     = 22\n    protocol    = "tcp"\n    cidr_blocks = ["0.0.0.0/0"]\n  }\n}\n';

describe('ai-reviewer and pull-request pushes', () => {
  const setup = () => {
    const mem = createInMemoryReviewService();
    const github = createGithubReviews({ store: mem.store, blobs: mem.blobs, events: mem.events, clock: () => new Date() });
    const log = captureLogger();
    const handler = createHandler({ reviews: mem.service, logger: log.logger, llm: { enabled: false, reason: 'test' }, storeReserveMs: 0 });
    return { ...mem, github, handler, log };
  };
  const push = (headSha: string) => ({ repository: 'acme/infra', pullRequest: 3, headSha, deliveryId: headSha.slice(0, 8), action: 'synchronize', actor: 'github:octocat' });

  it('should review the fetched files of a push and keep the PR metadata on the completed version', async () => {
    const h = setup();
    const v1 = await h.github.submitPush(push(SHA1));
    const fetched = await h.github.attachFetchedInput(v1.version.id, { requestedVersion: 1, headSha: SHA1, input: { kind: 'hcl', files: [{ path: 'sg.tf', content: OPEN_SSH }] }, notes: [], actor: 'pr-review-handler' });
    const out = await h.handler(reviewRequested({ reviewId: v1.version.id, version: fetched.version.version, source: 'github', inputKind: 'hcl' }), lambdaContext());
    expect(out).toMatchObject({ outcome: 'completed', version: 3 });
    const latest = await h.service.get(v1.version.id);
    expect(latest.content).toMatchObject({ source: 'github', status: 'completed', external: { headSha: SHA1, pullRequest: '3' }, result: { reviewedVersion: 2 } });
    expect(latest.content.result?.findings).toEqual(expect.arrayContaining([expect.objectContaining({ resourceAddress: 'aws_security_group.ssh' })]));
  });

  /** NET-002 on aws_security_group.ssh. */
  const PLAN = openSshPlan('ssh');
  const SUPPRESS = acceptOpenSsh('ssh', 'bastion, reviewed by security');

  const reviewPlan = async (policyFile?: { path: string; content: string }) => {
    const h = setup();
    const posted = await h.github.submitPlan({ repository: 'acme/infra', pullRequest: 3, headSha: SHA1, plan: PLAN, actor: 'ci' });
    const attached = await h.github.attachPlanPolicy(posted.version.id, posted.version.content.input, { requestedVersion: 1, headSha: SHA1, baseSha: SHA2, ...(policyFile ? { policyFile } : {}), notes: [], actor: 'pr-review-handler' });
    const out = await h.handler(reviewRequested({ reviewId: posted.version.id, version: attached.version.version, source: 'github', inputKind: 'plan' }), lambdaContext());
    expect(out).toMatchObject({ outcome: 'completed' });
    return { h, latest: await h.service.get(posted.version.id) };
  };

  it("should apply the base branch's policy a pull request's plan carries, as for source", async () => {
    const without = (await reviewPlan()).latest.content.result!;
    const net = (r: typeof without) => r.findings.filter((f) => f.ruleId === 'NET-002').map((f) => [f.resourceAddress, f.suppressed?.kind ?? null, f.suppressed?.reason ?? null]);
    expect(net(without)).toEqual([['aws_security_group.ssh', null, null]]);
    const { latest } = await reviewPlan({ path: '.iac-review.yml', content: SUPPRESS });
    const r = latest.content.result!;
    expect(net(r)).toEqual([['aws_security_group.ssh', 'config', 'bastion, reviewed by security']]);
    expect(r.riskScore).toBeLessThan(without.riskScore);
    expect(latest.content).toMatchObject({ input: { kind: 'plan' }, external: { reviewInput: 'plan', baseSha: SHA2, headSha: SHA1 } });
  });

  it('should review a plan without a policy file it cannot parse, and log why', async () => {
    const { h, latest } = await reviewPlan({ path: '.iac-review.yml', content: 'suppressions:\n  - rule: NET-002\n' });
    expect(latest.content.result?.findings.find((f) => f.ruleId === 'NET-002')?.suppressed).toBeUndefined();
    expect(h.log.lines().some((l) => String(l.message).includes('policy file is invalid') && String(l.error).includes('suppressions[0]'))).toBe(true);
  });

  it('should not review (nor fail) a request overtaken by a newer push whose files are not fetched yet', async () => {
    const h = setup();
    const v1 = await h.github.submitPush(push(SHA1));
    const fetched = await h.github.attachFetchedInput(v1.version.id, { requestedVersion: 1, headSha: SHA1, input: { kind: 'hcl', files: [{ path: 'sg.tf', content: OPEN_SSH }] }, notes: [], actor: 'pr-review-handler' });
    await h.github.submitPush(push(SHA2));
    const out = await h.handler(reviewRequested({ reviewId: v1.version.id, version: fetched.version.version, source: 'github', inputKind: 'hcl' }), lambdaContext());
    expect(out).toEqual({ outcome: 'superseded', reviewId: v1.version.id, requestedVersion: 2 });
    const latest = await h.service.get(v1.version.id);
    expect(latest.content).toMatchObject({ status: 'pending', input: { kind: 'pull-request' }, external: { headSha: SHA2 } });
    expect(latest.version).toBe(3);
  });
});
