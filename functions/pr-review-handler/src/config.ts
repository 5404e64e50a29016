import { RISK_LEVELS } from '@iac-review/core';
import type { FailOn } from './comment';
import { DEFAULT_LIMITS, type GatherLimits } from './gather';
import type { GitHubCredentials } from './github-client';

export type EnvLike = Readonly<Record<string, string | undefined>>;

export class PrReviewConfigError extends Error {
  override name = 'PrReviewConfigError';
  constructor(message: string) {
    super(message);
  }
}

/** Where the GitHub credentials come from. */
export type CredentialSource =
  | { kind: 'env'; credentials: GitHubCredentials }
  | { kind: 'secret'; secretId: string; ttlMs: number }
  | { kind: 'none'; reason: string };

export interface PrReviewConfig {
  apiUrl: string;
  credentials: CredentialSource;
  failOn: FailOn;
  /** `<base>/reviews/<id>` is linked from the comment and the check run. */
  reviewUrlBase?: string;
  limits: GatherLimits;
  maxRetries: number;
  maxRateLimitWaitSeconds: number;
  waitUnitMs: number;
  minWriteIntervalMs: number;
}

const int = (env: EnvLike, name: string, fallback: number, min: number, max: number): number => {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw new PrReviewConfigError(`${name} must be an integer within ${min}..${max}, got "${raw}"`);
  return n;
};

const FAIL_ON = [...RISK_LEVELS, 'never'] as const;

/** Reads the handler's settings (Terraform sets them in Lambda; the local stack passes the developer's). */
export const readPrReviewConfig = (env: EnvLike): Readonly<PrReviewConfig> => {
  const apiUrl = (env.GITHUB_API_URL?.trim() || 'https://api.github.com').replace(/\/+$/, '');
  try {
    new URL(apiUrl);
  } catch {
    throw new PrReviewConfigError(`GITHUB_API_URL must be a URL such as https://api.github.com or https://github.example.com/api/v3, got "${apiUrl}"`);
  }
  const failOn = (env.GITHUB_CHECK_FAIL_ON?.trim() || 'high') as FailOn;
  if (!(FAIL_ON as readonly string[]).includes(failOn)) throw new PrReviewConfigError(`GITHUB_CHECK_FAIL_ON must be one of ${FAIL_ON.join(', ')}, got "${failOn}"`);
  const token = env.GITHUB_TOKEN?.trim();
  const secretId = env.GITHUB_CREDENTIALS_SECRET_ID?.trim();
  const credentials: CredentialSource = token
    ? { kind: 'env', credentials: { kind: 'token', token } }
    : secretId
      ? { kind: 'secret', secretId, ttlMs: int(env, 'GITHUB_CREDENTIALS_TTL_SECONDS', 900, 0, 86_400) * 1000 }
      : { kind: 'none', reason: 'no GITHUB_TOKEN and no GITHUB_CREDENTIALS_SECRET_ID: reviews are not published to GitHub' };
  const reviewUrlBase = env.REVIEW_URL_BASE?.trim().replace(/\/+$/, '');
  return Object.freeze({
    apiUrl,
    credentials,
    failOn,
    ...(reviewUrlBase ? { reviewUrlBase } : {}),
    limits: {
      maxFiles: int(env, 'PR_REVIEW_MAX_FILES', DEFAULT_LIMITS.maxFiles, 1, 3000),
      maxFileBytes: int(env, 'PR_REVIEW_MAX_FILE_BYTES', DEFAULT_LIMITS.maxFileBytes, 1024, 100 * 1024 * 1024),
      maxTotalBytes: int(env, 'PR_REVIEW_MAX_TOTAL_BYTES', DEFAULT_LIMITS.maxTotalBytes, 1024, 64 * 1024 * 1024),
    },
    maxRetries: int(env, 'GITHUB_MAX_RETRIES', 3, 0, 10),
    maxRateLimitWaitSeconds: int(env, 'GITHUB_MAX_RATE_LIMIT_WAIT_SECONDS', 60, 0, 900),
    waitUnitMs: int(env, 'GITHUB_WAIT_UNIT_MS', 1000, 0, 1000),
    minWriteIntervalMs: int(env, 'GITHUB_MIN_WRITE_INTERVAL_MS', 1000, 0, 10_000),
  });
};

/** Parses the GitHub credentials secret: `{"token":"…"}` or `{"appId":"…","privateKey":"-----BEGIN …"}`. Errors never include the value. */
export const parseCredentialsSecret = (raw: string | undefined, secretId: string): GitHubCredentials => {
  let doc: unknown;
  try {
    doc = JSON.parse(raw ?? '');
  } catch {
    throw new PrReviewConfigError(`Secret ${secretId} must be JSON: {"token":"…"} or {"appId":"…","privateKey":"…"}.`);
  }
  const d = (typeof doc === 'object' && doc !== null ? doc : {}) as { token?: unknown; appId?: unknown; privateKey?: unknown };
  if (typeof d.token === 'string' && d.token.length > 0) return { kind: 'token', token: d.token };
  if ((typeof d.appId === 'string' || typeof d.appId === 'number') && typeof d.privateKey === 'string' && d.privateKey.includes('PRIVATE KEY')) {
    return { kind: 'app', appId: String(d.appId), privateKey: d.privateKey };
  }
  throw new PrReviewConfigError(`Secret ${secretId} needs "token", or "appId" and "privateKey" (PEM).`);
};
