import { startLocalStack, type LocalStack } from '../src/local/stack';

process.env.LOG_LEVEL = 'silent';

describe('per-key rate limit (local stack)', () => {
  let stack: LocalStack;
  beforeAll(async () => {
    stack = await startLocalStack({ port: 0, env: {}, rateLimit: { ratePerSecond: 2, burst: 5 }, onError: () => undefined });
  });
  afterAll(async () => {
    await stack.stop();
  });

  it('should answer a burst over the limit with 429 and Retry-After, per key', async () => {
    const get = (key: string) => fetch(`${stack.url}/reviews`, { headers: { 'x-api-key': key } });
    const statuses = [];
    for (let i = 0; i < 8; i++) statuses.push((await get(stack.apiKeys.readonly)).status);
    expect(statuses.slice(0, 5)).toEqual([200, 200, 200, 200, 200]);
    expect(statuses.slice(5)).toContain(429);
    const limited = await get(stack.apiKeys.readonly);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('content-type')).toBe('application/problem+json');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    // Another key has its own bucket.
    expect((await get(stack.apiKeys.admin)).status).toBe(200);
    // Health needs no key and is not limited.
    expect((await fetch(`${stack.url}/health`)).status).toBe(200);
  });
});
