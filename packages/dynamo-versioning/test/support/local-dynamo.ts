import type { AddressInfo } from 'node:net';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createTableInput } from '@iac-review/core';
import dynalite from 'dynalite';

export interface LocalDynamo {
  endpoint: string;
  /** A new client on the local endpoint (each has its own connection pool). */
  newClient(): DynamoDBClient;
  client: DynamoDBClient;
  /** Creates a table from @iac-review/core's definition and returns its name. */
  createTable(name?: string): Promise<string>;
  close(): Promise<void>;
}

let tableCounter = 0;

/** dynalite in-process on a free loopback port, tables created from the one table definition. */
export const startLocalDynamo = async (): Promise<LocalDynamo> => {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;
  const clients: DynamoDBClient[] = [];
  const newClient = (): DynamoDBClient => {
    const c = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, maxAttempts: 1 });
    clients.push(c);
    return c;
  };
  const client = newClient();
  return {
    endpoint,
    client,
    newClient,
    async createTable(name = `t${process.pid}-${++tableCounter}`) {
      await client.send(new CreateTableCommand(createTableInput(name)));
      return name;
    },
    async close() {
      for (const c of clients) c.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
};
