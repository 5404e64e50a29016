import { createInMemoryTablePort } from '@iac-review/dynamo-versioning';
import { createHistoricalContext, createHistoryService, historyPage, MAX_POINTS_PER_RESOURCE, POINTS_PER_FAILED_APPLY, silentLogger, touchedResources, type HistoryService } from '../src/index';
import { makeSeed, reviewStoreOn, writeSeed, type SeedReview } from './support/seed';

const DAYS = ['2026-11-20', '2026-11-21', '2026-11-22', '2026-11-23'];
const NOW = new Date('2026-11-23T23:59:00Z');
const REPO = 'acme/infra';

describe('historical analysis', () => {
  const seed = makeSeed(DAYS, 40, 7);
  const port = createInMemoryTablePort();
  const clock = { now: NOW };
  const store = reviewStoreOn({ tableName: 't' } as never, clock, port);
  const history = createHistoryService({ reviews: store, clock: () => NOW });
  // Listed under the repository (a review's listing scope is its repository, else its stack).
  const ofRepo = (s: SeedReview[]) => s.filter((r) => r.final.repository === REPO);

  beforeAll(async () => {
    await writeSeed(port, 't', seed);
  });

  it('should count each rule’s findings, judged, dismissed and kept exactly as the feedback says', async () => {
    const a = await history.analyse({ scope: `repo:${REPO}`, days: 4, limit: 100 });
    const reviews = ofRepo(seed);
    expect(a.reviews).toBe(reviews.length);
    expect(a.riskTrend.map((p) => [p.day, p.reviews])).toEqual(DAYS.map((d) => [d, reviews.filter((r) => r.day === d).length]));
    const expected = new Map<string, { raised: number; judged: number; dismissed: number }>();
    for (const r of reviews) {
      for (const f of r.final.result?.findings ?? []) {
        const e = expected.get(f.ruleId) ?? { raised: 0, judged: 0, dismissed: 0 };
        e.raised++;
        if (r.final.feedback.length > 0) {
          e.judged++;
          if (r.final.dismissedFindings.includes(`${f.ruleId}@${f.resourceAddress}`)) e.dismissed++;
        }
        expected.set(f.ruleId, e);
      }
    }
    expect(a.rulePrecision.total).toBe(expected.size);
    for (const p of a.rulePrecision.items) {
      const e = expected.get(p.ruleId)!;
      expect({ raised: p.raised, judged: p.judged, dismissed: p.dismissed, kept: p.kept }).toEqual({ ...e, kept: e.judged - e.dismissed });
      expect(p.precision).toBe(e.judged ? Math.round(((e.judged - e.dismissed) / e.judged) * 1e4) / 1e4 : null);
    }
  });

  it('should find recurring findings, hotspots with failed applies, and the outcome history', async () => {
    const a = await history.analyse({ scope: `repo:${REPO}`, days: 4, limit: 100 });
    const reviews = ofRepo(seed);
    const byKey = new Map<string, number>();
    for (const r of reviews) for (const f of r.final.result?.findings ?? []) byKey.set(`${f.ruleId}@${f.resourceAddress}`, (byKey.get(`${f.ruleId}@${f.resourceAddress}`) ?? 0) + 1);
    const recurring = [...byKey.entries()].filter(([, n]) => n >= 2);
    expect(a.recurringFindings.total).toBe(recurring.length);
    for (const f of a.recurringFindings.items) expect(f.reviews).toBe(byKey.get(`${f.ruleId}@${f.resourceAddress}`));

    const failed = (r: SeedReview) => (r.final.external?.outcome === 'failed' ? 1 : 0);
    for (const h of a.hotspots.items) {
      const touching = reviews.filter((r) => touchedResources(r.final).has(h.resourceAddress));
      expect(h.changes).toBe(touching.length);
      expect(h.failedApplies).toBe(touching.reduce((s, r) => s + failed(r), 0));
    }
    const outcomes = reviews.filter((r) => r.final.external?.outcome).length + reviews.reduce((s, r) => s + r.final.feedback.filter((f) => f.action === 'override-risk').length, 0);
    expect(a.outcomes.total).toBe(outcomes);
    const times = a.outcomes.items.map((o) => o.at);
    expect(times).toEqual([...times].sort().reverse());
  });

  it('should keep only the window’s days and cut lists at the limit, reporting totals', async () => {
    const a = await history.analyse({ scope: `repo:${REPO}`, days: 2, limit: 1 });
    expect(a.from).toBe('2026-11-22');
    expect(a.reviews).toBe(ofRepo(seed).filter((r) => r.day >= '2026-11-22').length);
    expect(a.rulePrecision.items.length).toBeLessThanOrEqual(1);
    expect(a.rulePrecision.total).toBeGreaterThan(1);
  });

  it('should analyse a stack with every review of it, also those listed under their repository', async () => {
    const a = await history.analyse({ scope: 'stack:prod-data', days: 4, limit: 100 });
    const mine = seed.filter((r) => r.final.stack === 'prod-data');
    expect(mine.some((r) => r.final.repository)).toBe(true);
    expect(a.reviews).toBe(mine.length);
    expect(a.riskTrend.map((p) => p.reviews)).toEqual(DAYS.map((d) => mine.filter((r) => r.day === d).length));
    const capped = await history.analyse({ scope: 'stack:prod-data', days: 4, limit: 5, maxReviews: 3 });
    expect([capped.reviews, capped.truncated]).toEqual([3, true]);
  });

  it('should page through every list with a cursor that pins the window, and refuse a foreign cursor', async () => {
    const all = await history.analyse({ scope: `repo:${REPO}`, days: 4, limit: 100 });
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const p = await historyPage(history, { scope: `repo:${REPO}`, days: 4, limit: 2, ...(cursor ? { cursor } : {}) });
      expect(p.offset).toBe(pages * 2);
      seen.push(...p.rulePrecision.items.map((r) => r.ruleId));
      cursor = p.nextCursor;
      pages++;
    } while (cursor && pages < 50);
    const longest = Math.max(all.recurringFindings.total, all.hotspots.total, all.outcomes.total, all.rulePrecision.total);
    expect(pages).toBe(Math.ceil(longest / 2));
    expect(seen).toEqual(all.rulePrecision.items.map((r) => r.ruleId));
    const first = await historyPage(history, { scope: `repo:${REPO}`, days: 4, limit: 2 });
    await expect(historyPage(history, { scope: 'repo:other/repo', days: 4, limit: 2, cursor: first.nextCursor! })).rejects.toThrow(/another listing/);
    await expect(historyPage(history, { scope: `repo:${REPO}`, days: 4, limit: 2, cursor: 'not a cursor' })).rejects.toThrow(/not valid/);
  });

  it('should stop at maxReviews (newest first) and say the analysis is truncated', async () => {
    const a = await history.analyse({ scope: `repo:${REPO}`, days: 4, limit: 5, maxReviews: 10 });
    expect(a.reviews).toBe(10);
    expect(a.truncated).toBe(true);
  });
});

describe('historical context for the reviewer', () => {
  const fake = (analysis: HistoryService['analyse']): HistoryService => ({ analyse: analysis });
  const content = { status: 'pending', source: 'spacelift', stack: 'prod-data', submittedBy: 'x', input: { kind: 'plan', key: 'k', sha256: 's', size: 1 }, acknowledged: false, dismissedFindings: [], feedback: [] } as const;

  it('should explain a risk contribution for each changed resource whose recent applies failed, and none otherwise', async () => {
    const seed = makeSeed(DAYS, 40, 7);
    const port = createInMemoryTablePort();
    await writeSeed(port, 't', seed);
    const store = reviewStoreOn({ tableName: 't' } as never, { now: NOW }, port);
    const ctx = createHistoricalContext({ history: createHistoryService({ reviews: store, clock: () => NOW }), logger: silentLogger, days: 4 });
    const stackReviews = seed.filter((r) => r.final.stack === 'prod-data');
    const failures = new Map<string, number>();
    for (const r of stackReviews) if (r.final.external?.outcome === 'failed') for (const a of touchedResources(r.final)) failures.set(a, (failures.get(a) ?? 0) + 1);
    const [address, count] = [...failures.entries()].sort((a, b) => b[1] - a[1])[0]!;
    const review = { reviewId: 'new-review-1', content: content as never };
    const contributions = await ctx.calibrate({ ...review, changedAddresses: [address, 'aws_nothing.here'] });
    expect(contributions).toEqual([
      expect.objectContaining({ kind: 'history', resourceAddress: address, count, points: Math.min(MAX_POINTS_PER_RESOURCE, POINTS_PER_FAILED_APPLY * count) }),
    ]);
    expect(contributions[0]!.detail).toContain(address);
    const text = await ctx.contextFor(review);
    expect(text).toContain('stack:prod-data');
    expect(text).toContain(address);
  });

  it('should mean "no history" when the analysis fails or takes too long, within the time budget', async () => {
    const failing = createHistoricalContext({ history: fake(() => Promise.reject(new Error('throttled'))), logger: silentLogger });
    expect(await failing.contextFor({ reviewId: 'a', content: content as never })).toBeUndefined();
    expect(await failing.calibrate({ reviewId: 'a', content: content as never, changedAddresses: ['x'] })).toEqual([]);
    const slow = createHistoricalContext({ history: fake(() => new Promise(() => undefined)), logger: silentLogger, timeoutMs: 50 });
    const started = Date.now();
    expect(await slow.contextFor({ reviewId: 'b', content: content as never })).toBeUndefined();
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('should read the history once per review for both the text and the contributions, and none without a repository or stack', async () => {
    let calls = 0;
    const ctx = createHistoricalContext({
      history: fake(async (req) => {
        calls++;
        return { scope: req.scope, days: 30, from: '', to: '', reviews: 0, truncated: false, offset: 0, riskTrend: [], recurringFindings: { total: 0, items: [] }, hotspots: { total: 0, items: [] }, outcomes: { total: 0, items: [] }, rulePrecision: { total: 0, items: [] } };
      }),
      logger: silentLogger,
    });
    await ctx.contextFor({ reviewId: 'c', content: content as never });
    await ctx.calibrate({ reviewId: 'c', content: content as never, changedAddresses: [] });
    expect(calls).toBe(1);
    const { stack: _s, ...noScope } = content;
    expect(await ctx.contextFor({ reviewId: 'd', content: noScope as never })).toBeUndefined();
    expect(calls).toBe(1);
  });
});
