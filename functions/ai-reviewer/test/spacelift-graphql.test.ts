import { actionOfChangeType, createSpaceliftGraphqlClient, SpaceliftApiError } from '../src/spacelift-graphql';
import { startSpaceliftStub, type SpaceliftStub } from './support/spacelift-stub';

describe('Spacelift GraphQL client (real fetch against a loopback stub)', () => {
  let stub: SpaceliftStub;
  beforeEach(async () => {
    stub = await startSpaceliftStub();
    stub.keys.set('01KEYID', 'key-secret');
    stub.runs.push({
      stackId: 'prod-network',
      runId: '01RUN',
      resources: [
        { address: 'aws_security_group_rule.web_ingress', metadata: { type: 'ADD' } },
        { address: 'module.db.aws_db_instance.main', metadata: { type: 'REPLACE' } },
        { address: 'aws_s3_bucket.old', previousAddress: null, metadata: { type: 'DELETE' } },
      ],
    });
  });
  afterEach(() => stub.close());

  const client = (over: Partial<Parameters<typeof createSpaceliftGraphqlClient>[0]> = {}) =>
    createSpaceliftGraphqlClient({ apiUrl: stub.url, apiKey: async () => ({ keyId: '01KEYID', keySecret: 'key-secret' }), backoffMs: 1, timeoutMs: 2_000, ...over });

  it('should exchange the API key for a JWT and read the run’s changesV3 resources with it', async () => {
    const changes = await client().runChanges('prod-network', '01RUN');
    expect(changes).toEqual([
      { action: 'added', address: 'aws_security_group_rule.web_ingress', entityType: 'resource', phase: 'plan' },
      { action: 'destroy-Before-create-replaced', address: 'module.db.aws_db_instance.main', entityType: 'resource', phase: 'plan' },
      { action: 'deleted', address: 'aws_s3_bucket.old', entityType: 'resource', phase: 'plan' },
    ]);
    expect(stub.requests.map((r) => [r.op, r.authorization])).toEqual([
      ['token', undefined],
      ['changes', 'Bearer jwt-1'],
    ]);
  });

  it('should reuse the JWT until shortly before it expires, then exchange the key again', async () => {
    let now = Date.now();
    const c = client({ clock: () => now });
    await c.runChanges('prod-network', '01RUN');
    await c.runChanges('prod-network', '01RUN');
    expect(stub.requests.filter((r) => r.op === 'token')).toHaveLength(1);
    now += 3600_000 - 30_000; // inside the one-minute margin
    await c.runChanges('prod-network', '01RUN');
    expect(stub.requests.filter((r) => r.op === 'token')).toHaveLength(2);
    expect(stub.requests.at(-1)?.authorization).toBe('Bearer jwt-2');
  });

  it('should share one exchange between concurrent calls', async () => {
    const c = client();
    await Promise.all(Array.from({ length: 5 }, () => c.runChanges('prod-network', '01RUN')));
    expect(stub.requests.filter((r) => r.op === 'token')).toHaveLength(1);
  });

  it('should retry 5xx and 429 a bounded number of times', async () => {
    stub.failures.push(503, 429);
    expect(await client({ maxAttempts: 3 }).runChanges('prod-network', '01RUN')).toHaveLength(3);

    stub.failures.push(502, 502, 502, 502);
    const err = await client({ maxAttempts: 3 }).runChanges('prod-network', '01RUN').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SpaceliftApiError);
    expect((err as Error).message).toMatch(/HTTP 502 \(after 3 attempts\)/);
  });

  it('should exchange the key again once when the JWT is refused', async () => {
    const c = client();
    await c.runChanges('prod-network', '01RUN');
    stub.revoked.add('jwt-1');
    expect(await c.runChanges('prod-network', '01RUN')).toHaveLength(3);
    expect(stub.requests.map((r) => r.status)).toEqual([200, 200, 401, 200, 200]);
  });

  it('should say that the API key was rejected, without the secret', async () => {
    const err = await client({ apiKey: async () => ({ keyId: '01KEYID', keySecret: 'wrong-secret' }) }).runChanges('prod-network', '01RUN').catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/rejected the API key/);
    expect((err as Error).message).not.toContain('wrong-secret');
  });

  it('should name a stack or run it cannot see', async () => {
    await expect(client().runChanges('other', '01RUN')).rejects.toThrow(/stack other does not exist or the API key cannot read it/);
    await expect(client().runChanges('prod-network', '01NOPE')).rejects.toThrow(/has no run 01NOPE/);
  });

  it('should give up on a request that does not answer within the timeout, after its retries', async () => {
    stub.delayMs = 500;
    const started = Date.now();
    const err = await client({ timeoutMs: 100, maxAttempts: 2 }).runChanges('prod-network', '01RUN').catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/no answer within 100 ms \(after 2 attempts\)/);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it.each([
    ['ADD', 'added'],
    ['CHANGE', 'changed'],
    ['DELETE', 'deleted'],
    ['REPLACE', 'destroy-Before-create-replaced'],
    ['CREATE_BEFORE_DESTROY_REPLACE', 'create-Before-destroy-replaced'],
    ['IMPORT', 'imported'],
    ['MOVE', 'moved'],
    ['FORGET', 'forgotten'],
    ['NOOP', 'no-op'],
  ])('should map change type %s to %s', (type, action) => expect(actionOfChangeType(type)).toBe(action));
});
