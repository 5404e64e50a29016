import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  createDynamoDbTablePort,
  createInMemoryTablePort,
  mapAwsError,
  PayloadTooLargeError,
  StoreFailureError,
  ThrottledError,
  ValidationError,
  type TablePort,
} from '../src/index';
import { startLocalDynamo, type LocalDynamo } from './support/local-dynamo';

const sdkError = (name: string, status: number, message = 'arn:aws:dynamodb:eu-west-1:123456789012:table/secret-table RequestId ABC') =>
  Object.assign(new Error(message), { name, $metadata: { httpStatusCode: status, requestId: 'ABC' } });

describe('mapAwsError', () => {
  it.each([
    ['ProvisionedThroughputExceededException', 400, ThrottledError],
    ['ThrottlingException', 400, ThrottledError],
    ['RequestLimitExceeded', 400, ThrottledError],
    ['InternalServerError', 500, ThrottledError],
    ['ServiceUnavailable', 503, ThrottledError],
    ['ValidationException', 400, ValidationError],
    ['ResourceNotFoundException', 400, StoreFailureError],
    ['AccessDeniedException', 400, StoreFailureError],
  ])('should map %s to a typed error without the SDK text', (name, status, type) => {
    const mapped = mapAwsError(sdkError(name, status));

    expect(mapped).toBeInstanceOf(type);
    expect(mapped.message).not.toMatch(/secret|arn:|RequestId|Exception/);
    expect(mapped.cause).toBeDefined();
  });

  it('should ask throttled callers to wait before retrying', () => {
    expect(mapAwsError(sdkError('ThrottlingException', 400))).toMatchObject({ retryable: true, retryAfterSeconds: 2 });
    expect(mapAwsError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }))).toMatchObject({ retryable: true, retryAfterSeconds: 1 });
  });
});

describe('createDynamoDbTablePort failures against dynalite', () => {
  let local: LocalDynamo;
  let port: TablePort;
  let tableName: string;
  beforeAll(async () => {
    local = await startLocalDynamo();
    tableName = await local.createTable();
    port = createDynamoDbTablePort({ client: local.client });
  });
  afterAll(() => local.close());

  it('should report a missing table as a store failure that names nothing', async () => {
    const err = await port.get('no-such-table', { pk: 'a', sk: 'b' }).catch((e: unknown) => e);

    expect(err).toBeInstanceOf(StoreFailureError);
    expect((err as Error).message).toBe('The store failed to answer.');
  });

  it('should report an invalid key as a validation error, like the in-memory fake', async () => {
    const fake = createInMemoryTablePort();
    for (const p of [port, fake]) {
      await expect(p.putIfAbsent(tableName, { pk: '', sk: 'x' })).rejects.toThrow(ValidationError);
    }
  });

  it('should report an item over 400 KB as too large, like the in-memory fake', async () => {
    const fake = createInMemoryTablePort();
    for (const p of [port, fake]) {
      await expect(p.putIfAbsent(tableName, { pk: 'big', sk: 'x', blob: 'x'.repeat(410 * 1024) })).rejects.toThrow(PayloadTooLargeError);
    }
  });

  it('should report an unreachable endpoint as retryable', async () => {
    const dead = new DynamoDBClient({ endpoint: 'http://127.0.0.1:9', region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' }, maxAttempts: 1 });
    const err = await createDynamoDbTablePort({ client: dead }).get(tableName, { pk: 'a', sk: 'b' }).catch((e: unknown) => e);
    dead.destroy();

    expect(err).toBeInstanceOf(ThrottledError);
  });

  it('should report each request with the capacity DynamoDB says it consumed', async () => {
    const seen: { operation: string; outcome: string; capacityUnits?: number }[] = [];
    const metered = createDynamoDbTablePort({ client: local.client, onRequest: (m) => seen.push(m) });

    await metered.putIfAbsent(tableName, { pk: 'm', sk: '1' });
    await metered.putIfAbsent(tableName, { pk: 'm', sk: '1' });

    expect(seen.map((s) => [s.operation, s.outcome])).toEqual([
      ['PutItem', 'ok'],
      ['PutItem', 'condition-failed'],
    ]);
    expect(seen[0]?.capacityUnits).toBe(1);
  });
});
