/**
 * listVersions verifies each version of a page once: its own hash, MAC and content when it is
 * materialised, then only the link to its predecessor when that predecessor is in the same page.
 * The item just after the page (the last version's predecessor) is still checked in full.
 */
import { createInMemoryMacKeyProvider, createVersionedStore, HistoryTamperedError, versionMac, type InMemoryMacKeyProvider, type MacKeyProvider, type StoredItem, type VersionedStore } from '../src/index';
import { forgeContent, versionItemIn } from './support/forge';
import { inMemoryBackend, review, reviewHead, steppingClock, type ReviewDoc, type TableHarness } from './support/harness';

const meta = { actor: 'ai-reviewer', reason: 'update' };

describe('listVersions verification per page', () => {
  const backend = inMemoryBackend();
  let t: TableHarness;
  let store: VersionedStore<ReviewDoc>;
  let keys: InMemoryMacKeyProvider;
  /** How many MAC checks were made (one byId per check). */
  let macChecks: number;

  const versionItem = (v: number): Promise<StoredItem> => versionItemIn(t, 'r1', v);

  beforeEach(async () => {
    t = await backend.table();
    keys = createInMemoryMacKeyProvider();
    macChecks = 0;
    const counted: MacKeyProvider = { current: () => keys.current(), byId: (id) => (macChecks++, keys.byId(id)) };
    store = createVersionedStore<ReviewDoc>({ table: t.port, tableName: t.tableName, entity: 'REVIEW', head: reviewHead, clock: steppingClock(), mac: counted });
    await store.create('r1', review(), { actor: 'api', reason: 'submitted' });
    for (let v = 2; v <= 8; v++) await store.append('r1', review({ title: `v${v}` }), meta);
    macChecks = 0;
  });

  it('should check each listed version once, plus the predecessor after the page', async () => {
    // Act
    const first = await store.listVersions('r1', { limit: 5 });
    const firstChecks = macChecks;
    macChecks = 0;
    const second = await store.listVersions('r1', { limit: 5, cursor: first.cursor as string });
    // Assert: 5 own checks + version 3 (the link out of the page); then 3 own checks (version 1 has no predecessor)
    expect(first.items.map((v) => v.version)).toEqual([8, 7, 6, 5, 4]);
    expect(second.items.map((v) => v.version)).toEqual([3, 2, 1]);
    expect(second.cursor).toBeUndefined();
    expect(firstChecks).toBe(6);
    expect(macChecks).toBe(3);
  });

  it('should refuse a page with a forged version in its middle', async () => {
    // Prepare
    await t.rawPut(forgeContent(await versionItem(6), review({ title: 'forged' })));
    // Act
    const listing = store.listVersions('r1', { limit: 5 });
    // Assert
    await expect(listing).rejects.toBeInstanceOf(HistoryTamperedError);
    await expect(store.listVersions('r1', { limit: 5 })).rejects.toMatchObject({ brokenAt: 6 });
  });

  it('should refuse a page with a version missing in its middle (the link in the page is checked)', async () => {
    // Prepare
    await t.rawDelete({ pk: 'REVIEW#r1', sk: 'V#0000000006' });
    // Act
    const listing = store.listVersions('r1', { limit: 5 });
    // Assert: version 7's predecessor in the page is 5, not 6
    await expect(listing).rejects.toThrow(/previous version is missing/);
  });

  it('should refuse a page whose last version links to a forged predecessor just after the page', async () => {
    // Prepare
    await t.rawPut(forgeContent(await versionItem(3), review({ title: 'forged' })));
    // Act
    const listing = store.listVersions('r1', { limit: 5 });
    // Assert
    await expect(listing).rejects.toMatchObject({ brokenAt: 3 });
  });

  it('should refuse a page whose version is sealed but links to the wrong predecessor', async () => {
    // Prepare: version 5 sealed with the real key (a faulty writer, not an attacker) but carrying
    // version 3's previousHash: its own hash and MAC hold, only the links in the page break (5 to 4,
    // and 6 to 5, whose hash changed)
    const fromFive = (await store.listVersions('r1', { limit: 3 })).cursor as string;
    const v5 = forgeContent({ ...(await versionItem(5)), previousHash: (await versionItem(3)).previousHash as string }, review({ title: 'v5' }));
    const { keyId, key } = await keys.current();
    await t.rawPut({ ...v5, mac: versionMac(key, { entity: 'REVIEW', id: 'r1', version: 5, keyId, hash: v5.hash as string }), macKeyId: keyId });
    expect((await store.getVersion('r1', 4)).version).toBe(4);
    // Act
    const listing = store.listVersions('r1', { limit: 5 });
    // Assert
    await expect(listing).rejects.toThrow(/previousHash does not match/);
    // A page of version 5 alone still checks its link to version 4, just after the page.
    await expect(store.listVersions('r1', { limit: 1, cursor: fromFive })).rejects.toMatchObject({ brokenAt: 5, message: expect.stringMatching(/previousHash does not match/) });
  });
});
