/**
 * A submitted input is serialised once and hashed once: the blob store's digest is the one the
 * review records (and the one a content-addressed key is built from). Counted on node:crypto.
 */
import { createHash } from 'node:crypto';
import { createGithubReviews, createInMemoryReviewService, createSpaceliftReviews, submitIdempotent } from '../src/index';

// The module object every `import { createHash } from 'node:crypto'` reads its function from.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const crypto = require('node:crypto') as typeof import('node:crypto');

/** A plan of about 300 KB: large enough that its hashes stand out from ids and version hashes. */
const bigPlan = () => ({
  format_version: '1.2',
  resource_changes: Array.from({ length: 2000 }, (_, i) => ({ address: `aws_s3_bucket.b${i}`, type: 'aws_s3_bucket', change: { actions: ['create'], after: { bucket: `bucket-${i}-${'x'.repeat(100)}` } } })),
});
const PLAN_BYTES = Buffer.byteLength(JSON.stringify({ kind: 'plan', plan: bigPlan() }));

/** Counts the bytes of each hash digested over at least `min` bytes while `fn` runs. */
const largeHashes = async <T>(min: number, fn: () => Promise<T>): Promise<{ result: T; count: number }> => {
  const original = crypto.createHash;
  let count = 0;
  const spy = jest.spyOn(crypto, 'createHash').mockImplementation((...args: Parameters<typeof createHash>) => {
    const h = original(...args);
    let size = 0;
    const update = h.update.bind(h);
    const digest = h.digest.bind(h);
    h.update = ((data: string | NodeJS.ArrayBufferView, enc?: BufferEncoding) => {
      size += typeof data === 'string' ? Buffer.byteLength(data, enc) : data.byteLength;
      return enc ? update(data as string, enc) : update(data);
    }) as typeof h.update;
    h.digest = ((enc?: 'hex') => {
      if (size >= min) count++;
      return enc ? digest(enc) : digest();
    }) as typeof h.digest;
    return h;
  });
  try {
    return { result: await fn(), count };
  } finally {
    spy.mockRestore();
  }
};

const clock = () => new Date('2026-11-29T12:00:00Z');
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('hashing a submitted input once', () => {
  it('should count what it is meant to count (a direct hash of the plan bytes)', async () => {
    const { count } = await largeHashes(PLAN_BYTES, async () => sha(Buffer.from(JSON.stringify({ kind: 'plan', plan: bigPlan() }))));
    expect(count).toBe(1);
  });

  it.each([
    ['a submission with a fresh id', false],
    ['a submission with an Idempotency-Key (digest in the key)', true],
  ])('should hash %s once and record the stored bytes’ digest', async (_name, idempotent) => {
    // Prepare
    const mem = createInMemoryReviewService({ clock });
    const req = { source: 'api' as const, input: { kind: 'plan' as const, plan: bigPlan() }, actor: 'api:ci' };
    // Act
    const { result: v1, count } = await largeHashes(PLAN_BYTES, async () =>
      idempotent ? (await submitIdempotent(mem.service, req, { caller: 'api:ci', key: 'k-1' })).version : mem.service.submit(req),
    );
    // Assert
    expect(count).toBe(1);
    const stored = await mem.blobs.get(v1.content.input.key);
    expect(v1.content.input).toMatchObject({ kind: 'plan', sha256: sha(stored), size: stored.length });
    if (idempotent) expect(v1.content.input.key).toContain(`.${sha(stored).slice(0, 16)}.json`);
    expect(await mem.service.loadInput(v1.content)).toEqual(req.input);
  });

  it('should hash a plan posted for a pull request once, its key built from that digest', async () => {
    // Prepare
    const mem = createInMemoryReviewService({ clock });
    const github = createGithubReviews({ store: mem.store, blobs: mem.blobs, events: mem.events, clock });
    // Act
    const { result, count } = await largeHashes(PLAN_BYTES, () => github.submitPlan({ repository: 'acme/infra', pullRequest: 7, headSha: 'a'.repeat(40), plan: bigPlan(), actor: 'api:ci' }));
    // Assert
    expect(count).toBe(1);
    // The submission points at the stored plan (pr-review-handler adds the base branch's policy to it).
    const pointer = (await mem.service.loadInput(result.version.content)) as unknown as { kind: string; plan: { kind: string; key: string; sha256: string; size: number } };
    expect(pointer.kind).toBe('pull-request');
    const input = pointer.plan;
    const stored = await mem.blobs.get(input.key);
    expect(input).toMatchObject({ kind: 'plan', sha256: sha(stored), size: stored.length });
    expect(result.version.content.external?.planSha256).toBe(sha(stored));
    expect(input.key).toBe(`inputs/github%3Aacme%3Ainfra%3A7/${'a'.repeat(40)}.plan.${sha(stored).slice(0, 16)}.json`);
  });

  it('should hash a plan posted for a Spacelift run once, its key built from that digest', async () => {
    // Prepare
    const mem = createInMemoryReviewService({ clock });
    const spacelift = createSpaceliftReviews({ store: mem.store, blobs: mem.blobs, events: mem.events, clock });
    // Act
    const { result, count } = await largeHashes(PLAN_BYTES, () => spacelift.submitPlan({ account: 'acme', runId: '01HRUN', stackId: 'prod', plan: bigPlan(), actor: 'api:ci' }));
    // Assert
    expect(count).toBe(1);
    const input = result.version.content.input;
    const stored = await mem.blobs.get(input.key);
    expect(input).toMatchObject({ kind: 'plan', sha256: sha(stored), size: stored.length });
    expect(input.key).toBe(`inputs/spacelift%3Aacme%3A01HRUN/plan.${sha(stored).slice(0, 16)}.json`);
  });
});
