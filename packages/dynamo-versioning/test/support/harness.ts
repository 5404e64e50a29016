import { DeleteCommand, DynamoDBDocumentClient, PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { createDynamoDbTablePort, createInMemoryTablePort, type HeadAttributes, type ItemKey, type StoredItem, type TablePort } from '../../src/index';
import { startLocalDynamo, type LocalDynamo } from './local-dynamo';

/** A table behind the port plus raw access for simulating tampering and crashes. */
export interface TableHarness {
  port: TablePort;
  tableName: string;
  /** Every item, straight from the table. */
  dump(): Promise<StoredItem[]>;
  /** Writes an item without conditions (a direct edit in the console). */
  rawPut(item: StoredItem): Promise<void>;
  rawDelete(key: ItemKey): Promise<void>;
}

export interface Backend {
  name: string;
  start(): Promise<void>;
  table(): Promise<TableHarness>;
  stop(): Promise<void>;
}

export const inMemoryBackend = (): Backend => ({
  name: 'in-memory',
  async start() {},
  async table() {
    const port = createInMemoryTablePort({ latency: () => new Promise((r) => setImmediate(r)) });
    const tableName = 'reviews';
    return {
      port,
      tableName,
      dump: async () => port.dump(tableName),
      rawPut: async (item) => port.rawPut(tableName, item),
      rawDelete: async (key) => port.rawDelete(tableName, key),
    };
  },
  async stop() {},
});

export const dynaliteBackend = (): Backend & { local(): LocalDynamo } => {
  let local: LocalDynamo | undefined;
  const need = (): LocalDynamo => {
    if (!local) throw new Error('dynalite backend not started');
    return local;
  };
  return {
    name: 'dynalite',
    local: need,
    async start() {
      local = await startLocalDynamo();
    },
    async table() {
      const l = need();
      const tableName = await l.createTable();
      const doc = DynamoDBDocumentClient.from(l.client);
      return {
        port: createDynamoDbTablePort({ client: l.client }),
        tableName,
        dump: async () => {
          const out: StoredItem[] = [];
          let start: Record<string, unknown> | undefined;
          do {
            const page = await doc.send(new ScanCommand({ TableName: tableName, ConsistentRead: true, ...(start ? { ExclusiveStartKey: start } : {}) }));
            out.push(...((page.Items ?? []) as StoredItem[]));
            start = page.LastEvaluatedKey;
          } while (start);
          return out;
        },
        rawPut: async (item) => void (await doc.send(new PutCommand({ TableName: tableName, Item: item }))),
        rawDelete: async (key) => void (await doc.send(new DeleteCommand({ TableName: tableName, Key: key }))),
      };
    },
    async stop() {
      await local?.close();
      local = undefined;
    },
  };
};

/** The review-like content the tests store. */
export interface ReviewDoc {
  repository: string;
  status: 'pending' | 'completed' | 'failed';
  riskLevel?: 'low' | 'medium' | 'high' | 'critical';
  source: 'github' | 'spacelift';
  title: string;
  findings: { ruleId: string; severity: string }[];
  feedback?: string[];
  writer?: number;
  day?: string;
  blob?: string;
}

export const reviewHead = (r: ReviewDoc): HeadAttributes => ({
  scope: r.repository,
  status: r.status,
  ...(r.riskLevel ? { riskLevel: r.riskLevel } : {}),
  source: r.source,
  ...(r.day ? { day: r.day } : {}),
  attributes: { title: r.title, findings: r.findings.length },
});

export const review = (over: Partial<ReviewDoc> = {}): ReviewDoc => ({
  repository: 'github:acme/infra',
  status: 'pending',
  source: 'github',
  title: 'Add VPC endpoints',
  findings: [],
  ...over,
});

/** A clock that moves 1 ms forward on every read, from a fixed start. */
export const steppingClock = (start = Date.parse('2025-11-24T10:00:00.000Z')) => {
  let t = start;
  return () => new Date(t++);
};
