import { tableDefinition, type TableDefinition } from '@iac-review/core';
import { ValidationError } from './errors';
import { assertId, idempotencyKey, keyNames } from './key-layout';
import type { StoredItem, TablePort } from './ports';

export interface IdempotencyStoreOptions {
  port: TablePort;
  tableName: string;
  /** How long a delivery id is remembered (GitHub redelivers for days; Spacelift retries for hours). */
  ttlSeconds: number;
  clock?: () => Date;
  definition?: TableDefinition;
}

export type RecordResult = { status: 'first'; firstSeenAt: string } | { status: 'duplicate'; firstSeenAt: string };

export interface IdempotencyStore {
  /**
   * Records that `key` (e.g. a webhook delivery id) was seen in `scope` (e.g. `github`). Exactly one
   * of any number of concurrent calls gets `first`; the others, and later calls until the record
   * expires, get `duplicate` with the time of the first.
   */
  record(scope: string, key: string, opts?: { meta?: Record<string, string | number | boolean> }): Promise<RecordResult>;
  /**
   * Forgets a record, so the sender's retry is processed again. Call it when the work that the
   * `first` record stood for failed (e.g. the event could not be published).
   */
  forget(scope: string, key: string): Promise<void>;
}

const SCOPE = /^[A-Za-z0-9_.:-]{1,64}$/;
const MAX_ATTEMPTS = 3;

/**
 * Idempotency records in the single table: a conditional put (`attribute_not_exists(pk) OR
 * expiresAt < now`) with a TTL attribute. Expired records that DynamoDB has not yet deleted (TTL
 * deletion lags by up to days) count as absent.
 */
export const createIdempotencyStore = (opts: IdempotencyStoreOptions): IdempotencyStore => {
  if (!Number.isInteger(opts.ttlSeconds) || opts.ttlSeconds < 1) throw new ValidationError('ttlSeconds must be a positive integer.');
  const names = keyNames(opts.definition ?? tableDefinition);
  const clock = opts.clock ?? (() => new Date());

  const check = (scope: string, key: string): void => {
    if (typeof scope !== 'string' || !SCOPE.test(scope)) throw new ValidationError(`scope must match ${SCOPE.source}.`);
    assertId(key, 'key');
  };

  const record: IdempotencyStore['record'] = async (scope, key, o = {}) => {
    check(scope, key);
    const k = idempotencyKey(names, scope, key);
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const now = clock();
      const nowSeconds = Math.floor(now.getTime() / 1000);
      const firstSeenAt = now.toISOString();
      const item: StoredItem = { ...k, scope, key, firstSeenAt, [names.ttl]: nowSeconds + opts.ttlSeconds, ...(o.meta ? { meta: o.meta } : {}) };
      if (await opts.port.putIfAbsent(opts.tableName, item, { replaceExpired: { attribute: names.ttl, now: nowSeconds } })) {
        return { status: 'first', firstSeenAt };
      }
      const existing = await opts.port.get(opts.tableName, k, { consistent: true });
      const expiresAt = existing?.[names.ttl];
      if (existing && typeof existing.firstSeenAt === 'string' && typeof expiresAt === 'number' && expiresAt >= nowSeconds) {
        return { status: 'duplicate', firstSeenAt: existing.firstSeenAt };
      }
      // Forgotten or expired between our put and our read: try to be first again.
    }
    // Someone keeps recording and forgetting the same key; treat the delivery as already handled.
    return { status: 'duplicate', firstSeenAt: clock().toISOString() };
  };

  const forget: IdempotencyStore['forget'] = async (scope, key) => {
    check(scope, key);
    await opts.port.delete(opts.tableName, idempotencyKey(names, scope, key));
  };

  return { record, forget };
};
