import fc from 'fast-check';
import { addReview, bucketsOf, classifyOutcome, computeRollups, emptyCounts, isDay, mergeCounts, percentileFromHistogram, readOutcomes, weekStart } from '../src/index';
import { makeSeed } from './support/seed';

describe('rollup arithmetic', () => {
  it('should merge the counts of any split of the reviews into exactly the counts of all of them', () => {
    const seed = makeSeed(['2026-11-20'], 60, 3);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 60, maxLength: 60 }), (parts) => {
        const groups = [emptyCounts(), emptyCounts(), emptyCounts(), emptyCounts()];
        const all = emptyCounts();
        seed.forEach((r, i) => {
          addReview(groups[parts[i]!]!, r.final);
          addReview(all, r.final);
        });
        expect(mergeCounts(groups)).toEqual(all);
      }),
      { numRuns: 50 },
    );
  });

  it('should give the nearest-rank percentile of the scores a histogram holds', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 100 }), { minLength: 1, maxLength: 200 }), fc.constantFrom(0.5, 0.9, 0.99), (scores, q) => {
        const h: Record<string, number> = {};
        for (const s of scores) h[String(s)] = (h[String(s)] ?? 0) + 1;
        const sorted = [...scores].sort((a, b) => a - b);
        expect(percentileFromHistogram(h, q)).toBe(sorted[Math.ceil(q * sorted.length) - 1]);
      }),
      { numRuns: 200 },
    );
    expect(percentileFromHistogram({}, 0.5)).toBeNull();
  });

  it('should roll up the same reviews in any order to identical content', () => {
    const seed = makeSeed(['2026-11-20'], 30, 5);
    const a = computeRollups('2026-11-20', seed.map((r) => ({ id: r.id, content: r.final })));
    const b = computeRollups('2026-11-20', [...seed].reverse().map((r) => ({ id: r.id, content: r.final })));
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
    expect(a[0]!.scope).toBe('overall');
  });

  it('should record an empty day as an overall rollup with zero reviews', () => {
    expect(computeRollups('2026-11-20', [])).toEqual([expect.objectContaining({ scope: 'overall', counts: expect.objectContaining({ reviews: 0 }) })]);
  });

  it('should never count a rule id from stored data through the object prototype', () => {
    const c = emptyCounts();
    const content = makeSeed(['2026-11-20'], 1, 1)[0]!.final;
    addReview(c, { ...content, status: 'completed', result: { riskScore: 10, riskLevel: 'low', confidence: 1, summary: '', findings: [{ ruleId: '__proto__', severity: 'low', category: 'iam', resourceAddress: 'a.b', message: '', remediation: '' }], contributions: [], stats: {}, reviewer: { mode: 'rules-only' }, reviewedVersion: 1, reviewedAt: '' } });
    expect(Object.keys(c.findingsByRule)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('outcomes', () => {
  const base = makeSeed(['2026-11-20'], 1, 1)[0]!.final;
  it('should read the Spacelift and GitHub outcome the review handlers record', () => {
    const spacelift = readOutcomes({ ...base, source: 'spacelift', external: { outcome: 'failed', outcomeAt: '2026-11-20T10:00:00Z', outcomeBy: 'ann' } });
    expect(spacelift).toEqual([{ source: 'spacelift', state: 'failed', at: '2026-11-20T10:00:00Z', actor: 'ann' }]);
    expect(classifyOutcome(spacelift[0]!)).toBe('apply-failed');
    const github = readOutcomes({ ...base, source: 'github', external: { outcome: 'merged', closedAt: '2026-11-20T11:00:00Z' } });
    expect(classifyOutcome(github[0]!)).toBe('merged');
    expect(classifyOutcome({ source: 'github', state: 'closed', at: '' })).toBe('closed-unmerged');
    expect(classifyOutcome({ source: 'spacelift', state: 'finished', at: '' })).toBe('apply-succeeded');
    expect(readOutcomes({ ...base, external: { runId: 'x' } })).toEqual([]);
  });
});

describe('days and buckets', () => {
  it('should accept only real calendar days', () => {
    expect(isDay('2026-02-28')).toBe(true);
    expect(isDay('2026-02-30')).toBe(false);
    expect(isDay('2026-2-3')).toBe(false);
  });
  it('should cover a range with ISO weeks clipped to it, without gaps or overlaps', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 400 }), fc.integer({ min: 0, max: 60 }), (offset, len) => {
        const from = new Date(Date.UTC(2025, 0, 1) + offset * 86_400_000).toISOString().slice(0, 10);
        const to = new Date(Date.UTC(2025, 0, 1) + (offset + len) * 86_400_000).toISOString().slice(0, 10);
        const weeks = bucketsOf(from, to, 'week');
        expect(weeks[0]!.start).toBe(from);
        expect(weeks[weeks.length - 1]!.end).toBe(to);
        for (const w of weeks.slice(1)) expect(weekStart(w.start)).toBe(w.start);
        const days = weeks.reduce((s, w) => s + (Date.parse(w.end) - Date.parse(w.start)) / 86_400_000 + 1, 0);
        expect(days).toBe(len + 1);
      }),
      { numRuns: 100 },
    );
  });
});
