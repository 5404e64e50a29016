import { PlanParseError } from '../errors';
import { flagPaths } from '../paths';
import { setFlagMirrors } from './plan-flags';
import type { Action, AttributePath, ResourceChange } from '../types';

const ACTIONS = new Set<Action>(['create', 'update', 'delete', 'no-op', 'read']);

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Strips instance keys from an address: `module.a[0].aws_x.y["k"]` → `module.a.aws_x.y`. */
function configAddress(address: string): string {
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

/** Map of config address → names of top-level attributes that are literal constants. */
function literalIndex(configuration: unknown): Map<string, { literal: string[]; configured: string[] }> {
  const out = new Map<string, { literal: string[]; configured: string[] }>();
  const walk = (mod: unknown, prefix: string): void => {
    if (!isObject(mod)) return;
    const resources = Array.isArray(mod.resources) ? mod.resources : [];
    for (const r of resources) {
      if (!isObject(r) || typeof r.address !== 'string' || !isObject(r.expressions)) continue;
      const literal: string[] = [];
      for (const [k, expr] of Object.entries(r.expressions)) {
        if (isObject(expr) && 'constant_value' in expr && !('references' in expr)) literal.push(k);
      }
      out.set(prefix + r.address, { literal, configured: Object.keys(r.expressions) });
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
    const actions = Array.isArray(change.actions) ? change.actions : [];
    if (actions.length === 0 || !actions.every((a): a is Action => typeof a === 'string' && ACTIONS.has(a as Action))) {
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
    const lit = literals.get(configAddress(rc.address));
    // One object literal with every field (undefined when absent) keeps the objects' shape uniform.
    const out: ResourceChange = {
      address: rc.address,
      type: rc.type,
      name: typeof rc.name === 'string' ? rc.name : rc.address.split('.').pop() ?? rc.address,
      provider: typeof rc.provider_name === 'string' ? rc.provider_name : '',
      mode,
      moduleAddress,
      index: typeof rc.index === 'string' || typeof rc.index === 'number' ? rc.index : undefined,
      actions: actions as Action[],
      before: asRecord(change.before),
      after: asRecord(change.after),
      unknownPaths: flagPaths(change.after_unknown),
      sensitivePaths: [...flagPaths(change.before_sensitive), ...flagPaths(change.after_sensitive)],
      replacePaths,
      literalAttributes: lit?.literal,
      configuredAttributes: lit?.configured,
      location: undefined,
      source: 'plan',
    };
    setFlagMirrors(out, { unknown: change.after_unknown, sensitive: [change.before_sensitive, change.after_sensitive] });
    changes.push(out);
  }
  return changes;
}
