import { ConfigError, parsePolicyConfig } from './config';
import { ambiguousPolicyFiles, CONFIG_FILES } from './files';
import type { PolicyOptions } from './apply';

/** The root policy file among a review's files (`.iac-review.yml`, `.iac-review.yaml`, `.iac-review.json`), if any. */
const atRoot = (path: string, name: string): boolean => path === name || path === `./${name}`;

export const policyFileOf = <F extends { path: string }>(files: readonly F[]): F | undefined => {
  for (const name of CONFIG_FILES) {
    const f = files.find((x) => atRoot(x.path, name));
    if (f) return f;
  }
  return undefined;
};

/**
 * The policy for a review of Terraform source files: the root policy file among them (the PR review
 * puts the base branch's there, never the head's) and the inline suppressions of the `.tf` files.
 * An invalid policy file is reported in `error` (one line) and the review runs without it; so are
 * two or more policy files at the root (which one the team meant is not guessed).
 */
export function policyFromFiles(files: readonly { path: string; content: string }[], today?: string): { policy: PolicyOptions; error?: string } {
  const policy: PolicyOptions = { files, ...(today ? { today } : {}) };
  const file = policyFileOf(files);
  if (!file) return { policy };
  const present = CONFIG_FILES.filter((name) => files.some((x) => atRoot(x.path, name)));
  const ambiguous = ambiguousPolicyFiles(present, 'the repository root');
  if (ambiguous) return { policy, error: ambiguous };
  try {
    policy.config = parsePolicyConfig(file.content, file.path.replace(/^\.\//, ''));
    return { policy };
  } catch (err) {
    if (err instanceof ConfigError) return { policy, error: err.message };
    throw err;
  }
}
