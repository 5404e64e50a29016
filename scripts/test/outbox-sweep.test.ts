/**
 * Nothing lost between store and bus, on the local stack: a review stored by a function that was
 * killed before it published ReviewRequested stays pending until the review-sweeper (a scheduled
 * function in the manifest) re-queues it; then the reviewer completes it.
 */
import { readServiceConfig } from '@iac-review/core';
import { createAwsReviewService, createReviewService, historyKeyProviderFromEnv } from '@iac-review/reviews';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { repoRoot } from '../src/lib/repo';
import { lambdaContext, type LambdaLikeHandler } from '../src/local/http-gateway';
import { scheduledEvent } from '../src/local/scheduler';
import { startLocalStack, type LocalStack } from '../src/local/stack';

process.env.LOG_LEVEL = 'silent';
// Sweep anything pending for more than 60 ms (the deployed default is 10 minutes).
process.env.SWEEP_MIN_AGE_MINUTES = '0.001';

describe('outbox sweep (local stack)', () => {
  let stack: LocalStack;
  beforeAll(async () => {
    stack = await startLocalStack({ port: 0, env: {}, onError: () => undefined });
  });
  afterAll(async () => {
    await stack.stop();
    delete process.env.SWEEP_MIN_AGE_MINUTES;
  });

  const status = async (id: string) =>
    ((await (await fetch(`${stack.url}/reviews/${id}`, { headers: { 'x-api-key': stack.apiKeys.readonly } })).json()) as { review: { status: string } }).review.status;

  it('should complete a review whose publish was killed, after the sweep', async () => {
    expect(stack.functions.find((f) => f.name === 'review-sweeper')?.triggers).toEqual([{ type: 'schedule', expression: 'rate(5 minutes)' }]);
    // The submitting function, wired like the real one, dies while publishing (a Lambda timeout).
    const config = readServiceConfig(process.env);
    const { store, blobs } = createAwsReviewService(config, { macKeys: historyKeyProviderFromEnv(process.env, config.region) });
    // Killed once it reaches the publish (after storing): no timer, so a slow machine cannot race it.
    let publishing: () => void = () => undefined;
    const reachedPublish = new Promise<string>((r) => (publishing = () => r('killed')));
    const killed = createReviewService({
      store,
      blobs,
      events: {
        publish: () => {
          publishing();
          return new Promise<void>(() => undefined);
        },
      },
      ids: randomUUID,
      clock: () => new Date(),
    });
    const outcome = await Promise.race([
      killed.submit({ input: { kind: 'plan', plan: { format_version: '1.2', resource_changes: [] } }, source: 'api', title: 'lost publish', actor: 'test' }).then(() => 'published'),
      reachedPublish,
    ]);
    expect(outcome).toBe('killed');
    const [head] = (await store.listHeads({ index: 'latest', filter: { status: 'pending' } })).items;
    expect(head).toBeDefined();
    const reviewId = head?.id as string;
    await stack.bus.idle();
    expect(await status(reviewId)).toBe('pending');

    // The schedule fires the sweeper (invoked here directly instead of waiting 5 minutes).
    await new Promise((r) => setTimeout(r, 100));
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const sweeper = require(join(repoRoot, 'functions', 'review-sweeper', 'src', 'index.ts')) as { handler: LambdaLikeHandler };
    const result = await sweeper.handler(scheduledEvent('review-sweeper-0', new Date()), lambdaContext({ name: 'review-sweeper', timeoutSeconds: 60, memoryMb: 256 }));
    expect(result).toMatchObject({ requeued: 1, errors: 0 });
    await stack.bus.idle();
    expect(await status(reviewId)).toBe('completed');
  });
});
