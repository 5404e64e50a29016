/**
 * What one rollup write costs against DynamoDB (dynalite): put reads the latest version once and
 * hands it to the append, so the append needs no second read.
 */
import { createDynamoDbTablePort, createInMemoryMacKeyProvider } from '@iac-review/dynamo-versioning';
import { recordingTablePort } from '@iac-review/dynamo-versioning/testing';
import { computeRollups, createTrendStore, type TrendRollup } from '../src/index';
import { startTable, type LocalTable } from './support/dynalite';

const rollup = (day: string, reviews: number): TrendRollup => {
  const [overall] = computeRollups(day, []);
  return { ...overall!, counts: { ...overall!.counts, reviews } };
};

describe('trend store writes (dynalite)', () => {
  let table: LocalTable;
  beforeAll(async () => {
    table = await startTable();
  }, 60_000);
  afterAll(async () => {
    await table?.close();
  });

  const mac = createInMemoryMacKeyProvider();
  const setup = () => {
    const rec = recordingTablePort(createDynamoDbTablePort({ client: table.client }));
    const trends = createTrendStore({ table: rec.port, tableName: table.tableName, mac });
    return { rec, trends };
  };

  it('should write a changed rollup with one read, one conditional put and one head update', async () => {
    const DAY = '2026-11-20';
    // Prepare
    const { rec, trends } = setup();
    expect(await trends.put(rollup(DAY, 1), { actor: 'test', reason: 'first' })).toEqual({ written: true, version: 1 });
    rec.take();
    // Act
    const out = await trends.put(rollup(DAY, 2), { actor: 'test', reason: 'rerun' });
    // Assert
    expect(out).toEqual({ written: true, version: 2 });
    expect(rec.take()).toEqual(['query', 'putIfAbsent', 'updateIfNewer']);
    expect((await trends.get('overall', DAY))?.counts.reviews).toBe(2);
    expect(await trends.versions.verifyHistory(`overall|${DAY}`)).toMatchObject({ ok: true, versions: 2 });
  });

  it('should write nothing for an unchanged rollup after its one read', async () => {
    const DAY = '2026-11-21';
    // Prepare
    const { rec, trends } = setup();
    await trends.put(rollup(DAY, 5), { actor: 'test', reason: 'first' });
    rec.take();
    // Act
    const out = await trends.put(rollup(DAY, 5), { actor: 'test', reason: 'rerun' });
    // Assert
    expect(out.written).toBe(false);
    expect(rec.take()).toEqual(['query']);
  });

  it('should still write on top of a version another run wrote after the read', async () => {
    const DAY = '2026-11-22';
    // Prepare: a second store (another aggregator run) writes between this run's read and append
    const { trends } = setup();
    const other = setup().trends;
    await trends.put(rollup(DAY, 10), { actor: 'test', reason: 'first' });
    const latest = await trends.versions.getLatest(`overall|${DAY}`);
    const original = trends.versions.getLatest;
    let raced = false;
    trends.versions.getLatest = async (id) => {
      const v = await original(id);
      if (!raced) {
        raced = true;
        await other.put(rollup(DAY, 11), { actor: 'other', reason: 'concurrent run' });
      }
      return v;
    };
    // Act
    const out = await trends.put(rollup(DAY, 12), { actor: 'test', reason: 'rerun' });
    // Assert: the stale read lost the put, the retry compared against the other run's version
    expect(latest.version).toBe(1);
    expect(out).toEqual({ written: true, version: 3 });
    expect(await trends.versions.verifyHistory(`overall|${DAY}`)).toMatchObject({ ok: true, versions: 3 });
  });
});
