import { flagPaths } from '../paths';
import type { AttributePath, ResourceChange } from '../types';

/**
 * Terraform's own `after_unknown` / `*_sensitive` mirrors of a plan change, kept beside the
 * normalised change so rule lookups walk them directly instead of building path sets. A change
 * that is copied or edited has no mirrors and falls back to its path arrays.
 */
export interface FlagMirrors {
  after_unknown?: unknown;
  before_sensitive?: unknown;
  after_sensitive?: unknown;
}

/**
 * Held in a non-enumerable symbol property (cheaper than a WeakMap entry per change): spreads,
 * `Object.assign`, `structuredClone`, JSON and equality checks do not see or copy it.
 */
const MIRRORS: unique symbol = Symbol('flagMirrors');
type WithMirrors = { [MIRRORS]?: FlagMirrors };
const descriptor: PropertyDescriptor = { value: undefined, enumerable: false, writable: false, configurable: true };

export const setFlagMirrors = (change: ResourceChange, m: FlagMirrors): void => {
  descriptor.value = m;
  Object.defineProperty(change, MIRRORS, descriptor);
  descriptor.value = undefined;
};
export const flagMirrors = (change: ResourceChange): FlagMirrors | undefined => (change as WithMirrors)[MIRRORS];

/** True when `after_unknown` flags `path` or one of its ancestors. */
export const unknownCovers = (m: FlagMirrors, path: AttributePath): boolean => mirrorCovers(m.after_unknown, path);

/** True when `before_sensitive` or `after_sensitive` flags `path` or one of its ancestors. */
export const sensitiveCovers = (m: FlagMirrors, path: AttributePath): boolean => mirrorCovers(m.before_sensitive, path) || mirrorCovers(m.after_sensitive, path);

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

// `unknownPaths` / `sensitivePaths` of plan changes are own, enumerable accessor properties that
// build the path lists from the mirrors on first read (the CLI's rules read the mirrors directly,
// so a plain review never builds them). Reading or assigning turns them into plain data properties.
// The getters and setters are shared, so every change keeps the same hidden class.
const settle = (target: object, key: string, value: unknown): void => {
  Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
};
function getUnknownPaths(this: ResourceChange): AttributePath[] {
  const v = flagPaths(flagMirrors(this)?.after_unknown);
  settle(this, 'unknownPaths', v);
  return v;
}
function getSensitivePaths(this: ResourceChange): AttributePath[] {
  const m = flagMirrors(this);
  const v = flagPaths(m?.before_sensitive);
  flagPaths(m?.after_sensitive, [], v);
  settle(this, 'sensitivePaths', v);
  return v;
}
function setUnknownPaths(this: ResourceChange, v: AttributePath[]): void {
  settle(this, 'unknownPaths', v);
}
function setSensitivePaths(this: ResourceChange, v: AttributePath[]): void {
  settle(this, 'sensitivePaths', v);
}
const UNKNOWN_PATHS: PropertyDescriptor = { get: getUnknownPaths, set: setUnknownPaths, enumerable: true, configurable: true };
const SENSITIVE_PATHS: PropertyDescriptor = { get: getSensitivePaths, set: setSensitivePaths, enumerable: true, configurable: true };

/** Adds the lazy `unknownPaths` and `sensitivePaths` properties (in that order) to a change under construction. */
export function defineLazyFlagPaths(change: object): void {
  Object.defineProperty(change, 'unknownPaths', UNKNOWN_PATHS);
  Object.defineProperty(change, 'sensitivePaths', SENSITIVE_PATHS);
}
