import type { DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { deferred } from '@iac-review/core';
import type { TablePort } from '../ports';
import type { DynamoDbTablePortOptions } from './dynamodb';

/**
 * The DynamoDB table port with its client built on the first request (once per container): the
 * SDK client's code is loaded, compiled and configured only when a request reads or writes the
 * table, not at cold start. Pass what you would pass to `new DynamoDBClient(…)`.
 */
export const lazyDynamoDbTablePort = (clientConfig: DynamoDBClientConfig, opts: Omit<DynamoDbTablePortOptions, 'client'> = {}): TablePort =>
  deferred<TablePort>(
    async () => {
      const { DynamoDBClient, createDynamoDbTablePort } = await import('./dynamodb-client');
      return createDynamoDbTablePort({ ...opts, client: new DynamoDBClient(clientConfig) });
    },
    { get: true, putIfAbsent: true, updateIfNewer: true, query: true, delete: true },
  );
