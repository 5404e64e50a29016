/**
 * The Terraform-source half of the engine (HCL parser and evaluator, the policy file read from a
 * review's files), loaded on first use: a review of plan JSON never loads it. In a bundle it is a
 * separate chunk (ESM with splitting) or a module initialised on first call (CommonJS).
 */
import { loadOnce } from '@iac-review/core';

export type HclApi = typeof import('./hcl-api');

/** Loads the HCL half once; every later call gets the same module (a failed load is tried again). */
export const loadHcl: () => Promise<HclApi> = loadOnce(() => import('./hcl-api'));
