/** The parts of the Secrets Manager client this package uses, loaded with import() on first use (its own chunk in a bundle). */
export { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
