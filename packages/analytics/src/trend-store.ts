import { canonicalJson, createVersionedStore, VersionConflictError, VersionNotFoundError, type BlobStore, type IntegrityFailure, type MacKeyProvider, type TablePort, type VersionedStore } from '@iac-review/dynamo-versioning';
import { mapLimit } from './concurrency';
import type { RollupScope, TrendRollup } from './rollup';

/** Key prefix of rollup items in the single table (next to REVIEW). */
export const TREND_ENTITY = 'TREND';

/** A rollup's id: its scope and day (one version history per scope and day). */
export const rollupId = (scope: RollupScope, day: string): string => `${scope}|${day}`;

export interface TrendStoreOptions {
  table: TablePort;
  tableName: string;
  blobStore?: BlobStore;
  clock?: () => Date;
  /** Seals rollup versions with an HMAC and verifies it on reads. */
  mac?: MacKeyProvider;
  onIntegrityFailure?: (failure: IntegrityFailure) => void;
}

export interface PutResult {
  /** False when the stored latest version already holds exactly these numbers (nothing written). */
  written: boolean;
  version: number;
}

export interface TrendStore {
  /** Writes the rollup as the next version of its scope/day, unless the latest version is identical. */
  put(rollup: TrendRollup, meta: { actor: string; reason: string }): Promise<PutResult>;
  /** The latest rollup of a scope on a day, or undefined when that day has none. */
  get(scope: RollupScope, day: string): Promise<TrendRollup | undefined>;
  /** The latest rollups of a scope on several days (missing days are absent from the map). */
  getDays(scope: RollupScope, days: readonly string[], concurrency?: number): Promise<Map<string, TrendRollup>>;
  /** The underlying versioned store (version history of a rollup). */
  versions: VersionedStore<TrendRollup>;
}

/** Rollups as versioned items in the same table and store as reviews (entity TREND). */
export const createTrendStore = (opts: TrendStoreOptions): TrendStore => {
  const versions = createVersionedStore<TrendRollup>({
    table: opts.table,
    tableName: opts.tableName,
    entity: TREND_ENTITY,
    // Listed by scope (gsi1) and under the day it describes (gsi2), not the day it was computed.
    head: (r) => ({ scope: `trend:${r.scope}`, day: r.day, attributes: { reviews: r.counts.reviews } }),
    ...(opts.blobStore ? { blobStore: opts.blobStore } : {}),
    ...(opts.clock ? { clock: opts.clock } : {}),
    ...(opts.mac ? { mac: opts.mac } : {}),
    ...(opts.onIntegrityFailure ? { onIntegrityFailure: opts.onIntegrityFailure } : {}),
  });

  const get = async (scope: RollupScope, day: string): Promise<TrendRollup | undefined> => {
    try {
      return (await versions.getLatest(rollupId(scope, day))).content;
    } catch (err) {
      if (err instanceof VersionNotFoundError) return undefined;
      throw err;
    }
  };

  const put = async (rollup: TrendRollup, meta: { actor: string; reason: string }): Promise<PutResult> => {
    const id = rollupId(rollup.scope, rollup.day);
    const wanted = canonicalJson(rollup);
    for (let attempt = 1; ; attempt++) {
      let latest;
      try {
        latest = await versions.getLatest(id);
      } catch (err) {
        if (!(err instanceof VersionNotFoundError)) throw err;
      }
      if (latest && canonicalJson(latest.content) === wanted) return { written: false, version: latest.version };
      try {
        // The version just read goes with the append: it chains onto it without reading the head again.
        const v = latest ? await versions.append(id, rollup, { ...meta, expectedVersion: latest.version, latest }) : await versions.create(id, rollup, meta);
        return { written: true, version: v.version };
      } catch (err) {
        // Another run wrote this scope/day in between: compare against what it wrote.
        if (err instanceof VersionConflictError && attempt < 3) continue;
        throw err;
      }
    }
  };

  const getDays = async (scope: RollupScope, days: readonly string[], concurrency = 8): Promise<Map<string, TrendRollup>> => {
    const found = await mapLimit(days, concurrency, (d) => get(scope, d));
    const out = new Map<string, TrendRollup>();
    days.forEach((d, i) => {
      const r = found[i];
      if (r) out.set(d, r);
    });
    return out;
  };

  return { put, get, getDays, versions };
};
