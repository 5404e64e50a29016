import { createInMemoryMacKeyProvider, createVersionedStore, VersionConflictError, type VersionedStore } from '../src/index';
import { recordingTablePort } from '../src/testing';
import { dynaliteBackend, inMemoryBackend, review, reviewHead, type Backend, type ReviewDoc } from './support/harness';

describe.each<[string, () => Backend]>([
  ['in-memory', inMemoryBackend],
  ['dynalite', dynaliteBackend],
])('DynamoDB requests per operation (%s)', (_name, makeBackend) => {
  const backend = makeBackend();
  beforeAll(() => backend.start());
  afterAll(() => backend.stop());

  const setup = async () => {
    const t = await backend.table();
    const c = recordingTablePort(t.port);
    const store: VersionedStore<ReviewDoc> = createVersionedStore<ReviewDoc>({
      table: c.port,
      tableName: t.tableName,
      entity: 'REVIEW',
      head: reviewHead,
      mac: createInMemoryMacKeyProvider(),
    });
    return { t, c, store };
  };

  it('should read the latest version (head, newest, predecessor) in one query', async () => {
    // Prepare
    const { c, store } = await setup();
    await store.create('r1', review(), { actor: 'a', reason: 'submit' });
    await store.append('r1', review({ title: 'reviewing' }), { actor: 'a', reason: 'pick up' });
    await store.append('r1', review({ status: 'completed', riskLevel: 'high' }), { actor: 'a', reason: 'done' });
    c.take();
    // Act
    const latest = await store.getLatest('r1');
    // Assert
    expect(latest.version).toBe(3);
    expect(latest.content.status).toBe('completed');
    expect(c.take()).toEqual(['query']);
  });

  it('should append onto a held latest version with exactly one conditional put and one head update', async () => {
    // Prepare
    const { c, store } = await setup();
    await store.create('r1', review(), { actor: 'a', reason: 'submit' });
    const latest = await store.getLatest('r1');
    c.take();
    // Act
    const next = await store.append('r1', (v) => ({ ...v.content, status: 'completed' }), { actor: 'reviewer', reason: 'review completed', latest });
    const after = await store.append('r1', (v) => ({ ...v.content, title: 'acknowledged' }), { actor: 'alice', reason: 'feedback', latest: next, expectedVersion: 2 });
    // Assert
    expect(next.version).toBe(2);
    expect(after.version).toBe(3);
    expect(c.take()).toEqual(['putIfAbsent', 'updateIfNewer', 'putIfAbsent', 'updateIfNewer']);
    const verified = await store.verifyHistory('r1');
    expect(verified).toMatchObject({ ok: true, versions: 3 });
  });

  it('should fall back to reading when the held version is no longer the latest', async () => {
    // Prepare
    const { c, store } = await setup();
    await store.create('r1', review(), { actor: 'a', reason: 'submit' });
    const stale = await store.getLatest('r1');
    await store.append('r1', review({ title: 'reviewing' }), { actor: 'b', reason: 'someone else' });
    c.take();
    // Act
    const next = await store.append('r1', (v) => ({ ...v.content, riskLevel: 'low' }), { actor: 'a', reason: 'retry', latest: stale });
    // Assert: the updater ran against version 2 (its status survived), chained onto it
    expect(next.version).toBe(3);
    expect(next.content.title).toBe('reviewing');
    expect(c.take()).toEqual(['putIfAbsent', 'query', 'putIfAbsent', 'updateIfNewer']);
    await expect(store.append('r1', review({ status: 'completed' }), { actor: 'a', reason: 'stale', latest: stale, expectedVersion: 1 })).rejects.toBeInstanceOf(VersionConflictError);
  });

  it('should list heads through every index with exactly what the head item holds (the GSI projection is wide enough)', async () => {
    // Prepare
    const { store } = await setup();
    await store.create('r1', review({ day: '2026-01-02' }), { actor: 'a', reason: 'submit' });
    await store.append('r1', review({ status: 'completed', riskLevel: 'critical', day: '2026-01-02', findings: [{ ruleId: 'R1', severity: 'high' }] }), { actor: 'a', reason: 'done' });
    const head = await store.getHead('r1');
    // Act
    const pages = await Promise.all([
      store.listHeads({ index: 'scope', key: 'github:acme/infra' }),
      store.listHeads({ index: 'day', key: '2026-01-02' }),
      store.listHeads({ index: 'latest' }),
    ]);
    // Assert
    expect(head).toMatchObject({ latestVersion: 2, status: 'completed', riskLevel: 'critical', attributes: { findings: 1 } });
    for (const page of pages) expect(page.items).toEqual([head]);
  });

  it('should ignore a version that this store did not hand out', async () => {
    // Prepare
    const { c, store } = await setup();
    await store.create('r1', review(), { actor: 'a', reason: 'submit' });
    const real = await store.getLatest('r1');
    const forged = { ...real, hash: 'f'.repeat(64), content: review({ status: 'completed' }) };
    c.take();
    // Act
    const next = await store.append('r1', (v) => ({ ...v.content, riskLevel: 'low' }), { actor: 'a', reason: 'x', latest: forged });
    // Assert: read the stored version instead of trusting the caller's copy
    expect(next.previousHash).toBe(real.hash);
    expect(next.content.status).toBe('pending');
    expect(c.take()).toEqual(['query', 'putIfAbsent', 'updateIfNewer']);
  });
});
