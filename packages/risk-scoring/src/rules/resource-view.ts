import { PathSet, getAt } from '../paths';
import { flagMirrors, sensitiveCovers, unknownCovers, type FlagMirrors } from '../input/plan-flags';
import type { AttributePath, ResourceChange } from '../types';
import type { ChangeIndex } from './context';

/** Returned by {@link ResourceView.get} when a value is not known before apply. */
export const UNKNOWN: unique symbol = Symbol('unknown');
export type Maybe<T> = T | undefined | typeof UNKNOWN;

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * Read-only view of a change's proposed values for rule checks. Reading a value that is unknown
 * (computed, or an expression in HCL) returns {@link UNKNOWN} and marks the check undetermined,
 * so rules can stay silent instead of guessing, and confidence can reflect it.
 */
export class ResourceView {
  readonly change: ResourceChange;
  /** Terraform's flag mirrors (plan input), or path sets built from the change's path arrays. */
  readonly #mirrors: FlagMirrors | undefined;
  #unknownSet: PathSet | undefined;
  #sensitiveSet: PathSet | undefined;
  undetermined = false;
  /** The review's other changes, for cross-resource checks (set by `runRules`). */
  context: ChangeIndex | undefined;
  /** Memoised derivations as `key, value, undetermined` triples (a view holds only a few). */
  #memo: unknown[] | undefined;

  constructor(change: ResourceChange) {
    this.change = change;
    this.#mirrors = flagMirrors(change);
    this.context = undefined;
  }

  #unknownCovers(path: AttributePath): boolean {
    const m = this.#mirrors;
    if (m) return unknownCovers(m, path);
    return (this.#unknownSet ??= new PathSet(this.change.unknownPaths)).covers(path);
  }

  #sensitiveCovers(path: AttributePath): boolean {
    const m = this.#mirrors;
    if (m) return sensitiveCovers(m, path);
    return (this.#sensitiveSet ??= new PathSet(this.change.sensitivePaths)).covers(path);
  }

  /** {@link get} with the path as an array (not copied). */
  #read(path: AttributePath): unknown {
    const m = this.#mirrors;
    if (!m) {
      if (this.#unknownCovers(path)) {
        this.undetermined = true;
        return UNKNOWN;
      }
      const v = getAt(this.change.after, path);
      return v === null ? undefined : v;
    }
    // Plan input: one pass over the path checks `after_unknown` (as mirrorCovers does) and reads
    // the value (as getAt does); an unknown ancestor wins even where the value is absent.
    let u: unknown = m.after_unknown;
    if (u === true) {
      this.undetermined = true;
      return UNKNOWN;
    }
    let cur: unknown = this.change.after;
    for (let i = 0; i < path.length; i++) {
      const seg = path[i]!;
      if (u !== undefined) {
        if (u === null || typeof u !== 'object') u = undefined;
        else {
          u = (u as Record<string, unknown>)[seg as string];
          if (u === true) {
            this.undetermined = true;
            return UNKNOWN;
          }
        }
      }
      if (cur === null || cur === undefined) {
        if (u === undefined) return undefined;
        continue;
      }
      if (typeof seg === 'number') cur = Array.isArray(cur) ? cur[seg] : undefined;
      else cur = typeof cur !== 'object' || Array.isArray(cur) ? undefined : (cur as Record<string, unknown>)[seg];
    }
    return cur === null ? undefined : cur;
  }

  get address(): string {
    return this.change.address;
  }
  get type(): string {
    return this.change.type;
  }
  get fromHcl(): boolean {
    return this.change.source === 'hcl';
  }
  get isDelete(): boolean {
    return this.change.actions.includes('delete') && !this.change.actions.includes('create');
  }
  get isReplace(): boolean {
    return this.change.actions.includes('delete') && this.change.actions.includes('create');
  }

  /** The proposed value at `path`, `undefined` when absent/null, {@link UNKNOWN} when not known. */
  get(...path: AttributePath): unknown {
    return this.#read(path);
  }

  /** Known boolean at path (also accepts "true"/"false" strings), `undefined` when absent. */
  bool(...path: AttributePath): Maybe<boolean> {
    const v = this.#read(path);
    if (v === UNKNOWN) return UNKNOWN;
    if (typeof v === 'boolean') return v;
    if (v === 'true') return true;
    if (v === 'false') return false;
    return undefined;
  }

  str(...path: AttributePath): Maybe<string> {
    const v = this.#read(path);
    if (v === UNKNOWN) return UNKNOWN;
    if (typeof v === 'string') return v;
    if (typeof v === 'number') return String(v);
    return undefined;
  }

  num(...path: AttributePath): Maybe<number> {
    const v = this.#read(path);
    if (v === UNKNOWN) return UNKNOWN;
    if (typeof v === 'number') return v;
    if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
    return undefined;
  }

  /** Known list of strings at path; unknown elements are skipped (and mark the check undetermined). */
  strings(...path: AttributePath): Maybe<string[]> {
    const v = this.#read(path);
    if (v === UNKNOWN) return UNKNOWN;
    if (typeof v === 'string') return [v];
    if (!Array.isArray(v)) return undefined;
    const out: string[] = [];
    const itemPath = [...path, 0];
    for (let i = 0; i < v.length; i++) {
      itemPath[path.length] = i;
      if (this.#unknownCovers(itemPath)) this.undetermined = true;
      else if (typeof v[i] === 'string') out.push(v[i] as string);
    }
    return out;
  }

  /** Nested blocks (list of objects) at path with their own paths; `[]` when absent. */
  blocks(...path: AttributePath): { value: Record<string, unknown>; path: AttributePath }[] {
    const v = this.#read(path);
    if (v === UNKNOWN || v === undefined) return [];
    const out: { value: Record<string, unknown>; path: AttributePath }[] = [];
    if (!Array.isArray(v)) {
      if (isObject(v)) out.push({ value: v, path });
      return out;
    }
    for (let i = 0; i < v.length; i++) {
      const item: unknown = v[i];
      if (isObject(item)) out.push({ value: item, path: [...path, i] });
    }
    return out;
  }

  /** First nested block at path, as a view-relative path, or undefined. */
  block(...path: AttributePath): AttributePath | undefined {
    return this.blocks(...path)[0]?.path;
  }

  isSensitive(...path: AttributePath): boolean {
    return this.#sensitiveCovers(path);
  }

  /** True when the top-level attribute is written as a literal in configuration (known for HCL and plan JSON with configuration). */
  isLiteral(attribute: string): boolean {
    return this.change.literalAttributes?.includes(attribute) ?? false;
  }

  /** True when the configuration sets the top-level attribute (literal or expression); true when not known. */
  isConfigured(attribute: string): boolean {
    return this.change.configuredAttributes?.includes(attribute) ?? true;
  }

  /**
   * Computes a derived value once per change (parsed policies, ingress rules) and shares it between
   * rules; replays the "undetermined" mark for every rule that reuses it.
   */
  memo<T>(key: string, compute: () => T): T {
    return this.derive(key, compute, undefined);
  }

  /** {@link memo} for a compute function that takes the view and one argument (no closure per call). */
  derive<T, A>(key: string, compute: (view: ResourceView, arg: A) => T, arg: A): T {
    const memo = (this.#memo ??= []);
    for (let i = 0; i < memo.length; i += 3) {
      if (memo[i] === key) {
        if (memo[i + 2] === true) this.undetermined = true;
        return memo[i + 1] as T;
      }
    }
    const before = this.undetermined;
    this.undetermined = false;
    const value = compute(this, arg);
    memo.push(key, value, this.undetermined);
    this.undetermined = this.undetermined || before;
    return value;
  }

  /** Marks the check undetermined explicitly (used by rules that cannot decide from known values). */
  markUndetermined(): void {
    this.undetermined = true;
  }
}
