import { tableDefinition, type TableDefinition } from '@iac-review/core';
import { PayloadTooLargeError, StoreFailureError, ValidationError } from '../errors';
import type { ItemKey, PutIfAbsentOptions, QueryPage, QueryRequest, StoredItem, StoredValue, TablePort, UpdateIfNewerRequest } from '../ports';

/** DynamoDB's item size limit. */
export const MAX_ITEM_BYTES = 400 * 1024;

export interface InMemoryTablePort extends TablePort {
  /** Every item of a table, for assertions and for simulating tampering in tests. */
  dump(table: string): StoredItem[];
  /** Overwrites an item without any condition (tests only: simulates a direct edit of the table). */
  rawPut(table: string, item: StoredItem): void;
  rawDelete(table: string, key: ItemKey): void;
}

export interface InMemoryTableOptions {
  definition?: TableDefinition;
  /** Table names that exist; any other name fails like a missing table. Default: every name exists. */
  tables?: readonly string[];
  /** Awaited before each operation (e.g. `() => new Promise(setImmediate)`) to interleave concurrent callers. */
  latency?: () => Promise<void>;
}

const clone = <V>(v: V): V => structuredClone(v);

/** DynamoDB orders strings by their UTF-8 bytes. */
const compareValues = (a: StoredValue | undefined, b: StoredValue | undefined): number => {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return Buffer.compare(Buffer.from(String(a), 'utf8'), Buffer.from(String(b), 'utf8'));
};

/** DynamoDB's item size rules: attribute names plus values (numbers ≈ 1 byte per 2 digits + 1). */
export const itemSize = (item: StoredItem): number => Object.entries(item).reduce((n, [k, v]) => n + Buffer.byteLength(k, 'utf8') + valueSize(v), 0);
const valueSize = (v: StoredValue): number => {
  if (v === null || typeof v === 'boolean') return 1;
  if (typeof v === 'string') return Buffer.byteLength(v, 'utf8');
  if (typeof v === 'number') return Math.ceil(String(Math.abs(v)).replace(/[.e+-]/g, '').length / 2) + 1;
  if (Array.isArray(v)) return 3 + v.reduce<number>((n, x) => n + 1 + valueSize(x), 0);
  return 3 + Object.entries(v).reduce((n, [k, x]) => n + 1 + Buffer.byteLength(k, 'utf8') + valueSize(x), 0);
};

/**
 * An in-memory table with the same conditional semantics as the DynamoDB adapter: conditional
 * puts and monotonic updates fail the same way, queries page and filter like DynamoDB (Limit
 * counts items read before the filter; LastEvaluatedKey whenever Limit was reached), GSIs are
 * sparse, consistent reads on a GSI are refused, items over 400 KB are refused.
 */
export const createInMemoryTablePort = (opts: InMemoryTableOptions = {}): InMemoryTablePort => {
  const def = opts.definition ?? tableDefinition;
  const pkName = def.partitionKey.name;
  const skName = def.sortKey.name;
  const tables = new Map<string, Map<string, StoredItem>>();
  const pause = opts.latency ?? (() => Promise.resolve());

  const tableOf = (name: string): Map<string, StoredItem> => {
    if (opts.tables && !opts.tables.includes(name)) throw new StoreFailureError('The store failed to answer.');
    let t = tables.get(name);
    if (!t) tables.set(name, (t = new Map()));
    return t;
  };
  const keyOf = (key: ItemKey | StoredItem): string => {
    const pk = key[pkName];
    const sk = key[skName];
    if (typeof pk !== 'string' || typeof sk !== 'string' || pk.length === 0 || sk.length === 0) {
      throw new ValidationError('The request was rejected by the store as invalid.');
    }
    return JSON.stringify([pk, sk]);
  };
  const checkSize = (item: StoredItem): void => {
    const size = itemSize(item);
    if (size > MAX_ITEM_BYTES) throw new PayloadTooLargeError(size, MAX_ITEM_BYTES, 'The item exceeds the store’s item size limit.');
  };

  const get: TablePort['get'] = async (table, key) => {
    await pause();
    const item = tableOf(table).get(keyOf(key));
    return item ? clone(item) : undefined;
  };

  const putIfAbsent = async (table: string, item: StoredItem, o: PutIfAbsentOptions = {}): Promise<boolean> => {
    await pause();
    const t = tableOf(table);
    const k = keyOf(item);
    checkSize(item);
    const existing = t.get(k);
    if (existing) {
      const exp = o.replaceExpired ? existing[o.replaceExpired.attribute] : undefined;
      const expired = o.replaceExpired !== undefined && typeof exp === 'number' && exp < o.replaceExpired.now;
      if (!expired) return false;
    }
    t.set(k, clone(item));
    return true;
  };

  const updateIfNewer = async (table: string, key: ItemKey, u: UpdateIfNewerRequest): Promise<boolean> => {
    await pause();
    const t = tableOf(table);
    const k = keyOf(key);
    for (const name of [...Object.keys(u.set), ...(u.remove ?? []), u.attribute]) {
      if (name === pkName || name === skName) throw new ValidationError('The request was rejected by the store as invalid.');
    }
    const existing = t.get(k);
    const current = existing?.[u.attribute];
    if (current !== undefined && !(typeof current === 'number' && current < u.value)) return false;
    const next: StoredItem = { ...(existing ?? {}), ...clone(u.set), [u.attribute]: u.value, [pkName]: key[pkName] as string, [skName]: key[skName] as string };
    for (const name of u.remove ?? []) delete next[name];
    checkSize(next);
    t.set(k, next);
    return true;
  };

  const query = async (table: string, r: QueryRequest): Promise<QueryPage> => {
    await pause();
    const t = tableOf(table);
    let sortName = skName;
    if (r.index !== undefined) {
      const gsi = def.globalSecondaryIndexes.find((i) => i.name === r.index);
      if (!gsi || gsi.partitionKey.name !== r.partition.attribute) throw new ValidationError('The request was rejected by the store as invalid.');
      if (r.consistent) throw new ValidationError('The request was rejected by the store as invalid.');
      sortName = gsi.sortKey.name;
    } else if (r.partition.attribute !== pkName) throw new ValidationError('The request was rejected by the store as invalid.');
    if (r.range && r.range.attribute !== sortName) throw new ValidationError('The request was rejected by the store as invalid.');
    if (r.limit !== undefined && (!Number.isInteger(r.limit) || r.limit < 1)) throw new ValidationError('The request was rejected by the store as invalid.');
    if (r.range?.gte !== undefined && r.range.lte !== undefined && compareValues(r.range.gte, r.range.lte) > 0) {
      throw new ValidationError('The request was rejected by the store as invalid.');
    }

    const order = (a: StoredItem, b: StoredItem): number =>
      compareValues(a[sortName], b[sortName]) || compareValues(a[pkName], b[pkName]) || compareValues(a[skName], b[skName]);
    const inRange = (item: StoredItem): boolean => {
      const v = item[sortName];
      if (typeof v !== 'string') return false;
      const range = r.range;
      if (!range) return true;
      if (range.beginsWith !== undefined && !v.startsWith(range.beginsWith)) return false;
      if (range.gte !== undefined && compareValues(v, range.gte) < 0) return false;
      if (range.lte !== undefined && compareValues(v, range.lte) > 0) return false;
      return true;
    };
    let candidates = [...t.values()].filter((item) => item[r.partition.attribute] === r.partition.value && typeof item[sortName] === 'string' && inRange(item));
    candidates.sort(order);
    if (r.descending) candidates.reverse();
    if (r.startKey) {
      const start = r.startKey;
      candidates = candidates.filter((item) => (r.descending ? order(item, start) < 0 : order(item, start) > 0));
    }
    const evaluated = r.limit === undefined ? candidates : candidates.slice(0, r.limit);
    const filter = r.filter ?? {};
    const items = evaluated.filter((item) => Object.entries(filter).every(([name, value]) => item[name] === value)).map(clone);
    const last = evaluated[evaluated.length - 1];
    if (r.limit !== undefined && evaluated.length === r.limit && last) {
      const keyAttrs = r.index === undefined ? [pkName, skName] : [pkName, skName, r.partition.attribute, sortName];
      return { items, lastKey: Object.fromEntries(keyAttrs.map((a) => [a, last[a] as StoredValue])) };
    }
    return { items };
  };

  const del = async (table: string, key: ItemKey): Promise<void> => {
    await pause();
    tableOf(table).delete(keyOf(key));
  };

  return {
    get,
    putIfAbsent,
    updateIfNewer,
    query,
    delete: del,
    dump: (table) => [...tableOf(table).values()].map(clone),
    rawPut: (table, item) => void tableOf(table).set(keyOf(item), clone(item)),
    rawDelete: (table, key) => void tableOf(table).delete(keyOf(key)),
  };
};
