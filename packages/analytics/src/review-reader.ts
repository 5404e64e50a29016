import { HistoryTamperedError, type Head, type VersionedStore } from '@iac-review/dynamo-versioning';
import { addDays } from './days';
import type { ReviewContent } from '@iac-review/reviews';
import { mapLimit } from './concurrency';
import type { ReviewSnapshot } from './rollup';

export interface ReadOptions {
  /** Head items per index page (1–100). */
  pageSize?: number;
  /** Version reads in flight at once. */
  concurrency?: number;
  /** Called after every page (progress logging). */
  onPage?: (info: { page: number; reviews: number }) => void;
  /**
   * Called for a review whose history fails its integrity check (the store has already logged the
   * security event): it is left out, so one tampered review cannot stop a rollup or an analysis.
   */
  onTampered?: (id: string) => void;
}

/** The latest version of each listed review: one GetItem per review (its head names the version). */
const loadPage = async (store: VersionedStore<ReviewContent>, heads: readonly Head[], concurrency: number, onTampered?: (id: string) => void): Promise<ReviewSnapshot[]> => {
  const loaded = await mapLimit(heads, concurrency, async (h): Promise<ReviewSnapshot | undefined> => {
    try {
      return { id: h.id, createdAt: h.createdAt, content: (await store.getVersion(h.id, h.latestVersion)).content };
    } catch (err) {
      if (!(err instanceof HistoryTamperedError)) throw err;
      onTampered?.(h.id);
      return undefined;
    }
  });
  return loaded.filter((r): r is ReviewSnapshot => r !== undefined);
};

/**
 * Every review created on one UTC day, through the by-day index (gsi2): a paginated Query of that
 * day's partition, never a Scan, so the reads grow with the day's reviews and not with the table.
 */
export const readDay = async (store: VersionedStore<ReviewContent>, day: string, o: ReadOptions = {}): Promise<ReviewSnapshot[]> => {
  const out: ReviewSnapshot[] = [];
  let cursor: string | undefined;
  let page = 0;
  do {
    const p = await store.listHeads({ index: 'day', key: day, limit: o.pageSize ?? 100, ...(cursor ? { cursor } : {}) });
    out.push(...(await loadPage(store, p.items, o.concurrency ?? 16, o.onTampered)));
    cursor = p.cursor;
    o.onPage?.({ page: ++page, reviews: out.length });
  } while (cursor);
  return out;
};

/**
 * The reviews of one repository or stack (`repo:<name>` / `stack:<id>`) created at or after `from`,
 * newest first, through the by-scope index (gsi1); at most `max` of them.
 */
export const readScope = async (
  store: VersionedStore<ReviewContent>,
  scope: string,
  from: string,
  max: number,
  o: ReadOptions = {},
): Promise<{ reviews: ReviewSnapshot[]; truncated: boolean }> => {
  const out: ReviewSnapshot[] = [];
  let cursor: string | undefined;
  do {
    const want = Math.min(o.pageSize ?? 100, max - out.length);
    const p = await store.listHeads({ index: 'scope', key: scope, from, limit: want, ...(cursor ? { cursor } : {}) });
    out.push(...(await loadPage(store, p.items, o.concurrency ?? 16, o.onTampered)));
    cursor = p.cursor;
  } while (cursor && out.length < max);
  return { reviews: out, truncated: cursor !== undefined };
};

/**
 * The reviews of one Spacelift stack created from `fromDay` to `toDay`, newest first, at most `max`.
 * A review that names a repository too is listed under the repository on the by-scope index, so a
 * stack is read day by day through the by-day index: only the small head items of those days are
 * read, and a version is loaded only for heads of this stack.
 */
export const readStack = async (
  store: VersionedStore<ReviewContent>,
  stack: string,
  fromDay: string,
  toDay: string,
  max: number,
  o: ReadOptions = {},
): Promise<{ reviews: ReviewSnapshot[]; truncated: boolean }> => {
  const out: ReviewSnapshot[] = [];
  for (let day = toDay; day >= fromDay; day = addDays(day, -1)) {
    let cursor: string | undefined;
    do {
      const p = await store.listHeads({ index: 'day', key: day, limit: o.pageSize ?? 100, ...(cursor ? { cursor } : {}) });
      const mine = p.items.filter((h) => h.attributes?.stack === stack);
      const room = max - out.length;
      out.push(...(await loadPage(store, mine.slice(0, room), o.concurrency ?? 16, o.onTampered)));
      if (mine.length > room) return { reviews: out, truncated: true };
      cursor = p.cursor;
    } while (cursor);
  }
  return { reviews: out, truncated: false };
};
