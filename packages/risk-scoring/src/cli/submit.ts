import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import type { CliIo } from './run-cli';

export const SUBMIT_USAGE = `Usage: iac-review submit [options] PLAN

Posts a plan (terraform show -json output) to the IaC Review API for a GitHub pull request's head
commit: the plan becomes the reviewed input of that push ("reviewed from plan" in the PR comment).

  PLAN                  plan JSON file, or - for stdin
  --api-url URL         IaC Review API base URL            (default: $IAC_REVIEW_API_URL)
  --repository O/N      GitHub repository                  (default: $GITHUB_REPOSITORY)
  --pull-request N      pull request number                (default: from $GITHUB_EVENT_PATH)
  --head-sha SHA        the PR's head commit (not GITHUB_SHA, which is the merge commit)
                                                           (default: from $GITHUB_EVENT_PATH)
  --title TEXT          title shown with the review
  --format text|json    what to print on success (default text)
The API key is read from $IAC_REVIEW_API_KEY (never a flag: flags show in process lists and logs).
Exit codes: 0 accepted, 1 the API refused or could not be reached, 2 usage error or unusable plan.
`;

class UsageError extends Error {
  override name = 'UsageError';
}

export interface SubmitEnv {
  IAC_REVIEW_API_URL?: string;
  IAC_REVIEW_API_KEY?: string;
  GITHUB_REPOSITORY?: string;
  GITHUB_EVENT_PATH?: string;
}

interface Options {
  apiUrl: string;
  apiKey: string;
  repository: string;
  pullRequest: number;
  headSha: string;
  title?: string;
  format: 'text' | 'json';
  file: string;
}

const REPO = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/;
const SHA = /^[0-9a-f]{40}$/;
/** Above this the body is sent gzip-compressed (the API accepts Content-Encoding: gzip). */
const GZIP_OVER_BYTES = 256 * 1024;

const fromEvent = (path: string | undefined): { pullRequest?: number; headSha?: string } => {
  if (!path) return {};
  try {
    const event = JSON.parse(readFileSync(path, 'utf8')) as { pull_request?: { number?: unknown; head?: { sha?: unknown } } };
    const pr = event.pull_request;
    return {
      ...(typeof pr?.number === 'number' ? { pullRequest: pr.number } : {}),
      ...(typeof pr?.head?.sha === 'string' ? { headSha: pr.head.sha } : {}),
    };
  } catch {
    return {};
  }
};

const parse = (argv: string[], env: SubmitEnv): Options | 'help' => {
  const flags: Record<string, string> = {};
  const files: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--help' || arg === '-h') return 'help';
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      const name = eq > 0 ? arg.slice(2, eq) : arg.slice(2);
      if (!['api-url', 'repository', 'pull-request', 'head-sha', 'title', 'format'].includes(name)) {
        throw new UsageError(name === 'api-key' ? 'the API key is read from $IAC_REVIEW_API_KEY, not from a flag' : `unknown option --${name}`);
      }
      const value = eq > 0 ? arg.slice(eq + 1) : argv[++i];
      if (value === undefined) throw new UsageError(`--${name} needs a value`);
      flags[name] = value;
    } else files.push(arg);
  }
  if (files.length !== 1) throw new UsageError(files.length === 0 ? 'missing PLAN (a file, or - for stdin)' : 'give exactly one PLAN');
  const ev = fromEvent(env.GITHUB_EVENT_PATH);
  const apiUrl = (flags['api-url'] ?? env.IAC_REVIEW_API_URL ?? '').replace(/\/+$/, '');
  const apiKey = env.IAC_REVIEW_API_KEY ?? '';
  const repository = flags.repository ?? env.GITHUB_REPOSITORY ?? '';
  const prRaw = flags['pull-request'] ?? (ev.pullRequest !== undefined ? String(ev.pullRequest) : '');
  const headSha = (flags['head-sha'] ?? ev.headSha ?? '').toLowerCase();
  const format = flags.format ?? 'text';
  if (!/^https?:\/\//.test(apiUrl)) throw new UsageError('--api-url (or $IAC_REVIEW_API_URL) must be the API base URL, e.g. https://api.example.com/prod');
  if (!apiKey) throw new UsageError('$IAC_REVIEW_API_KEY is not set (an API key with the reviews:write scope)');
  if (!REPO.test(repository)) throw new UsageError('--repository (or $GITHUB_REPOSITORY) must be owner/name');
  if (!/^[1-9]\d{0,9}$/.test(prRaw)) throw new UsageError('--pull-request must be the pull request number (in a pull_request workflow it is read from $GITHUB_EVENT_PATH)');
  if (!SHA.test(headSha)) throw new UsageError('--head-sha must be the 40-character head commit SHA (github.event.pull_request.head.sha)');
  if (format !== 'text' && format !== 'json') throw new UsageError('--format must be text or json');
  return { apiUrl, apiKey, repository, pullRequest: Number(prRaw), headSha, ...(flags.title ? { title: flags.title } : {}), format, file: files[0]! };
};

/** `review submit`: posts the plan and prints the review id (exit 0), or why not (1: the API; 2: usage/input). */
export async function runSubmit(argv: string[], io: CliIo, env: SubmitEnv, fetchImpl: typeof fetch = fetch): Promise<number> {
  let opts: Options | 'help';
  try {
    opts = parse(argv, env);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    io.stderr(`review submit: ${err.message}\n\n${SUBMIT_USAGE}`);
    return 2;
  }
  if (opts === 'help') {
    io.stdout(SUBMIT_USAGE);
    return 0;
  }
  let text: string;
  try {
    text = opts.file === '-' ? await io.readStdin() : readFileSync(opts.file, 'utf8');
  } catch (err) {
    io.stderr(`review submit: cannot read ${opts.file}: ${(err as Error).message}\n`);
    return 2;
  }
  let plan: unknown;
  try {
    plan = JSON.parse(text);
  } catch {
    io.stderr(`review submit: ${opts.file} is not JSON; pass the output of terraform show -json <planfile>\n`);
    return 2;
  }
  if (typeof plan !== 'object' || plan === null || typeof (plan as { format_version?: unknown }).format_version !== 'string' || !Array.isArray((plan as { resource_changes?: unknown }).resource_changes)) {
    io.stderr(`review submit: ${opts.file} is not terraform show -json output (format_version and resource_changes are missing)\n`);
    return 2;
  }
  const body = Buffer.from(JSON.stringify({ repository: opts.repository, pullRequest: opts.pullRequest, headSha: opts.headSha, plan, ...(opts.title ? { title: opts.title } : {}) }), 'utf8');
  const gzip = body.length > GZIP_OVER_BYTES;
  let res: Response;
  try {
    res = await fetchImpl(`${opts.apiUrl}/reviews`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': opts.apiKey, 'user-agent': 'iac-review-submit', ...(gzip ? { 'content-encoding': 'gzip' } : {}) },
      body: gzip ? gzipSync(body) : body,
    });
  } catch (err) {
    io.stderr(`review submit: cannot reach ${opts.apiUrl}: ${(err as Error).message}\n`);
    return 1;
  }
  const answer = (await res.text().then((t) => (t ? (JSON.parse(t) as Record<string, unknown>) : {})).catch(() => ({}))) as Record<string, unknown>;
  if (res.status !== 202) {
    const why = typeof answer.detail === 'string' ? answer.detail : typeof answer.title === 'string' ? answer.title : `HTTP ${res.status}`;
    const retry = res.headers.get('retry-after');
    io.stderr(`review submit: the API refused the plan (${res.status}): ${why}${retry ? ` (retry after ${retry} s)` : ''}\n`);
    return 1;
  }
  const id = String(answer.id ?? '');
  const url = `${opts.apiUrl}/reviews/${encodeURIComponent(id)}`;
  if (opts.format === 'json') io.stdout(`${JSON.stringify({ ...answer, url })}\n`);
  else io.stdout(`submitted: review ${id} version ${String(answer.version ?? '?')} for ${opts.repository}#${opts.pullRequest} at ${opts.headSha.slice(0, 12)}\n${url}\n`);
  return 0;
}
