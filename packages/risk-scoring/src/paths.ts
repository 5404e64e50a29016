import type { AttributePath } from './types';

/**
 * Turns Terraform's `after_unknown` / `after_sensitive` shape (a mirror of the value with `true`
 * at the flagged leaves or subtrees) into a list of paths.
 */
export function flagPaths(mirror: unknown, prefix: AttributePath = [], out: AttributePath[] = []): AttributePath[] {
  if (mirror === true) {
    out.push(prefix);
  } else if (Array.isArray(mirror)) {
    for (let i = 0; i < mirror.length; i++) flagPaths(mirror[i], [...prefix, i], out);
  } else if (mirror !== null && typeof mirror === 'object') {
    for (const [k, v] of Object.entries(mirror)) flagPaths(v, [...prefix, k], out);
  }
  return out;
}

const SEP = '\u0000';
export const pathKey = (path: AttributePath): string => path.join(SEP);

/** A set of paths that answers "is this path, or one of its ancestors, flagged?". */
export class PathSet {
  readonly #keys = new Set<string>();
  constructor(paths: AttributePath[]) {
    for (const p of paths) this.#keys.add(pathKey(p));
  }
  get size(): number {
    return this.#keys.size;
  }
  covers(path: AttributePath): boolean {
    if (this.#keys.size === 0) return false;
    if (this.#keys.has('')) return true;
    let key = '';
    for (let i = 0; i < path.length; i++) {
      key = i === 0 ? String(path[0]) : `${key}${SEP}${String(path[i])}`;
      if (this.#keys.has(key)) return true;
    }
    return false;
  }
  /** True when the path or any path below it is flagged. */
  touches(path: AttributePath): boolean {
    if (this.covers(path)) return true;
    const prefix = pathKey(path) + SEP;
    for (const k of this.#keys) if (k.startsWith(prefix)) return true;
    return false;
  }
}

export const formatPath = (path: AttributePath): string =>
  path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');

export function getAt(value: unknown, path: AttributePath): unknown {
  let cur = value;
  for (const seg of path) {
    if (cur === null || cur === undefined) return undefined;
    if (typeof seg === 'number') {
      if (!Array.isArray(cur)) return undefined;
      cur = cur[seg];
    } else {
      if (typeof cur !== 'object' || Array.isArray(cur)) return undefined;
      cur = (cur as Record<string, unknown>)[seg];
    }
  }
  return cur;
}
