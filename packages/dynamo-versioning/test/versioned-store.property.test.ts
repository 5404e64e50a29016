import fc from 'fast-check';
import {
  canonicalJson,
  HEAD_SK,
  createInMemoryMacKeyProvider,
  createVersionedStore,
  ThrottledError,
  VersionConflictError,
  type HeadAttributes,
  type TablePort,
  type Version,
} from '../src/index';
import { dynaliteBackend, inMemoryBackend, type Backend, type TableHarness } from './support/harness';

/**
 * Random operation sequences — sequential and concurrent appends (with and without an expected
 * version, with content or an updater), head updates lost as if the process crashed, throttled
 * writes, reads and verifications — must keep the invariants: versions 1..n with no gap or
 * duplicate, n = successful writes, every chain verifies, the head never goes backwards and a
 * read brings it up to date, and an append expecting a stale version never writes.
 */
type Doc = { scope: string; n: number; extra: unknown };
const head = (d: Doc): HeadAttributes => ({ scope: d.scope, status: d.n % 2 ? 'odd' : 'even' });

type AppendOp = { kind: 'append'; id: number; mode: 'content' | 'updater' | 'expect-latest' | 'expect-stale'; extra: unknown };
type Op =
  | AppendOp
  | { kind: 'concurrent'; appends: AppendOp[] }
  | { kind: 'lose-head-updates'; count: number }
  | { kind: 'throttle-next-put' }
  | { kind: 'read'; id: number }
  | { kind: 'verify'; id: number };

const IDS = 3;
const json = fc.jsonValue({ maxDepth: 2 });
const appendOp: fc.Arbitrary<AppendOp> = fc.record({
  kind: fc.constant('append' as const),
  id: fc.integer({ min: 0, max: IDS - 1 }),
  mode: fc.constantFrom('content' as const, 'updater' as const, 'expect-latest' as const, 'expect-stale' as const),
  extra: json,
});
const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 5, arbitrary: appendOp },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('concurrent' as const), appends: fc.array(appendOp, { minLength: 2, maxLength: 6 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('lose-head-updates' as const), count: fc.integer({ min: 1, max: 3 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('throttle-next-put' as const) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('read' as const), id: fc.integer({ min: 0, max: IDS - 1 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('verify' as const), id: fc.integer({ min: 0, max: IDS - 1 }) }) },
);

/** Wraps the port with injectable faults: lost head updates (a crash after the put) and throttled puts. */
const faulty = (port: TablePort) => {
  const faults = { loseHeadUpdates: 0, throttlePuts: 0 };
  const wrapped: TablePort = {
    ...port,
    putIfAbsent: async (table, item, o) => {
      if (faults.throttlePuts > 0) {
        faults.throttlePuts--;
        throw new ThrottledError(1);
      }
      return port.putIfAbsent(table, item, o);
    },
    updateIfNewer: async (table, key, u) => {
      if (faults.loseHeadUpdates > 0) {
        faults.loseHeadUpdates--;
        throw new ThrottledError(1, 'lost');
      }
      return port.updateIfNewer(table, key, u);
    },
  };
  return { port: wrapped, faults };
};

const runSequence = async (t: TableHarness, ops: Op[]): Promise<void> => {
  const { port, faults } = faulty(t.port);
  const store = createVersionedStore<Doc>({ table: port, tableName: t.tableName, entity: 'REVIEW', head, sleep: async () => undefined, retry: { maxAttempts: 50 }, mac: createInMemoryMacKeyProvider() });
  const ids = Array.from({ length: IDS }, (_, i) => `id-${i}`);
  const count = ids.map(() => 1);
  const lastHeadSeen = ids.map(() => 1);
  for (const id of ids) await store.create(id, { scope: 'p', n: 0, extra: null }, { actor: 'test', reason: 'create' });

  const runAppend = async (a: AppendOp, expectedLatest: number): Promise<Version<Doc> | 'conflict' | 'throttled'> => {
    const id = ids[a.id] as string;
    const content: Doc = { scope: 'p', n: expectedLatest, extra: a.extra };
    const meta = { actor: 'test', reason: a.mode };
    try {
      switch (a.mode) {
        case 'content':
          return await store.append(id, content, meta);
        case 'updater':
          return await store.append(id, (latest) => ({ ...content, n: latest.content.n + 1 }), meta);
        case 'expect-latest':
          return await store.append(id, content, { ...meta, expectedVersion: expectedLatest });
        case 'expect-stale':
          return await store.append(id, content, { ...meta, expectedVersion: expectedLatest - 1 });
      }
    } catch (err) {
      if (err instanceof VersionConflictError) return 'conflict';
      if (err instanceof ThrottledError) return 'throttled';
      throw err;
    }
  };

  for (const o of ops) {
    switch (o.kind) {
      case 'append': {
        const before = count[o.id] as number;
        const r = await runAppend(o, before);
        if (o.mode === 'expect-stale') expect(['conflict', 'throttled']).toContain(r);
        else if (r === 'throttled') expect(faults.throttlePuts).toBe(0);
        else {
          expect(r).not.toBe('conflict');
          const v = r as Version<Doc>;
          expect(v.version).toBe(before + 1);
          if (o.mode === 'updater') expect(v.content.n).toBe((await store.getVersion(ids[o.id] as string, before)).content.n + 1);
          expect(canonicalJson(v.content.extra)).toBe(canonicalJson(o.extra));
          count[o.id] = before + 1;
        }
        break;
      }
      case 'concurrent': {
        const before = [...count];
        const results = await Promise.all(o.appends.map((a) => runAppend(a, before[a.id] as number)));
        o.appends.forEach((a, i) => {
          const r = results[i];
          if (a.mode === 'expect-stale') expect(['conflict', 'throttled']).toContain(r);
          if (r !== 'conflict' && r !== 'throttled') count[a.id] = (count[a.id] as number) + 1;
        });
        // Per id, the successful writes took exactly the next version numbers, each once.
        ids.forEach((_, id) => {
          const got = results
            .filter((r, i) => o.appends[i]?.id === id && typeof r === 'object')
            .map((r) => (r as Version<Doc>).version)
            .sort((x, y) => x - y);
          expect(got).toEqual(Array.from({ length: (count[id] as number) - (before[id] as number) }, (_, k) => (before[id] as number) + k + 1));
        });
        break;
      }
      case 'lose-head-updates':
        faults.loseHeadUpdates += o.count;
        break;
      case 'throttle-next-put':
        faults.throttlePuts = 1;
        break;
      case 'read': {
        const latest = await store.getLatest(ids[o.id] as string);
        expect(latest.version).toBe(count[o.id]);
        break;
      }
      case 'verify':
        expect(await store.verifyHistory(ids[o.id] as string)).toMatchObject({ ok: true, versions: count[o.id] });
        break;
    }
    // The head is never ahead of the versions and never moves backwards.
    for (let i = 0; i < IDS; i++) {
      const h = (await t.dump()).find((item) => item.pk === `REVIEW#${ids[i]}` && item.sk === HEAD_SK);
      const latestVersion = (h?.latestVersion as number | undefined) ?? 0;
      expect(latestVersion).toBeLessThanOrEqual(count[i] as number);
      expect(latestVersion).toBeGreaterThanOrEqual(lastHeadSeen[i] as number);
      lastHeadSeen[i] = latestVersion;
    }
  }

  faults.loseHeadUpdates = 0;
  faults.throttlePuts = 0;
  const items = await t.dump();
  for (let i = 0; i < IDS; i++) {
    const id = ids[i] as string;
    const versions = items
      .filter((item) => item.pk === `REVIEW#${id}` && String(item.sk).startsWith('V#'))
      .map((item) => item.version as number)
      .sort((x, y) => x - y);
    expect(versions).toEqual(Array.from({ length: count[i] as number }, (_, k) => k + 1));
    expect(await store.verifyHistory(id)).toMatchObject({ ok: true, versions: count[i] });
    expect((await store.getLatest(id)).version).toBe(count[i]);
    expect((await store.getHead(id)).latestVersion).toBe(count[i]);
  }
};

const check = (backend: Backend, numRuns: number) =>
  describe(`versioned store invariants on ${backend.name} (property)`, () => {
    beforeAll(() => backend.start());
    afterAll(() => backend.stop());

    it('should keep versions contiguous, chained and the head monotonic under any operation sequence', async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(op, { maxLength: 20 }), async (ops) => {
          await runSequence(await backend.table(), ops);
        }),
        // Bounded twice: a run count, and a time budget well under half the test timeout, so a
        // loaded 2-core machine stops early (and passes on the runs done) instead of timing out.
        { numRuns, interruptAfterTimeLimit: TIME_BUDGET_MS, markInterruptAsFailure: false },
      );
    }, TEST_TIMEOUT_MS);
  });

const TEST_TIMEOUT_MS = 30_000;
const TIME_BUDGET_MS = 10_000;
check(inMemoryBackend(), 80);
check(dynaliteBackend(), 10);
