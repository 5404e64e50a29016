import fc from 'fast-check';
import { changePriority, isUnchanged, planChunks } from '../src/index';

describe('planChunks', () => {
  it('should put small items together and open a new chunk when the budget is reached', () => {
    const plan = planChunks(
      [
        { tokens: 40, priority: 0 },
        { tokens: 40, priority: 0 },
        { tokens: 40, priority: 0 },
      ],
      { budget: 100, maxChunks: 5 },
    );
    expect(plan).toEqual({ chunks: [[0, 1], [2]], omitted: [] });
  });

  it('should omit an item larger than the budget as too-large and what does not fit in maxChunks as max-chunks', () => {
    const plan = planChunks(
      [
        { tokens: 60, priority: 0 },
        { tokens: 500, priority: 9 },
        { tokens: 60, priority: 0 },
        { tokens: 60, priority: 0 },
      ],
      { budget: 100, maxChunks: 2 },
    );
    expect(plan.chunks).toEqual([[0], [2]]);
    expect(plan.omitted).toEqual([
      { index: 1, reason: 'too-large' },
      { index: 3, reason: 'max-chunks' },
    ]);
  });

  it('should place higher-priority items first so they survive the chunk limit', () => {
    const plan = planChunks(
      [
        { tokens: 100, priority: 0 },
        { tokens: 100, priority: 5 },
      ],
      { budget: 100, maxChunks: 1 },
    );
    expect(plan.chunks).toEqual([[1]]);
    expect(plan.omitted).toEqual([{ index: 0, reason: 'max-chunks' }]);
  });

  it('should place every item in exactly one chunk or omit it, within budget and chunk limit (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ tokens: fc.integer({ min: 0, max: 300 }), priority: fc.integer({ min: 0, max: 7 }) }), { maxLength: 200 }),
        fc.integer({ min: 1, max: 250 }),
        fc.integer({ min: 1, max: 10 }),
        (items, budget, maxChunks) => {
          const plan = planChunks(items, { budget, maxChunks });
          const seen = new Map<number, number>();
          for (const c of plan.chunks) for (const i of c) seen.set(i, (seen.get(i) ?? 0) + 1);
          for (const o of plan.omitted) seen.set(o.index, (seen.get(o.index) ?? 0) + 1);
          expect(seen.size).toBe(items.length);
          for (const [i, n] of seen) {
            expect(n).toBe(1);
            expect(i).toBeGreaterThanOrEqual(0);
            expect(i).toBeLessThan(items.length);
          }
          expect(plan.chunks.length).toBeLessThanOrEqual(maxChunks);
          for (const c of plan.chunks) {
            expect(c.length).toBeGreaterThan(0);
            expect(c.reduce((s, i) => s + (items[i]?.tokens ?? 0), 0)).toBeLessThanOrEqual(budget);
          }
          for (const o of plan.omitted) {
            const t = items[o.index]?.tokens ?? 0;
            expect(o.reason).toBe(t > budget ? 'too-large' : 'max-chunks');
          }
          // with room for everything nothing fitting is omitted
          if (maxChunks >= items.length) expect(plan.omitted.every((o) => o.reason === 'too-large')).toBe(true);
        },
      ),
    );
  });
});

describe('changePriority', () => {
  it('should rank deletions above rule-flagged changes above plain creates', () => {
    expect(changePriority(['delete', 'create'], 0)).toBeGreaterThan(changePriority(['create'], 3));
    expect(changePriority(['create'], 1)).toBeGreaterThan(changePriority(['create'], 0));
    expect(changePriority(['create'], 0)).toBeGreaterThan(changePriority(['no-op'], 0));
  });
});

describe('isUnchanged', () => {
  it('should treat only no-op and read as unchanged', () => {
    expect(isUnchanged(['no-op'])).toBe(true);
    expect(isUnchanged(['read'])).toBe(true);
    expect(isUnchanged(['delete', 'create'])).toBe(false);
    expect(isUnchanged([])).toBe(false);
  });
});
