import { UNKNOWN, type ResourceView } from './resource-view';

/** One IAM policy statement, normalised from JSON policies or `aws_iam_policy_document` blocks. */
export interface Statement {
  effect: 'Allow' | 'Deny';
  actions: string[];
  notActions: string[];
  resources: string[];
  notResources: string[];
  /** Principals by type (`*` for the bare wildcard principal). */
  principals: Record<string, string[]>;
  notPrincipals: boolean;
  conditionKeys: string[];
  /** Conditions as operator, key and values (values as strings). */
  conditions: { test: string; key: string; values: string[] }[];
}

const list = (v: unknown): string[] => (typeof v === 'string' ? [v] : Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

function principalsOf(p: unknown): Record<string, string[]> {
  if (p === undefined || p === null) return {};
  if (p === '*') return { '*': ['*'] };
  if (!isObject(p)) return {};
  const out: Record<string, string[]> = {};
  for (const [k, v] of Object.entries(p)) out[k] = list(v);
  return out;
}

const strs = (v: unknown): string[] => (Array.isArray(v) ? v : [v]).filter((x) => typeof x === 'string' || typeof x === 'boolean' || typeof x === 'number').map(String);

function conditionsOf(c: unknown): Statement['conditions'] {
  if (!isObject(c)) return [];
  const out: Statement['conditions'] = [];
  for (const [test, byKey] of Object.entries(c)) if (isObject(byKey)) for (const [key, values] of Object.entries(byKey)) out.push({ test, key, values: strs(values) });
  return out;
}

function conditionKeysOf(c: unknown): string[] {
  if (!isObject(c)) return [];
  return Object.values(c).flatMap((byKey) => (isObject(byKey) ? Object.keys(byKey) : []));
}

/** Parses a policy document (JSON string or object); `undefined` when it is not a policy. */
export function parsePolicy(doc: unknown): Statement[] | undefined {
  let obj: unknown = doc;
  if (typeof doc === 'string') {
    try {
      obj = JSON.parse(doc);
    } catch {
      return undefined;
    }
  }
  if (!isObject(obj)) return undefined;
  const raw = Array.isArray(obj.Statement) ? obj.Statement : isObject(obj.Statement) ? [obj.Statement] : undefined;
  if (!raw) return undefined;
  return raw.filter(isObject).map((s) => ({
    effect: s.Effect === 'Deny' ? 'Deny' : 'Allow',
    actions: list(s.Action),
    notActions: list(s.NotAction),
    resources: list(s.Resource),
    notResources: list(s.NotResource),
    principals: principalsOf(s.Principal),
    notPrincipals: s.NotPrincipal !== undefined,
    conditionKeys: conditionKeysOf(s.Condition),
    conditions: conditionsOf(s.Condition),
  }));
}

/** Statements of an `aws_iam_policy_document` data source (HCL or plan values). */
function documentStatements(view: ResourceView): Statement[] {
  return view.blocks('statement').map(({ value: s }) => {
    const principals: Record<string, string[]> = {};
    for (const p of Array.isArray(s.principals) ? s.principals.filter(isObject) : []) {
      const type = typeof p.type === 'string' ? p.type : '';
      const ids = list(p.identifiers);
      principals[type] = [...(principals[type] ?? []), ...ids];
    }
    const conditions = Array.isArray(s.condition) ? s.condition.filter(isObject) : [];
    return {
      effect: s.effect === 'Deny' ? 'Deny' : 'Allow',
      actions: list(s.actions),
      notActions: list(s.not_actions),
      resources: list(s.resources),
      notResources: list(s.not_resources),
      principals,
      notPrincipals: Array.isArray(s.not_principals) && s.not_principals.length > 0,
      conditionKeys: conditions.map((c) => (typeof c.variable === 'string' ? c.variable : '')),
      conditions: conditions.map((c) => ({ test: typeof c.test === 'string' ? c.test : '', key: typeof c.variable === 'string' ? c.variable : '', values: strs(c.values) })),
    };
  });
}

const policyKeys = new Map<string, string>();
const allowKeys = new Map<string, string>();
const keyFor = (cache: Map<string, string>, prefix: string, attribute: string): string => {
  let key = cache.get(attribute);
  if (key === undefined) {
    key = prefix + attribute;
    cache.set(attribute, key);
  }
  return key;
};

/** Statements of the policy held in `attribute` (or of a policy document data source); undefined when unknown or absent. */
export function policyStatements(view: ResourceView, attribute: string): Statement[] | undefined {
  return view.derive(keyFor(policyKeys, 'policy:', attribute), readPolicy, attribute);
}

function readPolicy(view: ResourceView, attribute: string): Statement[] | undefined {
  if (view.type === 'aws_iam_policy_document') return documentStatements(view);
  const v = view.get(attribute);
  if (v === UNKNOWN || v === undefined || v === '') return undefined;
  return parsePolicy(v);
}

/** The Allow statements of {@link policyStatements}, shared between the rules of one change (do not mutate). */
export function allowStatements(view: ResourceView, attribute: string): Statement[] {
  return view.derive(keyFor(allowKeys, 'allow:', attribute), readAllows, attribute);
}

const readAllows = (view: ResourceView, attribute: string): Statement[] => allows(policyStatements(view, attribute));

export const allows = (statements: Statement[] | undefined): Statement[] => (statements ?? []).filter((s) => s.effect === 'Allow');

export const isStar = (s: string): boolean => s === '*' || s === '*:*';

/** True when the statement's principal is anyone: `"*"` or `{"AWS": "*"}`. */
export function anyPrincipal(s: Statement): boolean {
  if (s.notPrincipals) return true;
  const p = s.principals;
  return (Object.hasOwn(p, '*') && p['*']!.includes('*')) || (Object.hasOwn(p, 'AWS') && p.AWS!.includes('*'));
}

/** Condition keys that genuinely scope a wildcard principal to known callers. */
const SCOPING_KEYS = /^aws:(sourcearn|sourceaccount|sourceowner|sourcevpc|sourcevpce|sourceip|principalorgid|principalorgpaths|principalaccount|principalarn|sourceorgid|sourceorgpaths|vpcsourceip|userid|username)$|^kms:(calleraccount|viaservice)$|^s3:(dataaccesspointaccount|dataaccesspointarn)$/i;

export const scopedByCondition = (s: Statement): boolean => s.conditionKeys.some((k) => SCOPING_KEYS.test(k));

/** Actions that only read or list. */
export const isReadOnlyAction = (a: string): boolean => /^[a-z0-9-]+:(get|list|describe|head|batchget|query|scan|select|lookup|search|view)/i.test(a);

const globCache = new Map<string, RegExp>();
/** True when an IAM action pattern (`iam:Put*Policy`, `lambda:*`) grants `action` (case-insensitive). */
export function actionMatches(pattern: string, action: string): boolean {
  let re = globCache.get(pattern);
  if (!re) {
    re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 'i');
    if (globCache.size < 10_000) globCache.set(pattern, re);
  }
  return re.test(action);
}

/** True when the statement denies requests not sent over TLS (`aws:SecureTransport` false, or `s3:TlsVersion` below a minimum). */
export function deniesInsecureTransport(s: Statement): boolean {
  if (s.effect !== 'Deny') return false;
  return s.conditions.some(
    (c) => (/^aws:securetransport$/i.test(c.key) && /^Bool(IfExists)?$/i.test(c.test) && c.values.some((v) => v.toLowerCase() === 'false')) || (/^s3:tlsversion$/i.test(c.key) && /^NumericLessThan/i.test(c.test)),
  );
}
