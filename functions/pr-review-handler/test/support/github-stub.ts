/**
 * A loopback GitHub REST stub: serves pull-request files and contents, records issue comments,
 * check runs, commit statuses and pull-request reviews, and can answer with rate-limit responses
 * (primary: 403/429 with x-ratelimit-remaining 0 and x-ratelimit-reset; secondary: 403/429 with
 * retry-after). Real Octokit clients talk to it over HTTP.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface StubFile {
  filename: string;
  status: 'added' | 'modified' | 'removed' | 'renamed';
  patch?: string;
}

export interface RecordedRequest {
  method: string;
  path: string;
  /** `ref` of a contents read (the commit it asked for). */
  ref?: string;
  authorization?: string;
  /** Date.now() when it arrived. */
  at: number;
}

export interface Comment {
  id: number;
  body: string;
  created_at: string;
  updated_at: string;
}

export interface CheckRun {
  id: number;
  name: string;
  head_sha: string;
  status: string;
  conclusion?: string;
  output?: { title?: string; summary?: string; text?: string };
  updates: number;
}

export interface PullReview {
  id: number;
  commit_id: string;
  body: string;
  event: string;
  comments: Array<{ path: string; line: number; side?: string; body: string }>;
}

type RateLimit = { status: 403 | 429; kind: 'primary'; resetInSeconds: number } | { status: 403 | 429; kind: 'secondary'; retryAfterSeconds: number };

const PER_PAGE_MAX = 100;

export interface GitHubStub {
  url: string;
  requests: RecordedRequest[];
  /** `owner/repo#number` → files of the pull request (in listing order). */
  setPullRequestFiles(repository: string, pullRequest: number, files: StubFile[]): void;
  /** GET /repos/{owner}/{repo}/pulls/{number}: the pull request's base and head commits (404 until set). */
  setPullRequest(repository: string, pullRequest: number, pr: { baseSha: string; headSha: string; baseRef?: string }): void;
  /** Contents at a commit: `path` → text. */
  setContents(repository: string, sha: string, files: Record<string, string>): void;
  comments(repository: string, pullRequest: number): Comment[];
  checkRuns(repository: string): CheckRun[];
  statuses(repository: string): Array<{ sha: string; state: string; context: string }>;
  reviews(repository: string, pullRequest: number): PullReview[];
  /** The next `count` requests (optionally only those whose path matches) get this rate-limit answer. */
  rateLimitNext(limit: RateLimit, count?: number, match?: RegExp): void;
  /** The next `count` writes (non-GET) fail with this status (e.g. 502) before being applied. */
  failWritesNext(status: number, count?: number): void;
  /** Check-run creation answers 403 (as for a personal token, which cannot create check runs). */
  refuseCheckRuns(refuse: boolean): void;
  close(): Promise<void>;
}

const readBody = (req: IncomingMessage): Promise<string> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });

/** `port` 0 (default): any free port; the demo (scripts/src/demo) passes the one GITHUB_API_URL names. */
export const startGitHubStub = async (opts: { port?: number } = {}): Promise<GitHubStub> => {
  const prFiles = new Map<string, StubFile[]>();
  const pulls = new Map<string, { baseSha: string; headSha: string; baseRef?: string }>();
  const contents = new Map<string, Map<string, string>>();
  const comments = new Map<string, Comment[]>();
  const checkRuns = new Map<string, CheckRun[]>();
  const statuses = new Map<string, Array<{ sha: string; state: string; context: string }>>();
  const reviews = new Map<string, PullReview[]>();
  const requests: RecordedRequest[] = [];
  const limits: Array<{ limit: RateLimit; match?: RegExp }> = [];
  const writeFailures: number[] = [];
  let refuseChecks = false;
  let nextId = 1000;
  let base = '';

  const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'x-ratelimit-remaining': '4999', 'x-ratelimit-limit': '5000', ...headers });
    res.end(text);
  };
  const notFound = (res: ServerResponse) => json(res, 404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' });

  const page = <T>(res: ServerResponse, url: URL, items: T[]) => {
    const perPage = Math.min(Number(url.searchParams.get('per_page') ?? 30), PER_PAGE_MAX);
    const pageNo = Math.max(1, Number(url.searchParams.get('page') ?? 1));
    const slice = items.slice((pageNo - 1) * perPage, pageNo * perPage);
    const headers: Record<string, string> = {};
    if (pageNo * perPage < items.length) {
      const next = new URL(url.toString());
      next.searchParams.set('page', String(pageNo + 1));
      next.searchParams.set('per_page', String(perPage));
      headers.link = `<${base}${next.pathname}${next.search}>; rel="next"`;
    }
    json(res, 200, slice, headers);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://stub');
    const method = req.method ?? 'GET';
    const path = decodeURIComponent(url.pathname);
    const ref = url.searchParams.get('ref');
    requests.push({ method, path, at: Date.now(), ...(ref ? { ref } : {}), ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}) });
    const raw = await readBody(req);
    const body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};

    const limitIndex = limits.findIndex((l) => !l.match || l.match.test(path));
    if (limitIndex >= 0) {
      const { limit } = limits.splice(limitIndex, 1)[0]!;
      if (limit.kind === 'primary') {
        json(res, limit.status, { message: 'API rate limit exceeded for installation.', documentation_url: 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api' }, {
          'x-ratelimit-remaining': '0',
          'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + limit.resetInSeconds),
        });
      } else {
        json(res, limit.status, { message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.' }, { 'retry-after': String(limit.retryAfterSeconds) });
      }
      return;
    }
    if (method !== 'GET' && writeFailures.length > 0) {
      json(res, writeFailures.shift()!, { message: 'Server Error' });
      return;
    }

    let m: RegExpExecArray | null;
    if ((m = /^\/app\/installations\/(\d+)\/access_tokens$/.exec(path)) && method === 'POST') {
      // GitHub App: an installation token for a valid-looking app JWT.
      if (!/^bearer [\w-]+\.[\w-]+\.[\w-]+$/i.test(req.headers.authorization ?? '')) return json(res, 401, { message: 'A JSON web token could not be decoded' });
      return json(res, 201, { token: `ghs_installation_${m[1]}`, expires_at: new Date(Date.now() + 3600_000).toISOString(), permissions: { pull_requests: 'write', checks: 'write', contents: 'read' }, repository_selection: 'all' });
    }
    if ((m = /^\/repos\/([^/]+\/[^/]+)\/installation$/.exec(path)) && method === 'GET') {
      // GitHub App: which installation covers a repository (asked with the app JWT).
      if (!/^bearer [\w-]+\.[\w-]+\.[\w-]+$/i.test(req.headers.authorization ?? '')) return json(res, 401, { message: 'A JSON web token could not be decoded' });
      return json(res, 200, { id: 777, account: { login: m[1]!.split('/')[0] }, app_id: 12345 });
    }
    if ((m = /^\/repos\/([^/]+\/[^/]+)\/pulls\/(\d+)\/files$/.exec(path)) && method === 'GET') {
      const files = prFiles.get(`${m[1]}#${m[2]}`);
      if (!files) return notFound(res);
      // GitHub lists at most 3000 files.
      return page(res, url, files.slice(0, 3000).map((f) => ({ sha: 'x', additions: 1, deletions: 0, changes: 1, ...f })));
    }
    if ((m = /^\/repos\/([^/]+\/[^/]+)\/pulls\/(\d+)$/.exec(path)) && method === 'GET') {
      const pr = pulls.get(`${m[1]}#${m[2]}`);
      if (!pr) return notFound(res);
      const [owner, repo] = m[1]!.split('/');
      const side = (ref: string, sha: string) => ({ label: `${owner}:${ref}`, ref, sha, repo: { full_name: m![1], name: repo, owner: { login: owner } } });
      return json(res, 200, { number: Number(m[2]), state: 'open', draft: false, base: side(pr.baseRef ?? 'main', pr.baseSha), head: side('feature', pr.headSha) });
    }
    if ((m = /^\/repos\/([^/]+\/[^/]+)\/contents(?:\/(.*))?$/.exec(path)) && method === 'GET') {
      const files = contents.get(`${m[1]}@${url.searchParams.get('ref')}`);
      const p = (m[2] ?? '').replace(/\/+$/, '');
      if (!files) return notFound(res);
      const text = files.get(p);
      if (text !== undefined) {
        if ((req.headers.accept ?? '').includes('raw')) {
          res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
          res.end(text);
          return;
        }
        return json(res, 200, { type: 'file', path: p, name: p.split('/').pop(), size: Buffer.byteLength(text), encoding: 'base64', content: Buffer.from(text).toString('base64') });
      }
      const prefix = p === '' ? '' : `${p}/`;
      const entries = new Map<string, { type: string; path: string; name: string; size: number }>();
      for (const [fp, t] of files) {
        if (!fp.startsWith(prefix)) continue;
        const rest = fp.slice(prefix.length);
        const name = rest.split('/')[0]!;
        const isDir = rest.includes('/');
        entries.set(name, { type: isDir ? 'dir' : 'file', path: `${prefix}${name}`, name, size: isDir ? 0 : Buffer.byteLength(t) });
      }
      if (entries.size === 0) return notFound(res);
      return json(res, 200, [...entries.values()]);
    }
    if ((m = /^\/repos\/([^/]+\/[^/]+)\/issues\/(\d+)\/comments$/.exec(path))) {
      const key = `${m[1]}#${m[2]}`;
      const list = comments.get(key) ?? [];
      comments.set(key, list);
      if (method === 'GET') return page(res, url, list);
      if (method === 'POST') {
        const now = new Date().toISOString();
        const c: Comment = { id: nextId++, body: String(body.body), created_at: now, updated_at: now };
        list.push(c);
        return json(res, 201, c);
      }
    }
    if ((m = /^\/repos\/([^/]+\/[^/]+)\/issues\/comments\/(\d+)$/.exec(path))) {
      for (const [key, list] of comments) {
        if (!key.startsWith(`${m[1]}#`)) continue;
        const i = list.findIndex((c) => c.id === Number(m![2]));
        if (i < 0) continue;
        if (method === 'PATCH') {
          list[i] = { ...list[i]!, body: String(body.body), updated_at: new Date().toISOString() };
          return json(res, 200, list[i]);
        }
        if (method === 'DELETE') {
          list.splice(i, 1);
          res.writeHead(204).end();
          return;
        }
      }
      return notFound(res);
    }
    if ((m = /^\/repos\/([^/]+\/[^/]+)\/commits\/([^/]+)\/check-runs$/.exec(path)) && method === 'GET') {
      const name = url.searchParams.get('check_name');
      const runs = (checkRuns.get(m[1]!) ?? []).filter((r) => r.head_sha === m![2] && (!name || r.name === name));
      return json(res, 200, { total_count: runs.length, check_runs: runs });
    }
    if ((m = /^\/repos\/([^/]+\/[^/]+)\/check-runs$/.exec(path)) && method === 'POST') {
      if (refuseChecks) return json(res, 403, { message: 'Resource not accessible by personal access token' });
      const list = checkRuns.get(m[1]!) ?? [];
      checkRuns.set(m[1]!, list);
      const run: CheckRun = { id: nextId++, name: String(body.name), head_sha: String(body.head_sha), status: String(body.status ?? 'queued'), ...(body.conclusion ? { conclusion: String(body.conclusion) } : {}), ...(body.output ? { output: body.output as CheckRun['output'] } : {}), updates: 0 };
      list.push(run);
      return json(res, 201, run);
    }
    if ((m = /^\/repos\/([^/]+\/[^/]+)\/check-runs\/(\d+)$/.exec(path)) && method === 'PATCH') {
      const run = (checkRuns.get(m[1]!) ?? []).find((r) => r.id === Number(m![2]));
      if (!run) return notFound(res);
      Object.assign(run, { status: body.status ?? run.status, conclusion: body.conclusion ?? run.conclusion, output: body.output ?? run.output, updates: run.updates + 1 });
      return json(res, 200, run);
    }
    if ((m = /^\/repos\/([^/]+\/[^/]+)\/statuses\/([0-9a-f]+)$/.exec(path)) && method === 'POST') {
      const list = statuses.get(m[1]!) ?? [];
      statuses.set(m[1]!, list);
      const s = { sha: m[2]!, state: String(body.state), context: String(body.context) };
      list.push(s);
      return json(res, 201, { id: nextId++, ...s });
    }
    if ((m = /^\/repos\/([^/]+\/[^/]+)\/pulls\/(\d+)\/reviews$/.exec(path))) {
      const key = `${m[1]}#${m[2]}`;
      const list = reviews.get(key) ?? [];
      reviews.set(key, list);
      if (method === 'GET') return page(res, url, list);
      if (method === 'POST') {
        const r: PullReview = { id: nextId++, commit_id: String(body.commit_id), body: String(body.body ?? ''), event: String(body.event), comments: (body.comments as PullReview['comments']) ?? [] };
        list.push(r);
        return json(res, 200, r);
      }
    }
    return notFound(res);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => json(res, 500, { message: String(err) }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: base,
    requests,
    setPullRequestFiles: (repository, pullRequest, files) => void prFiles.set(`${repository}#${pullRequest}`, files),
    setPullRequest: (repository, pullRequest, pr) => void pulls.set(`${repository}#${pullRequest}`, pr),
    setContents: (repository, sha, files) => void contents.set(`${repository}@${sha}`, new Map(Object.entries(files))),
    comments: (repository, pullRequest) => comments.get(`${repository}#${pullRequest}`) ?? [],
    checkRuns: (repository) => checkRuns.get(repository) ?? [],
    statuses: (repository) => statuses.get(repository) ?? [],
    reviews: (repository, pullRequest) => reviews.get(`${repository}#${pullRequest}`) ?? [],
    rateLimitNext: (limit, count = 1, match) => {
      for (let i = 0; i < count; i++) limits.push(match ? { limit, match } : { limit });
    },
    failWritesNext: (status, count = 1) => {
      for (let i = 0; i < count; i++) writeFailures.push(status);
    },
    refuseCheckRuns: (refuse) => {
      refuseChecks = refuse;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
};
