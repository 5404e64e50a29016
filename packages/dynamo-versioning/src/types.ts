import type { HeadIndex } from './key-layout';

/** One immutable version of an entity (a review, a daily trend rollup…). */
export interface Version<T> {
  id: string;
  /** 1, 2, 3, … without gaps. */
  version: number;
  /** `version - 1`, or null for the first version. */
  previousVersion: number | null;
  /** ISO-8601 time this version was written. */
  createdAt: string;
  /** Who wrote it (user, API key name, function name). */
  actor: string;
  /** Why (e.g. `initial review`, `feedback`, `re-review after push`). */
  reason: string;
  /** Hex SHA-256 chaining this version to the previous one. */
  hash: string;
  /** The previous version's `hash`, or null for the first version. */
  previousHash: string | null;
  /** Hex SHA-256 of the canonical JSON of `content`. */
  contentSha256: string;
  /** Id of the MAC key that sealed this version (absent when the store has no MAC key provider). */
  keyId?: string;
  content: T;
}

/** What the head projection exposes for listing; computed from each new version's content. */
export interface HeadAttributes {
  /** Repository or stack the item belongs to, e.g. `github:acme/infra` or `spacelift:prod-network`. */
  scope: string;
  status?: string;
  riskLevel?: string;
  /** Where it came from, e.g. `github` or `spacelift`. */
  source?: string;
  /** UTC day (YYYY-MM-DD) it is listed under on the day index; defaults to the day version 1 was written. */
  day?: string;
  /** Small extra values to show in listings without loading the version (title, score…). */
  attributes?: Record<string, string | number | boolean | null>;
}

/** The per-item head: latest version number and listing attributes. */
export interface Head {
  id: string;
  latestVersion: number;
  latestHash: string;
  /** When version 1 was written. */
  createdAt: string;
  /** When the latest version was written. */
  updatedAt: string;
  scope: string;
  day: string;
  status?: string;
  riskLevel?: string;
  source?: string;
  attributes?: Record<string, string | number | boolean | null>;
}

export interface WriteMeta {
  actor: string;
  reason: string;
}

export interface AppendMeta<T = unknown> extends WriteMeta {
  /** Fail with VersionConflictError unless this is still the latest version (optimistic locking). */
  expectedVersion?: number;
  /**
   * The latest version as the caller read it from this store (getLatest, getVersion or a previous
   * append). The first attempt chains onto it without reading anything: one conditional put and one
   * head update. If it is no longer the latest, that put fails and the append goes on as without it
   * (reading the newest version, re-running an updater). Versions from elsewhere are ignored.
   */
  latest?: Version<T>;
}

/** New content, or a function of the latest version that is re-run on every conflict retry. */
export type ContentOrUpdater<T> = T | ((latest: Version<T>) => T | Promise<T>);

export interface Page<I> {
  items: I[];
  /** Opaque; pass back to get the next page. Absent on the last page. */
  cursor?: string;
}

export interface ListVersionsOptions {
  /** 1–100, default 20. */
  limit?: number;
  cursor?: string;
}

export interface ListHeadsOptions {
  index: HeadIndex;
  /** The scope (index `scope`) or the UTC day YYYY-MM-DD (index `day`); ignored by `latest`. */
  key?: string;
  /** Inclusive bounds on the index's time (ISO-8601; a prefix such as `2025-11-25` covers the whole day). */
  from?: string;
  to?: string;
  /** 1–100, default 20. */
  limit?: number;
  cursor?: string;
  /** Equality filters on head attributes. */
  filter?: { status?: string; riskLevel?: string; source?: string };
}

export type VerifyFailureReason =
  | 'missing-version'
  | 'unexpected-version'
  | 'key-mismatch'
  | 'previous-version-mismatch'
  | 'previous-hash-mismatch'
  | 'content-hash-mismatch'
  | 'hash-mismatch'
  | 'blob-missing'
  | 'head-ahead'
  | 'head-hash-mismatch'
  | 'mac-mismatch'
  | 'unknown-key'
  | 'malformed';

export type VerifyResult =
  | { ok: true; versions: number; latestHash: string }
  | { ok: false; brokenAt: number; reason: VerifyFailureReason; detail: string };

/** One integrity failure found by a read (`read`) or a history walk (`verify`). */
export interface IntegrityFailure {
  entity: string;
  id: string;
  version: number;
  reason: string;
  check: 'read' | 'verify';
}

/**
 * The verdict on one version: `ok`; `content-mismatch` (content, fields or MAC do not match: it was
 * rewritten); `broken-link` (it does not chain onto the version before it, or the head disagrees);
 * `missing-version` (a gap, or the head records more versions than exist); `unknown-key` (sealed
 * with a key that is no longer available, so it cannot be verified).
 */
export interface VersionCheck {
  version: number;
  status: 'ok' | 'content-mismatch' | 'broken-link' | 'missing-version' | 'unknown-key';
  /** The key that sealed it, when it has a MAC. */
  keyId?: string;
  detail?: string;
}

export interface HistoryReport {
  id: string;
  /** True iff every version is ok. */
  ok: boolean;
  /** Oldest first. */
  versions: VersionCheck[];
  /** What the head item records. */
  latestVersion?: number;
}
