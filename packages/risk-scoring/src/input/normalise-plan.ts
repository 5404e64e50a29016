import { PlanParseError } from '../errors';
import { defineLazyFlagPaths, setFlagMirrors } from './plan-flags';
import type { Action, AttributePath, ResourceChange } from '../types';

const ACTIONS = new Set<unknown>(['create', 'update', 'delete', 'no-op', 'read'] satisfies Action[]);

/** A non-empty list of Terraform actions. */
function validActions(actions: unknown[]): actions is Action[] {
  if (actions.length === 0) return false;
  for (let i = 0; i < actions.length; i++) if (!ACTIONS.has(actions[i])) return false;
  return true;
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);

const BACKSLASH = 92;
const QUOTE = 34;
const OPEN = 91;
const CLOSE = 93;

/** Strips instance keys from an address: `module.a[0].aws_x.y["k"]` → `module.a.aws_x.y`. */
export function configAddress(address: string): string {
  let open = address.indexOf('[');
  let close = address.indexOf(']');
  if (open < 0 && close < 0) return address;
  // Copies the text between bracketed keys as slices; scans only inside the brackets.
  let out = '';
  let from = 0;
  while (open >= 0) {
    if (close >= 0 && close < open) return configAddressByChar(address); // a stray "]"
    out += address.slice(from, open);
    let depth = 0;
    let quoted = false;
    let i = open;
    for (; i < address.length; i++) {
      const c = address.charCodeAt(i);
      if (quoted) {
        if (c === BACKSLASH) i++;
        else if (c === QUOTE) quoted = false;
      } else if (c === OPEN) depth++;
      else if (c === CLOSE) {
        if (--depth === 0) break;
      } else if (c === QUOTE) quoted = true;
    }
    if (i >= address.length) return out; // unterminated: the rest is inside the key
    from = i + 1;
    open = address.indexOf('[', from);
    close = address.indexOf(']', from);
  }
  if (close >= 0) return configAddressByChar(address);
  return out + address.slice(from);
}

/** {@link configAddress} one character at a time, for addresses with unbalanced brackets. */
function configAddressByChar(address: string): string {
  let out = '';
  let depth = 0;
  let quoted = false;
  for (let i = 0; i < address.length; i++) {
    const c = address[i];
    if (quoted) {
      if (c === '\\') i++;
      else if (c === '"') quoted = false;
      continue;
    }
    if (c === '[') depth++;
    else if (c === ']') depth--;
    else if (depth > 0 && c === '"') quoted = true;
    else if (depth === 0) out += c;
  }
  return out;
}

interface ConfigFacts {
  literal: string[];
  configured: string[];
  references: Record<string, string[]> | undefined;
}

/** `aws_lb.web.arn` / `data.x.y.json` / `aws_subnet.a[0]` → the resource's config address (undefined for var./local./module outputs …). */
function referencedResource(ref: string, prefix: string): string | undefined {
  const parts = configAddress(ref).split('.');
  if (parts[0] === 'data') return parts.length >= 3 ? `${prefix}data.${parts[1]}.${parts[2]}` : undefined;
  if (parts.length < 2 || !parts[0]!.includes('_')) return undefined; // var., local., each., count., path., module., self
  return `${prefix}${parts[0]}.${parts[1]}`;
}

/** Every `references` list inside one attribute's expression (blocks nest expressions in arrays/objects). */
function collectReferences(expr: unknown, prefix: string, out: Set<string>): void {
  if (Array.isArray(expr)) {
    for (const e of expr) collectReferences(e, prefix, out);
    return;
  }
  if (!isObject(expr)) return;
  if (Array.isArray(expr.references)) {
    for (const r of expr.references) {
      if (typeof r !== 'string') continue;
      const a = referencedResource(r, prefix);
      if (a) out.add(a);
    }
  }
  for (const [k, v] of Object.entries(expr)) if (k !== 'references' && k !== 'constant_value' && v !== null && typeof v === 'object') collectReferences(v, prefix, out);
}

/**
 * Map of config address → names of top-level attributes that are literal (a constant, or built from
 * constants only, e.g. `jsonencode({…})`: no references), that are configured, and what they reference.
 */
function literalIndex(configuration: unknown): Map<string, ConfigFacts> {
  const out = new Map<string, ConfigFacts>();
  const walk = (mod: unknown, prefix: string): void => {
    if (!isObject(mod)) return;
    const resources = Array.isArray(mod.resources) ? mod.resources : [];
    for (const r of resources) {
      if (!isObject(r) || typeof r.address !== 'string' || !isObject(r.expressions)) continue;
      const literal: string[] = [];
      let references: Record<string, string[]> | undefined;
      for (const [k, expr] of Object.entries(r.expressions)) {
        if (isObject(expr) && !('references' in expr) && ('constant_value' in expr || Object.keys(expr).length === 0)) literal.push(k);
        const refs = new Set<string>();
        collectReferences(expr, prefix, refs);
        if (refs.size > 0) (references ??= {})[k] = [...refs];
      }
      out.set(prefix + r.address, { literal, configured: Object.keys(r.expressions), references });
    }
    if (isObject(mod.module_calls)) {
      for (const [name, call] of Object.entries(mod.module_calls)) {
        if (isObject(call)) walk(call.module, `${prefix}module.${name}.`);
      }
    }
  };
  if (isObject(configuration)) walk(configuration.root_module, '');
  return out;
}

const asRecord = (v: unknown): Record<string, unknown> | null => (isObject(v) ? v : null);

/**
 * Normalises `terraform show -json` output (format_version 0.x or 1.x) into resource changes.
 * Throws {@link PlanParseError} with a one-line reason when the value is not such a plan.
 */
export function normalisePlan(planJson: unknown): ResourceChange[] {
  if (!isObject(planJson)) throw new PlanParseError('not a Terraform plan: expected a JSON object from `terraform show -json`');
  const version = planJson.format_version;
  if (typeof version !== 'string') {
    throw new PlanParseError('not a Terraform plan: no "format_version" (produce it with `terraform show -json <planfile>`)');
  }
  const major = Number(version.split('.')[0]);
  if (major !== 0 && major !== 1) throw new PlanParseError(`unsupported plan format_version ${version} (supported: 0.x, 1.x)`);
  const raw = planJson.resource_changes;
  if (raw === undefined) {
    if (!('planned_values' in planJson) && !('prior_state' in planJson)) {
      throw new PlanParseError('not a Terraform plan: no "resource_changes" (is this state JSON rather than plan JSON?)');
    }
    return [];
  }
  if (!Array.isArray(raw)) throw new PlanParseError('not a Terraform plan: "resource_changes" is not an array');
  const literals = literalIndex(planJson.configuration);
  const changes: ResourceChange[] = [];
  for (let i = 0; i < raw.length; i++) {
    const rc: unknown = raw[i];
    if (!isObject(rc) || typeof rc.address !== 'string' || typeof rc.type !== 'string' || !isObject(rc.change)) {
      throw new PlanParseError(`not a Terraform plan: resource_changes[${i}] has no address, type or change`);
    }
    const change = rc.change;
    const actions: unknown = change.actions;
    if (!Array.isArray(actions) || !validActions(actions)) {
      throw new PlanParseError(`not a Terraform plan: resource_changes[${i}] (${rc.address}) has invalid actions`);
    }
    const replacePaths = Array.isArray(change.replace_paths)
      ? change.replace_paths.filter((p): p is AttributePath => Array.isArray(p))
      : [];
    const mode = rc.mode === 'data' ? 'data' : 'managed';
    let moduleAddress: string | undefined;
    if (typeof rc.module_address === 'string') moduleAddress = rc.module_address;
    else if (rc.address.startsWith('module.')) {
      const cut = rc.address.lastIndexOf(mode === 'data' ? '.data.' : `.${rc.type}.`);
      if (cut > 0) moduleAddress = rc.address.slice(0, cut);
    }
    const lit = literals.size > 0 ? literals.get(configAddress(rc.address)) : undefined;
    // Every change gets the same fields in the same order (undefined when absent), so all changes
    // share one hidden class. `unknownPaths` / `sensitivePaths` are built from the mirrors on first read.
    const out = {
      address: rc.address,
      type: rc.type,
      name: typeof rc.name === 'string' ? rc.name : rc.address.split('.').pop() ?? rc.address,
      provider: typeof rc.provider_name === 'string' ? rc.provider_name : '',
      mode,
      moduleAddress,
      index: typeof rc.index === 'string' || typeof rc.index === 'number' ? rc.index : undefined,
      actions,
      before: asRecord(change.before),
      after: asRecord(change.after),
    } as ResourceChange;
    defineLazyFlagPaths(out);
    out.replacePaths = replacePaths;
    out.literalAttributes = lit?.literal;
    out.configuredAttributes = lit?.configured;
    out.references = lit?.references;
    out.location = undefined;
    out.source = 'plan';
    setFlagMirrors(out, { after_unknown: change.after_unknown, before_sensitive: change.before_sensitive, after_sensitive: change.after_sensitive });
    changes.push(out);
  }
  return changes;
}
