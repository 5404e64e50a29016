import type * as Net from 'node:net';
import type { AttributePath } from '../types';
import type { Rule } from '../rules/rule';
import { UNKNOWN, type ResourceView } from '../rules/resource-view';
import type { CustomRuleConfig, Scalar } from './config';
import { parseCidr } from './cidr';

/** Custom rule ids are reported in their own namespace: built-in ids never start with it. */
export const CUSTOM_PREFIX = 'CUSTOM-';

let net: typeof Net | undefined;
const loadNet = (): typeof Net =>
  (net ??=
    (process.getBuiltinModule?.('node:net') as typeof Net | undefined) ??
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- synchronous fallback for Node.js < 20.16 (the bundle defines `require`)
    (require('node:net') as typeof Net));

/** Whether `outer` (a CIDR block or address) contains every address of `inner`. */
export function cidrContains(outer: string, inner: string): boolean {
  const o = parseCidr(outer);
  const i = parseCidr(inner);
  if (!o || !i || o.family !== i.family || o.prefix > i.prefix) return false;
  try {
    const list = new (loadNet().BlockList)();
    list.addSubnet(o.address, o.prefix, o.family);
    return list.check(i.address, i.family);
  } catch {
    return false;
  }
}

const MAX_VALUES = 1000;
/** Longest value a `matches` condition tests (as the HCL evaluator's regex functions). */
const MAX_MATCH_SUBJECT = 10_000;

/** The values at a dotted path with `*` for any list element (or map value); UNKNOWN where not known. */
function valuesAt(view: ResourceView, segments: string[]): unknown[] {
  const out: unknown[] = [];
  const walk = (prefix: AttributePath, rest: string[]): void => {
    if (out.length >= MAX_VALUES) return;
    if (rest.length === 0) {
      out.push(view.get(...prefix));
      return;
    }
    const [head, ...tail] = rest as [string, ...string[]];
    if (head === '*') {
      const v = view.get(...prefix);
      if (v === UNKNOWN) out.push(UNKNOWN);
      else if (Array.isArray(v)) for (let k = 0; k < v.length; k++) walk([...prefix, k], tail);
      else if (v && typeof v === 'object') for (const k of Object.keys(v)) walk([...prefix, k], tail);
      return;
    }
    walk([...prefix, /^\d+$/.test(head) && Array.isArray(view.get(...prefix)) ? Number(head) : head], tail);
  };
  walk([], segments);
  return out;
}

const scalarOf = (v: unknown): Scalar | undefined => (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? v : undefined);
const same = (a: unknown, b: Scalar): boolean => {
  const s = scalarOf(a);
  if (s === undefined) return false;
  if (typeof s === typeof b) return s === b;
  return String(s) === String(b); // HCL/plan values may be "true"/"8080" as strings
};
const numberOf = (v: unknown): number | undefined => (typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v)) ? Number(v) : undefined);

const show = (v: unknown): string => {
  const s = typeof v === 'string' ? JSON.stringify(v) : JSON.stringify(v) ?? String(v);
  return s.length > 80 ? `${s.slice(0, 79)}…` : s;
};

/** Turns validated custom rule configs into rules of the engine (same Rule shape as the catalogue). */
export function compileCustomRules(configs: readonly CustomRuleConfig[]): Rule[] {
  return configs.map((c) => {
    const segments = c.attribute.split('.');
    const cond = c.condition as Record<string, unknown>;
    const regex = typeof cond.matches === 'string' ? new RegExp(cond.matches, 'u') : undefined;
    // Does one known element satisfy the condition? (Lists are tested element by element.)
    const test = (v: unknown): boolean => {
      if (Array.isArray(v)) return v.some(test);
      if ('equals' in cond) return same(v, cond.equals as Scalar);
      if ('in' in cond) return (cond.in as Scalar[]).some((x) => same(v, x));
      if ('matches' in cond) {
        const s = scalarOf(v);
        return s !== undefined && String(s).length <= MAX_MATCH_SUBJECT && regex!.test(String(s));
      }
      if ('greaterThan' in cond) {
        const n = numberOf(v);
        return n !== undefined && n > (cond.greaterThan as number);
      }
      if ('lessThan' in cond) {
        const n = numberOf(v);
        return n !== undefined && n < (cond.lessThan as number);
      }
      if ('cidrContains' in cond) return typeof v === 'string' && cidrContains(v, cond.cidrContains as string);
      return false;
    };
    const rule: Rule = {
      id: `${CUSTOM_PREFIX}${c.id}`,
      title: c.title ?? `Custom rule ${CUSTOM_PREFIX}${c.id}`,
      category: c.category,
      severity: c.severity,
      resourceTypes: [...c.resourceTypes],
      on: 'config',
      remediation: c.remediation ?? `See custom rule ${c.id} in the repository's policy file (.iac-review.yml).`,
      references: c.references ?? [],
      check: (view) => {
        const values = valuesAt(view, segments);
        const sensitive = view.isSensitive(...segments.filter((s) => s !== '*'));
        if (values.some((v) => v === UNKNOWN)) {
          // Unknown until apply: decide from the known values only when they already fire.
          view.markUndetermined();
        }
        const known = values.filter((v) => v !== UNKNOWN);
        if ('absent' in cond) {
          if (values.some((v) => v === UNKNOWN)) return null;
          return known.every((v) => v === undefined || v === null) ? `${c.message} (${c.attribute} is not set)` : null;
        }
        const set = known.filter((v) => v !== undefined && v !== null);
        if ('notEquals' in cond) {
          const bad = set.find((v) => (Array.isArray(v) ? !v.some((x) => same(x, cond.notEquals as Scalar)) : !same(v, cond.notEquals as Scalar)));
          return bad === undefined ? null : `${c.message} (${c.attribute} is ${sensitive ? '(sensitive)' : show(bad)})`;
        }
        const hit = set.find(test);
        return hit === undefined ? null : `${c.message} (${c.attribute} is ${sensitive ? '(sensitive)' : show(hit)})`;
      },
    };
    return rule;
  });
}
