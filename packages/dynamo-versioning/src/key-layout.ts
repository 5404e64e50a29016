import { tableDefinition, type TableDefinition } from '@iac-review/core';
import { ValidationError } from './errors';
import type { ItemKey } from './ports';

/**
 * Where every item lives in the single table (documented in README.md, "Key layout").
 * Attribute and index names come from @iac-review/core's table.json, the one table definition.
 */
export type HeadIndex = 'scope' | 'day' | 'latest';

/** Which table.json index answers which listing. */
export const INDEX_NAMES: Record<HeadIndex, string> = { scope: 'gsi1', day: 'gsi2', latest: 'gsi3' };

/**
 * The head item's sort key sorts after every version key (`~` > `V`), so one Query of the item's
 * partition, newest first, returns the head, the newest version and its predecessor in one read.
 */
export const HEAD_SK = '~HEAD';
export const VERSION_SK_PREFIX = 'V#';
export const IDEMPOTENCY_PREFIX = 'IDEMPOTENCY';
const VERSION_DIGITS = 10;
export const MAX_VERSION = 10 ** VERSION_DIGITS - 1;

export interface KeyNames {
  pk: string;
  sk: string;
  ttl: string;
  index: Record<HeadIndex, { name: string; pk: string; sk: string }>;
}

export const keyNames = (def: TableDefinition = tableDefinition): KeyNames => {
  const index = {} as KeyNames['index'];
  for (const [use, name] of Object.entries(INDEX_NAMES) as [HeadIndex, string][]) {
    const gsi = def.globalSecondaryIndexes.find((i) => i.name === name);
    if (!gsi) throw new Error(`table definition has no index ${name} (needed for listing by ${use})`);
    index[use] = { name, pk: gsi.partitionKey.name, sk: gsi.sortKey.name };
  }
  return { pk: def.partitionKey.name, sk: def.sortKey.name, ttl: def.ttlAttribute, index };
};

const ENTITY = /^[A-Z][A-Z0-9_]{0,31}$/;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

export const assertEntity = (entity: string): void => {
  if (!ENTITY.test(entity)) throw new ValidationError(`Entity prefix must match ${ENTITY.source}, e.g. REVIEW or TREND.`);
};

export const assertId = (id: unknown, what = 'id'): string => {
  if (typeof id !== 'string' || id.length === 0 || id.length > 512 || CONTROL.test(id)) {
    throw new ValidationError(`${what} must be a non-empty string of at most 512 characters without control characters.`);
  }
  return id;
};

export const itemPk = (entity: string, id: string): string => `${entity}#${id}`;
export const versionSk = (version: number): string => `${VERSION_SK_PREFIX}${String(version).padStart(VERSION_DIGITS, '0')}`;
export const versionKey = (n: KeyNames, entity: string, id: string, version: number): ItemKey => ({
  [n.pk]: itemPk(entity, id),
  [n.sk]: versionSk(version),
});
export const headKey = (n: KeyNames, entity: string, id: string): ItemKey => ({ [n.pk]: itemPk(entity, id), [n.sk]: HEAD_SK });

/** GSI partition values of head items; every one carries the entity so REVIEW and TREND never mix. */
export const scopePartition = (entity: string, scope: string): string => `${entity}#SCOPE#${scope}`;
export const dayPartition = (entity: string, day: string): string => `${entity}#DAY#${day}`;
export const latestPartition = (entity: string): string => `${entity}#ALL`;
/** GSI sort values: an ISO timestamp then the id, so equal timestamps still sort deterministically. */
export const timeSortKey = (isoTime: string, id: string): string => `${isoTime}#${id}`;

export const idempotencyKey = (n: KeyNames, scope: string, key: string): ItemKey => ({
  [n.pk]: `${IDEMPOTENCY_PREFIX}#${scope}#${key}`,
  [n.sk]: IDEMPOTENCY_PREFIX,
});
