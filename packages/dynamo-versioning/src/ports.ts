/**
 * Ports consumed by the versioned store and the idempotency store. Adapters live in ./adapters:
 * DynamoDB (real) and in-memory (a fake with the same conditional semantics) for the table,
 * S3 and in-memory for blobs.
 *
 * The table port is deliberately narrow: exactly the conditional writes this package needs, so the
 * fake can implement them exactly and no caller ever builds an expression string.
 */

/** A value the table port stores: JSON-like (numbers finite, no undefined inside arrays). */
export type StoredValue = string | number | boolean | null | StoredValue[] | { [key: string]: StoredValue };
/** One item: the table's key attributes plus any others. */
export type StoredItem = Record<string, StoredValue>;
/** The primary key of an item (partition key, sort key attributes). */
export type ItemKey = Record<string, string>;

export interface PutIfAbsentOptions {
  /**
   * Also overwrite an existing item whose numeric `attribute` is below `now` (an expired record
   * that DynamoDB's TTL has not deleted yet).
   */
  replaceExpired?: { attribute: string; now: number };
}

export interface UpdateIfNewerRequest {
  /** Numeric attribute that only ever grows: the update applies iff it is absent or `< value`. */
  attribute: string;
  value: number;
  /** Attributes to set (the guarded attribute is set to `value` as well). Never key attributes. */
  set: StoredItem;
  /** Attributes to remove. */
  remove?: readonly string[];
}

export interface RangeCondition {
  attribute: string;
  beginsWith?: string;
  /** Inclusive lower bound. */
  gte?: string;
  /** Inclusive upper bound. */
  lte?: string;
}

export interface QueryRequest {
  /** Global secondary index name; omit for the table itself. */
  index?: string;
  partition: { attribute: string; value: string };
  range?: RangeCondition;
  /** Newest (highest sort key) first. */
  descending?: boolean;
  /** Items evaluated per page (before `filter`, as in DynamoDB). */
  limit?: number;
  /** `lastKey` of the previous page. */
  startKey?: StoredItem;
  /** Strongly consistent read (tables only; GSIs are always eventually consistent). */
  consistent?: boolean;
  /** Equality filters applied after `limit` items were read, as a DynamoDB FilterExpression. */
  filter?: Record<string, string | number | boolean>;
}

export interface QueryPage {
  items: StoredItem[];
  /** Present when the page stopped at `limit`: pass it back as `startKey`. */
  lastKey?: StoredItem;
}

export interface TablePort {
  get(table: string, key: ItemKey, opts?: { consistent?: boolean }): Promise<StoredItem | undefined>;
  /** Writes `item` iff no item has its key (see `replaceExpired`). Resolves false when the condition fails. */
  putIfAbsent(table: string, item: StoredItem, opts?: PutIfAbsentOptions): Promise<boolean>;
  /** Upserts iff the guarded attribute is absent or lower (monotonic). Resolves false when the condition fails. */
  updateIfNewer(table: string, key: ItemKey, update: UpdateIfNewerRequest): Promise<boolean>;
  query(table: string, request: QueryRequest): Promise<QueryPage>;
  delete(table: string, key: ItemKey): Promise<void>;
}

export interface BlobRef {
  key: string;
  /** Lower-case hex SHA-256 of the bytes. */
  sha256: string;
  size: number;
}

/** Where a blob goes: a key, or a key built from the bytes' SHA-256 (content-addressed), which the store computes once. */
export type BlobKey = string | ((sha256: string) => string);

export interface BlobStore {
  /** Hashes the bytes once; the returned ref names the key used (built from that digest when `key` is a function). */
  put(key: BlobKey, bytes: Uint8Array, contentType: string): Promise<BlobRef>;
  /** Rejects with BlobNotFoundError when there is no such blob. */
  get(key: string): Promise<Buffer>;
}
