import { ApiClient } from '../src/api';
import { loadTrends } from '../src/trends-source';

const NOW = Date.parse('2026-11-29T12:00:00Z');
const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': status >= 400 ? 'application/problem+json' : 'application/json' } });

const summaries = [
  { id: 'r1', version: 2, status: 'completed', source: 'api', riskLevel: 'high', riskScore: 60, createdAt: '2026-11-28T10:00:00Z', updatedAt: '2026-11-28T10:00:00Z' },
  { id: 'r2', version: 1, status: 'pending', source: 'github', createdAt: '2026-11-29T10:00:00Z', updatedAt: '2026-11-29T10:00:00Z' },
];
const detail = { id: 'r1', version: 2, createdAt: '2026-11-28T10:00:00Z', actor: 'a', reason: 'r', hash: 'h', review: { status: 'completed', source: 'api', result: { riskScore: 60, riskLevel: 'high', confidence: 0.9, summary: '', contributions: [], findings: [{ ruleId: 'IAM-001', category: 'iam', severity: 'high', resourceAddress: 'x', message: 'm', remediation: 'r' }] } } };
const bucket = (start: string, reviews: number) => ({
  start, end: start, daysWithData: 1, reviews,
  byRiskLevel: { low: 0, medium: 0, high: reviews, critical: 0, unscored: 0 }, bySource: {}, byStatus: { completed: reviews },
  riskScore: { mean: 60, p50: 60, p90: 60 }, confidence: { mean: 0.9 }, findings: 1, topRules: [{ ruleId: 'IAM-001', count: reviews }], topCategories: [],
  dismissed: 0, topDismissedRules: [], overrides: { total: 0, raised: 0, lowered: 0, unchanged: 0 }, outcomes: {},
});

/** An API whose analytics route answers `trends`; the rest of the routes serve the two reviews above. */
const api = (trends: (url: URL) => Response) => {
  const seen: string[] = [];
  const client = new ApiClient({ apiBase: 'http://api.test', apiKey: 'k' }, async (input) => {
    const url = new URL(input);
    seen.push(url.pathname);
    if (url.pathname === '/analytics/trends') return trends(url);
    if (url.pathname === '/reviews') return json(200, { items: summaries });
    if (url.pathname === '/reviews/r1') return json(200, detail);
    return json(404, { title: 'Not found', status: 404, detail: `No route for GET ${url.pathname}.` });
  });
  return { client, seen };
};

describe('loadTrends: where the figures come from', () => {
  it('uses the rollups (all pages, through today) when they hold reviews', async () => {
    const { client, seen } = api((url) => {
      expect(url.searchParams.get('to')).toBe('2026-11-29');
      expect(url.searchParams.get('granularity')).toBe('day');
      return url.searchParams.get('cursor')
        ? json(200, { scope: 'overall', granularity: 'day', from: '2026-11-22', to: '2026-11-29', items: [bucket('2026-11-29', 2)] })
        : json(200, { scope: 'overall', granularity: 'day', from: '2026-11-22', to: '2026-11-29', items: [bucket('2026-11-28', 1)], nextCursor: 'p2' });
    });
    const t = await loadTrends(client, 7, NOW);
    expect(t.basis).toMatch(/^From the rollups/);
    expect(t.total).toBe(3);
    expect(t.byRisk.high.slice(-2)).toEqual([1, 2]);
    expect(seen.filter((p) => p === '/reviews')).toHaveLength(0);
  });

  it('computes them from GET /reviews when the server has no analytics route, when the rollups are empty, and when the key may not read them', async () => {
    const cases: Array<[string, (url: URL) => Response]> = [
      ['this server has no GET /analytics/trends', () => json(404, { title: 'Not found', status: 404, detail: 'No route for GET /analytics/trends.' })],
      ['the nightly rollups hold no reviews for this period yet', () => json(200, { scope: 'overall', granularity: 'day', from: '2026-11-22', to: '2026-11-29', items: [bucket('2026-11-29', 0)] })],
      ['this API key lacks analytics:read', () => json(403, { title: 'Forbidden', status: 403, detail: 'The API key lacks analytics:read.' })],
    ];
    for (const [why, trends] of cases) {
      const { client } = api(trends);
      const t = await loadTrends(client, 7, NOW);
      expect(t.basis).toContain(`Computed in this browser (${why})`);
      expect(t.total).toBe(2);
      expect(t.days[t.days.length - 1]).toBe('2026-11-29');
      expect(t.topRules).toEqual([{ key: 'IAM-001', count: 1 }]);
    }
  });

  it('reports any other failure instead of hiding it', async () => {
    const { client } = api(() => json(503, { title: 'Service unavailable', status: 503, detail: 'busy' }));
    await expect(loadTrends(client, 7, NOW)).rejects.toThrow('Service unavailable: busy');
  });
});
