import type { ErrorObject } from 'ajv';
import { LineCounter, parseDocument, isNode, type Document } from 'yaml';
import type { Category, RiskLevel, Severity } from '@iac-review/core';
import { InputError } from '../errors';
import { parseCidr } from './cidr';
import { rules as catalogue } from '../rules/catalogue';
import { RISKY_PATTERN } from '../hcl/risky-pattern';
import { validatePolicy } from '../generated/policy-validator';

/** Largest policy file read (characters). */
export const MAX_CONFIG_CHARS = 256 * 1024;

export { CONFIG_FILES } from './files';

export type Scalar = string | number | boolean;

export type Condition =
  | { equals: Scalar }
  | { notEquals: Scalar }
  | { in: Scalar[] }
  | { matches: string }
  | { absent: true }
  | { greaterThan: number }
  | { lessThan: number }
  | { cidrContains: string };

export interface CustomRuleConfig {
  id: string;
  title?: string;
  resourceTypes: string[];
  attribute: string;
  condition: Condition;
  severity: Severity;
  category: Category;
  message: string;
  remediation?: string;
  references?: string[];
}

export interface RuleOverride {
  disabled?: boolean;
  severity?: Severity;
  reason: string;
}

export interface SuppressionConfig {
  rule: string;
  resource: string;
  reason: string;
  expires: string;
  by?: string;
}

/** The validated contents of `.iac-review.yml` / `.iac-review.json`. */
export interface PolicyConfig {
  version?: 1;
  failOn?: RiskLevel;
  rules?: Record<string, RuleOverride>;
  paths?: { include?: string[]; exclude?: string[] };
  suppressions?: SuppressionConfig[];
  customRules?: CustomRuleConfig[];
}

/** A config file with where each entry was written (1-based lines), for messages and audit. */
export interface LoadedConfig {
  /** The file name as given (e.g. `.iac-review.yml`). */
  file: string;
  config: PolicyConfig;
  /** Line of `suppressions[i]`. */
  suppressionLines: number[];
  /** Line of `rules.<id>`. */
  ruleLines: Record<string, number>;
}

/** The config file is unusable. The message is one line: `FILE:LINE: field: what is wrong`. */
export class ConfigError extends InputError {
  override name = 'ConfigError';
  constructor(
    readonly file: string,
    readonly line: number | undefined,
    readonly field: string,
    readonly problem: string,
  ) {
    super(`${file}${line ? `:${line}` : ''}: ${field ? `${field}: ` : ''}${problem}`);
  }
}

/** The published schema (schema/iac-review-config.schema.json), compiled ahead of time by scripts/src/codegen/validators.ts. */
const validate = (value: unknown): ErrorObject[] => (validatePolicy(value) ? [] : [...(validatePolicy.errors ?? [])]);

/** `/customRules/0/condition` → `['customRules', 0, 'condition']`. */
const pointerSegments = (pointer: string): (string | number)[] =>
  pointer === ''
    ? []
    : pointer
        .slice(1)
        .split('/')
        .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
        .map((s) => (/^\d+$/.test(s) ? Number(s) : s));

/** `['customRules', 0, 'condition']` → `customRules[0].condition`. */
export const fieldName = (segments: (string | number)[]): string =>
  segments.reduce<string>((acc, s) => (typeof s === 'number' ? `${acc}[${s}]` : /^[A-Za-z_][A-Za-z0-9_-]*$/.test(s) ? (acc ? `${acc}.${s}` : s) : `${acc}[${JSON.stringify(s)}]`), '');

function lineOf(doc: Document, counter: LineCounter, segments: (string | number)[], key = false): number | undefined {
  // The deepest node that exists on the path (a missing property is reported at its parent).
  for (let n = segments.length; n >= 0; n--) {
    const path = segments.slice(0, n);
    if (key && n === segments.length && n > 0) {
      // For a key (unknown property), point at the key itself.
      const parent = path.length > 1 ? doc.getIn(path.slice(0, -1), true) : doc.contents;
      const items = (parent as { items?: { key: unknown }[] } | null)?.items;
      const pair = items?.find((p) => isNode(p.key) && (p.key as { value?: unknown }).value === path[path.length - 1]);
      if (pair && isNode(pair.key) && pair.key.range) return counter.linePos(pair.key.range[0]).line;
    }
    const node = path.length === 0 ? doc.contents : doc.getIn(path, true);
    if (isNode(node) && node.range) return counter.linePos(node.range[0]).line;
  }
  return undefined;
}

function describe(e: ErrorObject): { segments: (string | number)[]; lineAt?: (string | number)[]; problem: string; key: boolean } {
  const segments = pointerSegments(e.instancePath);
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'required':
      return { segments: [...segments, String(p.missingProperty)], lineAt: segments, problem: 'is required', key: true };
    case 'additionalProperties':
      return { segments: [...segments, String(p.additionalProperty)], problem: 'is not a known field', key: true };
    case 'enum':
      return { segments, problem: `must be one of ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`, key: false };
    case 'const':
      return { segments, problem: `must be ${JSON.stringify(p.allowedValue)}`, key: false };
    case 'pattern': {
      const last = segments[segments.length - 1];
      if (last === 'expires') return { segments, problem: 'must be a date YYYY-MM-DD', key: false };
      if (last === 'reason') return { segments, problem: 'must say why (some text)', key: false };
      if (last === 'id') return { segments, problem: 'must be upper-case letters, digits, - or _ (it is reported as CUSTOM-<id>)', key: false };
      return { segments, problem: `must match ${String(p.pattern)}`, key: false };
    }
    case 'propertyNames':
      return { segments: [...segments, String(p.propertyName)], problem: 'is not a rule id', key: true };
    case 'minProperties':
    case 'maxProperties':
      if (segments[segments.length - 1] === 'condition') return { segments, problem: 'needs exactly one of equals, notEquals, in, matches, absent, greaterThan, lessThan, cidrContains', key: false };
      return { segments, problem: e.message ?? 'is invalid', key: false };
    case 'minLength':
      return { segments, problem: segments[segments.length - 1] === 'reason' ? `must say why (at least ${String(p.limit)} characters)` : `must not be shorter than ${String(p.limit)} characters`, key: false };
    default:
      return { segments, problem: e.message ?? 'is invalid', key: false };
  }
}

const isDate = (s: string): boolean => {
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
};

/**
 * Parses and validates a policy file (YAML, or JSON, which YAML reads too). Anything wrong is a
 * {@link ConfigError} naming the file, the line and the field; nothing here throws anything else.
 */
export function parsePolicyConfig(text: string, file = '.iac-review.yml'): LoadedConfig {
  if (text.length > MAX_CONFIG_CHARS) throw new ConfigError(file, undefined, '', `is ${Math.round(text.length / 1024)} KB; a policy file may be at most ${MAX_CONFIG_CHARS / 1024} KB`);
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, prettyErrors: false, uniqueKeys: true, merge: false });
  const syntax = doc.errors[0];
  if (syntax) {
    const line = counter.linePos(syntax.pos[0]).line;
    throw new ConfigError(file, line, '', `not valid ${file.endsWith('.json') ? 'JSON' : 'YAML'}: ${(syntax.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '')}`);
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 0 }) as unknown;
  } catch (err) {
    throw new ConfigError(file, undefined, '', `cannot be read: ${(err instanceof Error ? err.message : String(err)).split('\n')[0]}`);
  }
  if (value === null || value === undefined) value = {};
  const errors = validate(value);
  if (errors.length > 0) {
    const d = describe(errors[0]!);
    throw new ConfigError(file, lineOf(doc, counter, d.lineAt ?? d.segments, d.key), fieldName(d.segments), d.problem);
  }
  const config = value as PolicyConfig;
  const at = (...segments: (string | number)[]): number | undefined => lineOf(doc, counter, segments);
  const fail = (segments: (string | number)[], problem: string): never => {
    throw new ConfigError(file, lineOf(doc, counter, segments, typeof segments[segments.length - 1] === 'string' && segments[0] === 'rules'), fieldName(segments), problem);
  };

  // What the schema cannot say.
  const known = new Set([...catalogue.map((r) => r.id), ...(config.customRules ?? []).map((r) => `CUSTOM-${r.id}`)]);
  const unknownRule = (id: string): string | undefined => {
    if (/[*?[\]{}]/.test(id) || known.has(id)) return undefined;
    if (id.startsWith('SUPPRESS-')) return `${id} reports on suppressions themselves and cannot be suppressed or overridden`;
    const near = [...known].filter((k) => k.split('-')[0] === id.split('-')[0]).slice(0, 3);
    return `${id} is not a built-in or custom rule${near.length ? ` (e.g. ${near.join(', ')})` : ''}`;
  };
  const suppressionLines: number[] = [];
  (config.suppressions ?? []).forEach((s, i) => {
    if (!isDate(s.expires)) fail(['suppressions', i, 'expires'], `${s.expires} is not a calendar date`);
    const bad = unknownRule(s.rule);
    if (bad) fail(['suppressions', i, 'rule'], bad);
    suppressionLines.push(at('suppressions', i) ?? 0);
  });
  const ruleLines: Record<string, number> = {};
  for (const [id, o] of Object.entries(config.rules ?? {})) {
    const bad = unknownRule(id);
    if (bad) fail(['rules', id], bad);
    if (!o.disabled && o.severity === undefined) fail(['rules', id], 'needs disabled: true or a severity (besides the reason)');
    if (o.disabled && o.severity !== undefined) fail(['rules', id], 'give either disabled or severity, not both');
    ruleLines[id] = lineOf(doc, counter, ['rules', id], true) ?? 0;
  }
  const seen = new Set<string>();
  (config.customRules ?? []).forEach((r, i) => {
    if (seen.has(r.id)) fail(['customRules', i, 'id'], `${r.id} is used by another custom rule`);
    seen.add(r.id);
    const c = r.condition as Record<string, unknown>;
    if (typeof c.matches === 'string') {
      // Custom rules run on values a pull request controls: no pattern that can backtrack without bound.
      if (RISKY_PATTERN.test(c.matches)) fail(['customRules', i, 'condition', 'matches'], 'could backtrack without bound (a quantified group holding a quantifier or |, or a backreference); use a simpler pattern');
      try {
        new RegExp(c.matches, 'u');
      } catch (err) {
        fail(['customRules', i, 'condition', 'matches'], `not a regular expression (${(err as Error).message.split('\n')[0]})`);
      }
    }
    if (typeof c.cidrContains === 'string' && !parseCidr(c.cidrContains)) fail(['customRules', i, 'condition', 'cidrContains'], `${c.cidrContains} is not an IP address or CIDR block`);
  });
  return { file, config, suppressionLines, ruleLines };
}

export { parseCidr } from './cidr';
