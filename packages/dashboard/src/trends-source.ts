import { ApiError, queryString, type ApiClient, type ReviewSummary, type ReviewVersion } from './api';
import { fromServerTrends, isTrendPage, type TrendPage } from './server-trends';
import { computeTrends, type Trends } from './trends';

/** Bounds of the browser-side fallback: a few pages of summaries and a sample of full reviews. */
const MAX_SUMMARY_PAGES = 5;
const DETAIL_SAMPLE = 30;
const CONCURRENCY = 4;

const mapLimit = async <T, R>(items: T[], limit: number, fn: (t: T) => Promise<R>): Promise<R[]> => {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
};

const MAX_TREND_PAGES = 4;

/** Every page of GET /analytics/trends for these days; undefined when the server has no such route. */
const loadServerTrends = async (api: ApiClient, from: string, to: string): Promise<TrendPage[] | undefined | 'forbidden'> => {
  const pages: TrendPage[] = [];
  let cursor: string | undefined;
  for (let i = 0; i < MAX_TREND_PAGES; i++) {
    let body: unknown;
    try {
      body = await api.optionalGet<unknown>(`/analytics/trends${queryString({ from, to, granularity: 'day', limit: 100, cursor })}`);
    } catch (err) {
      // A key without analytics:read still gets the figures, computed from what it may read.
      if (err instanceof ApiError && err.status === 403) return 'forbidden';
      throw err;
    }
    if (body === undefined) return undefined;
    if (!isTrendPage(body)) return pages;
    pages.push(body);
    cursor = body.nextCursor;
    if (!cursor) break;
  }
  return pages;
};

/**
 * From the nightly rollups (GET /analytics/trends) when the server has them and they hold reviews for
 * the period; otherwise computed here from GET /reviews (and says so).
 */
export const loadTrends = async (api: ApiClient, days: number, now = Date.now()): Promise<Trends> => {
  const from = new Date(now - days * 86_400_000);
  from.setUTCHours(0, 0, 0, 0);
  const today = new Date(now).toISOString().slice(0, 10);
  const server = await loadServerTrends(api, from.toISOString().slice(0, 10), today);
  const adapted = server && server !== 'forbidden' ? fromServerTrends(server) : undefined;
  if (adapted && adapted.total > 0) return adapted;

  const summaries: ReviewSummary[] = [];
  let cursor: string | undefined;
  let truncated = false;
  for (let page = 0; page < MAX_SUMMARY_PAGES; page++) {
    const res = await api.listReviews({ from: from.toISOString() }, cursor, 100);
    summaries.push(...res.items);
    cursor = res.nextCursor;
    if (!cursor) break;
    if (page === MAX_SUMMARY_PAGES - 1) truncated = true;
  }
  const sample = summaries.filter((s) => s.status !== 'pending').slice(0, DETAIL_SAMPLE);
  const details: ReviewVersion[] = await mapLimit(sample, CONCURRENCY, async (s) => (await api.getReview(s.id)).review);
  const why =
    server === undefined
      ? 'this server has no GET /analytics/trends'
      : server === 'forbidden'
        ? 'this API key lacks analytics:read'
        : adapted
        ? 'the nightly rollups hold no reviews for this period yet'
        : 'GET /analytics/trends answered in a form this dashboard does not read';
  return computeTrends(
    summaries,
    details,
    `Computed in this browser (${why}) from ${truncated ? 'the newest ' : ''}${summaries.length} reviews since ${from.toISOString().slice(0, 10)}; rules, categories and decisions from the latest ${details.length} of them.`,
    { first: from.toISOString().slice(0, 10), last: new Date(now).toISOString().slice(0, 10) },
  );
};
