import { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { createDynamoDbTablePort, createVersionedStore, HEAD_SK, VersionConflictError, type StoredItem, type TablePort, type VersionedStore } from '../src/index';
import { startLocalDynamo, type LocalDynamo } from './support/local-dynamo';
import { review, reviewHead, type ReviewDoc } from './support/harness';

/** Everything here runs against dynalite, with real concurrent requests over HTTP. */
describe('versioned store under concurrency (dynalite)', () => {
  let local: LocalDynamo;
  let tableName: string;
  /** One store per client, so requests really run in parallel over separate connection pools. */
  let stores: VersionedStore<ReviewDoc>[];
  const meta = (writer: number) => ({ actor: `writer-${writer}`, reason: 'concurrent append' });

  beforeAll(async () => {
    local = await startLocalDynamo();
  });
  afterAll(() => local.close());
  beforeEach(async () => {
    tableName = await local.createTable();
    stores = Array.from({ length: 5 }, () =>
      createVersionedStore<ReviewDoc>({ table: createDynamoDbTablePort({ client: local.newClient() }), tableName, entity: 'REVIEW', head: reviewHead }),
    );
  });

  const storeFor = (i: number): VersionedStore<ReviewDoc> => stores[i % stores.length] as VersionedStore<ReviewDoc>;

  /** Reads every version item of `id` straight from the table and checks the chain by hand. */
  const assertContiguousChain = async (id: string, count: number): Promise<StoredItem[]> => {
    const items: StoredItem[] = [];
    let cursor: string | undefined;
    do {
      const page = await storeFor(0).listVersions(id, { limit: 100, ...(cursor ? { cursor } : {}) });
      items.push(...page.items.map((v) => v as unknown as StoredItem));
      cursor = page.cursor;
    } while (cursor);
    items.reverse();
    expect(items.map((v) => v.version)).toEqual(Array.from({ length: count }, (_, i) => i + 1));
    items.forEach((v, i) => {
      expect(v.previousVersion).toBe(i === 0 ? null : i);
      expect(v.previousHash).toBe(i === 0 ? null : (items[i - 1] as StoredItem).hash);
    });
    expect(await storeFor(0).verifyHistory(id)).toEqual({ ok: true, versions: count, latestHash: (items[count - 1] as StoredItem).hash });
    expect((await storeFor(0).getHead(id)).latestVersion).toBe(count);
    return items;
  };

  it('should turn a create and 50 concurrent appends into exactly versions 1..51', async () => {
    await storeFor(0).create('r1', review(), meta(0));

    const written = await Promise.all(Array.from({ length: 50 }, (_, i) => storeFor(i).append('r1', review({ writer: i + 1 }), meta(i + 1))));

    expect(written.map((v) => v.version).sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i + 2));
    const items = await assertContiguousChain('r1', 51);
    const writers = items.slice(1).map((v) => (v.content as unknown as ReviewDoc).writer);
    expect(new Set(writers).size).toBe(50);
  });

  it('should keep 5 interleaved reviews contiguous under 50 concurrent appends', async () => {
    const ids = ['a', 'b', 'c', 'd', 'e'];
    await Promise.all(ids.map((id, i) => storeFor(i).create(id, review({ title: id }), meta(0))));

    await Promise.all(Array.from({ length: 50 }, (_, i) => storeFor(i).append(ids[i % 5] as string, review({ writer: i }), meta(i))));

    for (const id of ids) await assertContiguousChain(id, 11);
  });

  it('should lose no read-modify-write update when 20 updaters run at once', async () => {
    await storeFor(0).create('r1', review({ feedback: [] }), meta(0));

    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        storeFor(i).append('r1', (latest) => ({ ...latest.content, feedback: [...(latest.content.feedback ?? []), `note ${i}`] }), { actor: `user-${i}`, reason: 'feedback' }),
      ),
    );

    const latest = await storeFor(0).getLatest('r1');
    expect(latest.version).toBe(21);
    expect([...(latest.content.feedback ?? [])].sort()).toEqual(Array.from({ length: 20 }, (_, i) => `note ${i}`).sort());
    await assertContiguousChain('r1', 21);
  });

  it('should let exactly one of 10 appends expecting the same version win and reject the rest with 409-style conflicts', async () => {
    await storeFor(0).create('r1', review(), meta(0));

    const results = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => storeFor(i).append('r1', review({ writer: i }), { ...meta(i), expectedVersion: 1 })));

    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const rejected = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => r.reason as unknown);
    expect(rejected).toHaveLength(9);
    for (const err of rejected) {
      expect(err).toBeInstanceOf(VersionConflictError);
      expect(err).toMatchObject({ expected: 1, actual: 2 });
    }
    await assertContiguousChain('r1', 2);
  });

  it('should give up after the bounded number of attempts with a conflict instead of spinning', async () => {
    // All 8 writers read the head before any of them writes: exactly one can win its single attempt.
    const port = createDynamoDbTablePort({ client: local.client });
    let waiting: (() => void)[] = [];
    const gate: TablePort = {
      ...port,
      get: async (table, key, o) => {
        const item = await port.get(table, key, o);
        if (key.sk === HEAD_SK && gated) {
          await new Promise<void>((resolve) => {
            waiting.push(resolve);
            if (waiting.length === 8) {
              waiting.forEach((r) => r());
              waiting = [];
            }
          });
        }
        return item;
      },
    };
    let gated = false;
    const impatient = createVersionedStore<ReviewDoc>({
      table: gate,
      tableName,
      entity: 'REVIEW',
      head: reviewHead,
      retry: { maxAttempts: 1 },
    });
    await impatient.create('r1', review(), meta(0));
    gated = true;

    const results = await Promise.allSettled(Array.from({ length: 8 }, (_, i) => impatient.append('r1', review({ writer: i }), meta(i))));

    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of results) if (r.status === 'rejected') expect(r.reason).toMatchObject({ name: 'VersionConflictError', expected: 1, actual: 2 });
    await assertContiguousChain('r1', 2);
  });

  it('should name the version whose attribute was edited with a direct UpdateItem', async () => {
    await storeFor(0).create('r1', review(), meta(0));
    for (let i = 1; i <= 5; i++) await storeFor(i).append('r1', review({ writer: i }), meta(i));
    const doc = DynamoDBDocumentClient.from(local.client);

    await doc.send(
      new UpdateCommand({
        TableName: tableName,
        Key: { pk: 'REVIEW#r1', sk: 'V#0000000004' },
        UpdateExpression: 'SET #r = :r',
        ExpressionAttributeNames: { '#r': 'reason' },
        ExpressionAttributeValues: { ':r': 'nothing to see here' },
      }),
    );

    expect(await storeFor(0).verifyHistory('r1')).toMatchObject({ ok: false, brokenAt: 4, reason: 'hash-mismatch' });
  });
});
