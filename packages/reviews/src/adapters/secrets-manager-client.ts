/** The Secrets Manager parts history-key.ts uses, loaded with import() on first use (their own chunk in a bundle). */
export { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
