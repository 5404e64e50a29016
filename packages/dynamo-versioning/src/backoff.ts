export interface RetryPolicy {
  /** Attempts in all, including the first (default 25). */
  maxAttempts: number;
  /** First backoff ceiling in ms (default 10). */
  baseDelayMs: number;
  /** Backoff ceiling in ms (default 800). */
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 25, baseDelayMs: 10, maxDelayMs: 800 };

/** "Full jitter": a uniform delay in [0, min(max, base·2^(attempt-1))). */
export const fullJitterDelay = (attempt: number, policy: RetryPolicy, random: () => number): number =>
  Math.floor(random() * Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1)));

export const realSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
