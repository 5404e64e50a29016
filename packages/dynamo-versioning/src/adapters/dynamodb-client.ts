/**
 * What lazyDynamoDbTablePort loads on first use (the bundler puts it in its own chunk with the
 * DynamoDB client, loaded with import()).
 */
export { DynamoDBClient } from '@aws-sdk/client-dynamodb';
export { createDynamoDbTablePort } from './dynamodb';
