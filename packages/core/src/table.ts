import definition from './table.json';

export type KeyType = 'S' | 'N' | 'B';
export interface KeyDef {
  name: string;
  type: KeyType;
}
export interface IndexDef {
  name: string;
  description: string;
  partitionKey: KeyDef;
  sortKey: KeyDef;
  /** INCLUDE: the keys plus nonKeyAttributes (what listings read); ALL: the whole item. */
  projection: 'ALL' | 'INCLUDE';
  nonKeyAttributes?: string[];
}
export interface TableDefinition {
  billingMode: 'PAY_PER_REQUEST';
  partitionKey: KeyDef;
  sortKey: KeyDef;
  ttlAttribute: string;
  globalSecondaryIndexes: IndexDef[];
}

/** The single table's definition (keys, GSIs, TTL attribute), from table.json. */
export const tableDefinition = definition as TableDefinition;

/**
 * The CreateTable request for the definition (plain object, so this package needs no AWS SDK).
 * Used by the local stack and tests; Terraform reads table.json itself.
 */
export const createTableInput = (tableName: string, def: TableDefinition = tableDefinition) => {
  const attrs = new Map<string, KeyType>();
  for (const k of [def.partitionKey, def.sortKey, ...def.globalSecondaryIndexes.flatMap((i) => [i.partitionKey, i.sortKey])]) attrs.set(k.name, k.type);
  return {
    TableName: tableName,
    BillingMode: def.billingMode,
    AttributeDefinitions: [...attrs].map(([AttributeName, AttributeType]) => ({ AttributeName, AttributeType })),
    KeySchema: [
      { AttributeName: def.partitionKey.name, KeyType: 'HASH' as const },
      { AttributeName: def.sortKey.name, KeyType: 'RANGE' as const },
    ],
    GlobalSecondaryIndexes: def.globalSecondaryIndexes.map((i) => ({
      IndexName: i.name,
      KeySchema: [
        { AttributeName: i.partitionKey.name, KeyType: 'HASH' as const },
        { AttributeName: i.sortKey.name, KeyType: 'RANGE' as const },
      ],
      Projection: { ProjectionType: i.projection, ...(i.projection === 'INCLUDE' ? { NonKeyAttributes: i.nonKeyAttributes ?? [] } : {}) },
    })),
  };
};
