import { createInMemoryTablePort, createVersionedStore } from '@iac-review/dynamo-versioning';
import { createTrendAggregator, createTrendStore, rollupId, type TrendStore } from '@iac-review/analytics';
import { captureLogger } from '@iac-review/logger/testing';
import { reviewHead, type ReviewContent } from '@iac-review/reviews';
import { parseAggregationEvent } from '../src/aggregation-event';
import { createHandler } from '../src/handler';

const NOW = new Date('2026-11-29T00:15:07Z');
const scheduled = { version: '0', id: 'e1', 'detail-type': 'Scheduled Event', source: 'aws.events', account: '1', time: '2026-11-29T00:15:00Z', region: 'us-east-1', resources: [], detail: {} };

describe('aggregation event', () => {
  it('should roll up the UTC day before the scheduled event’s own time (not the clock’s)', () => {
    expect(parseAggregationEvent(scheduled, new Date('2026-11-29T03:00:00Z'))).toEqual({ ok: true, request: { from: '2026-11-28', to: '2026-11-28', reason: 'nightly rollup' } });
  });
  it('should take one day or a {from, to} backfill', () => {
    expect(parseAggregationEvent({ day: '2026-11-01' }, NOW)).toMatchObject({ ok: true, request: { from: '2026-11-01', to: '2026-11-01' } });
    expect(parseAggregationEvent({ from: '2026-10-01', to: '2026-11-28' }, NOW)).toEqual({ ok: true, request: { from: '2026-10-01', to: '2026-11-28', reason: 'backfill 2026-10-01..2026-11-28' } });
  });
  it.each([
    [{}, /Nothing to roll up/],
    [[], /JSON object/],
    [{ day: '2026-02-30' }, /calendar day/],
    [{ from: '2026-11-10', to: '2026-11-01' }, /after to/],
    [{ from: '2024-01-01', to: '2026-11-28' }, /at most 366 days/],
    [{ day: '2026-12-01' }, /in the future/],
    [{ day: '2026-11-01', from: '2026-11-01' }, /not both/],
    [{ ...scheduled, time: 'yesterday' }, /no valid time/],
  ])('should refuse %j with a reason', (event, reason) => {
    const r = parseAggregationEvent(event, NOW);
    expect(r.ok).toBe(false);
    expect(r.ok ? '' : r.problems.join(' ')).toMatch(reason);
  });
});

describe('trend-aggregation-handler', () => {
  const setup = async () => {
    const table = createInMemoryTablePort();
    const clock = { now: new Date('2026-11-28T10:00:00Z') };
    const reviews = createVersionedStore<ReviewContent>({ table, tableName: 't', entity: 'REVIEW', head: reviewHead, clock: () => clock.now });
    const content: ReviewContent = {
      status: 'completed',
      source: 'api',
      repository: 'acme/infra',
      submittedBy: 'x',
      input: { kind: 'plan', key: 'k', sha256: 's', size: 1 },
      acknowledged: false,
      dismissedFindings: [],
      feedback: [],
      result: { riskScore: 60, riskLevel: 'high', confidence: 0.8, summary: '', findings: [], contributions: [], stats: {}, reviewer: { mode: 'rules-only' }, reviewedVersion: 1, reviewedAt: '2026-11-28T10:00:00Z' },
    };
    await reviews.create('review-1', content, { actor: 'x', reason: 'seed' });
    const trends: TrendStore = createTrendStore({ table, tableName: 't' });
    const log = captureLogger();
    let requests = 0;
    const handler = createHandler({
      aggregator: createTrendAggregator({ reviews, trends, logger: log.logger, actor: 'trend-aggregation-handler' }),
      logger: log.logger,
      clock: () => NOW,
      meter: { snapshot: () => ({ requests: (requests += 3), capacityUnits: requests * 0.5 }) },
    });
    return { handler, trends, log };
  };

  it('should roll up yesterday on the schedule, log progress and totals, and emit one metric line', async () => {
    const { handler, trends, log } = await setup();
    const out = await handler(scheduled);
    expect(out).toMatchObject({ outcome: 'aggregated', from: '2026-11-28', to: '2026-11-28', days: 1, reviews: 1, rollups: 2, written: 2, unchanged: 0 });
    expect((await trends.get('repo:acme/infra', '2026-11-28'))?.counts.byRiskLevel.high).toBe(1);
    const lines = log.lines();
    expect(lines.some((l) => l.message === 'rollup progress' && l.reviewsRead === 1)).toBe(true);
    expect(lines.find((l) => l.message === 'trend aggregation finished')).toMatchObject({ reviews: 1, written: 2, dynamo: { requests: 3 } });
    const metrics = lines.filter((l) => l.type === 'metric');
    expect(metrics).toHaveLength(1);
    expect(metrics[0]).toMatchObject({ TrendReviewsAggregated: 1, TrendRollupsWritten: 2, TrendRollupsUnchanged: 0, TrendDaysAggregated: 1, _aws: expect.any(Object) });
    expect(lines.some((l) => l.type === 'audit' && l.action === 'trends.rollup')).toBe(true);
  });

  it('should write nothing new when the same day runs again', async () => {
    const { handler, trends } = await setup();
    await handler({ day: '2026-11-28' });
    const again = await handler({ day: '2026-11-28' });
    expect(again).toMatchObject({ written: 0, unchanged: 2 });
    expect((await trends.versions.getHead(rollupId('overall', '2026-11-28'))).latestVersion).toBe(1);
  });

  it('should reject a bad event without throwing (not retried) and count it', async () => {
    const { handler, log } = await setup();
    expect(await handler({ from: 'soon' })).toEqual({ outcome: 'rejected', problems: [expect.stringMatching(/calendar day/)] });
    expect(log.lines().some((l) => l.type === 'metric' && l.TrendAggregationRejected === 1)).toBe(true);
  });
});
