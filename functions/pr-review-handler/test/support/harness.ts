import type { Finding, RiskLevel } from '@iac-review/core';
import { captureLogger } from '@iac-review/logger/testing';
import { createGithubReviews, createInMemoryReviewService } from '@iac-review/reviews';
import { createHandler, type Deps } from '../../src/handler';
import { createClientSource } from '../../src/clients';
import { createGitHubClient, type GitHubCredentials } from '../../src/github-client';
import { DEFAULT_LIMITS } from '../../src/gather';
import type { GitHubStub } from './github-stub';

export const REPO = 'acme/infra';

/** The handler over in-memory review storage and real Octokit clients against the loopback stub. */
export const harness = (stub: GitHubStub, opts: { credentials?: GitHubCredentials | null; failOn?: Deps['failOn']; maxRetries?: number; maxWaitSeconds?: number; limits?: Deps['limits'] } = {}) => {
  const mem = createInMemoryReviewService();
  const github = createGithubReviews({ store: mem.store, blobs: mem.blobs, events: mem.events, clock: () => new Date() });
  const log = captureLogger({ functionName: 'pr-review-handler' });
  const credentials = opts.credentials === null ? undefined : (opts.credentials ?? { kind: 'token' as const, token: 'ghs_test_token' });
  const clients = createClientSource({
    credentials: async () => credentials,
    build: (creds, installationId) =>
      createGitHubClient({
        baseUrl: stub.url,
        ...(creds ? { credentials: creds } : {}),
        ...(installationId !== undefined ? { installationId } : {}),
        logger: log.logger,
        maxRetries: opts.maxRetries ?? 2,
        maxRateLimitWaitSeconds: opts.maxWaitSeconds ?? 5,
        // Every "second" of a rate-limit wait is 5 ms here, so tests stay fast and still prove the wait happens.
        waitUnitMs: 5,
        minWriteIntervalMs: 0,
      }),
  });
  const handler = createHandler({
    reviews: mem.service,
    github,
    logger: log.logger,
    readerFor: clients.reader,
    publisherFor: clients.publisher,
    failOn: opts.failOn ?? 'high',
    limits: opts.limits ?? DEFAULT_LIMITS,
    reviewUrl: (id) => `https://iac-review.example.com/reviews/${encodeURIComponent(id)}`,
  });
  return { ...mem, github, handler, log };
};

export const busEvent = (detailType: 'ReviewRequested' | 'ReviewCompleted', detail: Record<string, unknown>) => ({
  version: '0',
  id: `evt-${Math.random().toString(36).slice(2)}`,
  'detail-type': detailType,
  source: 'iac-review',
  account: '123456789012',
  time: new Date().toISOString(),
  region: 'eu-west-1',
  resources: [],
  detail,
});

export const finding = (ruleId: string, severity: Finding['severity'], resourceAddress: string): Finding => ({
  ruleId,
  severity,
  category: 'network-exposure',
  resourceAddress,
  message: `${ruleId} on ${resourceAddress}`,
  remediation: `fix ${resourceAddress}`,
  source: 'rule',
});

export const result = (riskLevel: RiskLevel, riskScore: number, findings: Finding[]) => ({
  riskScore,
  riskLevel,
  confidence: 0.7,
  summary: `${findings.length} finding(s)`,
  findings,
  contributions: [],
  stats: {},
  reviewer: { mode: 'rules-only' as const },
});
