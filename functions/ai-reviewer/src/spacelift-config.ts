import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { ConfigError } from '@iac-review/core';
import { createSpaceliftGraphqlClient, type SpaceliftApiKey, type SpaceliftGraphqlClient } from './spacelift-graphql';

/**
 * The Spacelift API client from the environment, or undefined when `SPACELIFT_API_URL` is unset
 * (then runs whose webhook carried no changes complete degraded, saying so):
 * - `SPACELIFT_API_URL`: the account's GraphQL endpoint, `https://<account>.app.spacelift.io/graphql`;
 * - the API key: a Secrets Manager JSON `{"keyId":"…","keySecret":"…"}` (`SPACELIFT_API_KEY_SECRET_ID`, or
 *   `${SECRETS_PREFIX}spacelift-api-key` as Terraform creates it; read on first use, cached per container),
 *   or locally `SPACELIFT_API_KEY_ID` + `SPACELIFT_API_KEY_SECRET`.
 */
export const spaceliftClientFromEnv = (env: Record<string, string | undefined>, region: string): SpaceliftGraphqlClient | undefined => {
  const apiUrl = env.SPACELIFT_API_URL;
  if (!apiUrl) return undefined;
  let url: URL;
  try {
    url = new URL(apiUrl);
  } catch {
    throw new ConfigError(`SPACELIFT_API_URL is not a URL: ${apiUrl}`);
  }
  if (url.protocol !== 'https:' && !['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname)) throw new ConfigError('SPACELIFT_API_URL must use https (plain http only on loopback).');
  let apiKey: () => Promise<SpaceliftApiKey>;
  const fromEnv = env.SPACELIFT_API_KEY_ID && env.SPACELIFT_API_KEY_SECRET;
  const secretId = env.SPACELIFT_API_KEY_SECRET_ID || (!fromEnv && env.SECRETS_PREFIX ? `${env.SECRETS_PREFIX}spacelift-api-key` : undefined);
  if (secretId) {
    const client = new SecretsManagerClient({ region, maxAttempts: 3 });
    let cached: SpaceliftApiKey | undefined;
    apiKey = async () => {
      if (cached) return cached;
      const out = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
      const doc = JSON.parse(out.SecretString ?? '{}') as { keyId?: unknown; keySecret?: unknown };
      if (typeof doc.keyId !== 'string' || typeof doc.keySecret !== 'string' || !doc.keyId || !doc.keySecret) throw new ConfigError(`Secret ${secretId} must be JSON {"keyId":"…","keySecret":"…"}.`);
      cached = { keyId: doc.keyId, keySecret: doc.keySecret };
      return cached;
    };
  } else if (env.SPACELIFT_API_KEY_ID && env.SPACELIFT_API_KEY_SECRET) {
    const key = { keyId: env.SPACELIFT_API_KEY_ID, keySecret: env.SPACELIFT_API_KEY_SECRET };
    apiKey = async () => key;
  } else {
    throw new ConfigError('SPACELIFT_API_URL is set but no API key: set SPACELIFT_API_KEY_SECRET_ID (AWS) or SPACELIFT_API_KEY_ID and SPACELIFT_API_KEY_SECRET.');
  }
  return createSpaceliftGraphqlClient({ apiUrl, apiKey });
};
