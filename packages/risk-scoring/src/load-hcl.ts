/**
 * The Terraform-source half of the engine (HCL parser and evaluator, the policy file read from a
 * review's files), loaded on first use: a review of plan JSON never loads it. In a bundle it is a
 * separate chunk (ESM with splitting) or a module initialised on first call (CommonJS).
 */
export type HclApi = typeof import('./hcl-api');

let loading: Promise<HclApi> | undefined;

/** Loads the HCL half once; every later call gets the same module. */
export function loadHcl(): Promise<HclApi> {
  loading ??= import('./hcl-api').catch((err: unknown) => {
    loading = undefined; // a failed load (a missing chunk) is tried again next time
    throw err;
  });
  return loading;
}
