import { configAddress } from '../input/normalise-plan';
import type { ResourceChange } from '../types';

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

const TRAILING_KEY = /\[(?:"(?:[^"\\]|\\.)*"|-?\d+)\]$/;

/** The module instance a change lives in, as an address prefix: `module.a[0].module.b["x"].`, or `` at the root. */
function instancePrefix(c: ResourceChange): string {
  if (!c.address.startsWith('module.')) return '';
  const cut = c.mode === 'data' ? c.address.lastIndexOf('.data.') : c.address.lastIndexOf(`.${c.type}.`);
  return cut < 0 ? '' : c.address.slice(0, cut + 1);
}

const ACCOUNT_ARN = /arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:(\d{12}):/y;

/** Counts the account ids of the `arn:…:<account>:…` values in one string (only where "arn:" occurs: no regex scan of the rest). */
function countAccounts(text: string, counts: Map<string, number>, seen: { n: number }): void {
  let at = text.indexOf('arn:');
  while (at >= 0) {
    ACCOUNT_ARN.lastIndex = at;
    const m = ACCOUNT_ARN.exec(text);
    if (m) {
      counts.set(m[1]!, (counts.get(m[1]!) ?? 0) + 1);
      seen.n++;
    }
    // As a global match would: the next one starts after this match, or after this "arn:".
    at = text.indexOf('arn:', m ? ACCOUNT_ARN.lastIndex : at + 4);
  }
}

/**
 * The other changes of one review, for cross-resource checks (a database's subnets, a subnet's route
 * tables). Built lazily: a review whose rules never look across resources pays nothing but the object.
 * Links follow `ResourceChange.references` (plan configuration, HCL evaluation) and known id values
 * (`subnet_id = "subnet-0abc"` matching a subnet whose `id` is known, e.g. in an update).
 */
export class ChangeIndex {
  readonly #changes: readonly ResourceChange[];
  #byType: Map<string, ResourceChange[]> | undefined;
  #byConfigAddress: Map<string, ResourceChange[]> | undefined;
  #byId: Map<string, Map<string, ResourceChange[]>> | undefined;
  #reverse: Map<string, Map<ResourceChange, ResourceChange[]>> | undefined;
  #byInstanceAddress: Map<string, ResourceChange[]> | undefined;
  #homeAccount: string | null | undefined;

  constructor(changes: readonly ResourceChange[]) {
    this.#changes = changes;
  }

  /** Changes (with proposed values) of a resource type. */
  ofType(type: string): ResourceChange[] {
    if (!this.#byType) {
      const m = new Map<string, ResourceChange[]>();
      for (let i = 0; i < this.#changes.length; i++) {
        const c = this.#changes[i]!;
        if (c.after === null) continue;
        let l = m.get(c.type);
        if (!l) m.set(c.type, (l = []));
        l.push(c);
      }
      this.#byType = m;
    }
    return this.#byType.get(type) ?? [];
  }

  #configAddress(address: string): ResourceChange[] {
    if (!this.#byConfigAddress) {
      const m = new Map<string, ResourceChange[]>();
      for (let i = 0; i < this.#changes.length; i++) {
        const c = this.#changes[i]!;
        if (c.after === null) continue;
        const key = configAddress(c.address);
        let l = m.get(key);
        if (!l) m.set(key, (l = []));
        l.push(c);
      }
      this.#byConfigAddress = m;
    }
    return this.#byConfigAddress.get(address) ?? [];
  }

/** Changes by address without their own instance key (`module.a[1].aws_subnet.b[0]` → `module.a[1].aws_subnet.b`). */
  #instanceAddress(address: string): ResourceChange[] {
    if (!this.#byInstanceAddress) {
      const m = new Map<string, ResourceChange[]>();
      for (let i = 0; i < this.#changes.length; i++) {
        const c = this.#changes[i]!;
        if (c.after === null) continue;
        const key = c.address.replace(TRAILING_KEY, '');
        let l = m.get(key);
        if (!l) m.set(key, (l = []));
        l.push(c);
      }
      this.#byInstanceAddress = m;
    }
    return this.#byInstanceAddress.get(address) ?? [];
  }

    #withId(type: string, id: string): ResourceChange[] {
    const byId = (this.#byId ??= new Map());
    let m = byId.get(type);
    if (!m) {
      m = new Map<string, ResourceChange[]>();
      for (const c of this.ofType(type)) {
        for (const k of ['id', 'arn', 'name', 'bucket']) {
          const v = c.after?.[k];
          if (typeof v !== 'string' || v === '') continue;
          let l = m.get(v);
          if (!l) m.set(v, (l = []));
          l.push(c);
        }
      }
      byId.set(type, m);
    }
    return m.get(id) ?? [];
  }

  /**
   * Changes of `type` that `change`'s top-level `attribute` points at: by reference when the
   * configuration names references for it, else by a known id/ARN/name/bucket value (a string or a
   * list of strings in `after`).
   */
  referenced(change: ResourceChange, attribute: string, type: string): ResourceChange[] {
    const out = new Set<ResourceChange>();
    const refs = change.references?.[attribute];
    if (refs) {
      // A configuration reference stays inside its module, so it names resources of the same module instance.
      const prefix = instancePrefix(change);
      const configPrefix = prefix === '' ? '' : configAddress(prefix);
      for (const r of refs) {
        const parts = r.split('.');
        const t = parts[parts.length - 2];
        if (t !== type) continue;
        if (r.startsWith(configPrefix)) for (const c of this.#instanceAddress(prefix + r.slice(configPrefix.length))) out.add(c);
        else for (const c of this.#configAddress(r)) if (instancePrefix(c) === prefix) out.add(c);
      }
    }
    if (refs && refs.length > 0) return [...out]; // the configuration says what it points at: no guessing by value
    const value = change.after?.[attribute];
    const ids = typeof value === 'string' ? [value] : Array.isArray(value) ? value.filter((x): x is string => typeof x === 'string') : [];
    for (const id of ids) for (const c of this.#withId(type, id)) out.add(c);
    return [...out];
  }

  /**
   * The account the configuration lives in, as far as its literal ARNs tell: the account id seen most
   * often in `arn:…:<account>:…` values outside trust policies (undefined when none or tied).
   */
  homeAccount(): string | undefined {
    if (this.#homeAccount === undefined) {
      const counts = new Map<string, number>();
      const seen = { n: 0 };
      // The first 1,000 account ARNs are plenty to tell which account the configuration lives in.
      for (let i = 0; i < this.#changes.length && seen.n < 1000; i++) {
        const after = this.#changes[i]!.after;
        if (after === null) continue;
        for (const k in after) {
          if (k === 'assume_role_policy') continue;
          // Top-level strings and string lists: where ARNs and policy documents live (nested blocks are not stringified).
          const v = after[k];
          if (typeof v === 'string') countAccounts(v, counts, seen);
          else if (Array.isArray(v)) for (let j = 0; j < v.length; j++) if (typeof v[j] === 'string') countAccounts(v[j] as string, counts, seen);
        }
      }
      const ranked = [...counts].sort((a, b) => b[1] - a[1]);
      this.#homeAccount = ranked.length > 0 && (ranked.length === 1 || ranked[0]![1] > ranked[1]![1]) ? ranked[0]![0] : null;
    }
    return this.#homeAccount ?? undefined;
  }

  /** Changes of `type` whose top-level `attribute` points at `target` (the reverse of {@link referenced}). */
  referencing(target: ResourceChange, type: string, attribute: string): ResourceChange[] {
    if (this.ofType(type).length === 0) return [];
    const key = `${type}\0${attribute}\0${target.type}`;
    const reverse = (this.#reverse ??= new Map());
    let m = reverse.get(key);
    if (!m) {
      // Built once per (type, attribute, target type): every later lookup is a map read.
      m = new Map<ResourceChange, ResourceChange[]>();
      for (const c of this.ofType(type)) {
        for (const t of this.referenced(c, attribute, target.type)) {
          let l = m.get(t);
          if (!l) m.set(t, (l = []));
          l.push(c);
        }
      }
      reverse.set(key, m);
    }
    return m.get(target) ?? [];
  }
}

/** Nested blocks of a change's proposed value (list of objects, or one object). */
export function blocksOf(change: ResourceChange, attribute: string): Record<string, unknown>[] {
  const v = change.after?.[attribute];
  if (Array.isArray(v)) return v.filter(isObject);
  return isObject(v) ? [v] : [];
}
