import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { deferred } from '@iac-review/core';

/** The Secrets Manager client code, loaded on the first read (a refused request never loads it). */
const loadSecretsManager = () => import('./secrets-manager-client');

/**
 * Where the webhook secrets come from. Up to two are active at once (current first, then the
 * previous one during a rotation), so a secret can be rotated without refusing deliveries.
 */
export interface WebhookSecretProvider {
  /**
   * The active secrets, current first. `refresh: true` asks for a fresh read (a signature did not
   * match the cached secrets: maybe they were rotated); providers may rate-limit refreshes.
   */
  secrets(opts?: { refresh?: boolean }): Promise<readonly string[]>;
}

/** The secrets could not be read (Secrets Manager down, throttled or misconfigured): answer 503. */
export class SecretUnavailableError extends Error {
  override name = 'SecretUnavailableError';
  readonly retryAfterSeconds: number;
  constructor(message: string, opts: { cause?: unknown; retryAfterSeconds?: number } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.retryAfterSeconds = opts.retryAfterSeconds ?? 5;
  }
}

/** The stored secret value does not have the documented shape (a deployment fault). */
export class SecretFormatError extends Error {
  override name = 'SecretFormatError';
  constructor(message: string) {
    super(message);
  }
}

export const MAX_ACTIVE_SECRETS = 2;

/**
 * Secrets from an environment variable: one secret, or two separated by a comma (current first)
 * during a rotation, e.g. `SPACELIFT_WEBHOOK_SECRET=new-secret,old-secret`. Blank entries are
 * ignored; more than two is a configuration error (thrown at start-up, never containing a value).
 */
export const envSecretProvider = (value: string | undefined, variableName: string): WebhookSecretProvider => {
  const list = (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  if (list.length > MAX_ACTIVE_SECRETS) throw new SecretFormatError(`${variableName} holds ${list.length} secrets; at most ${MAX_ACTIVE_SECRETS} (current,previous) may be active.`);
  const frozen = Object.freeze(list);
  return { secrets: async () => frozen };
};

/** A fixed list of secrets (tests, or a caller that reads them elsewhere). */
export const staticSecretProvider = (secrets: readonly string[]): WebhookSecretProvider => envSecretProvider(secrets.join(','), 'secrets');

/**
 * Parses a Secrets Manager value: a JSON object `{"current": "…", "previous": "…"}` (`previous`
 * optional, present during a rotation). Errors name the fault, never the value.
 */
export const parseSecretValue = (raw: string | undefined, secretId: string): string[] => {
  if (raw === undefined) throw new SecretFormatError(`Secret ${secretId} has no SecretString; store {"current":"…","previous":"…"} as text.`);
  let doc: unknown;
  try {
    doc = JSON.parse(raw);
  } catch {
    throw new SecretFormatError(`Secret ${secretId} is not JSON; store {"current":"…","previous":"…"}.`);
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new SecretFormatError(`Secret ${secretId} must be a JSON object {"current":"…","previous":"…"}.`);
  const { current, previous } = doc as { current?: unknown; previous?: unknown };
  if (typeof current !== 'string' || current.length === 0) throw new SecretFormatError(`Secret ${secretId} needs a non-empty string "current".`);
  if (previous !== undefined && previous !== null && typeof previous !== 'string') throw new SecretFormatError(`Secret ${secretId}: "previous" must be a string when present.`);
  return typeof previous === 'string' && previous.length > 0 && previous !== current ? [current, previous] : [current];
};

export interface SecretsManagerSecretProviderOptions {
  client: Pick<SecretsManagerClient, 'send'>;
  /** Name or ARN of the secret. */
  secretId: string;
  /** How long a read is reused by this container (default 5 minutes). */
  ttlMs?: number;
  /** Least time between two reads forced by `refresh` (default 30 s), so bad signatures cannot flood Secrets Manager. */
  minRefreshIntervalMs?: number;
  clock?: () => number;
}

/**
 * Secrets from AWS Secrets Manager, cached per container for `ttlMs`. Concurrent callers share one
 * read. A failed read is not cached; it surfaces as SecretUnavailableError (→ 503, so the sender
 * retries). A failed refresh keeps serving the cached secrets until they expire.
 */
export const secretsManagerSecretProvider = (opts: SecretsManagerSecretProviderOptions): WebhookSecretProvider => {
  const ttlMs = opts.ttlMs ?? 5 * 60_000;
  const minRefreshIntervalMs = opts.minRefreshIntervalMs ?? 30_000;
  const clock = opts.clock ?? Date.now;
  let cached: { secrets: readonly string[]; readAt: number } | undefined;
  let inFlight: Promise<readonly string[]> | undefined;

  const read = (): Promise<readonly string[]> => {
    inFlight ??= (async () => {
      try {
        const { GetSecretValueCommand } = await loadSecretsManager();
        const out = await opts.client.send(new GetSecretValueCommand({ SecretId: opts.secretId }));
        const secrets = Object.freeze(parseSecretValue(out.SecretString, opts.secretId));
        cached = { secrets, readAt: clock() };
        return secrets;
      } catch (err) {
        if (err instanceof SecretFormatError) throw new SecretUnavailableError(err.message, { cause: err, retryAfterSeconds: 60 });
        throw new SecretUnavailableError(`Webhook secret ${opts.secretId} could not be read; retry shortly.`, { cause: err });
      } finally {
        inFlight = undefined;
      }
    })();
    return inFlight;
  };

  return {
    secrets: async ({ refresh = false } = {}) => {
      const now = clock();
      if (cached && now - cached.readAt < ttlMs && !(refresh && now - cached.readAt >= minRefreshIntervalMs)) return cached.secrets;
      if (cached && now - cached.readAt < ttlMs) {
        // A refresh within the TTL: on failure keep what we have rather than refusing deliveries.
        try {
          return await read();
        } catch {
          return cached.secrets;
        }
      }
      return read();
    },
  };
};

export interface WebhookSecretsFromEnvOptions {
  env: Record<string, string | undefined>;
  /** Variable naming the Secrets Manager secret id (AWS), e.g. `GITHUB_WEBHOOK_SECRET_ID`. */
  idVariable: string;
  /** Variable holding the secret itself, `current[,previous]` (local), e.g. `GITHUB_WEBHOOK_SECRET`. */
  valueVariable: string;
  /** Secret name under `SECRETS_PREFIX` used when neither variable is set (as Terraform names it). */
  defaultSecretName?: string;
  region: string;
  /** Called when no secret is configured at all: every delivery will be refused. */
  onMissing?: () => void;
}

/**
 * The webhook secrets of a function, from its configuration: Secrets Manager (cached per container)
 * when a secret id is configured, else the local variable. One decision for every webhook function.
 */
export const webhookSecretsFromEnv = (o: WebhookSecretsFromEnvOptions): WebhookSecretProvider => {
  const { env } = o;
  const secretId = env[o.idVariable] || (!env[o.valueVariable] && o.defaultSecretName && env.SECRETS_PREFIX ? `${env.SECRETS_PREFIX}${o.defaultSecretName}` : undefined);
  if (!secretId && !env[o.valueVariable]) o.onMissing?.();
  if (!secretId) return envSecretProvider(env[o.valueVariable], o.valueVariable);
  // The client is built on the first read, not at cold start.
  const client = deferred<Pick<SecretsManagerClient, 'send'>>(async () => new (await loadSecretsManager()).SecretsManagerClient({ region: o.region, maxAttempts: 2 }), { send: true });
  return secretsManagerSecretProvider({ client, secretId });
};
