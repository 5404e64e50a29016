import type { Finding, RiskLevel } from '@iac-review/core';
import { ambiguousPolicyFiles, CONFIG_FILES, ConfigError, parsePolicyConfig, policyDiff, type LoadedConfig } from '@iac-review/risk-scoring';
import { fetchFile, type PullRequestCoordinates } from './gather';
import type { GitHubClient } from './github-client';

/** A policy file read at one commit. */
export interface PolicyFile {
  path: string;
  content: string;
  /** Set when the commit has more than one policy file: why none of them applies. */
  ambiguous?: string;
}

/**
 * The team policy file (`.iac-review.yml`, `.yaml` or `.json` at the repository root) at a commit,
 * through the contents API (`ref` = that SHA); undefined when the repository has none there. All
 * three names are asked for: with two or more present, the first is returned marked `ambiguous`.
 */
export const fetchPolicyFile = async (gh: GitHubClient, pr: Pick<PullRequestCoordinates, 'owner' | 'repo' | 'pullRequest'>, ref: string): Promise<PolicyFile | undefined> => {
  const contents = await Promise.all(CONFIG_FILES.map((path) => fetchFile(gh, { ...pr, headSha: ref }, path)));
  const found = CONFIG_FILES.flatMap((path, i) => (contents[i] === undefined ? [] : [{ path, content: contents[i] }]));
  const first = found[0];
  if (!first) return undefined;
  const ambiguous = ambiguousPolicyFiles(found.map((f) => f.path), `commit ${ref.slice(0, 7)}`);
  return ambiguous ? { ...first, ambiguous } : first;
};

/** Parses a policy file: the config, or the one-line reason it is invalid (or why none applies). */
export const loadPolicy = (file: PolicyFile): LoadedConfig | string => {
  if (file.ambiguous) return file.ambiguous;
  try {
    return parsePolicyConfig(file.content, file.path);
  } catch (err) {
    if (err instanceof ConfigError) return err.message;
    throw err;
  }
};

/** Why the base branch's policy file was not applied (`reason`: what loadPolicy said). */
const notApplied = (file: PolicyFile, reason: string): string =>
  file.ambiguous ? `The base branch's policy was not applied: ${reason}.` : `The base branch's policy file is invalid and was not applied: ${reason}`;

/** The policy file at the base commit when it is valid, else the note saying why none applies. */
export const readBasePolicy = async (gh: GitHubClient, pr: Pick<PullRequestCoordinates, 'owner' | 'repo' | 'pullRequest'>, baseSha: string): Promise<{ file?: PolicyFile; note?: string }> => {
  const file = await fetchPolicyFile(gh, pr, baseSha);
  if (!file) return {};
  const loaded = loadPolicy(file);
  return typeof loaded === 'string' ? { note: notApplied(file, loaded) } : { file };
};

export interface PolicyView {
  /** The base branch's policy, when it has a valid one: its failOn is the check's threshold. */
  base?: LoadedConfig;
  failOn?: RiskLevel;
  /** Lines for the comment: which policy applied, and what the pull request's change to it would do. */
  lines: string[];
}

/**
 * What the comment says about the policy. The review used the base branch's file (the PR's own copy
 * is never applied, so a pull request cannot switch off its own checks); when the head's file
 * differs, the comment says so and what it would change in this review.
 */
export const describePolicy = async (gh: GitHubClient, pr: PullRequestCoordinates, baseSha: string, findings: readonly Finding[]): Promise<PolicyView> => {
  const [baseFile, headFile] = await Promise.all([fetchPolicyFile(gh, pr, baseSha), fetchPolicyFile(gh, pr, pr.headSha)]);
  const lines: string[] = [];
  const base = baseFile ? loadPolicy(baseFile) : undefined;
  if (typeof base === 'string') lines.push(notApplied(baseFile!, base));
  else if (base) lines.push(`Policy: \`${base.file}\` from the base branch (\`${baseSha.slice(0, 7)}\`).`);
  const changed = (baseFile?.path ?? '') !== (headFile?.path ?? '') || (baseFile?.content ?? '') !== (headFile?.content ?? '');
  if (changed) {
    const head = headFile ? loadPolicy(headFile) : undefined;
    const diff = policyDiff(typeof base === 'string' ? undefined : base, head, findings);
    if (diff.length > 0) {
      lines.push(`This pull request changes the policy file; the change applies only once merged (this review used the base branch's):`);
      for (const d of diff) lines.push(`- ${d}`);
    }
  }
  const view: PolicyView = { lines };
  if (base && typeof base !== 'string') {
    view.base = base;
    if (base.config.failOn) view.failOn = base.config.failOn;
  }
  return view;
};

export interface BasePolicy {
  /** The base commit the policy was read at (undefined when it could not be learned). */
  baseSha?: string;
  /** Where baseSha came from: recorded by the webhook, or GitHub's pull request now. */
  baseShaFrom?: 'webhook' | 'github';
  /** The base branch's valid policy file (never the head's). */
  file?: PolicyFile;
  /** Why no policy applies (invalid, ambiguous, unreadable): shown with the review. */
  notes: string[];
}

/**
 * The base branch's policy for a review of a pull request: read at `knownBaseSha` (what the webhook
 * recorded), or at the base SHA GitHub reports for the pull request now when no webhook came first.
 * `permanent` says which GitHub answers no retry will change: those become a note and the review
 * runs without a policy; every other error is thrown (the event is retried).
 */
export const basePolicyFor = async (
  gh: GitHubClient,
  pr: Pick<PullRequestCoordinates, 'owner' | 'repo' | 'pullRequest'>,
  knownBaseSha: string | undefined,
  permanent: (err: unknown) => boolean,
): Promise<BasePolicy> => {
  const unreadable = (err: unknown, what: string): string => {
    if (!permanent(err)) throw err;
    const status = (err as { status?: number }).status;
    return `No team policy was applied: GitHub answered ${status} when ${what} was read.`;
  };
  let baseSha = knownBaseSha;
  let baseShaFrom: BasePolicy['baseShaFrom'] = knownBaseSha ? 'webhook' : undefined;
  if (!baseSha) {
    try {
      const res = await gh.request('GET /repos/{owner}/{repo}/pulls/{pull_number}', { owner: pr.owner, repo: pr.repo, pull_number: pr.pullRequest });
      baseSha = res.data.base.sha;
      baseShaFrom = 'github';
    } catch (err) {
      return { notes: [unreadable(err, `pull request #${pr.pullRequest} (to learn its base branch)`)] };
    }
  }
  let read: Awaited<ReturnType<typeof readBasePolicy>>;
  try {
    read = await readBasePolicy(gh, pr, baseSha);
  } catch (err) {
    return { baseSha, baseShaFrom, notes: [unreadable(err, `the base branch's policy file (${baseSha.slice(0, 7)})`)] };
  }
  return { baseSha, baseShaFrom, ...(read.file ? { file: read.file } : {}), notes: read.note ? [read.note] : [] };
};
