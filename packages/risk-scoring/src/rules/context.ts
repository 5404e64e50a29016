import { configAddress } from '../input/normalise-plan';
import type { ResourceChange } from '../types';

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

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

  #withId(type: string, id: string): ResourceChange[] {
    const byId = (this.#byId ??= new Map());
    let m = byId.get(type);
    if (!m) {
      m = new Map<string, ResourceChange[]>();
      for (const c of this.ofType(type)) {
        for (const k of ['id', 'arn', 'name']) {
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
   * Changes of `type` that `change`'s top-level `attribute` points at: by reference, or by a known
   * id/ARN/name value (a string or a list of strings in `after`).
   */
  referenced(change: ResourceChange, attribute: string, type: string): ResourceChange[] {
    const out = new Set<ResourceChange>();
    const refs = change.references?.[attribute];
    if (refs) {
      for (const r of refs) {
        const parts = r.split('.');
        const t = parts[parts.length - 2];
        if (t !== type) continue;
        for (const c of this.#configAddress(r)) out.add(c);
      }
    }
    const value = change.after?.[attribute];
    const ids = typeof value === 'string' ? [value] : Array.isArray(value) ? value.filter((x): x is string => typeof x === 'string') : [];
    for (const id of ids) for (const c of this.#withId(type, id)) out.add(c);
    return [...out];
  }

  /** Changes of `type` whose top-level `attribute` points at `target` (the reverse of {@link referenced}). */
  referencing(target: ResourceChange, type: string, attribute: string): ResourceChange[] {
    return this.ofType(type).filter((c) => this.referenced(c, attribute, target.type).includes(target));
  }
}

/** Nested blocks of a change's proposed value (list of objects, or one object). */
export function blocksOf(change: ResourceChange, attribute: string): Record<string, unknown>[] {
  const v = change.after?.[attribute];
  if (Array.isArray(v)) return v.filter(isObject);
  return isObject(v) ? [v] : [];
}
