/**
 * Signed sample GitHub deliveries for the demo: GitHub's own example `pull_request` payloads
 * (@octokit/webhooks-examples), re-pointed at demo repositories, signed like GitHub signs them.
 * The stack reads the pull requests' files from GITHUB_API_URL; the demo serves them there (the
 * loopback GitHub REST stub the pull-request tests use) while it runs, from the Terraform sources
 * of the offline plans, and receives what the stack publishes (sticky comment, check run).
 */
import examples from '@octokit/webhooks-examples';
import { createHash, createHmac, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { startGitHubStub, type GitHubStub } from '../../../functions/pr-review-handler/test/support/github-stub';
import { repoRoot } from '../lib/repo';

/** The Terraform sources the offline plans were made from. */
const TF_DIR = join(repoRoot, 'packages', 'risk-scoring', 'test', 'fixtures', 'tf');

export interface GithubSample {
  repository: string;
  /** A folder of TF_DIR whose main.tf the pull request adds. */
  source: string;
  path: string;
  title: string;
  branch: string;
  /** Merged after the review (an outcome the trends count). */
  merge: boolean;
}

export const GITHUB_SAMPLES: readonly GithubSample[] = [
  { repository: 'acme/network', source: 'iam-network', path: 'envs/prod/network.tf', title: 'Bastion access for the on-call rotation', branch: 'ops/bastion-access', merge: true },
  { repository: 'acme/data', source: 'data-logging-secrets', path: 'warehouse/main.tf', title: 'Analytics warehouse, first cut', branch: 'feature/warehouse', merge: false },
];

type Payload = Record<string, unknown> & {
  action: string;
  number: number;
  pull_request: Record<string, unknown> & { number: number; title: string; head: Record<string, unknown>; base: Record<string, unknown> };
  repository: Record<string, unknown>;
};

/** GitHub's example delivery for `pull_request.<action>`, as a fresh copy. */
const example = (action: string): Payload => {
  const def = (examples as unknown as Array<{ name: string; examples: Payload[] }>).find((d) => d.name === 'pull_request');
  const found = def?.examples.find((e) => e.action === action);
  if (!found) throw new Error(`@octokit/webhooks-examples has no pull_request.${action} example`);
  return structuredClone(found);
};

const sha = (seed: string): string => createHash('sha1').update(seed).digest('hex');

/** The example re-pointed at one demo pull request. */
export const pullRequestPayload = (s: GithubSample, number: number, action: 'opened' | 'closed', headSha: string): Payload => {
  const p = example(action);
  const [owner = 'acme', name = 'repo'] = s.repository.split('/');
  p.number = number;
  p.repository = { ...p.repository, name, full_name: s.repository, owner: { ...(p.repository.owner as object), login: owner }, html_url: `https://github.com/${s.repository}` };
  p.pull_request = {
    ...p.pull_request,
    number,
    title: s.title,
    html_url: `https://github.com/${s.repository}/pull/${number}`,
    draft: false,
    changed_files: 1,
    head: { ...p.pull_request.head, sha: headSha, ref: s.branch },
    base: { ...p.pull_request.base, sha: sha(`${s.repository}:main`), ref: 'main' },
    ...(action === 'closed' ? { merged: s.merge, merged_at: s.merge ? new Date().toISOString() : null, closed_at: new Date().toISOString(), merge_commit_sha: s.merge ? sha(`${headSha}:merge`) : null } : {}),
  };
  return p;
};

export interface GithubDelivery {
  status: number;
  json: Record<string, unknown>;
}

/** X-Hub-Signature-256 as GitHub computes it: HMAC-SHA256 of the raw body (node:crypto, so `npm run demo` needs no ESM-only package). */
export const signGithub = (secret: string, rawBody: string): string => `sha256=${createHmac('sha256', secret).update(rawBody).digest('hex')}`;

/** Posts one delivery signed with X-Hub-Signature-256, as GitHub does. */
export const deliverGithub = async (baseUrl: string, secret: string, event: string, payload: unknown): Promise<GithubDelivery> => {
  const raw = JSON.stringify(payload);
  const res = await fetch(`${baseUrl}/webhook/github`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-github-event': event, 'x-github-delivery': randomUUID(), 'x-hub-signature-256': signGithub(secret, raw) },
    body: raw,
  });
  return { status: res.status, json: (await res.json().catch(() => ({}))) as Record<string, unknown> };
};

/** The port of a loopback GITHUB_API_URL (where the demo can serve GitHub), else undefined. */
export const loopbackPort = (apiUrl: string | undefined): number | undefined => {
  if (!apiUrl) return undefined;
  try {
    const u = new URL(apiUrl);
    const loopback = u.hostname === '127.0.0.1' || u.hostname === 'localhost' || u.hostname === '[::1]';
    return u.protocol === 'http:' && loopback && u.port && (u.pathname === '/' || u.pathname === '') ? Number(u.port) : undefined;
  } catch {
    return undefined;
  }
};

/** The kernel's range for ephemeral ports (Linux: /proc; elsewhere the IANA range). */
export const ephemeralPortRange = (read: () => string = () => readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8')): [number, number] => {
  try {
    const [low, high] = read().trim().split(/\s+/).map(Number);
    if (low && high && low > 1024 && high >= low) return [low, high];
  } catch {
    // not Linux: fall through
  }
  return [49152, 65535];
};

const bindsNow = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });

/**
 * A loopback port to name in GITHUB_API_URL before the stack starts, for the demo to serve later.
 * Not one the kernel hands out (port 0 or an outgoing connection's source port), which another
 * process could take in the meantime: a free one below the ephemeral range, picked at random.
 */
export const demoGithubPort = async (random: () => number = Math.random): Promise<number> => {
  const [low] = ephemeralPortRange();
  const from = 10_000;
  const to = Math.max(from + 1000, low - 1);
  for (let i = 0; i < 200; i++) {
    const port = from + Math.floor(random() * (to - from));
    if (port < low && (await bindsNow(port))) return port;
  }
  throw new Error(`no free loopback port between ${from} and ${to - 1}`);
};

/** Serves the samples' pull requests (files and contents at their head commits) on `port`. */
export const serveSamplePullRequests = async (port: number, prs: Array<{ sample: GithubSample; number: number; headSha: string }>): Promise<GitHubStub> => {
  const stub = await startGitHubStub({ port });
  for (const { sample, number, headSha } of prs) {
    const content = readFileSync(join(TF_DIR, sample.source, 'main.tf'), 'utf8');
    const lines = content.trimEnd().split('\n');
    stub.setPullRequestFiles(sample.repository, number, [{ filename: sample.path, status: 'added', patch: `@@ -0,0 +1,${lines.length} @@\n${lines.map((l) => `+${l}`).join('\n')}` }]);
    stub.setContents(sample.repository, headSha, { [sample.path]: content });
  }
  return stub;
};

export { sha as demoSha };
