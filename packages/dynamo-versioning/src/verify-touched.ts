import type { VerifyResult } from './types';
import type { VersionedStore } from './versioned-store';

export interface VerifyTouchedOptions {
  /** UTC day YYYY-MM-DD: every item whose latest version was written that day is verified. */
  day: string;
  /** Items verified at once (default 4). */
  concurrency?: number;
  /** Stop after this many items (default 10 000), so one run stays inside the function's timeout. */
  maxItems?: number;
}

export interface VerifyTouchedResult {
  day: string;
  checked: number;
  failed: Array<{ id: string; result: Extract<VerifyResult, { ok: false }> }>;
  /** True when `maxItems` cut the walk short. */
  truncated: boolean;
}

/**
 * Verifies the whole history (hash chain, MACs, links, head) of every item touched on `day`, found
 * through the `latest` index (updatedAt), never a Scan. For the nightly job: it reports failures
 * (the store's onIntegrityFailure hook also logs each one) instead of throwing on the first.
 */
export const verifyTouched = async (store: Pick<VersionedStore<unknown>, 'listHeads' | 'verifyHistory'>, opts: VerifyTouchedOptions): Promise<VerifyTouchedResult> => {
  const concurrency = Math.max(1, opts.concurrency ?? 4);
  const maxItems = opts.maxItems ?? 10_000;
  const result: VerifyTouchedResult = { day: opts.day, checked: 0, failed: [], truncated: false };
  let cursor: string | undefined;
  do {
    const page = await store.listHeads({ index: 'latest', from: opts.day, to: opts.day, limit: 100, ...(cursor ? { cursor } : {}) });
    cursor = page.cursor;
    const ids = page.items.map((h) => h.id);
    for (let i = 0; i < ids.length; i += concurrency) {
      const batch = ids.slice(i, i + concurrency);
      if (result.checked + batch.length > maxItems) {
        result.truncated = true;
        return result;
      }
      const verdicts = await Promise.all(batch.map(async (id) => ({ id, result: await store.verifyHistory(id) })));
      result.checked += batch.length;
      for (const v of verdicts) if (!v.result.ok) result.failed.push({ id: v.id, result: v.result });
    }
  } while (cursor);
  return result;
};
