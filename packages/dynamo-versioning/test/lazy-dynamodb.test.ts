import { startTable, type LocalTable } from '../src/testing';
import { lazyDynamoDbTablePort } from '../src/adapters/lazy-dynamodb';
import type { DynamoRequestMetric } from '../src/adapters/dynamodb';

describe('lazyDynamoDbTablePort (dynalite)', () => {
  let local: LocalTable;
  beforeAll(async () => {
    local = await startTable('lazy-port');
  });
  afterAll(() => local.close());

  it('should build its client on the first request and then read and write like the eager port', async () => {
    const endpoint = await local.client.config.endpoint!();
    const metrics: DynamoRequestMetric[] = [];
    const port = lazyDynamoDbTablePort(
      { region: 'us-east-1', endpoint: `${endpoint.protocol}//${endpoint.hostname}:${endpoint.port}`, credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, maxAttempts: 1 },
      { onRequest: (m) => metrics.push(m) },
    );
    expect(metrics).toEqual([]);
    expect(await port.putIfAbsent(local.tableName, { pk: 'LAZY#1', sk: 'v1', n: 1 })).toBe(true);
    expect(await port.putIfAbsent(local.tableName, { pk: 'LAZY#1', sk: 'v1', n: 2 })).toBe(false);
    expect(await port.get(local.tableName, { pk: 'LAZY#1', sk: 'v1' }, { consistent: true })).toMatchObject({ n: 1 });
    expect(metrics.map((m) => `${m.operation} ${m.outcome}`)).toEqual(['PutItem ok', 'PutItem condition-failed', 'GetItem ok']);
  });

  it('should fail a request to an unreachable endpoint with an error (not hang, not answer)', async () => {
    const port = lazyDynamoDbTablePort({ region: 'us-east-1', endpoint: 'http://127.0.0.1:9', credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, maxAttempts: 1 });
    await expect(port.get(local.tableName, { pk: 'LAZY#2', sk: 'v1' })).rejects.toThrow();
  });
});
