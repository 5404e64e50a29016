import { ConfigError, parsePolicyConfig } from './config';
import { CONFIG_FILES } from './files';
import type { PolicyOptions } from './apply';

/** The root policy file among a review's files (`.iac-review.yml`, `.iac-review.yaml`, `.iac-review.json`), if any. */
export const policyFileOf = <F extends { path: string }>(files: readonly F[]): F | undefined => {
  for (const name of CONFIG_FILES) {
    const f = files.find((x) => x.path === name || x.path === `./${name}`);
    if (f) return f;
  }
  return undefined;
};

/**
 * The policy for a review of Terraform source files: the root policy file among them (the PR review
 * puts the base branch's there, never the head's) and the inline suppressions of the `.tf` files.
 * An invalid policy file is reported in `error` (one line) and the review runs without it.
 */
export function policyFromFiles(files: readonly { path: string; content: string }[], today?: string): { policy: PolicyOptions; error?: string } {
  const policy: PolicyOptions = { files, ...(today ? { today } : {}) };
  const file = policyFileOf(files);
  if (!file) return { policy };
  try {
    policy.config = parsePolicyConfig(file.content, file.path.replace(/^\.\//, ''));
    return { policy };
  } catch (err) {
    if (err instanceof ConfigError) return { policy, error: err.message };
    throw err;
  }
}
