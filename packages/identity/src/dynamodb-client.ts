/** The DynamoDB parts the rate limiter uses, loaded with import() on the first take (their own chunk in a bundle). */
export { ConditionalCheckFailedException, DynamoDBClient, GetItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
