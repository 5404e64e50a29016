import type { AttributePath, ResourceChange } from '../types';

/**
 * Terraform's own `after_unknown` / `*_sensitive` mirrors of a plan change, kept beside the
 * normalised change so rule lookups walk them directly instead of building path sets. A change
 * that is copied or edited has no mirrors and falls back to its path arrays.
 */
export interface FlagMirrors {
  unknown: unknown;
  sensitive: unknown[];
}

const mirrors = new WeakMap<ResourceChange, FlagMirrors>();

export const setFlagMirrors = (change: ResourceChange, m: FlagMirrors): void => {
  mirrors.set(change, m);
};
export const flagMirrors = (change: ResourceChange): FlagMirrors | undefined => mirrors.get(change);

/** True when the mirror flags `path` or one of its ancestors. */
export function mirrorCovers(mirror: unknown, path: AttributePath): boolean {
  let m = mirror;
  if (m === true) return true;
  for (let i = 0; i < path.length; i++) {
    if (m === null || typeof m !== 'object') return false;
    m = (m as Record<string, unknown>)[path[i] as string];
    if (m === true) return true;
  }
  return false;
}

