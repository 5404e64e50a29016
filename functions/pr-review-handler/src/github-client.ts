import { createAppAuth } from '@octokit/auth-app';
import { Octokit as Core } from '@octokit/core';
import { paginateRest } from '@octokit/plugin-paginate-rest';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import type { Logger } from '@iac-review/logger';
import Bottleneck from 'bottleneck/light.js';

/** Octokit with bounded retries (5xx, network) and rate-limit handling (primary and secondary limits). */
export const GitHubOctokit = Core.plugin(retry, throttling, paginateRest);
export type GitHubClient = InstanceType<typeof GitHubOctokit>;

/** How this function authenticates to GitHub: a token, or a GitHub App (an installation token per repository owner). */
export type GitHubCredentials = { kind: 'token'; token: string } | { kind: 'app'; appId: string; privateKey: string };

export interface ClientOptions {
  /** REST base URL: https://api.github.com, or https://<host>/api/v3 for GitHub Enterprise Server. */
  baseUrl: string;
  /** None: anonymous (reading public repositories only; nothing is published). */
  credentials?: GitHubCredentials;
  /** The App installation that covers the repository (from the webhook payload). */
  installationId?: number;
  logger: Logger;
  /** How many times a rate-limited or failed request is retried before the error surfaces. */
  maxRetries: number;
  /** Longest wait for a rate-limit reset that is honoured in-process; longer ones fail (the event is redelivered later). */
  maxRateLimitWaitSeconds: number;
  /** Unit of every retry/rate-limit wait in ms (default 1000: waits are in seconds). Tests set it small. */
  waitUnitMs?: number;
  /** Least time between two writes (GitHub asks for ≥ 1 s between content-creating requests). */
  minWriteIntervalMs?: number;
  /** Node fetch override (tests). */
  fetch?: typeof fetch;
}

/**
 * Builds an Octokit client. Rate limits: plugin-throttling reads `x-ratelimit-reset` / `retry-after`
 * on 403/429 and waits, at most `maxRetries` times and only when the wait is under
 * `maxRateLimitWaitSeconds`; otherwise the request fails and the caller throws so the event is retried.
 */
export const createGitHubClient = (opts: ClientOptions): GitHubClient => {
  const log = opts.logger;
  const onLimit = (kind: 'primary' | 'secondary') => (retryAfter: number, options: { method?: string; url?: string }, _octokit: unknown, retryCount: number) => {
    const honour = retryCount < opts.maxRetries && retryAfter <= opts.maxRateLimitWaitSeconds;
    log.warn(`GitHub ${kind} rate limit hit; ${honour ? `retrying after ${retryAfter} s` : 'giving up (the event will be retried)'}`, {
      method: options.method,
      url: options.url,
      retryAfterSeconds: retryAfter,
      retryCount,
    });
    return honour;
  };
  const auth = !opts.credentials
    ? {}
    : opts.credentials.kind === 'token'
      ? { auth: opts.credentials.token }
      : {
          authStrategy: createAppAuth,
          auth: {
            appId: opts.credentials.appId,
            privateKey: opts.credentials.privateKey,
            ...(opts.installationId !== undefined ? { installationId: opts.installationId } : {}),
          },
        };
  return new GitHubOctokit({
    baseUrl: opts.baseUrl.replace(/\/+$/, ''),
    userAgent: 'iac-review-pr-review-handler',
    ...auth,
    ...(opts.fetch ? { request: { fetch: opts.fetch } } : {}),
    // 5xx and network errors; 403/429 are the throttling plugin's (rate limits), the rest are final.
    retry: { retries: opts.maxRetries, retryAfterBaseValue: opts.waitUnitMs ?? 1000, doNotRetry: [400, 401, 403, 404, 409, 410, 422, 429, 451] },
    throttle: {
      retryAfterBaseValue: opts.waitUnitMs ?? 1000,
      // GitHub's guidance: ≥ 1 s between writes, more between writes that notify people (comments).
      write: new Bottleneck.Group({ id: 'iac-review-write', maxConcurrent: 1, minTime: opts.minWriteIntervalMs ?? 1000 }),
      notifications: new Bottleneck.Group({ id: 'iac-review-notifications', maxConcurrent: 1, minTime: 3 * (opts.minWriteIntervalMs ?? 1000) }),
      onRateLimit: onLimit('primary'),
      onSecondaryRateLimit: onLimit('secondary'),
    },
  });
};
