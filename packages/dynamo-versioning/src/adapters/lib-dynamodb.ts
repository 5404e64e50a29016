/** The document-client parts the table port uses, loaded with import() on its first request (their own chunk in a bundle). */
export { DeleteCommand, DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
