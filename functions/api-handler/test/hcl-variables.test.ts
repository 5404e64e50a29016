import { captureLogger } from '@iac-review/logger/testing';
import { createInMemoryReviewService } from '@iac-review/reviews';
import { createHandler } from '../src/handler';
import { postReview } from './support/events';

const now = new Date('2026-11-25T10:00:00.000Z');
const setup = () => {
  let n = 0;
  const svc = createInMemoryReviewService({ ids: () => `rev-${String(++n).padStart(8, '0')}`, clock: () => now });
  const handler = createHandler({
    config: {
      service: 'iac-review',
      version: '1.2.3',
      cors: { allowedOrigins: [] },
      limits: { maxBytes: 64 * 1024, maxDecodedBytes: 8 * 1024 * 1024, maxCompressionRatio: 100, maxDepth: 100 },
      clients: { 'key-ci': { name: 'ci', scopes: ['reviews:read', 'reviews:write'] } },
    },
    logger: captureLogger().logger,
    clock: () => now,
    reviews: svc.service,
  });
  return { handler, ...svc };
};
const post = postReview;

describe('POST /reviews with Terraform variables', () => {
  it('should store the variables and .tfvars files with the submitted files', async () => {
    const h = setup();
    const files = [
      { path: 'main.tf', content: 'variable "acl" {}\n' },
      { path: 'terraform.tfvars', content: 'acl = "private"\n' },
    ];
    const res = await h.handler(post({ files, variables: { acl: 'public-read', ports: [22] } }), { awsRequestId: 'r1' });
    expect(res.statusCode).toBe(202);
    const { id } = JSON.parse(res.body) as { id: string };
    const review = await h.service.get(id);
    expect(await h.service.loadInput(review.content)).toEqual({ kind: 'hcl', files, variables: { acl: 'public-read', ports: [22] } });
  });

  it('should reject a variable name Terraform would not accept, naming the field', async () => {
    const h = setup();
    const res = await h.handler(post({ files: [{ path: 'main.tf', content: '' }], variables: { 'bad name': 1 } }), { awsRequestId: 'r1' });
    expect(res.statusCode).toBe(400);
    expect(res.headers?.['Content-Type'] ?? res.headers?.['content-type']).toMatch(/problem\+json/);
    expect(res.body).toMatch(/variables/);
  });
});
