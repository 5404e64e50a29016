/**
 * Seeds a few hundred reviews over several days into dynalite (sources, risks, feedback, outcomes)
 * and checks every rollup against values computed here, independently, from the seed itself.
 */
import { RISK_LEVELS, type RiskLevel } from '@iac-review/core';
import { createDynamoDbTablePort } from '@iac-review/dynamo-versioning';
import { findingId, type ReviewContent } from '@iac-review/reviews';
import { createTrendAggregator, createTrendStore, queryTrends, rollupId, silentLogger, type TrendRollup, type TrendStore } from '../src/index';
import { startTable, type LocalTable } from './support/dynalite';
import { countingPort, makeSeed, reviewStoreOn, writeSeed, REPOS, STACKS, type SeedReview } from './support/seed';

const DAYS = ['2026-11-20', '2026-11-21', '2026-11-22', '2026-11-23'];
const OUTSIDE = '2026-11-19';

const round = (n: number, d: number) => Math.round(n * 10 ** d) / 10 ** d;
const tally = (xs: string[]): Record<string, number> => {
  const m: Record<string, number> = {};
  for (const x of xs) m[x] = (m[x] ?? 0) + 1;
  return m;
};
const nearestRank = (sorted: number[], q: number): number | null => (sorted.length ? (sorted[Math.ceil(q * sorted.length) - 1] as number) : null);
const rank = (l: RiskLevel) => RISK_LEVELS.indexOf(l);
const effective = (c: ReviewContent) => c.riskOverride?.riskLevel ?? c.result?.riskLevel;

/** What the rollup of `reviews` must say, computed straight from the seed. */
const expected = (reviews: SeedReview[]) => {
  const finals = reviews.map((r) => r.final);
  const scored = finals.filter((c) => c.result);
  const scores = scored.map((c) => c.result!.riskScore).sort((a, b) => a - b);
  const ext = (c: ReviewContent) => c.external?.outcome;
  return {
    reviews: finals.length,
    byRiskLevel: { ...Object.fromEntries(RISK_LEVELS.map((l) => [l, scored.filter((c) => c.result!.riskLevel === l).length])), unscored: finals.length - scored.length },
    bySource: { api: 0, github: 0, spacelift: 0, ...tally(finals.map((c) => c.source)) },
    byStatus: { pending: 0, completed: 0, 'completed-degraded': 0, failed: 0, ...tally(finals.map((c) => c.status)) },
    meanScore: scores.length ? scores.reduce((s, x) => s + x, 0) / scores.length : null,
    p50: nearestRank(scores, 0.5),
    p90: nearestRank(scores, 0.9),
    meanConfidence: scored.length ? scored.reduce((s, c) => s + c.result!.confidence, 0) / scored.length : null,
    findings: scored.reduce((s, c) => s + c.result!.findings.length, 0),
    byRule: tally(scored.flatMap((c) => c.result!.findings.map((f) => f.ruleId))),
    byCategory: tally(scored.flatMap((c) => c.result!.findings.map((f) => f.category))),
    dismissedByRule: tally(finals.flatMap((c) => c.dismissedFindings.map((id) => id.split('@')[0] as string))),
    overrides: {
      total: finals.filter((c) => c.riskOverride).length,
      raised: finals.filter((c) => c.riskOverride && rank(c.riskOverride.riskLevel) > rank(c.result!.riskLevel)).length,
      lowered: finals.filter((c) => c.riskOverride && rank(c.riskOverride.riskLevel) < rank(c.result!.riskLevel)).length,
      unchanged: finals.filter((c) => c.riskOverride && c.riskOverride.riskLevel === c.result!.riskLevel).length,
    },
    outcomes: {
      appliesSucceeded: finals.filter((c) => c.source === 'spacelift' && ext(c) === 'finished').length,
      appliesFailed: finals.filter((c) => c.source === 'spacelift' && ext(c) === 'failed').length,
      appliesCancelled: finals.filter((c) => c.source === 'spacelift' && ext(c) === 'discarded').length,
      reviewsWithFailedApply: finals.filter((c) => c.source === 'spacelift' && ext(c) === 'failed' && c.external!.outcomeAt! >= c.result!.reviewedAt).length,
      merged: finals.filter((c) => c.source === 'github' && ext(c) === 'merged').length,
      mergedHighRisk: finals.filter((c) => c.source === 'github' && ext(c) === 'merged' && ['high', 'critical'].includes(effective(c) as string)).length,
      closedUnmerged: finals.filter((c) => c.source === 'github' && ext(c) === 'closed').length,
    },
  };
};

const scopesOfSeed = (r: SeedReview) => ['overall', ...(r.final.repository ? [`repo:${r.final.repository}`] : []), ...(r.final.stack ? [`stack:${r.final.stack}`] : [])];

const expectRollup = (actual: TrendRollup | undefined, reviews: SeedReview[]) => {
  const e = expected(reviews);
  expect(actual).toBeDefined();
  const c = actual!.counts;
  const nonZero = (m: Record<string, number>) => Object.fromEntries(Object.entries(m).filter(([, v]) => v > 0));
  expect({
    reviews: c.reviews,
    byRiskLevel: c.byRiskLevel,
    bySource: c.bySource,
    byStatus: c.byStatus,
    p50: actual!.summary.riskScore.p50,
    p90: actual!.summary.riskScore.p90,
    findings: c.findings,
    byRule: nonZero(c.findingsByRule),
    byCategory: nonZero(c.findingsByCategory),
    dismissedByRule: nonZero(c.dismissedByRule),
    dismissed: c.dismissed,
    overrides: c.overrides,
    outcomes: c.outcomes,
  }).toEqual({
    reviews: e.reviews,
    byRiskLevel: e.byRiskLevel,
    bySource: e.bySource,
    byStatus: e.byStatus,
    p50: e.p50,
    p90: e.p90,
    findings: e.findings,
    byRule: e.byRule,
    byCategory: e.byCategory,
    dismissedByRule: e.dismissedByRule,
    dismissed: Object.values(e.dismissedByRule).reduce((s, v) => s + v, 0),
    overrides: e.overrides,
    outcomes: e.outcomes,
  });
  if (e.meanScore === null) expect(actual!.summary.riskScore.mean).toBeNull();
  else expect(actual!.summary.riskScore.mean).toBe(round(e.meanScore, 2)); // documented: two decimals
  if (e.meanConfidence === null) expect(actual!.summary.confidence.mean).toBeNull();
  else expect(actual!.summary.confidence.mean).toBeCloseTo(e.meanConfidence, 3);
  // The top lists are the highest counts, highest first.
  const top = actual!.summary.topRules;
  expect(top.map((t) => t.count)).toEqual(Object.values(e.byRule).sort((a, b) => b - a).slice(0, top.length));
};

describe('trend aggregation over dynalite (seeded)', () => {
  let table: LocalTable;
  let trends: TrendStore;
  let counting: ReturnType<typeof countingPort>;
  let aggregator: ReturnType<typeof createTrendAggregator>;
  const seed = makeSeed(DAYS, 75);
  const outside = makeSeed([OUTSIDE], 10, 99);
  const onDay = (day: string) => seed.filter((r) => r.day === day);

  beforeAll(async () => {
    table = await startTable();
    const port = createDynamoDbTablePort({ client: table.client });
    await writeSeed(port, table.tableName, [...seed, ...outside]);
    counting = countingPort(port);
    const clock = { now: new Date('2026-11-24T01:00:00Z') };
    trends = createTrendStore({ table: counting.port, tableName: table.tableName, clock: () => clock.now });
    aggregator = createTrendAggregator({ reviews: reviewStoreOn(table, clock, counting.port), trends, logger: silentLogger, actor: 'test' });
  }, 120_000);
  afterAll(async () => {
    await table?.close();
  });

  it('should seed a few hundred reviews with every source, status, feedback and outcome represented', () => {
    const finals = seed.map((r) => r.final);
    expect(seed.length).toBe(300);
    for (const s of ['api', 'github', 'spacelift']) expect(finals.some((c) => c.source === s)).toBe(true);
    for (const s of ['pending', 'completed', 'completed-degraded', 'failed']) expect(finals.some((c) => c.status === s)).toBe(true);
    expect(finals.filter((c) => c.dismissedFindings.length > 0).length).toBeGreaterThan(10);
    expect(finals.filter((c) => c.riskOverride).length).toBeGreaterThan(5);
    expect(finals.filter((c) => c.external?.outcome === 'failed').length).toBeGreaterThan(3);
    expect(finals.filter((c) => c.external?.outcome === 'merged').length).toBeGreaterThan(3);
  });

  it('should backfill a range: every day and scope equals the independent computation', async () => {
    const r = await aggregator.aggregateRange(DAYS[0]!, DAYS[DAYS.length - 1]!);
    expect(r.days.map((d) => [d.day, d.reviews])).toEqual(DAYS.map((d) => [d, 75]));
    expect(r.reviews).toBe(300);
    expect(r.written).toBe(r.rollups);
    for (const day of DAYS) {
      const reviews = onDay(day);
      const scopes = new Set(reviews.flatMap(scopesOfSeed));
      expect(r.days.find((d) => d.day === day)!.rollups).toBe(scopes.size);
      for (const scope of scopes) expectRollup(await trends.get(scope, day), reviews.filter((x) => scopesOfSeed(x).includes(scope)));
    }
    // Only the range was rolled up; a scope without reviews has no rollup.
    expect(await trends.get('overall', OUTSIDE)).toBeUndefined();
    expect(await trends.get('repo:nobody/none', DAYS[0]!)).toBeUndefined();
    expect(REPOS.every((repo) => seed.some((x) => x.final.repository === repo))).toBe(true);
    expect(STACKS.every((s) => seed.some((x) => x.final.stack === s))).toBe(true);
  }, 60_000);

  it('should read one day through the by-day index, items proportional to that day’s reviews', async () => {
    counting.reset();
    const day = DAYS[1]!;
    const res = await aggregator.aggregateDay(day);
    const reviewQueries = counting.counts.queries.filter((q) => q.partition.startsWith('REVIEW#'));
    // Every review read is a Query of that day's partition on gsi2: never another day, never the base table.
    expect(new Set(reviewQueries.map((q) => `${q.index}|${q.partition}`))).toEqual(new Set([`gsi2|REVIEW#DAY#${day}`]));
    const itemsRead = reviewQueries.reduce((s, q) => s + q.items, 0);
    expect(res.reviews).toBe(75);
    expect(itemsRead).toBeGreaterThanOrEqual(75);
    expect(itemsRead).toBeLessThanOrEqual(75 + reviewQueries.length);
  });

  it('should be idempotent: re-running a day writes no new version', async () => {
    const day = DAYS[2]!;
    const res = await aggregator.aggregateDay(day);
    expect(res.written).toBe(0);
    expect(res.unchanged).toBe(res.rollups);
    for (const scope of ['overall', `repo:${REPOS[0]}`]) expect((await trends.versions.getHead(rollupId(scope, day))).latestVersion).toBe(1);
  });

  it('should write a new version only for the scopes whose numbers changed', async () => {
    const day = DAYS[3]!;
    const target = onDay(day).find((r) => r.final.repository && !r.final.stack && r.final.result && r.final.result.findings.length > 0 && r.final.dismissedFindings.length === 0)!;
    const f = target.final.result!.findings[0]!;
    const clock = { now: new Date('2026-11-24T02:00:00Z') };
    const store = reviewStoreOn(table, clock);
    const latest = await store.getLatest(target.id);
    const content: ReviewContent = { ...latest.content, dismissedFindings: [findingId(f)], feedback: [...latest.content.feedback, { action: 'dismiss-finding', findingId: findingId(f), comment: 'late', actor: 'dave', at: clock.now.toISOString() }] };
    await store.append(target.id, content, { actor: 'dave', reason: 'feedback: dismiss-finding', expectedVersion: latest.version });
    target.final = content;

    const res = await aggregator.aggregateDay(day);
    expect(res.written).toBe(2);
    const repoScope = `repo:${target.final.repository}`;
    expect((await trends.versions.getHead(rollupId('overall', day))).latestVersion).toBe(2);
    expect((await trends.versions.getHead(rollupId(repoScope, day))).latestVersion).toBe(2);
    const other = REPOS.map((r) => `repo:${r}`).find((s) => s !== repoScope)!;
    expect((await trends.versions.getHead(rollupId(other, day))).latestVersion).toBe(1);
    expectRollup(await trends.get(repoScope, day), onDay(day).filter((x) => x.final.repository === target.final.repository));
    expect((await trends.versions.getLatest(rollupId('overall', day))).reason).toBe('nightly rollup');
  });

  it('should serve week buckets as the exact merge of their days, page by page', async () => {
    // 2026-11-20 is a Friday: the first week bucket is Fri–Sun (clipped), the second starts Monday 23rd.
    const page = await queryTrends(trends, { scope: 'overall', from: DAYS[0]!, to: DAYS[3]!, granularity: 'week', limit: 10 });
    expect(page.items.map((b) => [b.start, b.end, b.daysWithData])).toEqual([
      ['2026-11-20', '2026-11-22', 3],
      ['2026-11-23', '2026-11-23', 1],
    ]);
    const first = seed.filter((r) => r.day <= '2026-11-22');
    const e = expected(first);
    expect(page.items[0]!.reviews).toBe(e.reviews);
    expect(page.items[0]!.riskScore.p50).toBe(e.p50);
    expect(page.items[0]!.riskScore.p90).toBe(e.p90);
    expect(page.items[0]!.riskScore.mean).toBe(round(e.meanScore!, 2));
    expect(page.items[0]!.outcomes).toEqual(e.outcomes);
    expect(page.items[0]!.topRules[0]).toEqual({ ruleId: Object.entries(e.byRule).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]![0], count: Math.max(...Object.values(e.byRule)) });

    const daily1 = await queryTrends(trends, { scope: 'overall', from: DAYS[0]!, to: DAYS[3]!, granularity: 'day', limit: 3 });
    expect(daily1.items.map((b) => b.start)).toEqual(DAYS.slice(0, 3));
    expect(daily1.nextCursor).toBeDefined();
    const daily2 = await queryTrends(trends, { scope: 'overall', from: DAYS[0]!, to: DAYS[3]!, granularity: 'day', limit: 3, cursor: daily1.nextCursor! });
    expect(daily2.items.map((b) => [b.start, b.reviews])).toEqual([[DAYS[3], 75]]);
    expect(daily2.nextCursor).toBeUndefined();
    await expect(queryTrends(trends, { scope: 'repo:acme/infra', from: DAYS[0]!, to: DAYS[3]!, granularity: 'day', limit: 3, cursor: daily1.nextCursor! })).rejects.toThrow(/another listing/);
  });
});
