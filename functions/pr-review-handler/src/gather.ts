import type { GitHubClient } from './github-client';

/** GitHub lists at most this many files of a pull request (REST "List pull requests files"). */
export const GITHUB_PR_FILES_CAP = 3000;

export interface PrFile {
  filename: string;
  status: string;
  patch?: string;
  previous_filename?: string;
}

export interface GatherLimits {
  /** Most Terraform files fetched (changed plus unchanged context). */
  maxFiles: number;
  /** Largest single file fetched, in bytes. */
  maxFileBytes: number;
  /** Total bytes of source handed to the reviewer. */
  maxTotalBytes: number;
}

export const DEFAULT_LIMITS: GatherLimits = { maxFiles: 300, maxFileBytes: 1024 * 1024, maxTotalBytes: 8 * 1024 * 1024 };

export interface Gathered {
  /** Changed files first; unchanged files fetched to evaluate them carry `context: true` (not judged). */
  files: Array<{ path: string; content: string; context?: boolean }>;
  /** Changed files as listed (with patches), for inline comments on changed lines. */
  changed: PrFile[];
  /** What was left out and why: shown with the review (never silent truncation). */
  notes: string[];
  /** GitHub's 3000-file listing cap was reached: files beyond it were never seen. */
  capped: boolean;
  listed: number;
  /** Changed Terraform files in the listing (deleted ones included). */
  terraformChanged: number;
}

export interface PullRequestCoordinates {
  owner: string;
  repo: string;
  pullRequest: number;
  headSha: string;
  /** `changed_files` from the webhook, when known (tells whether the listing was capped). */
  changedFiles?: number;
}

const TERRAFORM = /\.(tf|tfvars|tf\.json)$/;
const AUTO_VARS = /(^|\/)(terraform\.tfvars|[^/]*\.auto\.tfvars)$/;
/** `source = "./…"` / `"../…"` of a module block: local modules the evaluation needs. */
const LOCAL_MODULE_SOURCE = /^\s*source\s*=\s*"(\.\.?\/[^"]*)"/gm;
/** How many levels of local modules are followed from the changed directories. */
const MAX_MODULE_DEPTH = 4;

const joinPath = (dir: string, rel: string): string | undefined => {
  const out: string[] = dir ? dir.split('/') : [];
  for (const part of rel.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (out.length === 0) return undefined; // outside the repository
      out.pop();
    } else out.push(part);
  }
  return out.join('/');
};

/** Directories of local modules that a file's module blocks call. */
export const localModuleDirs = (dir: string, content: string): string[] => {
  const out: string[] = [];
  for (const m of content.matchAll(LOCAL_MODULE_SOURCE)) {
    const target = joinPath(dir, m[1]!);
    if (target !== undefined && !out.includes(target)) out.push(target);
  }
  return out;
};

const dirOf = (path: string): string => (path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '');

export const isTerraformPath = (path: string): boolean => TERRAFORM.test(path);

/** Lists a pull request's files (100 per page, up to GitHub's cap). */
export const listPullRequestFiles = async (gh: GitHubClient, pr: PullRequestCoordinates): Promise<{ files: PrFile[]; capped: boolean }> => {
  const files = (await gh.paginate('GET /repos/{owner}/{repo}/pulls/{pull_number}/files', {
    owner: pr.owner,
    repo: pr.repo,
    pull_number: pr.pullRequest,
    per_page: 100,
  })) as PrFile[];
  const capped = files.length >= GITHUB_PR_FILES_CAP || (pr.changedFiles !== undefined && pr.changedFiles > files.length);
  return { files, capped };
};

/** A file's text at a commit (raw media type: no base64, files up to 100 MB). undefined when absent. */
export const fetchFile = async (gh: GitHubClient, pr: PullRequestCoordinates, path: string): Promise<string | undefined> => {
  try {
    const res = await gh.request('GET /repos/{owner}/{repo}/contents/{path}', {
      owner: pr.owner,
      repo: pr.repo,
      path,
      ref: pr.headSha,
      headers: { accept: 'application/vnd.github.raw+json' },
    });
    const data: unknown = res.data;
    if (typeof data === 'string') return data;
    if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
    if (ArrayBuffer.isView(data)) return Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('utf8');
    return undefined;
  } catch (err) {
    if ((err as { status?: number }).status === 404) return undefined;
    throw err;
  }
};

const listDirectory = async (gh: GitHubClient, pr: PullRequestCoordinates, dir: string): Promise<Array<{ path: string; type: string; size: number }>> => {
  try {
    const res = await gh.request('GET /repos/{owner}/{repo}/contents/{path}', { owner: pr.owner, repo: pr.repo, path: dir, ref: pr.headSha });
    return Array.isArray(res.data) ? (res.data as Array<{ path: string; type: string; size: number }>) : [];
  } catch (err) {
    if ((err as { status?: number }).status === 404) return [];
    throw err;
  }
};

/**
 * Collects what to review for a push: the changed `.tf`/`.tfvars`/`.tf.json` files at the head SHA,
 * plus the unchanged files of the same directories that only declare inputs (variables, locals,
 * auto-loaded tfvars) so expressions can be evaluated. Everything left out is named in `notes`.
 */
export const gatherTerraform = async (gh: GitHubClient, pr: PullRequestCoordinates, limits: GatherLimits = DEFAULT_LIMITS): Promise<Gathered> => {
  const notes: string[] = [];
  const { files: listed, capped } = await listPullRequestFiles(gh, pr);
  if (capped) {
    notes.push(
      `GitHub lists at most ${GITHUB_PR_FILES_CAP} files of a pull request; this one has ${pr.changedFiles !== undefined ? pr.changedFiles : 'more'}, so files beyond the first ${listed.length} were not reviewed. Submit a plan (terraform show -json) to review the whole change.`,
    );
  }
  const changed = listed.filter((f) => isTerraformPath(f.filename));
  const removed = changed.filter((f) => f.status === 'removed');
  if (removed.length > 0) {
    notes.push(`${removed.length} deleted Terraform file(s) (${removed.slice(0, 5).map((f) => f.filename).join(', ')}${removed.length > 5 ? ', …' : ''}): deletions are only visible in a plan.`);
  }
  const wanted = changed.filter((f) => f.status !== 'removed');
  const out: Array<{ path: string; content: string; context?: boolean }> = [];
  let total = 0;
  const skipped: string[] = [];
  const take = (path: string, content: string, why: 'changed' | 'context'): void => {
    const bytes = Buffer.byteLength(content, 'utf8');
    if (bytes > limits.maxFileBytes) {
      skipped.push(`${path} (${Math.round(bytes / 1024)} KB, over the ${Math.round(limits.maxFileBytes / 1024)} KB per-file limit)`);
      return;
    }
    if (total + bytes > limits.maxTotalBytes || out.length >= limits.maxFiles) {
      skipped.push(`${path} (${why === 'changed' ? 'changed' : 'context'}; over the review's ${limits.maxFiles}-file / ${Math.round(limits.maxTotalBytes / 1024 / 1024)} MB budget)`);
      return;
    }
    total += bytes;
    out.push(why === 'context' ? { path, content, context: true } : { path, content });
  };

  for (const f of wanted) {
    const content = await fetchFile(gh, pr, f.filename);
    if (content === undefined) {
      skipped.push(`${f.filename} (not found at ${pr.headSha.slice(0, 12)})`);
      continue;
    }
    take(f.filename, content, 'changed');
  }

  // The unchanged files of the changed modules, and of the local modules they call, so the change
  // evaluates as Terraform would (variables, locals, referenced resources, module bodies). They are
  // marked `context`: evaluated, never judged, unless a changed file calls their module.
  const have = new Set(listed.map((f) => f.filename));
  const queued = new Set<string>();
  let frontier = [...new Set(wanted.map((f) => dirOf(f.filename)))].sort();
  for (const f of out) for (const d of localModuleDirs(dirOf(f.path), f.content)) frontier.push(d);
  for (let depth = 0; frontier.length > 0 && depth <= MAX_MODULE_DEPTH; depth++) {
    const next: string[] = [];
    for (const dir of [...new Set(frontier)].sort()) {
      if (queued.has(dir)) continue;
      queued.add(dir);
      const entries = await listDirectory(gh, pr, dir);
      for (const e of entries.filter((x) => x.type === 'file' && !have.has(x.path)).sort((a, b) => a.path.localeCompare(b.path))) {
        const isConfig = e.path.endsWith('.tf') || e.path.endsWith('.tf.json');
        if (!isConfig && !AUTO_VARS.test(e.path)) continue;
        if (e.size > limits.maxFileBytes) {
          skipped.push(`${e.path} (context; ${Math.round(e.size / 1024)} KB, over the ${Math.round(limits.maxFileBytes / 1024)} KB per-file limit)`);
          continue;
        }
        const content = await fetchFile(gh, pr, e.path);
        if (content === undefined) continue;
        have.add(e.path);
        take(e.path, content, 'context');
        if (e.path.endsWith('.tf')) next.push(...localModuleDirs(dir, content));
      }
    }
    frontier = next;
  }
  if (frontier.some((d) => !queued.has(d))) notes.push(`Local modules nested more than ${MAX_MODULE_DEPTH} levels below the changed directories were not fetched; their resources are listed as not reviewed.`);
  if (skipped.length > 0) notes.push(`${skipped.length} file(s) not reviewed: ${skipped.slice(0, 10).join('; ')}${skipped.length > 10 ? '; …' : ''}.`);
  const others = listed.length - changed.length;
  if (others > 0) notes.push(`${others} changed file(s) are not Terraform and were not reviewed.`);
  return { files: out, changed: listed, notes, capped, listed: listed.length, terraformChanged: changed.length };
};
