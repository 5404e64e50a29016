import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { loadOnce, tableDefinition, type TableDefinition } from '@iac-review/core';
import { ValidationError, VersioningError } from '../errors';
import type { ItemKey, PutIfAbsentOptions, QueryPage, QueryRequest, StoredItem, TablePort, UpdateIfNewerRequest } from '../ports';
import { mapAwsError } from './aws-errors';

export type DynamoOperation = 'GetItem' | 'PutItem' | 'UpdateItem' | 'Query' | 'DeleteItem';

/** One request to DynamoDB, as reported to `onRequest` (for metrics and the benchmark). */
export interface DynamoRequestMetric {
  operation: DynamoOperation;
  table: string;
  outcome: 'ok' | 'condition-failed' | 'error';
  /** Capacity units DynamoDB reports as consumed (present when it reports them). */
  capacityUnits?: number;
  durationMs: number;
}

export interface DynamoDbTablePortOptions {
  /** A bare DynamoDBClient (wrapped here) or a DynamoDBDocumentClient. Build it once per container. */
  client: DynamoDBClient | DynamoDBDocumentClient;
  definition?: TableDefinition;
  /** Called after every request; turns on ReturnConsumedCapacity=TOTAL. */
  onRequest?: (metric: DynamoRequestMetric) => void;
}

type Names = Record<string, string>;
type Values = Record<string, unknown>;

/** Builds `#n0`/`:v0` placeholders so no attribute name or value is ever spliced into an expression. */
const placeholders = () => {
  const names: Names = {};
  const values: Values = {};
  let n = 0;
  let v = 0;
  const byName = new Map<string, string>();
  return {
    names,
    values,
    name(attr: string): string {
      let ph = byName.get(attr);
      if (!ph) {
        ph = `#n${n++}`;
        byName.set(attr, ph);
        names[ph] = attr;
      }
      return ph;
    },
    value(val: unknown): string {
      const ph = `:v${v++}`;
      values[ph] = val;
      return ph;
    },
  };
};

const isConditionFailure = (err: unknown): boolean => (err as { name?: unknown })?.name === 'ConditionalCheckFailedException';

/** The table port over DynamoDB (or dynalite): conditional PutItem / UpdateItem, Query, GetItem, DeleteItem. */
export const createDynamoDbTablePort = (opts: DynamoDbTablePortOptions): TablePort => {
  // The document client and its commands are loaded on the first request, not when the port is
  // built: a function that answers without touching the table never loads them.
  const lib = loadOnce(() =>
    import('./lib-dynamodb').then((commands) => ({
      commands,
      doc:
        opts.client instanceof commands.DynamoDBDocumentClient
          ? opts.client
          : commands.DynamoDBDocumentClient.from(opts.client, { marshallOptions: { removeUndefinedValues: true, convertEmptyValues: false } }),
    })),
  );
  const def = opts.definition ?? tableDefinition;
  const pkName = def.partitionKey.name;
  const capacity = opts.onRequest ? { ReturnConsumedCapacity: 'TOTAL' as const } : {};
  const call = async <R extends { ConsumedCapacity?: { CapacityUnits?: number } }>(
    operation: DynamoOperation,
    table: string,
    send: () => Promise<R>,
  ): Promise<{ result: R } | { conditionFailed: true }> => {
    const started = performance.now();
    const report = (outcome: DynamoRequestMetric['outcome'], units?: number) =>
      opts.onRequest?.({ operation, table, outcome, durationMs: performance.now() - started, ...(units !== undefined ? { capacityUnits: units } : {}) });
    try {
      const result = await send();
      report('ok', result.ConsumedCapacity?.CapacityUnits);
      return { result };
    } catch (err) {
      if (isConditionFailure(err)) {
        report('condition-failed');
        return { conditionFailed: true };
      }
      report('error');
      if (err instanceof VersioningError) throw err;
      throw mapAwsError(err);
    }
  };

  const get: TablePort['get'] = async (table, key, o = {}) => {
    const r = await call('GetItem', table, async () => {
      const { doc, commands } = await lib();
      return doc.send(new commands.GetCommand({ TableName: table, Key: key, ConsistentRead: o.consistent ?? false, ...capacity }));
    });
    return 'result' in r ? (r.result.Item as StoredItem | undefined) : undefined;
  };

  const putIfAbsent = async (table: string, item: StoredItem, o: PutIfAbsentOptions = {}): Promise<boolean> => {
    const p = placeholders();
    let condition = `attribute_not_exists(${p.name(pkName)})`;
    if (o.replaceExpired) condition += ` OR ${p.name(o.replaceExpired.attribute)} < ${p.value(o.replaceExpired.now)}`;
    const r = await call('PutItem', table, async () => {
      const { doc, commands } = await lib();
      return doc.send(
        new commands.PutCommand({
          TableName: table,
          Item: item,
          ConditionExpression: condition,
          ExpressionAttributeNames: p.names,
          ...(Object.keys(p.values).length ? { ExpressionAttributeValues: p.values } : {}),
          ...capacity,
        }),
      );
      },
    );
    return 'result' in r;
  };

  const updateIfNewer = async (table: string, key: ItemKey, u: UpdateIfNewerRequest): Promise<boolean> => {
    const p = placeholders();
    const guard = p.name(u.attribute);
    const value = p.value(u.value);
    const sets = [`${guard} = ${value}`, ...Object.entries(u.set).map(([k, v]) => `${p.name(k)} = ${p.value(v)}`)];
    const removes = (u.remove ?? []).map((k) => p.name(k));
    const r = await call('UpdateItem', table, async () => {
      const { doc, commands } = await lib();
      return doc.send(
        new commands.UpdateCommand({
          TableName: table,
          Key: key,
          UpdateExpression: `SET ${sets.join(', ')}${removes.length ? ` REMOVE ${removes.join(', ')}` : ''}`,
          ConditionExpression: `attribute_not_exists(${guard}) OR ${guard} < ${value}`,
          ExpressionAttributeNames: p.names,
          ExpressionAttributeValues: p.values,
          ...capacity,
        }),
      );
      },
    );
    return 'result' in r;
  };

  const query = async (table: string, q: QueryRequest): Promise<QueryPage> => {
    const p = placeholders();
    let keyCondition = `${p.name(q.partition.attribute)} = ${p.value(q.partition.value)}`;
    const range = q.range;
    if (range) {
      const bounds = [range.beginsWith !== undefined, range.gte !== undefined || range.lte !== undefined];
      if (bounds[0] && bounds[1]) throw new ValidationError('A query takes either a prefix or bounds on its sort key, not both.');
      const r = () => p.name(range.attribute);
      if (range.beginsWith !== undefined) keyCondition += ` AND begins_with(${r()}, ${p.value(range.beginsWith)})`;
      else if (range.gte !== undefined && range.lte !== undefined) keyCondition += ` AND ${r()} BETWEEN ${p.value(range.gte)} AND ${p.value(range.lte)}`;
      else if (range.gte !== undefined) keyCondition += ` AND ${r()} >= ${p.value(range.gte)}`;
      else if (range.lte !== undefined) keyCondition += ` AND ${r()} <= ${p.value(range.lte)}`;
    }
    const filters = Object.entries(q.filter ?? {}).map(([k, v]) => `${p.name(k)} = ${p.value(v)}`);
    const r = await call('Query', table, async () => {
      const { doc, commands } = await lib();
      return doc.send(
        new commands.QueryCommand({
          TableName: table,
          ...(q.index !== undefined ? { IndexName: q.index } : {}),
          KeyConditionExpression: keyCondition,
          ...(filters.length ? { FilterExpression: filters.join(' AND ') } : {}),
          ExpressionAttributeNames: p.names,
          ExpressionAttributeValues: p.values,
          ScanIndexForward: !q.descending,
          ...(q.limit !== undefined ? { Limit: q.limit } : {}),
          ...(q.startKey ? { ExclusiveStartKey: q.startKey } : {}),
          ...(q.consistent ? { ConsistentRead: true } : {}),
          ...capacity,
        }),
      );
      },
    );
    if (!('result' in r)) return { items: [] };
    const items = (r.result.Items ?? []) as StoredItem[];
    return r.result.LastEvaluatedKey ? { items, lastKey: r.result.LastEvaluatedKey as StoredItem } : { items };
  };

  const del = async (table: string, key: ItemKey): Promise<void> => {
    await call('DeleteItem', table, async () => {
      const { doc, commands } = await lib();
      return doc.send(new commands.DeleteCommand({ TableName: table, Key: key, ...capacity }));
    });
  };

  return { get, putIfAbsent, updateIfNewer, query, delete: del };
};
