import {
  createInMemoryBlobStore,
  HEAD_SK,
  createVersionedStore,
  HistoryTamperedError,
  PayloadTooLargeError,
  ValidationError,
  VersionConflictError,
  VersionNotFoundError,
  versionHash,
  type StoredItem,
  type VersionedStore,
} from '../src/index';
import { dynaliteBackend, inMemoryBackend, review, reviewHead, steppingClock, type ReviewDoc, type TableHarness } from './support/harness';

const backends = [inMemoryBackend(), dynaliteBackend()];

describe.each(backends)('createVersionedStore on $name', (backend) => {
  let t: TableHarness;
  let store: VersionedStore<ReviewDoc>;
  const meta = { actor: 'ai-reviewer', reason: 'initial review' };

  beforeAll(() => backend.start());
  afterAll(() => backend.stop());
  beforeEach(async () => {
    t = await backend.table();
    store = createVersionedStore<ReviewDoc>({ table: t.port, tableName: t.tableName, entity: 'REVIEW', head: reviewHead, clock: steppingClock() });
  });

  const versionItem = async (id: string, v: number): Promise<StoredItem> => {
    const item = (await t.dump()).find((i) => i.pk === `REVIEW#${id}` && i.version === v && String(i.sk).startsWith('V#'));
    if (!item) throw new Error(`no item for version ${v}`);
    return item;
  };

  it('should write version 1 with no previous version and a hash over its fields', async () => {
    const v1 = await store.create('r1', review(), meta);

    expect(v1).toMatchObject({ id: 'r1', version: 1, previousVersion: null, previousHash: null, actor: 'ai-reviewer', reason: 'initial review', createdAt: '2025-11-24T10:00:00.000Z' });
    expect(v1.content).toEqual(review());
    expect(v1.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(await store.getLatest('r1')).toEqual(v1);
  });

  it('should chain each appended version to the previous one', async () => {
    const v1 = await store.create('r1', review(), meta);
    const v2 = await store.append('r1', review({ status: 'completed', riskLevel: 'high' }), { actor: 'ai-reviewer', reason: 'review finished' });
    const v3 = await store.append('r1', (latest) => ({ ...latest.content, feedback: ['false positive'] }), { actor: 'alice', reason: 'feedback' });

    expect([v2.version, v2.previousVersion, v2.previousHash]).toEqual([2, 1, v1.hash]);
    expect([v3.version, v3.previousVersion, v3.previousHash]).toEqual([3, 2, v2.hash]);
    expect(v3.content).toEqual(review({ status: 'completed', riskLevel: 'high', feedback: ['false positive'] }));
    expect(await store.getVersion('r1', 2)).toEqual(v2);
    expect(await store.verifyHistory('r1')).toEqual({ ok: true, versions: 3, latestHash: v3.hash });
  });

  it('should refuse to create an id twice with a conflict naming the latest version', async () => {
    await store.create('r1', review(), meta);
    await store.append('r1', review({ status: 'completed' }), meta);

    await expect(store.create('r1', review(), meta)).rejects.toMatchObject({ name: 'VersionConflictError', expected: 0, actual: 2 });
  });

  it('should fail an append whose expected version is no longer the latest, without writing', async () => {
    await store.create('r1', review(), meta);
    await store.append('r1', review({ status: 'completed' }), { ...meta, expectedVersion: 1 });

    const err = await store.append('r1', review({ status: 'failed' }), { ...meta, expectedVersion: 1 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VersionConflictError);
    expect(err).toMatchObject({ expected: 1, actual: 2 });
    expect((await store.getLatest('r1')).content.status).toBe('completed');
    await expect(store.append('r1', review(), { ...meta, expectedVersion: 5 })).rejects.toMatchObject({ expected: 5, actual: 2 });
  });

  it('should report unknown ids and versions as not found', async () => {
    await expect(store.getLatest('nope')).rejects.toBeInstanceOf(VersionNotFoundError);
    await expect(store.append('nope', review(), meta)).rejects.toBeInstanceOf(VersionNotFoundError);
    await expect(store.verifyHistory('nope')).rejects.toBeInstanceOf(VersionNotFoundError);
    await store.create('r1', review(), meta);
    await expect(store.getVersion('r1', 2)).rejects.toMatchObject({ name: 'VersionNotFoundError', version: 2 });
  });

  it('should validate ids, metadata and content before touching the table', async () => {
    await expect(store.create('', review(), meta)).rejects.toBeInstanceOf(ValidationError);
    await expect(store.create('r1', review(), { actor: '', reason: 'x' })).rejects.toBeInstanceOf(ValidationError);
    await expect(store.create('r1', { ...review(), title: Number.NaN as unknown as string }, meta)).rejects.toBeInstanceOf(ValidationError);
    await expect(store.create('r1', review({ repository: '' }), meta)).rejects.toBeInstanceOf(ValidationError);
    await expect(store.getVersion('r1', 0)).rejects.toBeInstanceOf(ValidationError);
    expect(await t.dump()).toEqual([]);
  });

  it('should list versions newest first across pages with an opaque cursor', async () => {
    await store.create('r1', review(), meta);
    for (let i = 2; i <= 7; i++) await store.append('r1', review({ title: `v${i}` }), meta);

    const seen: number[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await store.listVersions('r1', { limit: 3, ...(cursor ? { cursor } : {}) });
      seen.push(...page.items.map((v) => v.version));
      cursor = page.cursor;
      pages++;
    } while (cursor);

    expect(seen).toEqual([7, 6, 5, 4, 3, 2, 1]);
    expect(pages).toBe(3);
    await expect(store.listVersions('r1', { cursor: 'not a cursor!' })).rejects.toBeInstanceOf(ValidationError);
    await expect(store.listVersions('r2', { cursor: (await store.listVersions('r1', { limit: 1 })).cursor as string })).rejects.toBeInstanceOf(ValidationError);
  });

  it('should keep the head in step and list heads by scope, by day and overall, newest first', async () => {
    const clockStore = (iso: string) =>
      createVersionedStore<ReviewDoc>({ table: t.port, tableName: t.tableName, entity: 'REVIEW', head: reviewHead, clock: () => new Date(iso) });
    await clockStore('2025-11-23T09:00:00.000Z').create('a', review({ repository: 'github:acme/infra' }), meta);
    await clockStore('2025-11-24T09:00:00.000Z').create('b', review({ repository: 'github:acme/infra', riskLevel: 'high' }), meta);
    await clockStore('2025-11-24T10:00:00.000Z').create('c', review({ repository: 'spacelift:prod' }), meta);
    await clockStore('2025-11-24T11:00:00.000Z').append('a', review({ status: 'completed', riskLevel: 'critical' }), meta);

    const byScope = await store.listHeads({ index: 'scope', key: 'github:acme/infra' });
    expect(byScope.items.map((h) => h.id)).toEqual(['b', 'a']);
    expect(byScope.items[1]).toMatchObject({ id: 'a', latestVersion: 2, status: 'completed', riskLevel: 'critical', createdAt: '2025-11-23T09:00:00.000Z', updatedAt: '2025-11-24T11:00:00.000Z', day: '2025-11-23' });
    expect((await store.listHeads({ index: 'day', key: '2025-11-24' })).items.map((h) => h.id)).toEqual(['c', 'b']);
    expect((await store.listHeads({ index: 'latest' })).items.map((h) => h.id)).toEqual(['a', 'c', 'b']);
    expect((await store.listHeads({ index: 'latest', filter: { riskLevel: 'high' } })).items.map((h) => h.id)).toEqual(['b']);
    expect((await store.listHeads({ index: 'latest', from: '2025-11-24T09:30', to: '2025-11-24T10' })).items.map((h) => h.id)).toEqual(['c']);
    expect((await store.listHeads({ index: 'scope', key: 'github:acme/infra', to: '2025-11-23' })).items.map((h) => h.id)).toEqual(['a']);
    await expect(store.listHeads({ index: 'day', key: 'yesterday' })).rejects.toBeInstanceOf(ValidationError);
  });

  it('should page heads with a filter without losing or repeating any', async () => {
    for (let i = 0; i < 9; i++) {
      await store.create(`r${i}`, review({ riskLevel: i % 3 === 0 ? 'high' : 'low' }), meta);
    }
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await store.listHeads({ index: 'latest', filter: { riskLevel: 'low' }, limit: 4, ...(cursor ? { cursor } : {}) });
      seen.push(...page.items.map((h) => h.id));
      cursor = page.cursor;
    } while (cursor);
    expect(seen).toEqual(['r8', 'r7', 'r5', 'r4', 'r2', 'r1']);
    await expect(store.listHeads({ index: 'scope', key: 'other', cursor: (await store.listHeads({ index: 'latest', limit: 1 })).cursor as string })).rejects.toBeInstanceOf(ValidationError);
  });

  it('should keep REVIEW and TREND items apart in the same table', async () => {
    const trends = createVersionedStore<{ day: string; reviews: number }>({
      table: t.port,
      tableName: t.tableName,
      entity: 'TREND',
      head: (c) => ({ scope: 'all', day: c.day }),
    });
    await store.create('2025-11-24', review(), meta);
    await trends.create('2025-11-24', { day: '2025-11-24', reviews: 3 }, { actor: 'trend-aggregation-handler', reason: 'nightly rollup' });

    expect((await trends.getLatest('2025-11-24')).content).toEqual({ day: '2025-11-24', reviews: 3 });
    expect((await store.getLatest('2025-11-24')).content).toEqual(review());
    expect((await trends.listHeads({ index: 'latest' })).items.map((h) => h.scope)).toEqual(['all']);
  });

  it('should repair a head left behind by a crash on the next read and on the next write', async () => {
    const v1 = await store.create('r1', review(), meta);
    await store.append('r1', review({ status: 'completed' }), meta);
    const head = (await t.dump()).find((i) => i.sk === HEAD_SK) as StoredItem;
    // As if the process died between the version put and the head update of version 2:
    await t.rawPut({ ...head, latestVersion: 1, latestHash: v1.hash, status: 'pending' });

    expect((await store.getLatest('r1')).version).toBe(2);
    expect(await store.getHead('r1')).toMatchObject({ latestVersion: 2, status: 'completed' });

    await t.rawPut({ ...head, latestVersion: 1, latestHash: v1.hash });
    const v3 = await store.append('r1', review({ status: 'failed' }), meta);
    expect(v3.version).toBe(3);
    expect((await store.getHead('r1')).latestVersion).toBe(3);
    expect(await store.verifyHistory('r1')).toMatchObject({ ok: true, versions: 3 });

    await t.rawDelete({ pk: 'REVIEW#r1', sk: HEAD_SK });
    expect((await store.append('r1', review(), { ...meta, expectedVersion: 3 })).version).toBe(4);
    expect((await store.getHead('r1')).latestVersion).toBe(4);
  });

  it('should never move the head backwards', async () => {
    await store.create('r1', review(), meta);
    await store.append('r1', review({ status: 'completed' }), meta);
    const v2 = await versionItem('r1', 2);
    const update = await t.port.updateIfNewer(t.tableName, { pk: 'REVIEW#r1', sk: HEAD_SK }, { attribute: 'latestVersion', value: 1, set: { status: 'pending' } });

    expect(update).toBe(false);
    expect(await store.getHead('r1')).toMatchObject({ latestVersion: 2, status: 'completed', latestHash: v2.hash });
  });

  describe('verifyHistory', () => {
    beforeEach(async () => {
      await store.create('r1', review(), meta);
      for (let i = 2; i <= 5; i++) await store.append('r1', review({ title: `v${i}`, findings: [{ ruleId: `R${i}`, severity: 'high' }] }), meta);
    });

    it.each([
      ['actor', 'mallory'],
      ['reason', 'rewritten'],
      ['createdAt', '2020-01-01T00:00:00.000Z'],
      ['content', '{"repository":"github:acme/infra"}'],
    ])('should report the version whose %s was edited in the table', async (attr, value) => {
      await t.rawPut({ ...(await versionItem('r1', 3)), [attr]: value });

      const result = await store.verifyHistory('r1');
      expect(result).toMatchObject({ ok: false, brokenAt: 3 });
      await expect(store.getVersion('r1', 3)).rejects.toBeInstanceOf(HistoryTamperedError);
    });

    it('should report the next version when an edit also recomputes the edited version’s hash', async () => {
      const item = await versionItem('r1', 2);
      const forged: StoredItem = { ...item, actor: 'mallory' };
      forged.hash = versionHash({
        entity: 'REVIEW',
        id: 'r1',
        version: 2,
        previousVersion: 1,
        createdAt: item.createdAt as string,
        firstCreatedAt: item.firstCreatedAt as string,
        actor: 'mallory',
        reason: item.reason as string,
        contentSha256: item.contentSha256 as string,
        previousHash: item.previousHash as string,
      });
      await t.rawPut(forged);

      expect(await store.verifyHistory('r1')).toMatchObject({ ok: false, brokenAt: 3, reason: 'previous-hash-mismatch' });
    });

    it('should report a removed version', async () => {
      await t.rawDelete({ pk: 'REVIEW#r1', sk: 'V#0000000002' });

      expect(await store.verifyHistory('r1')).toMatchObject({ ok: false, brokenAt: 2, reason: 'missing-version' });
    });

    it('should report a removed newest version through the head', async () => {
      await t.rawDelete({ pk: 'REVIEW#r1', sk: 'V#0000000005' });

      expect(await store.verifyHistory('r1')).toMatchObject({ ok: false, brokenAt: 5, reason: 'head-ahead' });
      await expect(store.getLatest('r1')).rejects.toBeInstanceOf(HistoryTamperedError);
    });

    it('should report swapped versions', async () => {
      const v2 = await versionItem('r1', 2);
      const v3 = await versionItem('r1', 3);
      await t.rawPut({ ...v3, pk: v2.pk as string, sk: v2.sk as string });
      await t.rawPut({ ...v2, pk: v3.pk as string, sk: v3.sk as string });

      expect(await store.verifyHistory('r1')).toMatchObject({ ok: false, brokenAt: 2, reason: 'unexpected-version' });
    });

    it('should report a version whose number was rewritten to match its new place', async () => {
      const v3 = await versionItem('r1', 3);
      await t.rawDelete({ pk: v3.pk as string, sk: v3.sk as string });
      await t.rawPut({ ...(await versionItem('r1', 4)), sk: 'V#0000000003', version: 3, previousVersion: 2 });

      expect(await store.verifyHistory('r1')).toMatchObject({ ok: false, brokenAt: 3 });
    });
  });

  describe('large content', () => {
    it('should refuse content over the inline limit when no blob store is configured, before any write', async () => {
      const small = createVersionedStore<ReviewDoc>({ table: t.port, tableName: t.tableName, entity: 'REVIEW', head: reviewHead, inlineLimitBytes: 1000 });

      await expect(small.create('r1', review({ blob: 'x'.repeat(2000) }), meta)).rejects.toBeInstanceOf(PayloadTooLargeError);
      expect(await t.dump()).toEqual([]);
    });

    it('should keep large content in the blob store, a pointer and hash in the item, and verify it', async () => {
      const blobs = createInMemoryBlobStore();
      const big = createVersionedStore<ReviewDoc>({ table: t.port, tableName: t.tableName, entity: 'REVIEW', head: reviewHead, blobStore: blobs });
      const content = review({ blob: 'x'.repeat(500 * 1024) });

      const v1 = await big.create('r1', content, meta);
      await big.append('r1', review(), meta);

      const item = await versionItem('r1', 1);
      expect(item.content).toBeUndefined();
      expect(item.contentBlob).toBe(`review/r1/${v1.contentSha256}.json`);
      expect((await big.getVersion('r1', 1)).content).toEqual(content);
      expect(await big.verifyHistory('r1')).toMatchObject({ ok: true, versions: 2 });

      blobs.rawPut(item.contentBlob as string, Buffer.from(JSON.stringify({ ...content, title: 'forged' })));
      expect(await big.verifyHistory('r1')).toMatchObject({ ok: false, brokenAt: 1, reason: 'content-hash-mismatch' });
      blobs.rawDelete(item.contentBlob as string);
      expect(await big.verifyHistory('r1')).toMatchObject({ ok: false, brokenAt: 1, reason: 'blob-missing' });
    });
  });
});
