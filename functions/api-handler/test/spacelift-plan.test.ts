import { captureLogger } from '@iac-review/logger/testing';
import { createInMemoryReviewService, createSpaceliftReviews } from '@iac-review/reviews';
import { createHandler } from '../src/handler';
import { postReview } from './support/events';

const plan = { format_version: '1.2', resource_changes: [{ address: 'aws_s3_bucket.logs', mode: 'managed', type: 'aws_s3_bucket', name: 'logs', provider_name: 'registry.terraform.io/hashicorp/aws', change: { actions: ['create'], before: null, after: { bucket: 'logs' }, after_unknown: {} } }] };
const RUN = '01JDQ8Z5M3K6V2X9RT4HWN7C1P';
const ID = `spacelift:acme-corp:${RUN}`;

const setup = (withSpacelift = true) => {
  const mem = createInMemoryReviewService();
  const spacelift = createSpaceliftReviews({ store: mem.store, blobs: mem.blobs, events: mem.events, clock: () => new Date() });
  const handler = createHandler({
    config: { service: 'iac-review', version: '1', cors: { allowedOrigins: [] }, limits: { maxBytes: 64 * 1024, maxDecodedBytes: 1024 * 1024 }, clients: { 'key-ci': { name: 'spacelift-hook', scopes: ['reviews:read', 'reviews:write'] } } },
    logger: captureLogger().logger,
    clock: () => new Date(),
    reviews: mem.service,
    ...(withSpacelift ? { spaceliftRuns: spacelift } : {}),
  });
  return { ...mem, handler, spacelift };
};

const post = postReview;

describe('POST /reviews for a Spacelift run (the after_plan hook)', () => {
  it('should make the plan the reviewed input of the run’s review, also after the webhook', async () => {
    const { handler, service, events, spacelift } = setup();
    await spacelift.handleRunEvent({ account: 'acme-corp', runId: RUN, runType: 'TRACKED', state: 'UNCONFIRMED', stateVersion: 5, stateAt: '2026-11-29T11:00:00.000Z', stackId: 'prod-network', actor: 'spacelift' });
    const res = await handler(post({ stack: 'prod-network', spaceliftRun: { account: 'acme-corp', id: RUN }, plan, title: 'after_plan' }), { awsRequestId: 'r' });
    expect(res.statusCode).toBe(202);
    expect(JSON.parse(res.body)).toMatchObject({ id: ID, version: 2, status: 'pending' });
    const v = await service.get(ID);
    expect(v.content).toMatchObject({ source: 'spacelift', stack: 'prod-network', submittedBy: 'spacelift-hook', input: { kind: 'plan' }, external: { reviewInput: 'plan', runState: 'UNCONFIRMED' } });
    expect(events.published.map((e) => (e.detail as { inputKind: string }).inputKind)).toEqual(['spacelift-run', 'plan']);
  });

  it('should refuse a run submission without stack or plan, naming what is missing, and a malformed run', async () => {
    const { handler, events } = setup();
    const res = await handler(post({ spaceliftRun: { account: 'acme-corp', id: RUN }, files: [{ path: 'main.tf', content: '' }] }), { awsRequestId: 'r' });
    expect(res.statusCode).toBe(400);
    expect(JSON.parse(res.body).errors).toEqual([
      { field: 'body:stack', reason: 'is required with spaceliftRun' },
      { field: 'body:plan', reason: 'is required with spaceliftRun' },
    ]);
    const bad = await handler(post({ stack: 'prod-network', spaceliftRun: { account: 'acme corp', id: RUN }, plan }), { awsRequestId: 'r' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('spaceliftRun.account');
    expect(events.published).toHaveLength(0);
  });

  it('should answer 503 when the deployment has no Spacelift submissions configured', async () => {
    const { handler } = setup(false);
    const res = await handler(post({ stack: 'prod-network', spaceliftRun: { account: 'acme-corp', id: RUN }, plan }), { awsRequestId: 'r' });
    expect(res.statusCode).toBe(503);
  });
});
