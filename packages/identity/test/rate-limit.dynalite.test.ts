import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { createDynamoRateLimiter, readRateLimitConfig, type RateVerdict } from '../src';
import { startTable, type LocalTable } from './support/dynalite';

let table: LocalTable;
beforeAll(async () => {
  table = await startTable('iac-review-rate');
});
afterAll(() => table.close());

const config = { capacity: 5, refillPerSecond: 1 };

describe('createDynamoRateLimiter (token bucket per identity on DynamoDB)', () => {
  it('allows a burst of capacity, then 429s with a retry-after, and refills with time', async () => {
    let now = 1_800_000_000_000;
    const limiter = createDynamoRateLimiter({ client: table.client, tableName: table.tableName, config, clock: () => now });
    const verdicts: RateVerdict[] = [];
    for (let i = 0; i < 6; i++) verdicts.push(await limiter.take('person:alice-1'));
    expect(verdicts.slice(0, 5).every((v) => v.allowed)).toBe(true);
    expect(verdicts[5]).toEqual({ allowed: false, retryAfterSeconds: 1 });
    now += 2500; // 2.5 tokens back
    expect((await limiter.take('person:alice-1')).allowed).toBe(true);
    expect((await limiter.take('person:alice-1')).allowed).toBe(true);
    expect(await limiter.take('person:alice-1')).toEqual({ allowed: false, retryAfterSeconds: 1 });
    const item = await table.client.send(new GetItemCommand({ TableName: table.tableName, Key: { pk: { S: 'RATELIMIT#person:alice-1' }, sk: { S: 'BUCKET' } } }));
    expect(Number(item.Item?.expiresAt?.N)).toBeGreaterThan(now / 1000);
  });

  it("one person's burst does not slow another person or a key", async () => {
    const now = 1_800_000_100_000;
    const limiter = createDynamoRateLimiter({ client: table.client, tableName: table.tableName, config, clock: () => now });
    for (let i = 0; i < 5; i++) await limiter.take('person:bob');
    expect((await limiter.take('person:bob')).allowed).toBe(false);
    for (let i = 0; i < 5; i++) expect((await limiter.take('person:carol')).allowed).toBe(true);
    expect((await limiter.take('key:ci')).allowed).toBe(true);
  });

  it('holds across containers: two limiters racing on one identity never spend more than the bucket holds', async () => {
    const now = 1_800_000_200_000;
    const a = createDynamoRateLimiter({ client: table.client, tableName: table.tableName, config: { capacity: 10, refillPerSecond: 0.001 }, clock: () => now, maxAttempts: 50 });
    const b = createDynamoRateLimiter({ client: table.client, tableName: table.tableName, config: { capacity: 10, refillPerSecond: 0.001 }, clock: () => now, maxAttempts: 50 });
    const results = await Promise.all(Array.from({ length: 30 }, (_, i) => (i % 2 ? a : b).take('person:dave')));
    expect(results.filter((r) => r.allowed)).toHaveLength(10);
  });

  it('reads its settings from the environment, off when unset', () => {
    expect(readRateLimitConfig({})).toBeUndefined();
    expect(readRateLimitConfig({ RATE_LIMIT_BURST: '40', RATE_LIMIT_PER_SECOND: '2.5' })).toEqual({ capacity: 40, refillPerSecond: 2.5 });
    expect(() => readRateLimitConfig({ RATE_LIMIT_BURST: '0' })).toThrow(/RATE_LIMIT_BURST/);
    expect(() => readRateLimitConfig({ RATE_LIMIT_PER_SECOND: '-1' })).toThrow(/RATE_LIMIT_PER_SECOND/);
  });
});
