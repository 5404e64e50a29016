import { ConfigError, deferred } from '@iac-review/core';
import { createFileMacKeyProvider, createSecretsManagerMacKeyProvider, type IntegrityFailure, type MacKeyProvider } from '@iac-review/dynamo-versioning';

/** Name of the Secrets Manager secret (under SECRETS_PREFIX) holding the history MAC key. */
export const HISTORY_MAC_SECRET = 'history-mac-key';

/**
 * The key that seals review history, from the function's environment:
 * - `HISTORY_MAC_KEY_FILE`: a local key file (the local stack's data dir; created 0600 on first use);
 * - otherwise the Secrets Manager secret `HISTORY_MAC_SECRET_ID`, or `${SECRETS_PREFIX}history-mac-key`
 *   (Terraform), read once per container and cached.
 */
export const historyKeyProviderFromEnv = (env: Record<string, string | undefined>, region: string): MacKeyProvider => {
  if (env.HISTORY_MAC_KEY_FILE) return createFileMacKeyProvider({ path: env.HISTORY_MAC_KEY_FILE });
  const secretId = env.HISTORY_MAC_SECRET_ID || (env.SECRETS_PREFIX ? `${env.SECRETS_PREFIX}${HISTORY_MAC_SECRET}` : undefined);
  if (!secretId) throw new ConfigError('Missing configuration: HISTORY_MAC_SECRET_ID or SECRETS_PREFIX (the history MAC key), or HISTORY_MAC_KEY_FILE locally.');
  // The Secrets Manager client is loaded and built on the first read or write of history, not at cold start.
  return deferred<MacKeyProvider>(
    async () => {
      const { GetSecretValueCommand, SecretsManagerClient } = await import('./secrets-manager-client');
      return createSecretsManagerMacKeyProvider({ client: new SecretsManagerClient({ region, maxAttempts: 3 }), secretId, command: (input) => new GetSecretValueCommand(input) });
    },
    { current: true, byId: true },
  );
};

/** The parts of @iac-review/logger's Logger the integrity reporter uses. */
export interface IntegrityLogger {
  security(event: { event: string; reason: string; [key: string]: unknown }): void;
  metrics(metrics: ReadonlyArray<{ name: string; value: number; unit?: 'Count' }>, dimensions?: Record<string, string>): void;
}

/** Metric (namespace IacReview, dimension service) counted once per integrity failure; Terraform alarms on it. */
export const INTEGRITY_FAILURE_METRIC = 'HistoryIntegrityFailures';

/**
 * The store's onIntegrityFailure hook for a function: a `security` log line
 * (`history.integrity-failed`) and an EMF metric the Terraform alarm watches.
 */
export const reportIntegrityFailures =
  (logger: IntegrityLogger) =>
  (f: IntegrityFailure): void => {
    logger.security({ event: 'history.integrity-failed', reason: f.reason, entity: f.entity, id: f.id, version: f.version, check: f.check });
    logger.metrics([{ name: INTEGRITY_FAILURE_METRIC, value: 1, unit: 'Count' }], { service: 'iac-review' });
  };
