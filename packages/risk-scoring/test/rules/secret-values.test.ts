import { looksLikeSecretValue } from '../../src/rules/secret-patterns';

/** Values found under a secret-looking name (DB_PASSWORD, api_token, …), judged both ways. */
const SECRETS = [
  'Sup3rS3cretPassw0rd',
  'Xk9#mP2vL5qR8wZ',
  'hunter2',
  'password123',
  '9f8e7d6c5b4a39281706f5e4d3c2b1a0',
  'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  'Zr8vQ2nLk5Tw9xPb3Hc7',
  'k3y-Lit3ral-Value-0987',
  'aBcDeFgHiJkLmNoPqRsT',
  'c2VjcmV0LXRva2VuLXZhbHVl',
  '3f2a1b4c-5d6e-7f80-9a1b-2c3d4e5f6a7b',
];
const NOT_SECRETS = [
  'secrets-manager',
  'aws:kms',
  'PROD_DB_PASSWORD',
  'SuperSecretName',
  'not-a-real-password-123',
  'fixture-token-value-123',
  '/app/prod/admin-password',
  './secrets/db.json',
  'config/credentials.yaml',
  'arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf',
  '{{resolve:secretsmanager:db}}',
  '${var.db_password}',
  'var.db_password',
  'aws_secretsmanager_secret.db.arn',
  'changeme',
  'change-me',
  '<set-at-deploy>',
  'your-password-here',
  'REDACTED',
  'xxxxxxxx',
  '********',
  'vault.internal.example.com',
  'ops@example.com',
  'https://vault.example.com/v1/secret',
  '5432',
  'v1.2.3',
  'The password is kept in Secrets Manager',
  'abc',
];

describe('looksLikeSecretValue', () => {
  it.each(SECRETS)('should judge %p to be a secret', (v) => {
    expect(looksLikeSecretValue(v)).toBe(true);
  });
  it.each(NOT_SECRETS)('should judge %p not to be a secret', (v) => {
    expect(looksLikeSecretValue(v)).toBe(false);
  });
});
