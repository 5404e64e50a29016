import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { parseCredentialsSecret, type CredentialSource } from './config';
import type { GitHubCredentials } from './github-client';

export interface CredentialsProviderOptions {
  source: CredentialSource;
  /** Only used for `secret` sources. */
  client?: Pick<SecretsManagerClient, 'send'>;
  clock?: () => number;
}

/**
 * The GitHub credentials: from the environment, or Secrets Manager cached per container for the
 * TTL (concurrent callers share one read; a failed read is not cached and surfaces, so the event is
 * retried). Undefined when none are configured (reviews are then not published).
 */
export const createCredentialsProvider = (opts: CredentialsProviderOptions): (() => Promise<GitHubCredentials | undefined>) => {
  const source = opts.source;
  if (source.kind === 'env') return async () => source.credentials;
  if (source.kind === 'none') return async () => undefined;
  const client = opts.client;
  if (!client) throw new Error('a Secrets Manager client is needed for credentials from a secret');
  const clock = opts.clock ?? Date.now;
  let cached: { value: GitHubCredentials; at: number } | undefined;
  let inFlight: Promise<GitHubCredentials> | undefined;
  return async () => {
    if (cached && clock() - cached.at < source.ttlMs) return cached.value;
    inFlight ??= (async () => {
      try {
        const out = await client.send(new GetSecretValueCommand({ SecretId: source.secretId }));
        const value = parseCredentialsSecret(out.SecretString, source.secretId);
        cached = { value, at: clock() };
        return value;
      } finally {
        inFlight = undefined;
      }
    })();
    return inFlight;
  };
};
