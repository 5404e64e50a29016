import { createHash } from 'node:crypto';
import type { Evaluator } from './evaluate';
import { RISKY_PATTERN } from './risky-pattern';
import { EvalError, Opaque, Partial, UNKNOWN, containsUnknown, elements, equals, fromJson, isObj, isUnknown, jsonEncode, toBool, toNum, toStr, typeName, type Value } from './values';

/** What functions need from the module they are called in. */
export interface FunctionContext {
  /** A file of the configuration by the path Terraform would resolve (relative to the root module); undefined when absent. */
  readFile(path: string): string | undefined;
  /** Renders a template file with the given variables. */
  templateFile(path: string, vars: Record<string, Value>, ev: Evaluator): Value;
  /** Paths (relative to `dir`) of the files given under `dir`, or undefined when none are. */
  listFiles?(dir: string): string[] | undefined;
}

/** Terraform's `fileset` glob (`*`, `**`, `?`, `[…]`, `{a,b}`) as a regular expression. */
function globRegExp(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*' && pattern[i + 1] === '*') {
      re += '.*';
      i++;
      if (pattern[i + 1] === '/') i++;
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '{') {
      const end = pattern.indexOf('}', i);
      if (end < 0) re += '\\{';
      else {
        re += `(?:${pattern
          .slice(i + 1, end)
          .split(',')
          .map((x) => x.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
          .join('|')})`;
        i = end;
      }
    } else if (c === '[') {
      const end = pattern.indexOf(']', i);
      if (end < 0) re += '\\[';
      else {
        re += pattern.slice(i, end + 1);
        i = end;
      }
    } else re += c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

type Fn = (args: Value[], ctx: FunctionContext, ev: Evaluator) => Value;
interface FnSpec {
  fn: Fn;
  /** Arity: [min, max]. */
  arity: [number, number];
  /** Whether the function handles unknown arguments itself (otherwise any unknown argument → unknown). */
  partial?: boolean;
}

const list = (v: Value, fn: string): Value[] => {
  if (Array.isArray(v)) return v;
  throw new EvalError(`${fn}: expected a list, got ${typeName(v)}`);
};
const obj = (v: Value, fn: string): Record<string, Value> => {
  if (isObj(v)) return v;
  throw new EvalError(`${fn}: expected a map or object, got ${typeName(v)}`);
};
const str = toStr;

function distinct(items: Value[]): Value[] | undefined {
  const out: Value[] = [];
  for (const x of items) {
    let dup = false;
    for (const y of out) {
      const e = equals(x, y);
      if (e === undefined) return undefined;
      if (e) dup = true;
    }
    if (!dup) out.push(x);
  }
  return out;
}

function flatten(v: Value[], depth = 0): Value[] | undefined {
  const out: Value[] = [];
  for (const x of v) {
    if (isUnknown(x)) return undefined;
    if (Array.isArray(x)) {
      if (depth > 32) return undefined;
      const inner = flatten(x, depth + 1);
      if (!inner) return undefined;
      out.push(...inner);
    } else out.push(x);
  }
  return out;
}

/** Go-style `format` verbs: %s %d %f %v %q %t %% with optional width/precision flags. */
function format(fmt: string, args: Value[]): Value {
  let n = 0;
  let partial = false;
  const out = fmt.replace(/%([-+# 0]*)(\d+)?(?:\.(\d+))?([sdfvqtxXobeE%])/g, (_m, flags: string, width: string | undefined, prec: string | undefined, verb: string) => {
    if (verb === '%') return '%';
    const w = width === undefined ? 0 : Math.min(Number(width), 1000);
    const body = verbText(verb, prec, flags);
    if (body.length >= w) return body;
    if (flags.includes('-')) return body.padEnd(w);
    if (flags.includes('0') && /^[dfeExXob]$/.test(verb)) return body.startsWith('-') ? `-${body.slice(1).padStart(w - 1, '0')}` : body.padStart(w, '0');
    return body.padStart(w);
  });
  return partial ? UNKNOWN : out;

  function verbText(verb: string, prec: string | undefined, flags: string): string {
    if (n >= args.length) throw new EvalError('format: not enough arguments');
    const a = args[n++]!;
    if (isUnknown(a)) {
      partial = true;
      return '';
    }
    switch (verb) {
      case 'd': {
        const n = Math.trunc(toNum(a));
        return flags.includes('+') && n >= 0 ? `+${n}` : String(n);
      }
      case 'f':
      case 'e':
      case 'E':
        return toNum(a).toFixed(prec === undefined ? 6 : Number(prec));
      case 'q':
        return JSON.stringify(str(a));
      case 't':
        return String(toBool(a));
      case 'x':
      case 'X':
        return toNum(a).toString(16);
      case 'o':
        return toNum(a).toString(8);
      case 'b':
        return toNum(a).toString(2);
      case 'v':
        if (Array.isArray(a) || isObj(a)) {
          const j = jsonEncode(a);
          if (j instanceof Partial) partial = true;
          return typeof j === 'string' ? j : j.text;
        }
        return a === null ? 'null' : str(a);
      default:
        return str(a);
    }
  }
}

function ipv4(s: string): number {
  const parts = s.split('.');
  if (parts.length !== 4) throw new EvalError(`invalid IPv4 address ${s}`);
  let n = 0;
  for (const p of parts) {
    const x = Number(p);
    if (!/^\d{1,3}$/.test(p) || x > 255) throw new EvalError(`invalid IPv4 address ${s}`);
    n = n * 256 + x;
  }
  return n;
}
const ipString = (n: number): string => [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');

function cidr(prefix: string): { base: number; bits: number } {
  const m = /^([0-9.]+)\/(\d{1,2})$/.exec(prefix);
  if (!m) throw new EvalError(`invalid CIDR ${prefix}`);
  const bits = Number(m[2]);
  if (bits > 32) throw new EvalError(`invalid CIDR ${prefix}`);
  const ip = ipv4(m[1]!);
  const size = 2 ** (32 - bits);
  return { base: ip - (ip % size), bits };
}

function cidrsubnet(prefix: string, newbits: number, netnum: number): string {
  if (prefix.includes(':')) throw new EvalError('cidrsubnet: IPv6 is not evaluated');
  const { base, bits } = cidr(prefix);
  const nb = bits + newbits;
  if (nb > 32 || newbits < 0) throw new EvalError('cidrsubnet: not enough address space');
  if (netnum < 0 || netnum >= 2 ** newbits) throw new EvalError('cidrsubnet: netnum out of range');
  return `${ipString(base + netnum * 2 ** (32 - nb))}/${nb}`;
}

function cidrhost(prefix: string, hostnum: number): string {
  if (prefix.includes(':')) throw new EvalError('cidrhost: IPv6 is not evaluated');
  const { base, bits } = cidr(prefix);
  const size = 2 ** (32 - bits);
  const h = hostnum < 0 ? size + hostnum : hostnum;
  if (h < 0 || h >= size) throw new EvalError('cidrhost: host number out of range');
  return ipString(base + h);
}

// Patterns that could backtrack without bound (RISKY_PATTERN) and very long subjects are not
// evaluated: the result is unknown.
export { RISKY_PATTERN };
const MAX_REGEX_SUBJECT = 10_000;

const toRegExp = (pattern: string, flags = ''): RegExp => {
  if (RISKY_PATTERN.test(pattern) || pattern.length > 1000) throw new EvalError('regular expression not evaluated (could backtrack without bound)');
  try {
    // RE2 syntax is close to JavaScript's for the patterns configurations use; named groups differ.
    return new RegExp(pattern.replace(/\(\?P</g, '(?<'), flags);
  } catch {
    throw new EvalError(`invalid regular expression ${pattern}`);
  }
};

function replace(s: string, search: string, rep: string): string {
  if (search.length > 1 && search.startsWith('/') && search.endsWith('/')) {
    if (s.length > MAX_REGEX_SUBJECT) throw new EvalError('replace: subject too long for a regular expression');
    return s.replace(toRegExp(search.slice(1, -1), 'g'), rep.replace(/\$\{(\w+)\}/g, '$<$1>'));
  }
  return s.split(search).join(rep);
}

const sortKeys = (o: Record<string, Value>): string[] => Object.keys(o).sort();

function tomap(v: Value): Value {
  return obj(v, 'tomap');
}

const F: Record<string, FnSpec> = {
  jsonencode: { arity: [1, 1], partial: true, fn: ([v]) => jsonEncode(v!) },
  jsondecode: {
    arity: [1, 1],
    fn: ([v]) => {
      try {
        return fromJson(JSON.parse(str(v!)));
      } catch (err) {
        if (err instanceof EvalError) throw err;
        throw new EvalError('jsondecode: invalid JSON');
      }
    },
  },
  yamldecode: { arity: [1, 1], fn: () => UNKNOWN },
  merge: {
    arity: [0, 1000],
    partial: true,
    fn: (args) => {
      const out: Record<string, Value> = {};
      for (const a of args) {
        if (a === null) continue;
        if (isUnknown(a)) return UNKNOWN;
        Object.assign(out, obj(a, 'merge'));
      }
      return out;
    },
  },
  // Terraform 0.11 functions, still common in older configurations and public fixtures.
  list: { arity: [0, 1000], partial: true, fn: (args) => [...args] },
  map: {
    arity: [0, 1000],
    partial: true,
    fn: (args) => {
      if (args.length % 2 !== 0) throw new EvalError('map: needs key/value pairs');
      const out: Record<string, Value> = {};
      for (let i = 0; i < args.length; i += 2) {
        if (isUnknown(args[i]!)) return UNKNOWN;
        out[str(args[i]!)] = args[i + 1]!;
      }
      return out;
    },
  },
  concat: {
    arity: [0, 1000],
    partial: true,
    fn: (args) => {
      const out: Value[] = [];
      for (const a of args) {
        if (isUnknown(a)) return UNKNOWN;
        out.push(...list(a, 'concat'));
      }
      return out;
    },
  },
  flatten: { arity: [1, 1], partial: true, fn: ([v]) => (isUnknown(v!) ? UNKNOWN : (flatten(list(v!, 'flatten')) ?? UNKNOWN)) },
  format: { arity: [1, 1000], partial: true, fn: ([f, ...rest]) => (isUnknown(f!) ? UNKNOWN : format(str(f!), rest)) },
  formatlist: {
    arity: [1, 1000],
    fn: ([f, ...rest]) => {
      const n = Math.max(1, ...rest.map((r) => (Array.isArray(r) ? r.length : 1)));
      const out: Value[] = [];
      for (let i = 0; i < n; i++) out.push(format(str(f!), rest.map((r) => (Array.isArray(r) ? (r[i] ?? null) : r))));
      return out;
    },
  },
  join: {
    arity: [2, 1000],
    partial: true,
    fn: ([sep, ...lists]) => {
      if (isUnknown(sep!)) return UNKNOWN;
      const items: Value[] = [];
      for (const l of lists) {
        if (isUnknown(l)) return UNKNOWN;
        items.push(...list(l, 'join'));
      }
      if (items.some(isUnknown)) return UNKNOWN;
      return items.map(str).join(str(sep!));
    },
  },
  split: { arity: [2, 2], fn: ([sep, s]) => (str(s!) === '' ? [] : str(s!).split(str(sep!))) },
  lookup: {
    arity: [2, 3],
    partial: true,
    fn: ([m, k, d]) => {
      if (m instanceof Opaque) return isUnknown(k!) ? UNKNOWN : m.attr(str(k!));
      if (isUnknown(m!) || isUnknown(k!)) return UNKNOWN;
      const o = obj(m!, 'lookup');
      const key = str(k!);
      if (Object.hasOwn(o, key)) return o[key]!;
      if (d === undefined) throw new EvalError(`lookup: no key "${key}"`);
      return d;
    },
  },
  coalesce: {
    arity: [1, 1000],
    partial: true,
    fn: (args) => {
      for (const a of args) {
        if (isUnknown(a)) return UNKNOWN;
        if (a !== null && a !== '') return a;
      }
      throw new EvalError('coalesce: no non-null argument');
    },
  },
  coalescelist: {
    arity: [1, 1000],
    partial: true,
    fn: (args) => {
      for (const a of args) {
        if (isUnknown(a)) return UNKNOWN;
        if (list(a, 'coalescelist').length > 0) return a;
      }
      throw new EvalError('coalescelist: no non-empty list');
    },
  },
  contains: {
    arity: [2, 2],
    partial: true,
    fn: ([l, v]) => {
      if (isUnknown(l!) || isUnknown(v!)) return UNKNOWN;
      let unknown = false;
      for (const x of elements(l!)) {
        const e = equals(x, v!);
        if (e === true) return true;
        if (e === undefined) unknown = true;
      }
      return unknown ? UNKNOWN : false;
    },
  },
  length: {
    arity: [1, 1],
    partial: true,
    fn: ([v]) => {
      if (isUnknown(v!)) return UNKNOWN;
      if (typeof v === 'string') return [...v].length;
      if (Array.isArray(v)) return v.length;
      return Object.keys(obj(v!, 'length')).length;
    },
  },
  element: {
    arity: [2, 2],
    partial: true,
    fn: ([l, i]) => {
      if (isUnknown(l!) || isUnknown(i!)) return UNKNOWN;
      const items = list(l!, 'element');
      if (items.length === 0) throw new EvalError('element: empty list');
      const n = Math.trunc(toNum(i!));
      return items[((n % items.length) + items.length) % items.length]!;
    },
  },
  index: {
    arity: [2, 2],
    fn: ([l, v]) => {
      const i = list(l!, 'index').findIndex((x) => equals(x, v!) === true);
      if (i < 0) throw new EvalError('index: element not found');
      return i;
    },
  },
  keys: {
    arity: [1, 1],
    partial: true,
    fn: ([v]) => (isUnknown(v!) ? UNKNOWN : sortKeys(obj(v!, 'keys'))),
  },
  values: {
    arity: [1, 1],
    partial: true,
    fn: ([v]) => {
      if (isUnknown(v!)) return UNKNOWN;
      const o = obj(v!, 'values');
      return sortKeys(o).map((k) => o[k]!);
    },
  },
  tolist: { arity: [1, 1], partial: true, fn: ([v]) => (isUnknown(v!) ? UNKNOWN : elements(v!)) },
  toset: {
    arity: [1, 1],
    partial: true,
    fn: ([v]) => {
      if (isUnknown(v!)) return UNKNOWN;
      const d = distinct(elements(v!));
      if (!d) return UNKNOWN;
      // sets of strings iterate in lexical order
      return d.every((x) => typeof x === 'string') ? [...(d as string[])].sort() : d;
    },
  },
  tomap: { arity: [1, 1], partial: true, fn: ([v]) => (isUnknown(v!) ? UNKNOWN : tomap(v!)) },
  tostring: { arity: [1, 1], fn: ([v]) => (v === null ? null : str(v!)) },
  tonumber: { arity: [1, 1], fn: ([v]) => (v === null ? null : toNum(v!)) },
  tobool: { arity: [1, 1], fn: ([v]) => (v === null ? null : toBool(v!)) },
  lower: { arity: [1, 1], fn: ([s]) => str(s!).toLowerCase() },
  upper: { arity: [1, 1], fn: ([s]) => str(s!).toUpperCase() },
  title: { arity: [1, 1], fn: ([s]) => str(s!).replace(/\b\w/g, (c) => c.toUpperCase()) },
  replace: { arity: [3, 3], fn: ([s, a, b]) => replace(str(s!), str(a!), str(b!)) },
  trimspace: { arity: [1, 1], fn: ([s]) => str(s!).trim() },
  trim: {
    arity: [2, 2],
    fn: ([s, cs]) => {
      const set = new Set(str(cs!));
      const t = [...str(s!)];
      let a = 0;
      let b = t.length;
      while (a < b && set.has(t[a]!)) a++;
      while (b > a && set.has(t[b - 1]!)) b--;
      return t.slice(a, b).join('');
    },
  },
  trimprefix: { arity: [2, 2], fn: ([s, p]) => (str(s!).startsWith(str(p!)) ? str(s!).slice(str(p!).length) : str(s!)) },
  trimsuffix: { arity: [2, 2], fn: ([s, p]) => (str(p!) !== '' && str(s!).endsWith(str(p!)) ? str(s!).slice(0, -str(p!).length) : str(s!)) },
  chomp: { arity: [1, 1], fn: ([s]) => str(s!).replace(/(\r?\n)+$/, '') },
  indent: { arity: [2, 2], fn: ([n, s]) => str(s!).replace(/\n/g, `\n${' '.repeat(Math.max(0, Math.min(1000, toNum(n!))))}`) },
  substr: {
    arity: [3, 3],
    fn: ([s, o, l]) => {
      const chars = [...str(s!)];
      let off = toNum(o!);
      if (off < 0) off = chars.length + off;
      const len = toNum(l!);
      return chars.slice(off, len < 0 ? undefined : off + len).join('');
    },
  },
  startswith: { arity: [2, 2], fn: ([s, p]) => str(s!).startsWith(str(p!)) },
  endswith: { arity: [2, 2], fn: ([s, p]) => str(s!).endsWith(str(p!)) },
  strcontains: { arity: [2, 2], fn: ([s, p]) => str(s!).includes(str(p!)) },
  strrev: { arity: [1, 1], fn: ([s]) => [...str(s!)].reverse().join('') },
  regex: {
    arity: [2, 2],
    fn: ([p, s]) => {
      const subject = str(s!);
      if (subject.length > MAX_REGEX_SUBJECT) return UNKNOWN;
      const m = toRegExp(str(p!)).exec(subject);
      if (!m) throw new EvalError('regex: no match');
      if (m.groups) return fromJson({ ...m.groups });
      return m.length > 1 ? m.slice(1).map((x) => x ?? null) : m[0];
    },
  },
  regexall: {
    arity: [2, 2],
    fn: ([p, s]) => (str(s!).length > MAX_REGEX_SUBJECT ? UNKNOWN : [...str(s!).matchAll(toRegExp(str(p!), 'g'))].map((m) => (m.length > 1 ? m.slice(1).map((x) => x ?? null) : m[0]))),
  },
  cidrsubnet: { arity: [3, 3], fn: ([p, b, n]) => cidrsubnet(str(p!), toNum(b!), toNum(n!)) },
  cidrhost: { arity: [2, 2], fn: ([p, n]) => cidrhost(str(p!), toNum(n!)) },
  cidrsubnets: {
    arity: [1, 1000],
    fn: ([p, ...bits]) => {
      const prefix = str(p!);
      const { base, bits: pb } = cidr(prefix);
      let next = base;
      return bits.map((b) => {
        const nb = pb + toNum(b);
        if (nb > 32) throw new EvalError('cidrsubnets: not enough address space');
        const size = 2 ** (32 - nb);
        next = Math.ceil(next / size) * size;
        const out = `${ipString(next)}/${nb}`;
        next += size;
        return out;
      });
    },
  },
  min: { arity: [1, 1000], fn: (args) => Math.min(...args.map(toNum)) },
  max: { arity: [1, 1000], fn: (args) => Math.max(...args.map(toNum)) },
  abs: { arity: [1, 1], fn: ([n]) => Math.abs(toNum(n!)) },
  ceil: { arity: [1, 1], fn: ([n]) => Math.ceil(toNum(n!)) },
  floor: { arity: [1, 1], fn: ([n]) => Math.floor(toNum(n!)) },
  pow: { arity: [2, 2], fn: ([a, b]) => toNum(a!) ** toNum(b!) },
  signum: { arity: [1, 1], fn: ([n]) => Math.sign(toNum(n!)) },
  parseint: { arity: [2, 2], fn: ([s, b]) => parseInt(str(s!), toNum(b!)) },
  sum: { arity: [1, 1], fn: ([l]) => list(l!, 'sum').reduce<number>((a, x) => a + toNum(x), 0) },
  distinct: { arity: [1, 1], partial: true, fn: ([l]) => (isUnknown(l!) ? UNKNOWN : (distinct(list(l!, 'distinct')) ?? UNKNOWN)) },
  compact: { arity: [1, 1], fn: ([l]) => list(l!, 'compact').filter((x) => x !== null && x !== '') },
  range: {
    arity: [1, 3],
    fn: (args) => {
      const [a, b, s] = args.length === 1 ? [0, toNum(args[0]!), 1] : [toNum(args[0]!), toNum(args[1]!), args[2] === undefined ? 1 : toNum(args[2])];
      if (s === 0) throw new EvalError('range: step 0');
      const out: number[] = [];
      for (let x = a; s > 0 ? x < b : x > b; x += s) {
        out.push(x);
        if (out.length > 1024) throw new EvalError('range: more than 1024 elements');
      }
      return out;
    },
  },
  zipmap: {
    arity: [2, 2],
    partial: true,
    fn: ([k, v]) => {
      if (isUnknown(k!) || isUnknown(v!)) return UNKNOWN;
      const ks = list(k!, 'zipmap');
      const vs = list(v!, 'zipmap');
      if (ks.some(isUnknown)) return UNKNOWN;
      const out: Record<string, Value> = {};
      ks.forEach((x, i) => (out[str(x)] = vs[i] ?? null));
      return out;
    },
  },
  slice: { arity: [3, 3], fn: ([l, a, b]) => list(l!, 'slice').slice(toNum(a!), toNum(b!)) },
  reverse: { arity: [1, 1], fn: ([l]) => [...list(l!, 'reverse')].reverse() },
  sort: { arity: [1, 1], fn: ([l]) => list(l!, 'sort').map(str).sort() },
  one: {
    arity: [1, 1],
    partial: true,
    fn: ([l]) => {
      if (isUnknown(l!)) return UNKNOWN;
      const items = elements(l!);
      if (items.length > 1) throw new EvalError('one: more than one element');
      return items[0] ?? null;
    },
  },
  alltrue: { arity: [1, 1], fn: ([l]) => list(l!, 'alltrue').every((x) => toBool(x)) },
  anytrue: { arity: [1, 1], fn: ([l]) => list(l!, 'anytrue').some((x) => toBool(x)) },
  setunion: {
    arity: [1, 1000],
    fn: (args) => distinct(args.flatMap((a) => elements(a))) ?? UNKNOWN,
  },
  setintersection: {
    arity: [1, 1000],
    fn: ([first, ...rest]) => elements(first!).filter((x) => rest.every((r) => elements(r).some((y) => equals(x, y) === true))),
  },
  setsubtract: { arity: [2, 2], fn: ([a, b]) => elements(a!).filter((x) => !elements(b!).some((y) => equals(x, y) === true)) },
  chunklist: {
    arity: [2, 2],
    fn: ([l, n]) => {
      const items = list(l!, 'chunklist');
      const size = toNum(n!);
      if (size <= 0) return [items];
      const out: Value[] = [];
      for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
      return out;
    },
  },
  transpose: {
    arity: [1, 1],
    fn: ([m]) => {
      const out: Record<string, Value[]> = {};
      const o = obj(m!, 'transpose');
      for (const k of sortKeys(o)) for (const v of list(o[k]!, 'transpose')) (out[str(v)] ??= []).push(k);
      return out;
    },
  },
  base64encode: { arity: [1, 1], fn: ([s]) => Buffer.from(str(s!), 'utf8').toString('base64') },
  base64decode: { arity: [1, 1], fn: ([s]) => Buffer.from(str(s!), 'base64').toString('utf8') },
  base64gzip: { arity: [1, 1], fn: () => UNKNOWN },
  urlencode: { arity: [1, 1], fn: ([s]) => encodeURIComponent(str(s!)) },
  md5: { arity: [1, 1], fn: ([s]) => createHash('md5').update(str(s!)).digest('hex') },
  sha1: { arity: [1, 1], fn: ([s]) => createHash('sha1').update(str(s!)).digest('hex') },
  sha256: { arity: [1, 1], fn: ([s]) => createHash('sha256').update(str(s!)).digest('hex') },
  sha512: { arity: [1, 1], fn: ([s]) => createHash('sha512').update(str(s!)).digest('hex') },
  basename: { arity: [1, 1], fn: ([s]) => str(s!).replace(/\/+$/, '').split('/').pop() ?? '' },
  dirname: {
    arity: [1, 1],
    fn: ([s]) => {
      const p = str(s!);
      const i = p.lastIndexOf('/');
      return i < 0 ? '.' : i === 0 ? '/' : p.slice(0, i);
    },
  },
  abspath: { arity: [1, 1], fn: ([s]) => str(s!) },
  pathexpand: { arity: [1, 1], fn: ([s]) => str(s!) },
  file: {
    arity: [1, 1],
    fn: ([p], ctx) => {
      const text = ctx.readFile(str(p!));
      return text === undefined ? UNKNOWN : text;
    },
  },
  fileexists: { arity: [1, 1], fn: ([p], ctx) => (ctx.readFile(str(p!)) === undefined ? UNKNOWN : true) },
  filebase64: {
    arity: [1, 1],
    fn: ([p], ctx) => {
      const text = ctx.readFile(str(p!));
      return text === undefined ? UNKNOWN : Buffer.from(text, 'utf8').toString('base64');
    },
  },
  filemd5: {
    arity: [1, 1],
    fn: ([p], ctx) => {
      const text = ctx.readFile(str(p!));
      return text === undefined ? UNKNOWN : createHash('md5').update(text).digest('hex');
    },
  },
  filesha256: {
    arity: [1, 1],
    fn: ([p], ctx) => {
      const text = ctx.readFile(str(p!));
      return text === undefined ? UNKNOWN : createHash('sha256').update(text).digest('hex');
    },
  },
  filebase64sha256: {
    arity: [1, 1],
    fn: ([p], ctx) => {
      const text = ctx.readFile(str(p!));
      return text === undefined ? UNKNOWN : createHash('sha256').update(text).digest('base64');
    },
  },
  fileset: {
    arity: [2, 2],
    fn: ([dir, pattern], ctx) => {
      // Only the files given are known: a directory with none of them (build output, not in the
      // repository) gives an unknown set rather than an empty one.
      const files = ctx.listFiles?.(str(dir!));
      if (!files) return UNKNOWN;
      const re = globRegExp(str(pattern!));
      return files.filter((f) => re.test(f)).sort();
    },
  },
  templatefile: {
    arity: [2, 2],
    partial: true,
    fn: ([p, vars], ctx, ev) => {
      if (isUnknown(p!)) return UNKNOWN;
      if (isUnknown(vars!)) return UNKNOWN;
      return ctx.templateFile(str(p!), obj(vars!, 'templatefile'), ev);
    },
  },
  sensitive: {
    arity: [1, 1],
    partial: true,
    fn: ([v], _ctx, ev) => {
      ev.taint.sensitive = true;
      return v!;
    },
  },
  nonsensitive: { arity: [1, 1], partial: true, fn: ([v]) => v! },
  type: { arity: [1, 1], fn: ([v]) => typeName(v!) },
  timestamp: { arity: [0, 0], fn: () => UNKNOWN },
  uuid: { arity: [0, 0], fn: () => UNKNOWN },
  bcrypt: { arity: [1, 2], fn: () => UNKNOWN },
  formatdate: { arity: [2, 2], fn: () => UNKNOWN },
  timeadd: { arity: [2, 2], fn: () => UNKNOWN },
};

const ELEMENTWISE = new Set(['compact', 'slice', 'reverse', 'chunklist']);

/** True when the evaluator implements the function. */
export const isSupported = (name: string): boolean => Object.hasOwn(F, name);

/** Names of the implemented functions. */
export const SUPPORTED_FUNCTIONS: readonly string[] = [...Object.keys(F), 'try', 'can'].sort();

/**
 * Calls a function; `undefined` when it is not implemented (the caller makes the result unknown).
 * Throws EvalError for a wrong call (what `try`/`can` catch).
 */
export function callFunction(name: string, args: Value[], ctx: FunctionContext, ev: Evaluator): Value | undefined {
  const spec = Object.hasOwn(F, name) ? F[name] : undefined;
  if (!spec) return undefined;
  if (args.length < spec.arity[0] || args.length > spec.arity[1]) throw new EvalError(`${name}: wrong number of arguments (${args.length})`);
  if (!spec.partial) {
    for (const a of args) if (isUnknown(a)) return UNKNOWN;
    // element-wise functions keep unknown elements; the others cannot compute with them
    if (!ELEMENTWISE.has(name)) for (const a of args) if ((Array.isArray(a) || isObj(a)) && containsUnknown(a)) return UNKNOWN;
  }
  return spec.fn(args, ctx, ev);
}
