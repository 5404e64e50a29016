import { createDynamoDbTablePort, createIdempotencyStore, ValidationError, type IdempotencyStore } from '../src/index';
import { dynaliteBackend, inMemoryBackend, type TableHarness } from './support/harness';

const backends = [inMemoryBackend(), dynaliteBackend()];

describe.each(backends)('createIdempotencyStore on $name', (backend) => {
  let t: TableHarness;
  let now: number;
  let store: IdempotencyStore;

  beforeAll(() => backend.start());
  afterAll(() => backend.stop());
  beforeEach(async () => {
    t = await backend.table();
    now = Date.parse('2025-11-24T10:00:00.000Z');
    store = createIdempotencyStore({ port: t.port, tableName: t.tableName, ttlSeconds: 3600, clock: () => new Date(now) });
  });

  it('should report the first record of a delivery id as first and later ones as duplicates of it', async () => {
    expect(await store.record('github', 'delivery-1', { meta: { event: 'pull_request' } })).toEqual({ status: 'first', firstSeenAt: '2025-11-24T10:00:00.000Z' });
    now += 5000;

    expect(await store.record('github', 'delivery-1')).toEqual({ status: 'duplicate', firstSeenAt: '2025-11-24T10:00:00.000Z' });
    expect(await store.record('spacelift', 'delivery-1')).toMatchObject({ status: 'first' });
  });

  it('should store the TTL attribute of the table definition in epoch seconds', async () => {
    await store.record('github', 'delivery-1');

    const [item] = await t.dump();
    expect(item).toMatchObject({ pk: 'IDEMPOTENCY#github#delivery-1', sk: 'IDEMPOTENCY', expiresAt: now / 1000 + 3600 });
  });

  it('should treat an expired record that TTL has not deleted yet as absent', async () => {
    await store.record('github', 'delivery-1');
    now += 3601 * 1000;

    expect(await store.record('github', 'delivery-1')).toEqual({ status: 'first', firstSeenAt: new Date(now).toISOString() });
  });

  it('should process a delivery again after it was forgotten', async () => {
    await store.record('github', 'delivery-1');
    await store.forget('github', 'delivery-1');

    expect(await store.record('github', 'delivery-1')).toMatchObject({ status: 'first' });
  });

  it('should let exactly one of 20 simultaneous records of one id be first', async () => {
    const stores = backend.name === 'dynalite'
      ? Array.from({ length: 20 }, () => {
          const local = (backend as ReturnType<typeof dynaliteBackend>).local();
          return createIdempotencyStore({ port: createDynamoDbTablePort({ client: local.newClient() }), tableName: t.tableName, ttlSeconds: 3600 });
        })
      : Array.from({ length: 20 }, () => store);

    const results = await Promise.all(stores.map((s) => s.record('github', 'same-delivery')));

    expect(results.filter((r) => r.status === 'first')).toHaveLength(1);
    const duplicates = results.filter((r) => r.status === 'duplicate');
    expect(duplicates).toHaveLength(19);
    const first = results.find((r) => r.status === 'first');
    for (const d of duplicates) expect(d.firstSeenAt).toBe(first?.firstSeenAt);
  });

  it('should refuse scopes that could collide with another scope’s keys', async () => {
    await expect(store.record('git#hub', 'x')).rejects.toBeInstanceOf(ValidationError);
    await expect(store.record('github', '')).rejects.toBeInstanceOf(ValidationError);
  });
});
