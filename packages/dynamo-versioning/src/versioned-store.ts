import { tableDefinition, type TableDefinition } from '@iac-review/core';
import { DEFAULT_RETRY, fullJitterDelay, realSleep, type RetryPolicy } from './backoff';
import { canonicalJson } from './canonical-json';
import { clampLimit, decodeCursor, encodeCursor } from './cursor';
import { BlobNotFoundError, HistoryTamperedError, PayloadTooLargeError, StoreFailureError, ValidationError, VersionConflictError, VersionNotFoundError } from './errors';
import { HASH_SCHEME, sha256Hex, versionHash, type HashedFields } from './hash-chain';
import { MAC_SCHEME, macMatches, versionMac, type MacKeyProvider } from './mac';
import {
  assertEntity,
  HEAD_SK,
  assertId,
  dayPartition,
  headKey,
  itemPk,
  keyNames,
  latestPartition,
  MAX_VERSION,
  scopePartition,
  timeSortKey,
  VERSION_SK_PREFIX,
  versionKey,
  versionSk,
  type HeadIndex,
  type KeyNames,
} from './key-layout';
import type { BlobStore, StoredItem, StoredValue, TablePort } from './ports';
import type {
  AppendMeta,
  ContentOrUpdater,
  Head,
  HeadAttributes,
  ListHeadsOptions,
  ListVersionsOptions,
  Page,
  HistoryReport,
  IntegrityFailure,
  VersionCheck,
  VerifyFailureReason,
  VerifyResult,
  Version,
  WriteMeta,
} from './types';

/** The part of @iac-review/logger's Logger this package uses (so it needs no dependency on it). */
export interface StoreLogger {
  warn(message: string, fields?: Record<string, unknown>): void;
}

export interface VersionedStoreOptions<T> {
  /** The DynamoDB port: createDynamoDbTablePort(…) in Lambda, createInMemoryTablePort() in unit tests. */
  table: TablePort;
  tableName: string;
  /** Key prefix of this kind of item, e.g. `REVIEW` or `TREND` ([A-Z][A-Z0-9_]*). */
  entity: string;
  /** Projects content onto the head item's listing attributes (scope, status, risk level, day…). */
  head: (content: T) => HeadAttributes;
  /** Where content over `inlineLimitBytes` goes; without one such content is refused (PayloadTooLargeError). */
  blobStore?: BlobStore;
  /** Largest canonical-JSON content kept inside the item (default 350 KiB; DynamoDB's item limit is 400 KB). */
  inlineLimitBytes?: number;
  /** Table layout (default: @iac-review/core's table.json). */
  definition?: TableDefinition;
  clock?: () => Date;
  /** Uniform [0, 1) source for retry jitter. */
  random?: () => number;
  sleep?: (ms: number) => Promise<void>;
  retry?: Partial<RetryPolicy>;
  logger?: StoreLogger;
  /**
   * Seals every new version with an HMAC under this provider's current key and verifies the MAC
   * (and the link to the previous version) on every read. With a provider, a version without a
   * MAC is refused as tampered: stripping the MAC must not downgrade a version to unkeyed.
   */
  mac?: MacKeyProvider;
  /** Called on every integrity failure a read or a verification finds (log a security event, emit a metric). */
  onIntegrityFailure?: (failure: IntegrityFailure) => void;
}

export interface VersionedStore<T> {
  /** Writes version 1; VersionConflictError (expected 0) when the id already exists. */
  create(id: string, content: T, meta: WriteMeta): Promise<Version<T>>;
  /**
   * Writes the next version. With `expectedVersion`, fails with VersionConflictError unless that is
   * still the latest; without it, retries conflicts (bounded, full jitter), re-running an updater
   * function against the new latest version each time.
   */
  append(id: string, contentOrUpdater: ContentOrUpdater<T>, meta: AppendMeta<T>): Promise<Version<T>>;
  /** The newest version in one read (repairs a head left behind by a crash). */
  getLatest(id: string): Promise<Version<T>>;
  getVersion(id: string, version: number): Promise<Version<T>>;
  /** The head item alone (cheap: one small read; may lag the newest version after a crash). */
  getHead(id: string): Promise<Head>;
  /** Versions newest first. */
  listVersions(id: string, opts?: ListVersionsOptions): Promise<Page<Version<T>>>;
  /** Recomputes the whole hash chain (and MACs) and reports the first broken version. */
  verifyHistory(id: string): Promise<VerifyResult>;
  /** Walks the whole history and reports every version: ok, content mismatch, broken link, missing. */
  auditHistory(id: string): Promise<HistoryReport>;
  /** Head items newest first, from one of the GSIs. */
  listHeads(opts: ListHeadsOptions): Promise<Page<Head>>;
}

/** A version item as read back, before its content is loaded: the hashed fields plus the hash. */
interface StoredVersion extends Omit<HashedFields, 'entity'> {
  hash: string;
  mac?: string;
  macKeyId?: string;
  content?: string;
  contentBlob?: string;
  head?: HeadAttributes;
  sortKey: string;
}

/** What the next version chains onto. */
interface Base {
  version: number;
  hash: string | null;
  firstCreatedAt: string | null;
  stored?: StoredVersion;
  /** The verified version the caller holds (append's `latest`): an updater runs against it as is. */
  held?: Version<unknown>;
}

const MAX_META = 1024;
const DEFAULT_INLINE_LIMIT = 350 * 1024;

const isString = (v: unknown): v is string => typeof v === 'string';
const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);

export const createVersionedStore = <T>(opts: VersionedStoreOptions<T>): VersionedStore<T> => {
  assertEntity(opts.entity);
  const { table, tableName, entity } = opts;
  const names: KeyNames = keyNames(opts.definition ?? tableDefinition);
  const clock = opts.clock ?? (() => new Date());
  const random = opts.random ?? Math.random;
  const sleep = opts.sleep ?? realSleep;
  const retry: RetryPolicy = { ...DEFAULT_RETRY, ...opts.retry };
  const inlineLimit = opts.inlineLimitBytes ?? DEFAULT_INLINE_LIMIT;
  /** Versions this store handed out (read and verified, or written), so append's `latest` needs no read. */
  const handedOut = new WeakMap<Version<T>, StoredVersion>();

  // ---- reading items ------------------------------------------------------------------------

  const parseVersion = (item: StoredItem): StoredVersion | string => {
    const { id, version, previousVersion, createdAt, firstCreatedAt, actor, reason, hash, previousHash, contentSha256, content, contentBlob, head } = item;
    const sortKey = item[names.sk];
    if (!isString(id) || !isInt(version) || !isString(sortKey)) return 'id, version or key missing';
    if (!(previousVersion === null || isInt(previousVersion))) return 'previousVersion is not a number';
    if (!isString(createdAt) || !isString(firstCreatedAt) || !isString(actor) || !isString(reason)) return 'metadata missing';
    if (!isString(hash) || !(previousHash === null || isString(previousHash)) || !isString(contentSha256)) return 'hashes missing';
    if (!isString(content) && !isString(contentBlob)) return 'content missing';
    const out: StoredVersion = { id, version, previousVersion, createdAt, firstCreatedAt, actor, reason, hash, previousHash, contentSha256, sortKey };
    if (isString(content)) out.content = content;
    else if (isString(contentBlob)) out.contentBlob = contentBlob;
    if (isString(item.mac) && isString(item.macKeyId) && item.macScheme === MAC_SCHEME) {
      out.mac = item.mac;
      out.macKeyId = item.macKeyId;
    }
    if (head && typeof head === 'object' && !Array.isArray(head) && isString(head.scope)) out.head = head as unknown as HeadAttributes;
    return out;
  };

  const requireVersion = (id: string, item: StoredItem, expected?: number): StoredVersion => {
    const parsed = parseVersion(item);
    const at = expected ?? (isInt(item.version) ? item.version : 0);
    if (typeof parsed === 'string') throw new HistoryTamperedError(id, at, `malformed version item (${parsed})`);
    if (parsed.id !== id || parsed.sortKey !== versionSk(parsed.version) || (expected !== undefined && parsed.version !== expected)) {
      throw new HistoryTamperedError(id, at, 'version item does not match its key');
    }
    return parsed;
  };

  const recomputeHash = (s: StoredVersion): string =>
    versionHash({
      entity,
      id: s.id,
      version: s.version,
      previousVersion: s.previousVersion,
      createdAt: s.createdAt,
      firstCreatedAt: s.firstCreatedAt,
      actor: s.actor,
      reason: s.reason,
      contentSha256: s.contentSha256,
      previousHash: s.previousHash,
    });

  /** The canonical JSON of a version's content, or the reason it cannot be trusted. */
  const loadContentJson = async (s: StoredVersion): Promise<{ json: string } | { reason: VerifyFailureReason; detail: string }> => {
    let json: string;
    if (s.content !== undefined) json = s.content;
    else {
      if (!opts.blobStore) throw new StoreFailureError(`Version ${s.version} of ${s.id} keeps its content in a blob store, but none is configured.`);
      try {
        json = (await opts.blobStore.get(s.contentBlob as string)).toString('utf8');
      } catch (err) {
        if (err instanceof BlobNotFoundError) {
          return { reason: 'blob-missing', detail: `content blob ${s.contentBlob} is missing` };
        }
        throw err;
      }
    }
    if (sha256Hex(json) !== s.contentSha256) return { reason: 'content-hash-mismatch', detail: 'content does not match its recorded SHA-256' };
    return { json };
  };

  const reportFailure = (failure: IntegrityFailure): void => {
    try {
      opts.onIntegrityFailure?.(failure);
    } catch {
      // A failing reporter must not hide the integrity failure itself.
    }
  };

  const tampered = (id: string, version: number, reason: string, check: IntegrityFailure['check'] = 'read'): HistoryTamperedError => {
    reportFailure({ entity, id, version, reason, check });
    return new HistoryTamperedError(id, version, reason);
  };

  /** Undefined when the version's MAC verifies (or no MAC key provider is configured); else why not. */
  const macProblem = async (s: StoredVersion): Promise<{ status: 'content-mismatch' | 'unknown-key'; detail: string } | undefined> => {
    if (!opts.mac) return undefined;
    if (s.mac === undefined || s.macKeyId === undefined) return { status: 'content-mismatch', detail: 'the version carries no MAC' };
    const key = await opts.mac.byId(s.macKeyId);
    if (!key) return { status: 'unknown-key', detail: `the key ${s.macKeyId} that sealed it is not available` };
    if (!macMatches(key, { entity, id: s.id, version: s.version, keyId: s.macKeyId, hash: s.hash }, s.mac)) {
      return { status: 'content-mismatch', detail: 'the MAC does not match the version (rewritten without the key)' };
    }
    return undefined;
  };

  /** Checks a version on its own: fields vs hash, MAC, content vs digest. Returns the content JSON. */
  const checkOwn = async (s: StoredVersion, check: IntegrityFailure['check'] = 'read'): Promise<string> => {
    if (recomputeHash(s) !== s.hash) throw tampered(s.id, s.version, 'hash does not match the version', check);
    const mac = await macProblem(s);
    if (mac) throw tampered(s.id, s.version, mac.detail, check);
    const loaded = await loadContentJson(s);
    if (!('json' in loaded)) throw tampered(s.id, s.version, loaded.detail, check);
    return loaded.json;
  };

  const materialize = async (s: StoredVersion): Promise<Version<T>> => {
    const v = toVersion(s, JSON.parse(await checkOwn(s)) as T);
    handedOut.set(v, s);
    return v;
  };

  /**
   * With a MAC key: the version's link to its predecessor holds (the predecessor exists, is sealed
   * and its hash is this version's previousHash). Catches a version replaced by an older sealed one.
   * `previous` is the predecessor's item when the caller read it already; `verified` is a
   * predecessor this read already checked on its own (checkOwn: hash and MAC), so only the link is
   * left to check. (A separate argument, never a field of an item: a stored item cannot vouch for itself.)
   */
  const checkLink = async (s: StoredVersion, previous?: StoredItem, verified?: StoredVersion): Promise<void> => {
    if (!opts.mac) return;
    if (s.version === 1) {
      if (s.previousHash !== null || s.previousVersion !== null) throw tampered(s.id, 1, 'the first version links to a predecessor');
      return;
    }
    if (s.previousVersion !== s.version - 1) throw tampered(s.id, s.version, `previousVersion is ${s.previousVersion}, expected ${s.version - 1}`);
    let p: StoredVersion;
    if (verified) p = verified;
    else {
      const item = previous ?? (await table.get(tableName, versionKey(names, entity, s.id, s.version - 1), { consistent: true }));
      if (!item) throw tampered(s.id, s.version - 1, 'the previous version is missing');
      const parsed = parseVersion(item);
      if (typeof parsed === 'string') throw tampered(s.id, s.version - 1, 'the previous version is malformed');
      p = parsed;
    }
    if (p.id !== s.id) throw tampered(s.id, s.version - 1, 'the previous version is malformed');
    if (p.version !== s.version - 1) throw tampered(s.id, s.version - 1, 'the previous version is missing');
    if (!verified) {
      if (recomputeHash(p) !== p.hash) throw tampered(s.id, p.version, 'hash does not match the version');
      const mac = await macProblem(p);
      if (mac) throw tampered(s.id, p.version, mac.detail);
    }
    if (s.previousHash !== p.hash) throw tampered(s.id, s.version, 'previousHash does not match the previous version’s hash');
  };

  const toVersion = (s: StoredVersion, content: T): Version<T> => ({
    id: s.id,
    version: s.version,
    previousVersion: s.previousVersion,
    createdAt: s.createdAt,
    actor: s.actor,
    reason: s.reason,
    hash: s.hash,
    previousHash: s.previousHash,
    contentSha256: s.contentSha256,
    ...(s.macKeyId !== undefined ? { keyId: s.macKeyId } : {}),
    content,
  });

  const parseHead = (item: StoredItem): Head | undefined => {
    const { id, latestVersion, latestHash, createdAt, updatedAt, scope, day, status, riskLevel, source, attributes } = item;
    if (!isString(id) || !isInt(latestVersion) || !isString(latestHash) || !isString(createdAt) || !isString(updatedAt) || !isString(scope) || !isString(day)) {
      return undefined;
    }
    const head: Head = { id, latestVersion, latestHash, createdAt, updatedAt, scope, day };
    if (isString(status)) head.status = status;
    if (isString(riskLevel)) head.riskLevel = riskLevel;
    if (isString(source)) head.source = source;
    if (attributes && typeof attributes === 'object' && !Array.isArray(attributes)) head.attributes = attributes as Head['attributes'];
    return head;
  };

  const readHead = async (id: string): Promise<Head | undefined> => {
    const item = await table.get(tableName, headKey(names, entity, id), { consistent: true });
    return item ? parseHead(item) : undefined;
  };

  const queryNewest = async (id: string): Promise<StoredVersion | undefined> => {
    const page = await table.query(tableName, {
      partition: { attribute: names.pk, value: itemPk(entity, id) },
      range: { attribute: names.sk, beginsWith: VERSION_SK_PREFIX },
      descending: true,
      limit: 1,
      consistent: true,
    });
    const item = page.items[0];
    return item ? requireVersion(id, item) : undefined;
  };

  // ---- the head item ------------------------------------------------------------------------

  const validateHeadAttributes = (h: HeadAttributes): HeadAttributes => {
    if (!h || !isString(h.scope) || h.scope.length === 0 || h.scope.length > 512) throw new ValidationError('head(content).scope must be a non-empty string.');
    if (h.day !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(h.day)) throw new ValidationError('head(content).day must be YYYY-MM-DD.');
    for (const k of ['status', 'riskLevel', 'source'] as const) {
      const v = h[k];
      if (v !== undefined && (!isString(v) || v.length === 0 || v.length > 256)) throw new ValidationError(`head(content).${k} must be a non-empty string.`);
    }
    return h;
  };

  /** Moves the head forward to `s` (never backwards: the condition refuses older versions). */
  const advanceHead = async (s: { id: string; version: number; hash: string; createdAt: string; firstCreatedAt: string }, h: HeadAttributes): Promise<void> => {
    const day = h.day ?? s.firstCreatedAt.slice(0, 10);
    const set: StoredItem = {
      entity,
      id: s.id,
      latestHash: s.hash,
      createdAt: s.firstCreatedAt,
      updatedAt: s.createdAt,
      scope: h.scope,
      day,
      [names.index.scope.pk]: scopePartition(entity, h.scope),
      [names.index.scope.sk]: timeSortKey(s.firstCreatedAt, s.id),
      [names.index.day.pk]: dayPartition(entity, day),
      [names.index.day.sk]: timeSortKey(s.firstCreatedAt, s.id),
      [names.index.latest.pk]: latestPartition(entity),
      [names.index.latest.sk]: timeSortKey(s.createdAt, s.id),
    };
    const remove: string[] = [];
    for (const k of ['status', 'riskLevel', 'source'] as const) {
      const v = h[k];
      if (v === undefined) remove.push(k);
      else set[k] = v;
    }
    if (h.attributes === undefined) remove.push('attributes');
    else set.attributes = h.attributes as StoredValue;
    try {
      await table.updateIfNewer(tableName, headKey(names, entity, s.id), { attribute: 'latestVersion', value: s.version, set, remove });
    } catch (err) {
      // The version is durable; a head left behind is repaired by the next read or write.
      opts.logger?.warn('head update failed; it will be repaired by the next read or write', { entity, id: s.id, version: s.version, error: err instanceof Error ? err.name : 'unknown' });
    }
  };

  const headOf = async (s: StoredVersion): Promise<HeadAttributes> => {
    if (s.head) return s.head;
    return validateHeadAttributes(opts.head((await materialize(s)).content));
  };

  const repairHead = async (s: StoredVersion): Promise<void> => {
    await advanceHead(s, await headOf(s));
  };

  // ---- writing ------------------------------------------------------------------------------

  const validateMeta = (meta: WriteMeta): void => {
    if (!meta || !isString(meta.actor) || meta.actor.length === 0 || meta.actor.length > MAX_META) throw new ValidationError(`actor must be a non-empty string of at most ${MAX_META} characters.`);
    if (!isString(meta.reason) || meta.reason.length === 0 || meta.reason.length > MAX_META) throw new ValidationError(`reason must be a non-empty string of at most ${MAX_META} characters.`);
  };

  /** One conditional put of version base+1 (then the head update). Undefined when the key was taken. */
  const tryWrite = async (id: string, base: Base, content: T, meta: WriteMeta, uploaded: Set<string>): Promise<Version<T> | undefined> => {
    const version = base.version + 1;
    if (version > MAX_VERSION) throw new ValidationError(`${id} has reached the maximum version number.`);
    const json = canonicalJson(content);
    const headAttrs = validateHeadAttributes(opts.head(content));
    const contentSha256 = sha256Hex(json);
    const createdAt = clock().toISOString();
    const firstCreatedAt = base.firstCreatedAt ?? createdAt;
    const previousVersion = base.version === 0 ? null : base.version;
    const hash = versionHash({ entity, id, version, previousVersion, createdAt, firstCreatedAt, actor: meta.actor, reason: meta.reason, contentSha256, previousHash: base.hash });
    const sealKey = opts.mac ? await opts.mac.current() : undefined;
    const item: StoredItem = {
      ...versionKey(names, entity, id, version),
      entity,
      id,
      version,
      previousVersion,
      createdAt,
      firstCreatedAt,
      actor: meta.actor,
      reason: meta.reason,
      hashScheme: HASH_SCHEME,
      hash,
      previousHash: base.hash,
      contentSha256,
      contentSize: Buffer.byteLength(json, 'utf8'),
      head: headAttrs as unknown as StoredValue,
      ...(sealKey ? { macScheme: MAC_SCHEME, macKeyId: sealKey.keyId, mac: versionMac(sealKey.key, { entity, id, version, keyId: sealKey.keyId, hash }) } : {}),
    };
    const size = item.contentSize as number;
    if (size > inlineLimit) {
      if (!opts.blobStore) throw new PayloadTooLargeError(size, inlineLimit);
      const key = `${entity.toLowerCase()}/${encodeURIComponent(id)}/${contentSha256}.json`;
      if (!uploaded.has(key)) {
        const ref = await opts.blobStore.put(key, Buffer.from(json, 'utf8'), 'application/json');
        if (ref.sha256 !== contentSha256) throw new StoreFailureError('The blob store returned a different digest than the content written.');
        uploaded.add(key);
      }
      item.contentBlob = key;
    } else {
      item.content = json;
    }
    if (!(await table.putIfAbsent(tableName, item))) return undefined;
    await advanceHead({ id, version, hash, createdAt, firstCreatedAt }, headAttrs);
    const written: Version<T> = {
      id,
      version,
      previousVersion,
      createdAt,
      actor: meta.actor,
      reason: meta.reason,
      hash,
      previousHash: base.hash,
      contentSha256,
      ...(sealKey ? { keyId: sealKey.keyId } : {}),
      content: JSON.parse(json) as T,
    };
    const stored = parseVersion(item);
    if (typeof stored !== 'string') handedOut.set(written, stored);
    return written;
  };

  const baseOf = (s: StoredVersion): Base => ({ version: s.version, hash: s.hash, firstCreatedAt: s.firstCreatedAt, stored: s });

  /** The base for a version the caller holds, when this store handed it out for this id. */
  const heldBase = (id: string, latest: Version<T> | undefined): Base | undefined => {
    const s = latest ? handedOut.get(latest) : undefined;
    return s && latest && s.id === id && latest.version === s.version ? { ...baseOf(s), held: latest } : undefined;
  };

  const contentFor = async (id: string, base: Base, contentOrUpdater: ContentOrUpdater<T>): Promise<T> => {
    if (typeof contentOrUpdater !== 'function') return contentOrUpdater;
    if (base.held) return (contentOrUpdater as (latest: Version<T>) => T | Promise<T>)(base.held as Version<T>);
    const stored = base.stored ?? (await queryNewest(id));
    if (!stored) throw new VersionNotFoundError(id);
    return (contentOrUpdater as (latest: Version<T>) => T | Promise<T>)(await materialize(stored));
  };

  const append = async (id: string, contentOrUpdater: ContentOrUpdater<T>, meta: AppendMeta<T>): Promise<Version<T>> => {
    assertId(id);
    validateMeta(meta);
    const uploaded = new Set<string>();
    const expected = meta.expectedVersion;
    const isUpdater = typeof contentOrUpdater === 'function';

    if (expected !== undefined) {
      if (!isInt(expected) || expected < 0) throw new ValidationError('expectedVersion must be a non-negative integer.');
      let base: Base;
      const held = heldBase(id, meta.latest);
      if (expected === 0) base = { version: 0, hash: null, firstCreatedAt: null };
      else if (held && held.version === expected) base = held;
      else {
        const head = isUpdater ? undefined : await readHead(id);
        if (head && head.latestVersion === expected) base = { version: expected, hash: head.latestHash, firstCreatedAt: head.createdAt };
        else if (head && head.latestVersion > expected) throw new VersionConflictError(id, expected, head.latestVersion);
        else {
          const newest = await queryNewest(id);
          if (!newest) throw new VersionNotFoundError(id);
          if (head === undefined || head.latestVersion < newest.version) await repairHead(newest);
          if (newest.version !== expected) throw new VersionConflictError(id, expected, newest.version);
          base = baseOf(newest);
        }
      }
      const written = await tryWrite(id, base, await contentFor(id, base, contentOrUpdater), meta, uploaded);
      if (written) return written;
      const newest = await queryNewest(id);
      if (newest) await repairHead(newest);
      throw new VersionConflictError(id, expected, newest?.version ?? 0);
    }

    let base: Base | undefined = heldBase(id, meta.latest);
    if (!base && !isUpdater) {
      const head = await readHead(id);
      if (head) base = { version: head.latestVersion, hash: head.latestHash, firstCreatedAt: head.createdAt };
    }
    for (let attempt = 1; ; attempt++) {
      if (!base) {
        const newest = await queryNewest(id);
        if (!newest) throw new VersionNotFoundError(id);
        base = baseOf(newest);
      }
      const written = await tryWrite(id, base, await contentFor(id, base, contentOrUpdater), meta, uploaded);
      if (written) return written;
      if (attempt >= retry.maxAttempts) {
        const newest = await queryNewest(id);
        throw new VersionConflictError(id, base.version, newest?.version ?? base.version);
      }
      await sleep(fullJitterDelay(attempt, retry, random));
      base = undefined;
    }
  };

  const create = async (id: string, content: T, meta: WriteMeta): Promise<Version<T>> => {
    if (typeof content === 'function') throw new ValidationError('create takes content, not a function.');
    return append(id, content, { actor: meta?.actor, reason: meta?.reason, expectedVersion: 0 });
  };

  // ---- reading versions ---------------------------------------------------------------------

  /** One consistent Query, newest first: the head (its key sorts last), the newest version and its predecessor. */
  const readLatest = async (id: string): Promise<{ head?: Head; newest?: StoredVersion; previous?: StoredItem }> => {
    const page = await table.query(tableName, {
      partition: { attribute: names.pk, value: itemPk(entity, id) },
      range: { attribute: names.sk, gte: VERSION_SK_PREFIX, lte: HEAD_SK },
      descending: true,
      limit: 3,
      consistent: true,
    });
    let items = page.items;
    let head: Head | undefined;
    if (items[0]?.[names.sk] === HEAD_SK) {
      head = parseHead(items[0]);
      items = items.slice(1);
    }
    const newest = items[0] ? requireVersion(id, items[0]) : undefined;
    return { ...(head ? { head } : {}), ...(newest ? { newest } : {}), ...(items[1] ? { previous: items[1] } : {}) };
  };

  const getLatest = async (id: string): Promise<Version<T>> => {
    assertId(id);
    let read = await readLatest(id);
    // A head ahead of the newest version is tampering, unless an append landed in between: look once more.
    if (read.head && (!read.newest || read.newest.version < read.head.latestVersion)) read = await readLatest(id);
    const { head, newest, previous } = read;
    if (!newest) {
      if (head) throw new HistoryTamperedError(id, 1, 'the head exists but no version does');
      throw new VersionNotFoundError(id);
    }
    if (head && newest.version < head.latestVersion) throw new HistoryTamperedError(id, newest.version + 1, `the head says ${head.latestVersion} but the newest version is ${newest.version}`);
    if (!head || head.latestVersion < newest.version) await repairHead(newest);
    const v = await materialize(newest);
    await checkLink(newest, previous);
    if (opts.mac && head && head.latestVersion === newest.version && head.latestHash !== newest.hash) throw tampered(id, newest.version, 'the head’s latestHash differs from the newest version’s hash');
    return v;
  };

  const getVersion = async (id: string, version: number): Promise<Version<T>> => {
    assertId(id);
    if (!isInt(version) || version < 1 || version > MAX_VERSION) throw new ValidationError('version must be a positive integer.');
    const item = await table.get(tableName, versionKey(names, entity, id, version), { consistent: true });
    if (!item) throw new VersionNotFoundError(id, version);
    const s = requireVersion(id, item, version);
    const v = await materialize(s);
    await checkLink(s);
    return v;
  };

  const getHead = async (id: string): Promise<Head> => {
    assertId(id);
    const head = await readHead(id);
    if (!head) throw new VersionNotFoundError(id);
    return head;
  };

  const listVersions = async (id: string, o: ListVersionsOptions = {}): Promise<Page<Version<T>>> => {
    assertId(id);
    const limit = clampLimit(o.limit);
    let startKey: StoredItem | undefined;
    if (o.cursor !== undefined) {
      const c = decodeCursor(o.cursor);
      if (c.id !== id || !isInt(c.v) || c.v < 1 || c.v > MAX_VERSION) throw new ValidationError('The cursor does not belong to this listing.');
      startKey = versionKey(names, entity, id, c.v);
    }
    const items: StoredItem[] = [];
    do {
      const page = await table.query(tableName, {
        partition: { attribute: names.pk, value: itemPk(entity, id) },
        range: { attribute: names.sk, beginsWith: VERSION_SK_PREFIX },
        descending: true,
        limit: limit + 1 - items.length,
        consistent: true,
        ...(startKey ? { startKey } : {}),
      });
      items.push(...page.items);
      startKey = page.lastKey;
    } while (startKey && items.length <= limit);
    if (items.length === 0 && o.cursor === undefined) throw new VersionNotFoundError(id);
    const shown = items.slice(0, limit).map((item) => requireVersion(id, item));
    // Every shown version is checked on its own (hash, MAC, content) once, here…
    const versions = await Promise.all(shown.map(materialize));
    // …so, newest first, a version whose predecessor is in the page needs only the link checked; the
    // last one's predecessor (the item after the page, or read now) is checked in full.
    await Promise.all(
      shown.map((s, i) => {
        const next = shown[i + 1];
        return next ? checkLink(s, undefined, next) : checkLink(s, items[i + 1]);
      }),
    );
    const last = versions[versions.length - 1];
    return items.length > limit && last ? { items: versions, cursor: encodeCursor({ id, v: last.version }) } : { items: versions };
  };

  const listHeads = async (o: ListHeadsOptions): Promise<Page<Head>> => {
    const use: HeadIndex | undefined = o?.index;
    if (use !== 'scope' && use !== 'day' && use !== 'latest') throw new ValidationError('index must be one of scope, day, latest.');
    const idx = names.index[use];
    let partition: string;
    if (use === 'latest') partition = latestPartition(entity);
    else {
      const key = assertId(o.key, use === 'scope' ? 'key (the scope)' : 'key (the day)');
      if (use === 'day' && !/^\d{4}-\d{2}-\d{2}$/.test(key)) throw new ValidationError('key (the day) must be YYYY-MM-DD.');
      partition = use === 'scope' ? scopePartition(entity, key) : dayPartition(entity, key);
    }
    const limit = clampLimit(o.limit);
    for (const bound of [o.from, o.to]) {
      if (bound !== undefined && (!isString(bound) || !/^[0-9][0-9T:.+\-Z]{0,39}$/.test(bound))) throw new ValidationError('from and to must be ISO-8601 times or prefixes of them.');
    }
    if (o.from !== undefined && o.to !== undefined && o.from > `${o.to}~`) throw new ValidationError('from must not be after to.');
    const filter: Record<string, string> = {};
    for (const k of ['status', 'riskLevel', 'source'] as const) {
      const v = o.filter?.[k];
      if (v !== undefined) {
        if (!isString(v) || v.length === 0) throw new ValidationError(`filter.${k} must be a non-empty string.`);
        filter[k] = v;
      }
    }
    const keyAttrs = [names.pk, names.sk, idx.pk, idx.sk];
    let startKey: StoredItem | undefined;
    if (o.cursor !== undefined) {
      const c = decodeCursor(o.cursor);
      const k = c.k as Record<string, unknown> | undefined;
      if (c.i !== use || c.p !== partition || !k || typeof k !== 'object' || keyAttrs.some((a) => !isString(k[a])) || Object.keys(k).length !== keyAttrs.length) {
        throw new ValidationError('The cursor does not belong to this listing.');
      }
      startKey = k as StoredItem;
    }
    const filtering = Object.keys(filter).length > 0;
    const items: StoredItem[] = [];
    do {
      const page = await table.query(tableName, {
        index: idx.name,
        partition: { attribute: idx.pk, value: partition },
        ...(o.from !== undefined || o.to !== undefined
          ? {
              range: {
                attribute: idx.sk,
                ...(o.from !== undefined ? { gte: o.from } : {}),
                // `~` sorts after every character of an ISO time and of `#id`, so `to` is an inclusive prefix.
                ...(o.to !== undefined ? { lte: `${o.to}~` } : {}),
              },
            }
          : {}),
        descending: true,
        limit: filtering ? 100 : limit + 1 - items.length,
        ...(filtering ? { filter } : {}),
        ...(startKey ? { startKey } : {}),
      });
      items.push(...page.items);
      startKey = page.lastKey;
    } while (startKey && items.length <= limit);
    const shown = items.slice(0, limit);
    const heads = shown.map(parseHead).filter((h): h is Head => h !== undefined);
    const last = shown[shown.length - 1];
    if (items.length > limit && last) {
      return { items: heads, cursor: encodeCursor({ i: use, p: partition, k: Object.fromEntries(keyAttrs.map((a) => [a, last[a]])) }) };
    }
    return { items: heads };
  };

  // ---- verification -------------------------------------------------------------------------

  const verifyHistory = async (id: string): Promise<VerifyResult> => {
    assertId(id);
    // Head first: it is only ever moved after its version exists, so it cannot be ahead of what we read next.
    const head = await readHead(id);
    const fail = (brokenAt: number, reason: VerifyFailureReason, detail: string): VerifyResult => {
      reportFailure({ entity, id, version: brokenAt, reason: `${reason}: ${detail}`, check: 'verify' });
      return { ok: false, brokenAt, reason, detail };
    };
    let expected = 1;
    let previousHash: string | null = null;
    let startKey: StoredItem | undefined;
    do {
      const page = await table.query(tableName, {
        partition: { attribute: names.pk, value: itemPk(entity, id) },
        range: { attribute: names.sk, beginsWith: VERSION_SK_PREFIX },
        limit: 100,
        consistent: true,
        ...(startKey ? { startKey } : {}),
      });
      startKey = page.lastKey;
      for (const item of page.items) {
        const keyVersion = Number((item[names.sk] as string).slice(VERSION_SK_PREFIX.length));
        if (keyVersion > expected) return fail(expected, 'missing-version', `version ${expected} is missing (next stored is ${keyVersion})`);
        const s = parseVersion(item);
        if (typeof s === 'string') return fail(expected, 'malformed', s);
        if (s.version !== expected || s.sortKey !== versionSk(s.version) || s.id !== id) {
          return fail(expected, s.version === expected ? 'key-mismatch' : 'unexpected-version', `item under ${s.sortKey} says version ${s.version} of ${s.id}`);
        }
        const wantPrevious = expected === 1 ? null : expected - 1;
        if (s.previousVersion !== wantPrevious) return fail(expected, 'previous-version-mismatch', `previousVersion is ${s.previousVersion}, expected ${wantPrevious}`);
        if (s.previousHash !== previousHash) return fail(expected, 'previous-hash-mismatch', 'previousHash does not match the previous version’s hash');
        const loaded = await loadContentJson(s);
        if (!('json' in loaded)) return fail(expected, loaded.reason, loaded.detail);
        if (recomputeHash(s) !== s.hash) return fail(expected, 'hash-mismatch', 'stored hash does not match the version’s fields');
        const mac = await macProblem(s);
        if (mac) return fail(expected, mac.status === 'unknown-key' ? 'unknown-key' : 'mac-mismatch', mac.detail);
        previousHash = s.hash;
        expected++;
      }
    } while (startKey);
    const count = expected - 1;
    if (count === 0 && !head) throw new VersionNotFoundError(id);
    if (head && head.latestVersion > count) return fail(count + 1, 'head-ahead', `the head records version ${head.latestVersion} but the newest stored is ${count}`);
    if (count === 0 || previousHash === null) return fail(1, 'missing-version', 'no version is stored');
    if (head && head.latestVersion === count && head.latestHash !== previousHash) return fail(count, 'head-hash-mismatch', 'the head’s latestHash differs from the newest version’s hash');
    return { ok: true, versions: count, latestHash: previousHash };
  };

  const auditHistory = async (id: string): Promise<HistoryReport> => {
    assertId(id);
    const head = await readHead(id);
    const checks: VersionCheck[] = [];
    let previous: { version: number; hash: string } | undefined;
    let startKey: StoredItem | undefined;
    const push = (c: VersionCheck) => {
      checks.push(c);
      if (c.status !== 'ok') reportFailure({ entity, id, version: c.version, reason: `${c.status}: ${c.detail ?? ''}`, check: 'verify' });
    };
    do {
      const page = await table.query(tableName, {
        partition: { attribute: names.pk, value: itemPk(entity, id) },
        range: { attribute: names.sk, beginsWith: VERSION_SK_PREFIX },
        limit: 100,
        consistent: true,
        ...(startKey ? { startKey } : {}),
      });
      startKey = page.lastKey;
      for (const item of page.items) {
        const keyVersion = Number((item[names.sk] as string).slice(VERSION_SK_PREFIX.length));
        for (let missing = (previous?.version ?? 0) + 1; missing < keyVersion; missing++) push({ version: missing, status: 'missing-version', detail: 'no item is stored for this version' });
        const s = parseVersion(item);
        if (typeof s === 'string' || s.version !== keyVersion || s.id !== id || s.sortKey !== versionSk(s.version)) {
          push({ version: keyVersion, status: 'content-mismatch', detail: typeof s === 'string' ? `malformed item (${s})` : 'the item does not match its key' });
          previous = { version: keyVersion, hash: '' };
          continue;
        }
        const check: VersionCheck = { version: s.version, status: 'ok', ...(s.macKeyId ? { keyId: s.macKeyId } : {}) };
        const loaded = await loadContentJson(s);
        const mac = await macProblem(s);
        const wantPrevious = s.version === 1 ? null : s.version - 1;
        if (!('json' in loaded)) Object.assign(check, { status: 'content-mismatch', detail: loaded.detail });
        else if (recomputeHash(s) !== s.hash) Object.assign(check, { status: 'content-mismatch', detail: 'stored hash does not match the version’s fields' });
        else if (mac) Object.assign(check, { status: mac.status, detail: mac.detail });
        else if (s.previousVersion !== wantPrevious) Object.assign(check, { status: 'broken-link', detail: `previousVersion is ${s.previousVersion}, expected ${wantPrevious}` });
        else if (s.version === 1 ? s.previousHash !== null : previous?.version === s.version - 1 && s.previousHash !== previous.hash) {
          Object.assign(check, { status: 'broken-link', detail: 'previousHash does not match the previous version’s hash' });
        }
        push(check);
        previous = { version: s.version, hash: s.hash };
      }
    } while (startKey);
    if (checks.length === 0 && !head) throw new VersionNotFoundError(id);
    const stored = previous?.version ?? 0;
    if (head) for (let missing = stored + 1; missing <= head.latestVersion; missing++) push({ version: missing, status: 'missing-version', detail: `the head records version ${head.latestVersion}` });
    if (head && previous && head.latestVersion === previous.version && head.latestHash !== previous.hash) {
      const last = checks[checks.length - 1];
      if (last && last.status === 'ok') Object.assign(last, { status: 'broken-link', detail: 'the head’s latestHash differs from this version’s hash' });
      reportFailure({ entity, id, version: previous.version, reason: 'broken-link: head hash mismatch', check: 'verify' });
    }
    return { id, ok: checks.every((c) => c.status === 'ok'), versions: checks, ...(head ? { latestVersion: head.latestVersion } : {}) };
  };

  return { create, append, getLatest, getVersion, getHead, listVersions, verifyHistory, auditHistory, listHeads };
};
