/**
 * Test support shared by every package that runs against DynamoDB: dynalite in-process on a free
 * loopback port with the one table definition created. Imported as
 * `@iac-review/dynamo-versioning/testing` by tests only (never by function code, so never bundled).
 */
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createTableInput } from '@iac-review/core';
import type { StoredItem, TablePort } from './ports';
import { canonicalJson } from './canonical-json';
import { sha256Hex, versionHash } from './hash-chain';
import type { AddressInfo, Server } from 'node:net';
// dynalite ships no types.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const dynalite = require('dynalite') as (opts: Record<string, unknown>) => Server;

export interface LocalTable {
  client: DynamoDBClient;
  tableName: string;
  close: () => Promise<void>;
}

/** dynalite in-process on a free loopback port, with the shared table definition created. */
export const startTable = async (tableName = 'iac-review-test'): Promise<LocalTable> => {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const client = new DynamoDBClient({
    endpoint: `http://127.0.0.1:${port}`,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  await client.send(new CreateTableCommand(createTableInput(tableName)));
  for (let i = 0; i < 50; i++) {
    const d = await client.send(new DescribeTableCommand({ TableName: tableName }));
    if (d.Table?.TableStatus === 'ACTIVE') break;
    await new Promise((r) => setTimeout(r, 10));
  }
  return {
    client,
    tableName,
    close: async () => {
      client.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
};

/** Wraps a table port and records every request made through it, by operation (`take` returns and clears them). */
export const recordingTablePort = (inner: TablePort): { port: TablePort; take: () => string[] } => {
  const calls: string[] = [];
  const port: TablePort = {
    get: (...a) => (calls.push('get'), inner.get(...a)),
    putIfAbsent: (...a) => (calls.push('putIfAbsent'), inner.putIfAbsent(...a)),
    updateIfNewer: (...a) => (calls.push('updateIfNewer'), inner.updateIfNewer(...a)),
    query: (...a) => (calls.push('query'), inner.query(...a)),
    delete: (...a) => (calls.push('delete'), inner.delete(...a)),
  };
  return { port, take: () => calls.splice(0) };
};

/**
 * What an attacker with table access (but not the MAC key) does to a stored version: rewrite its
 * content, digest and hash consistently, so only the MAC can tell.
 */
export const forgeContent = (item: StoredItem, content: unknown): StoredItem => {
  const json = canonicalJson(content);
  const contentSha256 = sha256Hex(json);
  const hash = versionHash({
    entity: 'REVIEW',
    id: item.id as string,
    version: item.version as number,
    previousVersion: item.previousVersion as number | null,
    createdAt: item.createdAt as string,
    firstCreatedAt: item.firstCreatedAt as string,
    actor: item.actor as string,
    reason: item.reason as string,
    contentSha256,
    previousHash: item.previousHash as string | null,
  });
  return { ...item, content: json, contentSha256, hash };
};
