import { captureLogger } from '@iac-review/logger/testing';
import { createGithubReviews, createInMemoryReviewService } from '@iac-review/reviews';
import { createHandler } from '../src/handler';
import { postReview } from './support/events';

const SHA = 'ec26c3e57ca3a959ca5aad62de7213c562f8c821';
const plan = { format_version: '1.2', resource_changes: [] };

const setup = () => {
  const mem = createInMemoryReviewService();
  const handler = createHandler({
    config: { service: 'iac-review', version: '1', cors: { allowedOrigins: [] }, limits: { maxBytes: 64 * 1024, maxDecodedBytes: 1024 * 1024 }, clients: { 'key-ci': { name: 'ci', scopes: ['reviews:read', 'reviews:write'] } } },
    logger: captureLogger().logger,
    clock: () => new Date(),
    reviews: mem.service,
    pullRequests: createGithubReviews({ store: mem.store, blobs: mem.blobs, events: mem.events, clock: () => new Date() }),
  });
  return { ...mem, handler };
};

const post = postReview;

describe('POST /reviews for a GitHub pull request (the submit step of a workflow)', () => {
  it('should put the plan into the pull request review as the input of that head SHA', async () => {
    const { handler, service, events } = setup();
    const res = await handler(post({ repository: 'Codertocat/Hello-World', pullRequest: 2, headSha: SHA, plan, title: 'plan' }), { awsRequestId: 'r' });
    expect(res.statusCode).toBe(202);
    expect(JSON.parse(res.body)).toMatchObject({ id: 'github:codertocat:hello-world:2', version: 1, status: 'pending' });
    const v = await service.get('github:codertocat:hello-world:2');
    // A pull-request submission pointing at the stored plan: pr-review-handler adds the base branch's policy, then asks for the review.
    expect(v.content).toMatchObject({ source: 'github', input: { kind: 'pull-request' }, external: { headSha: SHA, pullRequest: '2', reviewInput: 'plan' } });
    expect(await service.loadInput(v.content)).toMatchObject({ kind: 'pull-request', repository: 'Codertocat/Hello-World', pullRequest: 2, headSha: SHA, plan: { kind: 'plan' } });
    expect(events.published).toEqual([{ detailType: 'ReviewRequested', detail: { reviewId: 'github:codertocat:hello-world:2', version: 1, source: 'github', inputKind: 'pull-request' } }]);
  });

  it('should refuse a pull request submission without repository, headSha or plan, naming what is missing', async () => {
    const { handler, events } = setup();
    const res = await handler(post({ pullRequest: 2, files: [{ path: 'main.tf', content: '' }] }), { awsRequestId: 'r' });
    expect(res.statusCode).toBe(400);
    expect(JSON.parse(res.body).detail).toContain('missing: repository, headSha, plan');
    expect(events.published).toEqual([]);
  });
});
