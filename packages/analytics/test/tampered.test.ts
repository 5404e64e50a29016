import { HistoryTamperedError, type Head, type VersionedStore } from '@iac-review/dynamo-versioning';
import type { ReviewContent } from '@iac-review/reviews';
import { createTrendAggregator, type TrendStore } from '../src/index';
import { readDay } from '../src/review-reader';

// One tampered review must not stop a day's rollup: it is left out (its security event is the
// store's job) and the rest is rolled up.
const head = (id: string): Head => ({ id, latestVersion: 2, createdAt: '2026-11-20T10:00:00.000Z', updatedAt: '2026-11-20T10:00:00.000Z', scope: 'repo:acme/infra', day: '2026-11-20' }) as unknown as Head;
const content = (id: string): ReviewContent => ({ source: 'api', status: 'pending', title: id, repository: 'acme/infra', dismissedFindings: [] }) as unknown as ReviewContent;

const storeWithTampered = (tampered: string): VersionedStore<ReviewContent> =>
  ({
    listHeads: async () => ({ items: [head('r-aaaaaaaa'), head(tampered), head('r-cccccccc')] }),
    getVersion: async (id: string, version: number) => {
      if (id === tampered) throw new HistoryTamperedError(id, version, 'content does not match its MAC');
      return { id, version, content: content(id) };
    },
  }) as unknown as VersionedStore<ReviewContent>;

describe('reviews whose history fails verification', () => {
  it('should be left out of a day read, and reported, instead of failing the read', async () => {
    const left: string[] = [];
    const got = await readDay(storeWithTampered('r-bbbbbbbb'), '2026-11-20', { onTampered: (id) => left.push(id) });
    expect(got.map((r) => r.id)).toEqual(['r-aaaaaaaa', 'r-cccccccc']);
    expect(left).toEqual(['r-bbbbbbbb']);
  });

  it('should not stop the rollup of the day: the others are rolled up and the count left out is logged', async () => {
    const put: string[] = [];
    const warnings: Array<Record<string, unknown> | undefined> = [];
    const trends = { put: async (r: { id: string }) => (put.push(r.id), { written: true }) } as unknown as TrendStore;
    const agg = createTrendAggregator({ reviews: storeWithTampered('r-bbbbbbbb'), trends, logger: { info: () => undefined, warn: (_m, f) => void warnings.push(f) }, actor: 'test' });
    const out = await agg.aggregateDay('2026-11-20');
    expect(out).toMatchObject({ reviews: 2, leftOutTampered: 1 });
    expect(put.length).toBeGreaterThan(0);
    expect(warnings).toEqual([expect.objectContaining({ reviewIds: ['r-bbbbbbbb'], count: 1 })]);
  });

  it('should still fail the read on any other store error (a retry may help)', async () => {
    const store = { ...storeWithTampered('x'), getVersion: async () => Promise.reject(new Error('throttled')) } as unknown as VersionedStore<ReviewContent>;
    await expect(readDay(store, '2026-11-20')).rejects.toThrow('throttled');
  });
});
