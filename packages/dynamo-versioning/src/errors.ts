/**
 * Typed failures of this package. Every error from DynamoDB or S3 is mapped to one of these
 * (see adapters/dynamodb-errors.ts); the message never contains SDK text, the SDK error is kept
 * as `cause` for logs only.
 */
export class VersioningError extends Error {
  override name = 'VersioningError';
  /** Stable machine-readable code, e.g. `version-conflict`. */
  readonly code: string;
  /** Whether retrying the same call later may succeed. */
  readonly retryable: boolean;
  constructor(code: string, message: string, opts: { cause?: unknown; retryable?: boolean } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.code = code;
    this.retryable = opts.retryable ?? false;
  }
}

/** An append expected version `expected` to be the latest, but the latest is `actual` (HTTP 409). */
export class VersionConflictError extends VersioningError {
  override name = 'VersionConflictError';
  readonly id: string;
  readonly expected: number;
  readonly actual: number;
  constructor(id: string, expected: number, actual: number, cause?: unknown) {
    super('version-conflict', `Version ${expected} of ${id} is not the latest: the latest is ${actual}.`, { cause });
    this.id = id;
    this.expected = expected;
    this.actual = actual;
  }
}

/** The item, or the asked-for version of it, does not exist (HTTP 404). */
export class VersionNotFoundError extends VersioningError {
  override name = 'VersionNotFoundError';
  readonly id: string;
  readonly version: number | undefined;
  constructor(id: string, version?: number) {
    super('version-not-found', version === undefined ? `${id} does not exist.` : `Version ${version} of ${id} does not exist.`);
    this.id = id;
    this.version = version;
  }
}

/** The store is throttling or briefly unavailable; retry after `retryAfterSeconds` (HTTP 503). */
export class ThrottledError extends VersioningError {
  override name = 'ThrottledError';
  readonly retryAfterSeconds: number;
  constructor(retryAfterSeconds: number, message = 'The store is busy; retry shortly.', cause?: unknown) {
    super('throttled', message, { cause, retryable: true });
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/** The input cannot be stored as given: bad id, bad cursor, non-JSON content… (HTTP 400). */
export class ValidationError extends VersioningError {
  override name = 'ValidationError';
  constructor(message: string, cause?: unknown) {
    super('validation', message, { cause });
  }
}

/** Content too large to store inline and no blob store configured, or a blob over its limit (HTTP 413). */
export class PayloadTooLargeError extends VersioningError {
  override name = 'PayloadTooLargeError';
  readonly size: number;
  readonly limit: number;
  constructor(size: number, limit: number, message?: string) {
    super('payload-too-large', message ?? `Content of ${size} bytes exceeds the ${limit}-byte inline limit and no blob store is configured.`);
    this.size = size;
    this.limit = limit;
  }
}

/** Stored history no longer matches its hash chain (reads refuse to return it silently; HTTP 500). */
export class HistoryTamperedError extends VersioningError {
  override name = 'HistoryTamperedError';
  readonly id: string;
  readonly brokenAt: number;
  readonly reason: string;
  constructor(id: string, brokenAt: number, reason: string) {
    super('history-tampered', `History of ${id} is broken at version ${brokenAt}: ${reason}.`);
    this.id = id;
    this.brokenAt = brokenAt;
    this.reason = reason;
  }
}

/** A non-retryable fault of the store or its configuration (missing table, access denied…; HTTP 500). */
export class StoreFailureError extends VersioningError {
  override name = 'StoreFailureError';
  constructor(message = 'The store failed to answer.', cause?: unknown) {
    super('store-failure', message, { cause });
  }
}

/** A blob the item points at is not in the blob store. */
export class BlobNotFoundError extends VersioningError {
  override name = 'BlobNotFoundError';
  readonly key: string;
  constructor(key: string, cause?: unknown) {
    super('blob-not-found', `Blob ${key} does not exist.`, { cause });
    this.key = key;
  }
}
