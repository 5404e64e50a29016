import type { ResourceChange } from '../types';
import type { Rule } from './rule';
import { credentialKind, isSecretName, looksLikeSecretValue } from './secret-patterns';

/**
 * Provider blocks and variable defaults are configuration, not resources: resource normalisation does
 * not yield them. This pre-pass reads them (from `.tf` text, or from a plan's `configuration`) into
 * pseudo-changes of type `provider` / `variable` (address `provider.aws`, `var.db_password`,
 * `module.m.var.x`), which only the rules below (and the credential-pattern rule) look at. They never
 * join the review's resource changes, scores or LLM prompts.
 */
export type SourceInput = { kind: 'plan'; plan: unknown } | { kind: 'hcl'; files: { path: string; content: string; context?: boolean }[] };

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);

function pseudo(type: 'provider' | 'variable', address: string, name: string, after: Json, source: 'plan' | 'hcl', location?: { file: string; line: number }): ResourceChange {
  const keys = Object.keys(after);
  return {
    address,
    type,
    name,
    provider: '',
    mode: 'managed',
    actions: ['create'],
    before: null,
    after,
    unknownPaths: [],
    sensitivePaths: [],
    replacePaths: [],
    literalAttributes: keys,
    configuredAttributes: keys,
    ...(location ? { location } : {}),
    source,
  };
}

/** End of the block whose `{` is at `open` (skips strings, heredocs and comments); the text length when unterminated. */
function blockEnd(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === '\\') i++;
    } else if (c === '#' || (c === '/' && text[i + 1] === '/')) {
      const nl = text.indexOf('\n', i);
      i = nl < 0 ? text.length : nl;
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? text.length : end + 1;
    } else if (c === '<' && text[i + 1] === '<') {
      const m = /^<<-?([A-Za-z_][A-Za-z0-9_]*)\r?\n/.exec(text.slice(i, i + 80));
      if (m) {
        const end = new RegExp(`^\\s*${m[1]!}\\s*$`, 'm');
        const rest = text.slice(i + m[0].length);
        const e = end.exec(rest);
        i = e ? i + m[0].length + e.index + e[0].length - 1 : text.length;
      }
    } else if (c === '{') depth++;
    else if (c === '}' && --depth === 0) return i;
  }
  return text.length;
}

const BLOCK = /^[ \t]*(provider|variable)[ \t]+"([^"\n]+)"[ \t]*\{/gm;
/** `name = "literal"` at the start of a line (no interpolation); values of nested blocks too, which is what provider `assume_role` needs. */
const LITERAL_ATTR = /^[ \t]*([A-Za-z_][A-Za-z0-9_-]*)[ \t]*=[ \t]*"((?:[^"\\$\n]|\\.|\$(?!\{))*)"[ \t]*(?:(?:#|\/\/).*)?$/gm;

const lineAt = (text: string, index: number): number => {
  let n = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < index; i = text.indexOf('\n', i + 1)) n++;
  return n;
};

function fromHcl(files: { path: string; content: string; context?: boolean }[]): ResourceChange[] {
  const out: ResourceChange[] = [];
  for (const file of files) {
    // Unchanged files fetched only to evaluate the change are not the change: not judged.
    if (file.context) continue;
    const text = file.content;
    if (!text.includes('provider') && !text.includes('variable')) continue;
    BLOCK.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = BLOCK.exec(text)) !== null) {
      const open = m.index + m[0].length - 1;
      const end = blockEnd(text, open);
      const body = text.slice(open + 1, end);
      const attrs: Json = {};
      LITERAL_ATTR.lastIndex = 0;
      let a: RegExpExecArray | null;
      while ((a = LITERAL_ATTR.exec(body)) !== null) if (!(a[1]! in attrs)) attrs[a[1]!] = JSON.parse(`"${a[2]!.replace(/\\(?!["\\/bfnrtu])/g, '\\\\')}"`) as string;
      const [kind, name] = [m[1] as 'provider' | 'variable', m[2]!];
      const location = { file: file.path, line: lineAt(text, m.index + m[0].length - m[0].trimStart().length) };
      if (kind === 'provider') {
        const alias = typeof attrs.alias === 'string' ? `.${attrs.alias}` : '';
        out.push(pseudo('provider', `provider.${name}${alias}`, name, attrs, 'hcl', location));
      } else if (typeof attrs.default === 'string') out.push(pseudo('variable', `var.${name}`, name, { default: attrs.default }, 'hcl', location));
      BLOCK.lastIndex = Math.max(BLOCK.lastIndex, end);
    }
  }
  return out;
}

function fromPlan(plan: unknown): ResourceChange[] {
  if (!isObject(plan) || !isObject(plan.configuration)) return [];
  const out: ResourceChange[] = [];
  const providers = plan.configuration.provider_config;
  if (isObject(providers)) {
    for (const [key, p] of Object.entries(providers)) {
      if (!isObject(p) || !isObject(p.expressions)) continue;
      const after: Json = {};
      for (const [k, e] of Object.entries(p.expressions)) if (isObject(e) && typeof e.constant_value === 'string' && !('references' in e)) after[k] = e.constant_value;
      const [mod, local] = key.includes(':') ? [key.slice(0, key.lastIndexOf(':')), key.slice(key.lastIndexOf(':') + 1)] : ['', key];
      out.push(pseudo('provider', `${mod ? `${mod}.` : ''}provider.${local}`, typeof p.name === 'string' ? p.name : local, after, 'plan'));
    }
  }
  const walk = (mod: unknown, prefix: string): void => {
    if (!isObject(mod)) return;
    if (isObject(mod.variables))
      for (const [name, v] of Object.entries(mod.variables)) if (isObject(v) && typeof v.default === 'string') out.push(pseudo('variable', `${prefix}var.${name}`, name, { default: v.default }, 'plan'));
    if (isObject(mod.module_calls)) for (const [name, call] of Object.entries(mod.module_calls)) if (isObject(call)) walk(call.module, `${prefix}module.${name}.`);
  };
  walk(plan.configuration.root_module, '');
  return out;
}

/** Pseudo-changes for the provider blocks and string variable defaults of the input. */
export function sourceSecretChanges(input: SourceInput): ResourceChange[] {
  return input.kind === 'plan' ? fromPlan(input.plan) : fromHcl(input.files);
}

export const sourceSecretRules: Rule[] = [
  {
    id: 'SEC-010',
    title: 'Credentials written in a provider block',
    category: 'secrets',
    severity: 'high',
    resourceTypes: ['provider'],
    on: 'config',
    remediation: 'Remove the keys from the configuration and rotate them; let the provider read credentials from the environment, a profile, SSO or an assumed role.',
    references: ['CWE-798', 'AWS IAM best practices (no long-term keys in code)'],
    check: (v) => {
      const attrs = Object.entries(v.change.after ?? {}).filter(([k, val]) => isSecretName(k) && typeof val === 'string' && looksLikeSecretValue(val) && !credentialKind(val));
      return attrs.length > 0 && `${attrs.map(([k]) => k).join(', ')} is a literal in the provider configuration: the credential is in version control.`;
    },
  },
  {
    id: 'SEC-011',
    title: 'Secret in a variable default',
    category: 'secrets',
    severity: 'high',
    resourceTypes: ['variable'],
    on: 'config',
    remediation: 'Drop the default and pass the value at apply time (TF_VAR_…, a secrets store, or `ephemeral`/write-only values); rotate the exposed secret.',
    references: ['CWE-798'],
    check: (v) => {
      const d = v.change.after?.default;
      return isSecretName(v.change.name) && typeof d === 'string' && looksLikeSecretValue(d) && !credentialKind(d) && `The default of variable ${v.change.name} is a literal secret: it is in version control.`;
    },
  },
];
