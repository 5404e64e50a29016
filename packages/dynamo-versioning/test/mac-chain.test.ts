import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createFileMacKeyProvider,
  createInMemoryMacKeyProvider,
  createSecretsManagerMacKeyProvider,
  createVersionedStore,
  HistoryTamperedError,
  rotateMacKeyFile,
  verifyTouched,
  type IntegrityFailure,
  type InMemoryMacKeyProvider,
  type StoredItem,
  type VersionedStore,
} from '../src/index';
import { forgeContent, versionItemIn } from './support/forge';
import { inMemoryBackend, review, reviewHead, steppingClock, type ReviewDoc, type TableHarness } from './support/harness';

const meta = { actor: 'ai-reviewer', reason: 'update' };

describe('keyed (HMAC) history chain', () => {
  const backend = inMemoryBackend();
  let t: TableHarness;
  let keys: InMemoryMacKeyProvider;
  let failures: IntegrityFailure[];
  let store: VersionedStore<ReviewDoc>;

  const versionItem = (v: number): Promise<StoredItem> => versionItemIn(t, 'r1', v);

  beforeEach(async () => {
    t = await backend.table();
    keys = createInMemoryMacKeyProvider();
    failures = [];
    store = createVersionedStore<ReviewDoc>({
      table: t.port,
      tableName: t.tableName,
      entity: 'REVIEW',
      head: reviewHead,
      clock: steppingClock(),
      mac: keys,
      onIntegrityFailure: (f) => failures.push(f),
    });
    await store.create('r1', review(), { actor: 'api', reason: 'submitted' });
    await store.append('r1', review({ status: 'completed', riskLevel: 'high', findings: [{ ruleId: 'SEC-001', severity: 'high' }] }), meta);
    await store.append('r1', (latest) => ({ ...latest.content, feedback: ['ack'] }), meta);
  });

  it('should seal every version and name the key it was sealed with', async () => {
    const item = await versionItem(2);
    expect(item).toMatchObject({ macScheme: 'hmac-sha256-v1', macKeyId: 'k1' });
    expect(item.mac).toMatch(/^[0-9a-f]{64}$/);
    expect((await store.getVersion('r1', 2)).keyId).toBe('k1');
    expect(await store.verifyHistory('r1')).toMatchObject({ ok: true, versions: 3 });
    const report = await store.auditHistory('r1');
    expect(report).toMatchObject({ id: 'r1', ok: true, latestVersion: 3 });
    expect(report.versions.map((v) => v.status)).toEqual(['ok', 'ok', 'ok']);
    expect(failures).toEqual([]);
  });

  it('should refuse a version rewritten with recomputed digest and hash (the unkeyed chain accepted it)', async () => {
    const forged = forgeContent(await versionItem(2), review({ status: 'completed', riskLevel: 'low' }));
    await t.rawPut(forged);

    // The unkeyed chain cannot tell: the same table read without a key serves the forgery.
    const unkeyed = createVersionedStore<ReviewDoc>({ table: t.port, tableName: t.tableName, entity: 'REVIEW', head: reviewHead });
    expect((await unkeyed.getVersion('r1', 2)).content.riskLevel).toBe('low');

    await expect(store.getVersion('r1', 2)).rejects.toBeInstanceOf(HistoryTamperedError);
    expect(failures).toContainEqual(expect.objectContaining({ id: 'r1', version: 2, check: 'read' }));
    // Version 3's link to the rewritten version 2 is checked too.
    await expect(store.getLatest('r1')).rejects.toMatchObject({ brokenAt: 2 });
    expect(await store.verifyHistory('r1')).toMatchObject({ ok: false, brokenAt: 2, reason: 'mac-mismatch' });
    const report = await store.auditHistory('r1');
    expect(report.ok).toBe(false);
    expect(report.versions.map((v) => v.status)).toEqual(['ok', 'content-mismatch', 'broken-link']);
  });

  it('should refuse a version whose MAC was stripped (no downgrade to the unkeyed chain)', async () => {
    const item = await versionItem(3);
    delete item.mac;
    delete item.macKeyId;
    delete item.macScheme;
    await t.rawPut(item);

    await expect(store.getVersion('r1', 3)).rejects.toThrow(/no MAC/);
    expect((await store.auditHistory('r1')).versions[2]).toMatchObject({ version: 3, status: 'content-mismatch' });
  });

  it('should detect a version replaced by another genuinely sealed version (broken link)', async () => {
    // Without the key the attacker can only move genuinely sealed items around: another review's
    // version 2, or an older version of this review.
    const other = createVersionedStore<ReviewDoc>({ table: t.port, tableName: t.tableName, entity: 'REVIEW', head: reviewHead, mac: keys });
    await other.create('r2', review(), { actor: 'api', reason: 'submitted' });
    await other.append('r2', review({ status: 'failed' }), meta);
    const v2 = await versionItem(2);
    const donor = (await t.dump()).find((i) => i.pk === 'REVIEW#r2' && i.version === 2) as StoredItem;
    // Same key, but the MAC covers the id, so moving it across items fails on its own MAC…
    await t.rawPut({ ...donor, pk: v2.pk as string, id: 'r1' });
    await expect(store.getVersion('r1', 2)).rejects.toBeInstanceOf(HistoryTamperedError);
    // …and an older genuine version of r1 itself cannot stand in for a newer one: version 1 in v2's place.
    await t.rawPut(v2);
    const v1 = await versionItem(1);
    await t.rawDelete({ pk: 'REVIEW#r1', sk: 'V#0000000001' });
    await expect(store.getVersion('r1', 2)).rejects.toThrow(/previous version is missing/);
    await t.rawPut(v1);
    expect((await store.getVersion('r1', 2)).version).toBe(2);
  });

  it('should report missing versions and a head that points past the history', async () => {
    await t.rawDelete({ pk: 'REVIEW#r1', sk: 'V#0000000002' });
    await t.rawDelete({ pk: 'REVIEW#r1', sk: 'V#0000000003' });

    const report = await store.auditHistory('r1');
    expect(report.versions.map((v) => [v.version, v.status])).toEqual([
      [1, 'ok'],
      [2, 'missing-version'],
      [3, 'missing-version'],
    ]);
    await expect(store.getLatest('r1')).rejects.toBeInstanceOf(HistoryTamperedError);
  });

  it('should report a gap in the middle and the broken link after it', async () => {
    await store.append('r1', review({ title: 'v4' }), meta);
    await t.rawDelete({ pk: 'REVIEW#r1', sk: 'V#0000000002' });

    const statuses = (await store.auditHistory('r1')).versions.map((v) => v.status);
    expect(statuses).toEqual(['ok', 'missing-version', 'ok', 'ok']);
    // Reading version 3 checks its link to 2, which is gone.
    await expect(store.getVersion('r1', 3)).rejects.toThrow(/previous version is missing/);
  });

  it('should keep old versions verifiable after key rotation, and say which key sealed each', async () => {
    keys.rotate();
    await store.append('r1', review({ title: 'after rotation' }), meta);

    const report = await store.auditHistory('r1');
    expect(report.ok).toBe(true);
    expect(report.versions.map((v) => v.keyId)).toEqual(['k1', 'k1', 'k1', 'k2']);
    expect((await store.getLatest('r1')).keyId).toBe('k2');
    expect((await store.getVersion('r1', 1)).keyId).toBe('k1');

    // Losing the old key makes the old versions unverifiable, never silently trusted.
    keys.drop('k1');
    expect((await store.auditHistory('r1')).versions.map((v) => v.status)).toEqual(['unknown-key', 'unknown-key', 'unknown-key', 'ok']);
    await expect(store.getVersion('r1', 2)).rejects.toBeInstanceOf(HistoryTamperedError);
  });

  it('should refuse a forged version sealed with a key the attacker chose', async () => {
    const attacker = createInMemoryMacKeyProvider({ keyId: 'k1', key: Buffer.alloc(32, 7) });
    const forger = createVersionedStore<ReviewDoc>({ table: t.port, tableName: t.tableName, entity: 'REVIEW', head: reviewHead, mac: attacker });
    await forger.append('r1', review({ riskLevel: 'low', status: 'completed' }), meta);

    await expect(store.getLatest('r1')).rejects.toBeInstanceOf(HistoryTamperedError);
    expect((await store.auditHistory('r1')).versions[3]).toMatchObject({ version: 4, status: 'content-mismatch' });
  });

  it('should verify every item touched on a day and name the broken ones', async () => {
    const day = '2025-11-24';
    await store.create('r2', review(), { actor: 'api', reason: 'submitted' });
    await store.create('r3', review(), { actor: 'api', reason: 'submitted' });
    await t.rawPut(forgeContent((await t.dump()).find((i) => i.pk === 'REVIEW#r2' && i.version === 1) as StoredItem, review({ title: 'forged' })));

    const result = await verifyTouched(store, { day });
    expect(result.checked).toBe(3);
    expect(result.failed.map((f) => [f.id, f.result.reason])).toEqual([['r2', 'mac-mismatch']]);
    expect(await verifyTouched(store, { day: '2025-11-23' })).toMatchObject({ checked: 0, failed: [] });
  });
});

describe('MAC key providers', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'mac-keys-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('should create the local key file on first use with mode 0600 and reuse it', async () => {
    const path = join(dir, 'history-mac-keys.json');
    const a = await createFileMacKeyProvider({ path }).current();
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const b = await createFileMacKeyProvider({ path }).current();
    expect(b.keyId).toBe(a.keyId);
    expect(Buffer.from(b.key).equals(Buffer.from(a.key))).toBe(true);
    expect(a.key.length).toBe(32);
  });

  it('should rotate the local key file and keep old keys', async () => {
    const path = join(dir, 'keys.json');
    const provider = createFileMacKeyProvider({ path });
    const first = await provider.current();
    const id = rotateMacKeyFile(path);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const fresh = createFileMacKeyProvider({ path });
    expect((await fresh.current()).keyId).toBe(id);
    expect(Buffer.from((await fresh.byId(first.keyId)) as Uint8Array).equals(Buffer.from(first.key))).toBe(true);
    // The already-open provider finds the new key too.
    expect(await provider.byId(id)).toBeDefined();
    expect(JSON.parse(readFileSync(path, 'utf8')).current).toBe(id);
  });

  it('should read Secrets Manager once per container for the current key and by version id after that', async () => {
    const key = Buffer.alloc(32, 1).toString('base64');
    const old = Buffer.alloc(32, 2).toString('base64');
    const calls: Array<Record<string, unknown>> = [];
    let now = 0;
    const client = {
      send: async (cmd: { input: { SecretId?: string; VersionId?: string; VersionStage?: string } }) => {
        calls.push(cmd.input);
        if (cmd.input.VersionStage === 'AWSCURRENT') return { SecretString: key, VersionId: 'v-new' };
        if (cmd.input.VersionId === 'v-old') return { SecretString: JSON.stringify({ key: old }), VersionId: 'v-old' };
        throw Object.assign(new Error('not found'), { name: 'ResourceNotFoundException' });
      },
    };
    const provider = createSecretsManagerMacKeyProvider({ client, secretId: 'iac-review-dev/history-mac-key', command: (input) => ({ input }), currentTtlMs: 1000, now: () => now });

    for (let i = 0; i < 5; i++) expect((await provider.current()).keyId).toBe('v-new');
    expect(await provider.byId('v-new')).toEqual(Buffer.alloc(32, 1));
    expect(calls).toHaveLength(1);
    expect(await provider.byId('v-old')).toEqual(Buffer.alloc(32, 2));
    expect(await provider.byId('v-old')).toEqual(Buffer.alloc(32, 2));
    expect(await provider.byId('v-gone')).toBeUndefined();
    expect(calls).toHaveLength(3);
    now = 1001;
    await provider.current();
    expect(calls).toHaveLength(4);
    expect(calls[0]).toEqual({ SecretId: 'iac-review-dev/history-mac-key', VersionStage: 'AWSCURRENT' });
  });

  it('should fail with a store failure naming the fix when the secret has no value, and ask again next time', async () => {
    let calls = 0;
    const client = {
      send: async () => {
        calls++;
        if (calls === 1) throw Object.assign(new Error("Secrets Manager can't find the specified secret value for staging label: AWSCURRENT"), { name: 'ResourceNotFoundException' });
        return { SecretString: Buffer.alloc(32, 3).toString('base64'), VersionId: 'v1' };
      },
    };
    const provider = createSecretsManagerMacKeyProvider({ client, secretId: 's', command: (input) => ({ input }) });
    await expect(provider.current()).rejects.toMatchObject({ name: 'StoreFailureError', message: expect.stringMatching(/does the secret have a value/) });
    expect((await provider.current()).keyId).toBe('v1');
  });

  it('should refuse a key shorter than 32 bytes', async () => {
    const client = { send: async () => ({ SecretString: Buffer.alloc(16).toString('base64'), VersionId: 'v1' }) };
    const provider = createSecretsManagerMacKeyProvider({ client, secretId: 's', command: (input) => ({ input }) });
    await expect(provider.current()).rejects.toThrow(/at least 32/);
  });
});
