import type { ReviewSummary, ReviewVersion } from '../src/api';
import { describeChange } from '../src/history';
import { readVerify } from '../src/integrity';
import { fromServerTrends, type TrendPage } from '../src/server-trends';
import { computeTrends, dayRange, MAX_DAYS } from '../src/trends';
import { filtersFrom, formFrom } from '../src/filters';

const summary = (createdAt: string, riskLevel?: ReviewSummary['riskLevel'], riskScore?: number, status: ReviewSummary['status'] = 'completed'): ReviewSummary => ({
  id: `r-${createdAt}-${riskLevel}`,
  version: 2,
  status,
  source: 'api',
  createdAt,
  updatedAt: createdAt,
  ...(riskLevel ? { riskLevel } : {}),
  ...(riskScore !== undefined ? { riskScore } : {}),
});

const version = (over: Partial<ReviewVersion['review']>, v = 2): ReviewVersion => ({
  id: 'r1',
  version: v,
  createdAt: '2026-11-02T10:00:00Z',
  actor: 'local',
  reason: 'r',
  hash: 'h',
  review: { status: 'completed', source: 'api', ...over },
});

describe('computeTrends (in the browser, from GET /reviews)', () => {
  it('counts reviews per UTC day by risk level, with mean risk, over a gap-free range of days', () => {
    const t = computeTrends(
      [
        summary('2026-11-01T23:59:59Z', 'high', 60),
        summary('2026-11-01T00:00:00Z', 'low', 10),
        summary('2026-11-03T12:00:00+02:00', 'critical', 95),
        summary('2026-11-03T01:00:00Z', undefined, undefined, 'pending'),
      ],
      [],
      'test',
    );
    expect(t.days).toEqual(['2026-11-01', '2026-11-02', '2026-11-03']);
    expect(t.byRisk).toEqual({ low: [1, 0, 0], medium: [0, 0, 0], high: [1, 0, 0], critical: [0, 0, 1], unscored: [0, 0, 1] });
    expect(t.meanRisk).toEqual([35, null, 95]);
    expect(t.total).toBe(4);
    expect(t.outcomes).toEqual([
      { key: 'completed', count: 3 },
      { key: 'pending', count: 1 },
    ]);
  });

  it('ranks rules and categories from the sampled reviews and counts decisions', () => {
    const f = (ruleId: string, category: string) => ({ ruleId, category, severity: 'high' as const, resourceAddress: 'a', message: 'm', remediation: 'r' });
    const t = computeTrends(
      [],
      [
        version({ result: { riskScore: 50, riskLevel: 'high', confidence: 0.9, summary: '', contributions: [], findings: [f('IAM-001', 'iam'), f('NET-002', 'network-exposure'), f('IAM-001', 'iam')] }, acknowledged: true }),
        version({ result: { riskScore: 50, riskLevel: 'high', confidence: 0.9, summary: '', contributions: [], findings: [f('NET-002', 'network-exposure'), f('IAM-001', 'iam')] }, dismissedFindings: ['a', 'b'], riskOverride: { riskLevel: 'low', actor: 'x', comment: 'c' } }),
      ],
      'test',
      { first: '2026-11-01', last: '2026-11-02' },
    );
    expect(t.days).toEqual(['2026-11-01', '2026-11-02']);
    expect(t.topRules).toEqual([
      { key: 'IAM-001', count: 3 },
      { key: 'NET-002', count: 2 },
    ]);
    expect(t.topCategories).toEqual([
      { key: 'iam', count: 3 },
      { key: 'network-exposure', count: 2 },
    ]);
    expect(t.outcomes).toEqual([
      { key: 'findings dismissed', count: 2 },
      { key: 'acknowledged', count: 1 },
      { key: 'risk overridden', count: 1 },
    ]);
  });

  it('bounds the range of days', () => {
    expect(dayRange('2020-01-01', '2026-01-01')).toHaveLength(MAX_DAYS);
    expect(dayRange('2026-01-02', '2026-01-01')).toEqual([]);
  });
});

describe('fromServerTrends (GET /analytics/trends)', () => {
  const bucket = (start: string, over: Record<string, unknown> = {}) => ({
    start,
    end: start,
    daysWithData: 1,
    reviews: 3,
    byRiskLevel: { low: 1, medium: 0, high: 1, critical: 1, unscored: 0 },
    bySource: { api: 3 },
    byStatus: { completed: 2, failed: 1 },
    riskScore: { mean: 51.25, p50: 50, p90: 90 },
    confidence: { mean: 0.8 },
    findings: 4,
    topRules: [{ ruleId: 'IAM-001', count: 2 }],
    topCategories: [{ category: 'iam', count: 2 }],
    dismissed: 1,
    topDismissedRules: [],
    overrides: { total: 1, raised: 1, lowered: 0, unchanged: 0 },
    outcomes: { appliesSucceeded: 0, appliesFailed: 2, appliesCancelled: 0, reviewsWithFailedApply: 1, merged: 1, mergedHighRisk: 1, closedUnmerged: 0 },
    ...over,
  });

  it('adds the pages up and fills missing days with zeros', () => {
    const pages: TrendPage[] = [
      { scope: 'overall', granularity: 'day', from: '2026-11-01', to: '2026-11-03', items: [bucket('2026-11-01')], nextCursor: 'x' },
      { scope: 'overall', granularity: 'day', from: '2026-11-01', to: '2026-11-03', items: [bucket('2026-11-03', { topRules: [{ ruleId: 'NET-002', count: 5 }, { ruleId: 'IAM-001', count: 1 }] })] },
    ];
    const t = fromServerTrends(pages);
    expect(t?.days).toEqual(['2026-11-01', '2026-11-02', '2026-11-03']);
    expect(t?.byRisk.critical).toEqual([1, 0, 1]);
    expect(t?.meanRisk).toEqual([51.3, null, 51.3]);
    expect(t?.total).toBe(6);
    expect(t?.topRules).toEqual([
      { key: 'NET-002', count: 5 },
      { key: 'IAM-001', count: 3 },
    ]);
    expect(t?.outcomes).toEqual(
      expect.arrayContaining([
        { key: 'completed', count: 4 },
        { key: 'failed', count: 2 },
        { key: 'findings dismissed', count: 2 },
        { key: 'risk overridden', count: 2 },
        { key: 'applies failed', count: 4 },
        { key: 'merged at high/critical risk', count: 2 },
      ]),
    );
    expect(t?.outcomes.some((o) => o.count === 0)).toBe(false);
  });

  it('gives up (so the view computes its own figures) on a bucket it does not understand', () => {
    expect(fromServerTrends([{ scope: 'overall', granularity: 'day', from: '2026-11-01', to: '2026-11-01', items: [{ start: '2026-11-01', reviews: 'many' }] }])).toBeUndefined();
    expect(fromServerTrends([])).toBeUndefined();
  });
});

describe('timeline and integrity', () => {
  it('says what each version changed', () => {
    const v1 = version({ status: 'pending', feedback: [] }, 1);
    const v2 = version({ status: 'completed', result: { riskScore: 80.4, riskLevel: 'critical', confidence: 0.9, summary: '', contributions: [], findings: [] }, feedback: [] }, 2);
    const v3 = version({ ...v2.review, feedback: [{ action: 'dismiss-finding', findingId: 'IAM-001@aws_iam_role.x', comment: 'c', actor: 'a', at: 't' }] }, 3);
    expect(describeChange(v1, undefined)).toEqual(['submitted via api']);
    expect(describeChange(v2, v1)).toEqual(['status pending → completed', 'scored 80 (critical), 0 findings']);
    expect(describeChange(v3, v2)).toEqual(['dismissed IAM-001@aws_iam_role.x']);
  });

  it('reads a /verify report whatever its field names, and knows when there is none', () => {
    expect(readVerify(undefined)).toEqual({ kind: 'unavailable' });
    const ok = readVerify({ ok: true, versions: [{ version: 1, status: 'ok' }, { version: 2, status: 'ok' }] });
    expect(ok).toMatchObject({ kind: 'report', ok: true });
    const bad = readVerify({ versions: [{ version: 1, status: 'ok' }, { version: 2, status: 'content-mismatch' }] });
    expect(bad.kind === 'report' && bad.ok).toBe(false);
    expect(bad.kind === 'report' && bad.versions.get(2)).toBe('content-mismatch');
  });
});

describe('filters', () => {
  it('turns the form into API filters: trimmed text, UTC day bounds with an inclusive end day', () => {
    const f = formFrom(new URLSearchParams('repository=%20acme/x%20&riskLevel=high&from=2026-11-01&to=2026-11-02&stack=&bogus=1'));
    expect(filtersFrom(f)).toEqual({ repository: 'acme/x', riskLevel: 'high', from: '2026-11-01T00:00:00.000Z', to: '2026-11-03T00:00:00.000Z' });
    expect(filtersFrom(formFrom(new URLSearchParams('from=yesterday')))).toEqual({});
  });
});
