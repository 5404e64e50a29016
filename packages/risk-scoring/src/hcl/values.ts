/**
 * The evaluator's value model. Known values are plain JSON-like data (null, boolean, number,
 * string, arrays, plain objects); what is not known before apply is one of three markers:
 * - {@link UNKNOWN}: nothing is known;
 * - {@link Partial}: a string whose known parts are known (a template or `jsonencode` with unknown
 *   parts); every operator treats it as unknown, but a JSON document that reaches a resource
 *   attribute is kept with {@link UNKNOWN_TEXT} where the unknown parts were, so policy rules still see
 *   `"Action": "*"` next to an interpolated ARN (the attribute is listed in `partialPaths`);
 * - {@link Opaque}: another resource, data source or module: its attributes set in configuration
 *   are known, everything else is unknown.
 * Arrays and objects may hold markers (partial evaluation).
 */
export class Unknown {
  /** Makes the class nominal: no array or object is an Unknown by shape. */
  readonly kind = 'unknown' as const;
  toString(): string {
    return UNKNOWN_TEXT;
  }
}
export const UNKNOWN = new Unknown();
/** Stands in for an unknown part of a partially known string (what a plan shows before apply). */
export const UNKNOWN_TEXT = '(known after apply)';

export class Partial {
  constructor(readonly text: string) {}
}

/** A reference target with lazily resolved attributes (resource, data source, module, namespace). */
export class Opaque {
  constructor(
    readonly attr: (name: string) => Value,
    readonly what: string,
  ) {}
}

export type Value = null | boolean | number | string | Value[] | { [key: string]: Value } | Unknown | Partial | Opaque;

export const isUnknown = (v: Value): v is Unknown | Partial | Opaque => v instanceof Unknown || v instanceof Partial || v instanceof Opaque;
export const isObj = (v: Value): v is { [key: string]: Value } => v !== null && typeof v === 'object' && !Array.isArray(v) && !isUnknown(v);

/** An evaluation error (what `try` and `can` catch); an attribute that fails is unknown. */
export class EvalError extends Error {
  override name = 'EvalError';
  constructor(message: string) {
    super(message);
  }
}

/** True when the value or anything inside it is not known. */
export function containsUnknown(v: Value, depth = 0): boolean {
  if (isUnknown(v)) return true;
  if (depth > 64) return false;
  if (Array.isArray(v)) return v.some((x) => containsUnknown(x, depth + 1));
  if (isObj(v)) {
    for (const k in v) if (containsUnknown(v[k]!, depth + 1)) return true;
  }
  return false;
}

export function typeName(v: Value): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'list';
  if (isUnknown(v)) return 'unknown';
  return typeof v === 'object' ? 'object' : typeof v;
}

/** Terraform's automatic conversion to string (numbers, bools); errors for collections and null. */
export function toStr(v: Value): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return formatNumber(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  throw new EvalError(`a ${typeName(v)} value cannot be used as a string`);
}

export function formatNumber(n: number): string {
  if (Number.isInteger(n)) return n.toString();
  return String(n);
}

export function toNum(v: Value): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  throw new EvalError(`a ${typeName(v)} value cannot be used as a number`);
}

export function toBool(v: Value): boolean {
  if (typeof v === 'boolean') return v;
  if (v === 'true') return true;
  if (v === 'false') return false;
  throw new EvalError(`a ${typeName(v)} value cannot be used as a bool`);
}

/** Elements of a list, set or tuple (objects/maps: their values in key order). */
export function elements(v: Value): Value[] {
  if (Array.isArray(v)) return v;
  if (isObj(v)) return Object.keys(v).sort().map((k) => v[k]!);
  throw new EvalError(`a ${typeName(v)} value is not a collection`);
}

/** Deep equality; `undefined` when it depends on unknown values. */
export function equals(a: Value, b: Value, depth = 0): boolean | undefined {
  if (isUnknown(a) || isUnknown(b)) return undefined;
  if (depth > 64) return undefined;
  if (a === null || b === null) return a === b;
  if (typeof a === 'number' || typeof b === 'number') {
    if (typeof a === typeof b) return a === b;
    return false;
  }
  if (typeof a !== 'object' || typeof b !== 'object') return a === b;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return false;
    let unknown = false;
    for (let i = 0; i < a.length; i++) {
      const e = equals(a[i]!, b[i]!, depth + 1);
      if (e === false) return false;
      if (e === undefined) unknown = true;
    }
    return unknown ? undefined : true;
  }
  const ao = a as Record<string, Value>;
  const bo = b as Record<string, Value>;
  const ak = Object.keys(ao);
  if (ak.length !== Object.keys(bo).length) return false;
  let unknown = false;
  for (const k of ak) {
    if (!Object.hasOwn(bo, k)) return false;
    const e = equals(ao[k]!, bo[k]!, depth + 1);
    if (e === false) return false;
    if (e === undefined) unknown = true;
  }
  return unknown ? undefined : true;
}

/** Plain JSON data (e.g. a caller's variables) as a value. */
export function fromJson(v: unknown, depth = 0): Value {
  if (depth > 64) return UNKNOWN;
  if (v === null || v === undefined) return null;
  if (typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'number') return Number.isFinite(v) ? v : UNKNOWN;
  if (Array.isArray(v)) return v.map((x) => fromJson(x, depth + 1));
  if (typeof v === 'object') {
    const out: Record<string, Value> = {};
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) out[k] = fromJson(x, depth + 1);
    return out;
  }
  return UNKNOWN;
}

/**
 * Terraform's `jsonencode` (object keys sorted, no whitespace). Unknown leaves become
 * {@link UNKNOWN_TEXT} strings and the result a {@link Partial}; a leaf that is itself a partial
 * string keeps its known text.
 */
export function jsonEncode(v: Value): string | Partial {
  let partial = false;
  const enc = (x: Value, depth: number): string => {
    if (depth > 64) {
      partial = true;
      return JSON.stringify(UNKNOWN_TEXT);
    }
    if (x instanceof Partial) {
      partial = true;
      return JSON.stringify(x.text);
    }
    if (isUnknown(x)) {
      partial = true;
      return JSON.stringify(UNKNOWN_TEXT);
    }
    if (x === null) return 'null';
    if (typeof x === 'number') return Number.isFinite(x) ? JSON.stringify(x) : 'null';
    if (typeof x === 'string' || typeof x === 'boolean') return JSON.stringify(x);
    if (Array.isArray(x)) return `[${x.map((e) => enc(e, depth + 1)).join(',')}]`;
    const o = x as Record<string, Value>;
    return `{${Object.keys(o)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${enc(o[k]!, depth + 1)}`)
      .join(',')}}`;
  };
  const text = enc(v, 0);
  return partial ? new Partial(text) : text;
}
