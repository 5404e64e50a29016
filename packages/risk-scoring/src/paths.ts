import type { AttributePath } from './types';

/**
 * Turns Terraform's `after_unknown` / `after_sensitive` shape (a mirror of the value with `true`
 * at the flagged leaves or subtrees) into a list of paths.
 */
export function flagPaths(mirror: unknown, prefix: AttributePath = [], out: AttributePath[] = []): AttributePath[] {
  const path = [...prefix];
  const walk = (m: unknown): void => {
    if (m === true) {
      out.push(path.slice());
    } else if (Array.isArray(m)) {
      for (let i = 0; i < m.length; i++) {
        const v: unknown = m[i];
        if (v === false || v === null || v === undefined) continue;
        path.push(i);
        walk(v);
        path.pop();
      }
    } else if (m !== null && typeof m === 'object') {
      for (const k in m as Record<string, unknown>) {
        const v = (m as Record<string, unknown>)[k];
        if (v === false || v === null || v === undefined) continue;
        path.push(k);
        walk(v);
        path.pop();
      }
    }
  };
  walk(mirror);
  return out;
}


interface TrieNode {
  end: boolean;
  next: Map<string, TrieNode> | undefined;
}

/** A set of paths that answers "is this path, or one of its ancestors, flagged?" (a trie, built on first use). */
export class PathSet {
  readonly #paths: AttributePath[];
  #root: TrieNode | undefined;
  constructor(paths: AttributePath[]) {
    this.#paths = paths;
  }
  get #trie(): TrieNode {
    if (!this.#root) {
      const root: TrieNode = { end: false, next: undefined };
      for (const p of this.#paths) {
        let node = root;
        for (const seg of p) {
          node.next ??= new Map();
          const key = String(seg);
          let child = node.next.get(key);
          if (!child) {
            child = { end: false, next: undefined };
            node.next.set(key, child);
          }
          node = child;
        }
        node.end = true;
      }
      this.#root = root;
    }
    return this.#root;
  }
  get size(): number {
    return this.#paths.length;
  }
  covers(path: AttributePath): boolean {
    if (this.#paths.length === 0) return false;
    let node: TrieNode | undefined = this.#trie;
    if (node.end) return true;
    for (let i = 0; i < path.length; i++) {
      node = node.next?.get(String(path[i]));
      if (!node) return false;
      if (node.end) return true;
    }
    return false;
  }
  /** True when the path or any path below it is flagged. */
  touches(path: AttributePath): boolean {
    if (this.#paths.length === 0) return false;
    let node: TrieNode | undefined = this.#trie;
    for (let i = 0; i < path.length; i++) {
      if (node.end) return true;
      node = node.next?.get(String(path[i]));
      if (!node) return false;
    }
    return true;
  }
}

export const formatPath = (path: AttributePath): string =>
  path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');

export function getAt(value: unknown, path: AttributePath): unknown {
  let cur = value;
  for (let i = 0; i < path.length; i++) {
    const seg = path[i]!;
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
