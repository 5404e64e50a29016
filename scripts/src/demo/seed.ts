/**
 * Fills a running IaC Review API with sample reviews through its public HTTP API: real Terraform
 * plans (produced by the offline Terraform from packages/risk-scoring/test/fixtures/tf/ by that
 * package's scripts/generate-fixtures.mjs), a few human decisions so histories have more than one
 * version, and — where the server has the webhook routes — signed GitHub and Spacelift deliveries.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../lib/repo';
import { deliverGithub, demoSha, GITHUB_SAMPLES, loopbackPort, pullRequestPayload, serveSamplePullRequests } from './github';
import { deliverSpacelift, newSpaceliftRunId, runUpdatedBody, SPACELIFT_SAMPLES } from './spacelift';

export const PLANS_DIR = join(repoRoot, 'packages', 'risk-scoring', 'test', 'fixtures', 'plans');

export interface SampleSubmission {
  /** A plan in PLANS_DIR (without .json). */
  plan: string;
  title: string;
  repository?: string;
  stack?: string;
  ref?: string;
}

export const SAMPLE_SUBMISSIONS: readonly SampleSubmission[] = [
  { plan: 'clean', title: 'Add the orders API table and its role', repository: 'acme/platform', ref: 'feature/orders-api' },
  { plan: 'modules', title: 'Website bucket through the shared module', repository: 'acme/web', ref: 'main' },
  { plan: 'iam-network', title: 'Open the bastion and widen the deploy role', repository: 'acme/network', ref: 'ops/bastion' },
  { plan: 'public-encryption', title: 'Public assets bucket and unencrypted queue', stack: 'prod-storage', ref: 'main' },
  { plan: 'data-logging-secrets', title: 'Analytics warehouse with audit logging off', stack: 'prod-data', ref: 'main' },
  { plan: 'deletes', title: 'Decommission the legacy database', repository: 'acme/legacy', ref: 'cleanup/legacy-db' },
];

export interface SeedOptions {
  baseUrl: string;
  /** A key with reviews:write (and reviews:read). */
  apiKey: string;
  /** Which samples (default all). */
  samples?: readonly SampleSubmission[];
  /** Record decisions (acknowledge, dismiss, override) on some of the reviews (default true). */
  feedback?: boolean;
  /** The local stack's SPACELIFT_WEBHOOK_SECRET (its first entry): sends signed Spacelift deliveries when set. */
  spaceliftSecret?: string;
  /** The local stack's GITHUB_WEBHOOK_SECRET (its first entry) and GITHUB_API_URL: sends signed pull requests when both are set and the URL is http://127.0.0.1:<port>, where the demo then serves the pull requests' files. */
  githubSecret?: string;
  githubApiUrl?: string;
  /** How long to wait for the reviews to complete (default 60 s). */
  timeoutMs?: number;
  log?: (line: string) => void;
}

export interface SeededReview {
  id: string;
  title: string;
  status: string;
  riskLevel?: string;
  findings: number;
  version: number;
}

export interface SeedResult {
  reviews: SeededReview[];
  decisions: number;
  /** What happened to each webhook source: what was sent, or why nothing was. */
  webhooks: Array<{ source: 'spacelift' | 'github'; sent: number; note: string }>;
}

interface ReviewDto {
  id: string;
  version: number;
  review: { status: string; title?: string; result?: { riskLevel: string; findings: Array<{ id?: string; ruleId: string; resourceAddress: string; severity: string }> } };
}

/** A failed call, with the server's problem+json detail when there is one. */
export class DemoError extends Error {
  override readonly name = 'DemoError';
}

const problemLine = async (res: Response): Promise<string> => {
  const text = await res.text().catch(() => '');
  try {
    const p = JSON.parse(text) as { title?: string; detail?: string };
    return `${res.status} ${p.title ?? ''}${p.detail ? `: ${p.detail}` : ''}`;
  } catch {
    return `${res.status} ${text.slice(0, 200)}`;
  }
};

export const createApi = (baseUrl: string, apiKey: string) => {
  const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Response> => {
    try {
      return await fetch(`${baseUrl}${path}`, {
        method,
        headers: { 'x-api-key': apiKey, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch (err) {
      throw new DemoError(`cannot reach ${baseUrl} (${err instanceof Error ? err.message : String(err)}). Is the local stack running? Start it with: npm start`);
    }
  };
  const json = async <T>(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<{ data: T; res: Response }> => {
    const res = await call(method, path, body, headers);
    if (!res.ok) throw new DemoError(`${method} ${path} failed: ${await problemLine(res)}`);
    return { data: (await res.json()) as T, res };
  };
  return { call, json };
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export const loadPlan = (name: string): unknown => JSON.parse(readFileSync(join(PLANS_DIR, `${name}.json`), 'utf8'));

/** Waits until every review has left `pending` (polling GET /reviews/{id}). */
export const waitForReviews = async (api: ReturnType<typeof createApi>, ids: string[], timeoutMs: number): Promise<ReviewDto[]> => {
  const deadline = Date.now() + timeoutMs;
  const done = new Map<string, ReviewDto>();
  for (;;) {
    for (const id of ids) {
      if (done.has(id)) continue;
      const { data } = await api.json<ReviewDto>('GET', `/reviews/${id}`);
      if (data.review.status !== 'pending') done.set(id, data);
    }
    if (done.size === ids.length) return ids.map((id) => done.get(id) as ReviewDto);
    if (Date.now() > deadline) throw new DemoError(`${ids.length - done.size} review(s) still pending after ${timeoutMs / 1000} s; check the local stack's log`);
    await sleep(250);
  }
};

export const seedReviews = async (opts: SeedOptions): Promise<SeedResult> => {
  const log = opts.log ?? (() => undefined);
  const api = createApi(opts.baseUrl.replace(/\/+$/, ''), opts.apiKey);
  const health = await api.call('GET', '/health');
  if (!health.ok) throw new DemoError(`GET /health answered ${health.status}: is ${opts.baseUrl} the IaC Review API?`);

  const samples = opts.samples ?? SAMPLE_SUBMISSIONS;
  const ids: string[] = [];
  for (const s of samples) {
    const { data } = await api.json<{ id: string }>('POST', '/reviews', {
      title: s.title,
      ...(s.repository ? { repository: s.repository } : {}),
      ...(s.stack ? { stack: s.stack } : {}),
      ...(s.ref ? { ref: s.ref } : {}),
      plan: loadPlan(s.plan),
    });
    ids.push(data.id);
    log(`submitted plan ${s.plan}.json → review ${data.id}`);
  }
  const completed = await waitForReviews(api, ids, opts.timeoutMs ?? 60_000);

  let decisions = 0;
  const latest = new Map(completed.map((r) => [r.id, r.version]));
  const decide = async (id: string, body: Record<string, unknown>) => {
    const { data } = await api.json<{ version: number }>('POST', `/reviews/${id}/feedback`, body, { 'if-match': `"${latest.get(id)}"` });
    latest.set(id, data.version);
    decisions++;
    log(`${String(body.action)} on ${id} → version ${data.version}`);
  };
  if (opts.feedback !== false) {
    const scored = completed.filter((r) => r.review.result);
    const low = scored.find((r) => r.review.result?.riskLevel === 'low');
    if (low) await decide(low.id, { action: 'acknowledge', comment: 'Expected change, reviewed in the weekly platform sync.' });
    const withFindings = scored.filter((r) => (r.review.result?.findings.length ?? 0) > 0);
    const first = withFindings[0];
    const f = first?.review.result?.findings.find((x) => x.severity === 'low' || x.severity === 'medium') ?? first?.review.result?.findings[0];
    if (first && f) await decide(first.id, { action: 'dismiss-finding', findingId: f.id ?? `${f.ruleId}@${f.resourceAddress}`, comment: 'Accepted risk: covered by an SCP in this account.' });
    const second = withFindings[1];
    if (second) await decide(second.id, { action: 'override-risk', riskLevel: 'high', comment: 'Staging only; the data is synthetic.' });
  }

  const webhooks: SeedResult['webhooks'] = [];
  const spaceliftReviews = await sendSpacelift(api, opts, log, webhooks);
  const spaceliftDone = spaceliftReviews.length ? await waitForReviews(api, spaceliftReviews.map((r) => r.id), opts.timeoutMs ?? 60_000) : [];
  const githubReviews = await sendGithub(api, opts, log, webhooks);
  const githubDone = githubReviews.length ? await waitForReviews(api, githubReviews, opts.timeoutMs ?? 60_000) : [];

  return {
    webhooks,
    reviews: [...completed, ...spaceliftDone, ...githubDone].map((r) => ({
      id: r.id,
      title: r.review.title ?? r.id,
      status: r.review.status,
      ...(r.review.result ? { riskLevel: r.review.result.riskLevel } : {}),
      findings: r.review.result?.findings.length ?? 0,
      version: latest.get(r.id) ?? r.version,
    })),
    decisions,
  };
};

/** Spacelift runs are sent as if they had started this long before the demo sent them. */
export const SEED_BACKDATE_MS = 120_000;

/**
 * The UTC days (YYYY-MM-DD, oldest first) a demo that started at `startedMs` can have put reviews on:
 * from its backdated runs to now. Two days when it ran across midnight: both need their rollup.
 */
export const seededDays = (startedMs: number, nowMs: number = Date.now()): string[] => {
  const days: string[] = [];
  for (let d = new Date(startedMs - SEED_BACKDATE_MS).toISOString().slice(0, 10); ; ) {
    days.push(d);
    const next = new Date(Date.parse(`${d}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
    if (Date.parse(`${next}T00:00:00Z`) > nowMs) return days;
    d = next;
  }
};

/** The POST route exists on this server: a GET answers 405 (a GET, so no unsigned delivery is logged as a security event). */
const hasRoute = async (api: ReturnType<typeof createApi>, path: string): Promise<boolean> => {
  const res = await api.call('GET', path);
  const body = await res.text();
  return !(res.status === 404 && /no route/i.test(body));
};

/**
 * Tracked Spacelift runs through POST /webhook/spacelift: the plan-phase changes (→ a review), then,
 * once reviewed, the run's end (applied, or an apply that failed: an outcome the trends count).
 */
const sendSpacelift = async (api: ReturnType<typeof createApi>, opts: SeedOptions, log: (l: string) => void, notes: SeedResult['webhooks']): Promise<Array<{ id: string }>> => {
  if (!(await hasRoute(api, '/webhook/spacelift'))) {
    notes.push({ source: 'spacelift', sent: 0, note: 'not sent: this server has no POST /webhook/spacelift' });
    return [];
  }
  const secret = opts.spaceliftSecret;
  if (!secret) {
    notes.push({ source: 'spacelift', sent: 0, note: 'not sent: start the stack and the demo with the same SPACELIFT_WEBHOOK_SECRET to include Spacelift runs' });
    return [];
  }
  const base = opts.baseUrl.replace(/\/+$/, '');
  const runs: Array<{ id: string; runId: string; sample: (typeof SPACELIFT_SAMPLES)[number] }> = [];
  let sent = 0;
  const t0 = Date.now() - SEED_BACKDATE_MS;
  for (const sample of SPACELIFT_SAMPLES) {
    const run = newSpaceliftRunId();
    const res = await deliverSpacelift(base, secret, runUpdatedBody(sample, run, 'UNCONFIRMED', new Date(t0), true));
    sent++;
    if (res.status === 401) throw new DemoError('POST /webhook/spacelift answered 401: the stack runs with another SPACELIFT_WEBHOOK_SECRET than the demo was given');
    if (res.status !== 202 || typeof res.json.id !== 'string') throw new DemoError(`POST /webhook/spacelift answered ${res.status}: ${JSON.stringify(res.json).slice(0, 300)}`);
    log(`spacelift run ${run} on stack ${sample.stackId} (UNCONFIRMED, ${sample.plan}.json changes) → review ${res.json.id}`);
    runs.push({ id: res.json.id, runId: run, sample });
  }
  await waitForReviews(api, runs.map((r) => r.id), opts.timeoutMs ?? 60_000);
  for (const r of runs) {
    const res = await deliverSpacelift(base, secret, runUpdatedBody(r.sample, r.runId, r.sample.outcome, new Date(t0 + 60_000), false));
    sent++;
    if (res.status !== 202) throw new DemoError(`POST /webhook/spacelift (${r.sample.outcome}) answered ${res.status}: ${JSON.stringify(res.json).slice(0, 300)}`);
    log(`spacelift run ${r.runId} ${r.sample.outcome === 'FAILED' ? 'apply FAILED' : 'applied (FINISHED)'} → ${String(res.json.status)}`);
  }
  notes.push({ source: 'spacelift', sent, note: `${runs.length} tracked runs reviewed, then ${runs.map((r) => r.sample.outcome.toLowerCase()).join(' and ')}` });
  return runs.map((r) => ({ id: r.id }));
};

/**
 * Pull requests through POST /webhook/github: `opened` (→ a review of the pull request's Terraform,
 * read from the GitHub the stack is pointed at: the demo's stub), then, once reviewed, `closed`
 * (merged or not: an outcome the trends count).
 */
const sendGithub = async (api: ReturnType<typeof createApi>, opts: SeedOptions, log: (l: string) => void, notes: SeedResult['webhooks']): Promise<string[]> => {
  if (!(await hasRoute(api, '/webhook/github'))) {
    notes.push({ source: 'github', sent: 0, note: 'not sent: this server has no POST /webhook/github' });
    return [];
  }
  if (!opts.githubSecret) {
    notes.push({ source: 'github', sent: 0, note: 'not sent: start the stack and the demo with the same GITHUB_WEBHOOK_SECRET (and GITHUB_API_URL=http://127.0.0.1:<free port>) to include pull requests' });
    return [];
  }
  const port = loopbackPort(opts.githubApiUrl);
  if (port === undefined) {
    notes.push({ source: 'github', sent: 0, note: `not sent: GITHUB_API_URL must be http://127.0.0.1:<free port> for both the stack and the demo (the demo serves the pull requests' files there; got ${opts.githubApiUrl ?? 'nothing'})` });
    return [];
  }
  const base = opts.baseUrl.replace(/\/+$/, '');
  const first = 100 + (Math.floor(Date.now() / 1000) % 90_000) * 2; // new pull requests on every run
  const prs = GITHUB_SAMPLES.map((sample, i) => ({ sample, number: first + i, headSha: demoSha(`${sample.repository}#${first + i}:${Date.now()}`) }));
  let stub: Awaited<ReturnType<typeof serveSamplePullRequests>>;
  try {
    stub = await serveSamplePullRequests(port, prs);
  } catch (err) {
    throw new DemoError(`cannot serve GitHub on port ${port} (${err instanceof Error ? err.message : String(err)}): pick a free port for GITHUB_API_URL`);
  }
  try {
    const ids: string[] = [];
    let sent = 0;
    for (const pr of prs) {
      const res = await deliverGithub(base, opts.githubSecret, 'pull_request', pullRequestPayload(pr.sample, pr.number, 'opened', pr.headSha));
      sent++;
      if (res.status === 401) throw new DemoError('POST /webhook/github answered 401: the stack runs with another GITHUB_WEBHOOK_SECRET than the demo was given');
      if (res.status !== 202 || typeof res.json.id !== 'string') throw new DemoError(`POST /webhook/github answered ${res.status}: ${JSON.stringify(res.json).slice(0, 300)}`);
      log(`github ${pr.sample.repository}#${pr.number} opened (${pr.sample.source}/main.tf as ${pr.sample.path}) → review ${res.json.id}`);
      ids.push(res.json.id);
    }
    const reviewed = await waitForReviews(api, ids, opts.timeoutMs ?? 60_000);
    const failed = reviewed.filter((r) => r.review.status === 'failed');
    if (failed.length) throw new DemoError(`pull request review(s) ${failed.map((r) => r.id).join(', ')} failed: is the stack's GITHUB_API_URL ${opts.githubApiUrl}?`);
    for (const pr of prs) {
      const res = await deliverGithub(base, opts.githubSecret, 'pull_request', pullRequestPayload(pr.sample, pr.number, 'closed', pr.headSha));
      sent++;
      if (res.status !== 202) throw new DemoError(`POST /webhook/github (closed) answered ${res.status}: ${JSON.stringify(res.json).slice(0, 300)}`);
      log(`github ${pr.sample.repository}#${pr.number} ${pr.sample.merge ? 'merged' : 'closed unmerged'} → ${String(res.json.status)}`);
    }
    // The stack publishes after each review and outcome, asynchronously (writes spaced by
    // GITHUB_MIN_WRITE_INTERVAL_MS): keep serving until every pull request has its check run and no
    // request came for a while, or (a stack without GITHUB_TOKEN publishes nothing) nothing came at all.
    const isWrite = (r: { method: string }) => r.method !== 'GET';
    const published = () => prs.every((pr) => stub.checkRuns(pr.sample.repository).some((c) => c.head_sha === pr.headSha && c.status === 'completed'));
    await untilQuiet(() => stub.requests.length, 3000, opts.timeoutMs ?? 60_000, () => !stub.requests.some(isWrite) || published());
    const comments = prs.reduce((n, pr) => n + stub.comments(pr.sample.repository, pr.number).length, 0);
    const where = stub.requests.some(isWrite) ? `${comments} review comments published to the demo's GitHub` : 'nothing published: the stack has no GITHUB_TOKEN';
    notes.push({ source: 'github', sent, note: `${prs.length} pull requests reviewed (${where}), then ${prs.map((p) => (p.sample.merge ? 'merged' : 'closed')).join(' and ')}` });
    return ids;
  } finally {
    await stub.close();
  }
};

/** Resolves once `count` has not changed for `quietMs` while `done()` holds (or after `maxMs`). */
const untilQuiet = async (count: () => number, quietMs: number, maxMs: number, done: () => boolean = () => true): Promise<void> => {
  const end = Date.now() + maxMs;
  let last = count();
  let since = Date.now();
  while (Date.now() < end && (Date.now() - since < quietMs || !done())) {
    await sleep(100);
    const now = count();
    if (now !== last) {
      last = now;
      since = Date.now();
    }
  }
};
