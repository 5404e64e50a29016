/**
 * The whole system on the local stack: POST /reviews → S3 claim check + version 1 → ReviewRequested on
 * the in-process bus → ai-reviewer (rules only) → version 2 completed → GET /reviews/{id}.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../src/lib/repo';
import { startLocalStack, type LocalStack } from '../src/local/stack';

process.env.LOG_LEVEL = 'silent';

interface ReviewDto {
  version: number;
  review: { status: string; result?: { riskLevel: string; riskScore: number; confidence: number; findings: Array<{ ruleId: string; category: string; severity: string; resourceAddress: string }>; reviewer: { mode: string } } };
}

describe('end to end (local stack, rules only)', () => {
  let stack: LocalStack;
  beforeAll(async () => {
    stack = await startLocalStack({ port: 0, env: {}, onError: () => undefined });
  });
  afterAll(async () => {
    await stack.stop();
  });

  const submit = async (body: unknown) => {
    const res = await fetch(`${stack.url}/reviews`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': stack.apiKeys.admin }, body: JSON.stringify(body) });
    expect(res.status).toBe(202);
    return ((await res.json()) as { id: string }).id;
  };
  const completed = async (id: string): Promise<ReviewDto> => {
    await stack.bus.idle();
    const res = await fetch(`${stack.url}/reviews/${id}`, { headers: { 'x-api-key': stack.apiKeys.readonly } });
    return (await res.json()) as ReviewDto;
  };

  it('should review a submitted plan into a completed version with rule findings', async () => {
    const plan = JSON.parse(readFileSync(join(repoRoot, 'packages', 'risk-scoring', 'test', 'fixtures', 'plans', 'deletes.json'), 'utf8'));
    const id = await submit({ title: 'drop the database', repository: 'acme/infra', plan });
    const review = await completed(id);
    expect(review.version).toBe(2);
    expect(review.review.status).toBe('completed');
    expect(review.review.result?.reviewer.mode).toBe('rules-only');
    expect(review.review.result?.riskLevel).toBe('critical');
    expect(review.review.result?.findings.some((f) => f.category === 'data-loss' && (f.severity === 'high' || f.severity === 'critical'))).toBe(true);
    expect(stack.bus.deadLetters).toEqual([]);
  });

  it('should review .tf files (no plan) and list the review by repository', async () => {
    const id = await submit({
      title: 'open ssh',
      repository: 'acme/network',
      files: [{ path: 'sg.tf', content: 'resource "aws_security_group" "ssh" {\n  ingress {\n    from_port   = 22\n    to_port     = 22\n    protocol    = "tcp"\n    cidr_blocks = ["0.0.0.0/0"]\n  }\n}\n' }],
    });
    const review = await completed(id);
    expect(review.review.status).toBe('completed');
    expect(review.review.result?.findings).toEqual(expect.arrayContaining([expect.objectContaining({ category: 'network-exposure', resourceAddress: 'aws_security_group.ssh' })]));
    const list = (await (await fetch(`${stack.url}/reviews?repository=acme%2Fnetwork`, { headers: { 'x-api-key': stack.apiKeys.readonly } })).json()) as { items: Array<{ id: string; status: string; riskLevel?: string }> };
    expect(list.items).toEqual([expect.objectContaining({ id, status: 'completed', riskLevel: review.review.result?.riskLevel })]);
  });
});
