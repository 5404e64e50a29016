import type { Expr, TemplatePart } from './ast';
import { callFunction, type FunctionContext } from './functions';
import { EvalError, Opaque, Partial, UNKNOWN, UNKNOWN_TEXT, elements, equals, isObj, isUnknown, toBool, toNum, toStr, typeName, type Value } from './values';

/** Names visible to an expression: `var`, `local`, resource types, `each`… and for-expression variables. */
export interface Scope {
  /** The value of a root name, or `undefined` when the name does not exist here. */
  lookup(name: string): Value | undefined;
  readonly functions: FunctionContext;
}

/** A scope with a few extra names (for expressions, dynamic iterators, splats) on top of another. */
export class ChildScope implements Scope {
  constructor(
    readonly parent: Scope,
    readonly vars: Map<string, Value>,
  ) {}
  lookup(name: string): Value | undefined {
    const v = this.vars.get(name);
    return v !== undefined ? v : this.parent.lookup(name);
  }
  get functions(): FunctionContext {
    return this.parent.functions;
  }
}

/** What one evaluation read: anything from outside the configuration, anything sensitive. */
export interface Taint {
  /** Read a resource/data/remote-module attribute or a caller-provided variable (not a literal of the configuration). */
  external: boolean;
  /** Read a `sensitive` variable or output. */
  sensitive: boolean;
  /** Configuration addresses of the resources and data sources read (`module.a.aws_x.y`, no instance keys). */
  refs: string[] | undefined;
}

export const freshTaint = (): Taint => ({ external: false, sensitive: false, refs: undefined });

/** Adds what `inner` read to `outer`. */
export function mergeTaint(outer: Taint, inner: Taint): void {
  if (inner.external) outer.external = true;
  if (inner.sensitive) outer.sensitive = true;
  if (inner.refs) for (const r of inner.refs) if (!(outer.refs ??= []).includes(r)) outer.refs.push(r);
}

const SPLAT = '\u0000splat';
const MAX_DEPTH = 400;

/** Evaluates expressions; never throws anything but {@link EvalError}. */
export class Evaluator {
  taint: Taint = freshTaint();
  /** Functions called that the evaluator does not implement (their results are unknown). */
  readonly unsupported = new Set<string>();
  depth = 0;

  evaluate(e: Expr, scope: Scope): Value {
    const depth = this.depth;
    try {
      return this.step(e, scope);
    } catch (err) {
      if (err instanceof EvalError) throw err;
      // A bug or a pathological value (stack, huge string): the value is unknown, never a crash.
      throw new EvalError(err instanceof Error ? err.message : String(err));
    } finally {
      this.depth = depth;
    }
  }

  /** One recursion step: depth-limited, no exception handling of its own ({@link evaluate} restores the depth). */
  private step(e: Expr, scope: Scope): Value {
    if (++this.depth > MAX_DEPTH) throw new EvalError('expression nested too deeply');
    const v = this.eval(e, scope);
    this.depth--;
    return v;
  }

  /** Evaluates `e`, returning UNKNOWN instead of throwing. */
  safe(e: Expr, scope: Scope): Value {
    try {
      return this.evaluate(e, scope);
    } catch {
      return UNKNOWN;
    }
  }

  private eval(e: Expr, scope: Scope): Value {
    switch (e.kind) {
      case 'literal':
        return e.value;
      case 'paren':
        return this.step(e.expr, scope);
      case 'template':
        return this.template(e.parts, scope, true);
      case 'var': {
        const v = scope.lookup(e.name);
        if (v === undefined) throw new EvalError(`unknown name ${e.name}`);
        return v;
      }
      case 'splatItem': {
        const v = scope.lookup(SPLAT);
        return v === undefined ? UNKNOWN : v;
      }
      case 'attr':
        return getAttr(this.step(e.object, scope), e.name);
      case 'index': {
        const obj = this.step(e.object, scope);
        const key = this.step(e.key, scope);
        return index(obj, key);
      }
      case 'splat': {
        const obj = this.step(e.object, scope);
        if (obj === UNKNOWN || obj instanceof Partial) return UNKNOWN;
        if (obj === null) return [];
        const items = Array.isArray(obj) ? obj : [obj];
        return items.map((item) => this.step(e.each, new ChildScope(scope, new Map([[SPLAT, item]]))));
      }
      case 'tuple':
        return e.items.map((x) => this.step(x, scope));
      case 'object': {
        const out: Record<string, Value> = {};
        for (const item of e.items) {
          const k = this.step(item.key, scope);
          if (isUnknown(k)) return UNKNOWN;
          out[toStr(k)] = this.step(item.value, scope);
        }
        return out;
      }
      case 'cond': {
        const c = this.step(e.cond, scope);
        if (isUnknown(c)) {
          const a = this.safe(e.then, scope);
          const b = this.safe(e.else, scope);
          return equals(a, b) === true ? a : UNKNOWN;
        }
        return toBool(c) ? this.step(e.then, scope) : this.step(e.else, scope);
      }
      case 'unary': {
        const v = this.step(e.operand, scope);
        if (isUnknown(v)) return UNKNOWN;
        return e.op === '!' ? !toBool(v) : -toNum(v);
      }
      case 'binary':
        return this.binary(e.op, this.step(e.left, scope), this.step(e.right, scope));
      case 'call':
        return this.call(e, scope);
      case 'for':
        return this.forExpr(e, scope);
    }
  }

  private binary(op: string, a: Value, b: Value): Value {
    if (op === '&&' || op === '||') {
      const av = isUnknown(a) ? undefined : toBool(a);
      const bv = isUnknown(b) ? undefined : toBool(b);
      if (op === '&&') {
        if (av === false || bv === false) return false;
        return av === undefined || bv === undefined ? UNKNOWN : true;
      }
      if (av === true || bv === true) return true;
      return av === undefined || bv === undefined ? UNKNOWN : false;
    }
    if (op === '==' || op === '!=') {
      const eq = equals(a, b);
      if (eq === undefined) return UNKNOWN;
      return op === '==' ? eq : !eq;
    }
    if (isUnknown(a) || isUnknown(b)) return UNKNOWN;
    const x = toNum(a);
    const y = toNum(b);
    switch (op) {
      case '+':
        return x + y;
      case '-':
        return x - y;
      case '*':
        return x * y;
      case '/':
        if (y === 0) throw new EvalError('division by zero');
        return x / y;
      case '%':
        if (y === 0) throw new EvalError('division by zero');
        return x % y;
      case '<':
        return x < y;
      case '>':
        return x > y;
      case '<=':
        return x <= y;
      case '>=':
        return x >= y;
    }
    throw new EvalError(`unknown operator ${op}`);
  }

  private call(e: Extract<Expr, { kind: 'call' }>, scope: Scope): Value {
    if (e.name === 'try') {
      for (const arg of e.args) {
        try {
          const v = this.evaluate(arg, scope); // restores the depth when it throws
          return v;
        } catch (err) {
          if (!(err instanceof EvalError)) throw err;
        }
      }
      throw new EvalError('no argument of try could be evaluated');
    }
    if (e.name === 'can') {
      if (e.args.length !== 1) throw new EvalError('can takes one argument');
      try {
        const v = this.evaluate(e.args[0]!, scope); // restores the depth when it throws
        return isUnknown(v) ? UNKNOWN : true;
      } catch (err) {
        if (!(err instanceof EvalError)) throw err;
        return false;
      }
    }
    let args = e.args.map((a) => this.step(a, scope));
    if (e.expand) {
      const last = args.pop()!;
      if (isUnknown(last)) return UNKNOWN;
      args = [...args, ...elements(last)];
    }
    const result = callFunction(e.name, args, scope.functions, this);
    if (result === undefined) {
      this.unsupported.add(e.name);
      return UNKNOWN;
    }
    return result;
  }

  private forExpr(e: Extract<Expr, { kind: 'for' }>, scope: Scope): Value {
    const coll = this.step(e.coll, scope);
    if (isUnknown(coll)) return UNKNOWN;
    let pairs: [Value, Value][];
    if (Array.isArray(coll)) pairs = coll.map((v, i) => [i, v]);
    else if (isObj(coll))
      pairs = Object.keys(coll)
        .sort()
        .map((k) => [k, coll[k]!]);
    else throw new EvalError(`cannot iterate over a ${typeName(coll)} value`);
    const list: Value[] = [];
    const obj: Record<string, Value> = {};
    const groups: Record<string, Value[]> = {};
    for (const [k, v] of pairs) {
      const vars = new Map<string, Value>([[e.valVar, v]]);
      if (e.keyVar !== undefined) vars.set(e.keyVar, k);
      const child = new ChildScope(scope, vars);
      if (e.cond) {
        const c = this.step(e.cond, child);
        if (isUnknown(c)) return UNKNOWN;
        if (!toBool(c)) continue;
      }
      if (!e.object) {
        list.push(this.step(e.valExpr, child));
        continue;
      }
      const key = this.step(e.keyExpr!, child);
      if (isUnknown(key)) return UNKNOWN;
      const ks = toStr(key);
      const val = this.step(e.valExpr, child);
      if (e.group) (groups[ks] ??= []).push(val);
      else {
        if (Object.hasOwn(obj, ks)) throw new EvalError(`duplicate key "${ks}" in the for expression (use ... to group)`);
        obj[ks] = val;
      }
    }
    if (!e.object) return list;
    return e.group ? groups : obj;
  }

  /** Renders template parts; `bare` lets a lone interpolation return its value unconverted. */
  template(parts: TemplatePart[], scope: Scope, bare: boolean): Value {
    if (bare && parts.length === 1 && parts[0]!.kind === 'interp') return this.step(parts[0]!.expr, scope);
    let text = '';
    let partial = false;
    for (const p of parts) {
      let v: Value;
      if (p.kind === 'text') {
        text += p.text;
        continue;
      }
      if (p.kind === 'interp') v = this.step(p.expr, scope);
      else if (p.kind === 'if') {
        const c = this.step(p.cond, scope);
        if (isUnknown(c)) return UNKNOWN;
        v = this.template(toBool(c) ? p.then : p.else, scope, false);
      } else {
        const coll = this.step(p.coll, scope);
        if (isUnknown(coll)) return UNKNOWN;
        let out = '';
        let part = false;
        const pairs: [Value, Value][] = Array.isArray(coll)
          ? coll.map((x, i) => [i, x])
          : isObj(coll)
            ? Object.keys(coll)
                .sort()
                .map((k) => [k, coll[k]!])
            : [];
        if (!Array.isArray(coll) && !isObj(coll)) throw new EvalError(`cannot iterate over a ${typeName(coll)} value`);
        for (const [k, x] of pairs) {
          const vars = new Map<string, Value>([[p.valVar, x]]);
          if (p.keyVar !== undefined) vars.set(p.keyVar, k);
          const r = this.template(p.body, new ChildScope(scope, vars), false);
          if (r === UNKNOWN) return UNKNOWN;
          if (r instanceof Partial) {
            part = true;
            out += r.text;
          } else out += toStr(r);
        }
        v = part ? new Partial(out) : out;
      }
      if (v instanceof Partial) {
        partial = true;
        text += v.text;
      } else if (isUnknown(v)) {
        partial = true;
        text += UNKNOWN_TEXT;
      } else if (v === null) throw new EvalError('a null value cannot be interpolated');
      else text += toStr(v);
    }
    return partial ? new Partial(text) : text;
  }
}

export function getAttr(obj: Value, name: string): Value {
  if (obj instanceof Opaque) return obj.attr(name);
  if (isUnknown(obj)) return UNKNOWN;
  if (isObj(obj)) {
    if (Object.hasOwn(obj, name)) return obj[name]!;
    throw new EvalError(`no attribute "${name}"`);
  }
  throw new EvalError(`cannot read attribute "${name}" of a ${typeName(obj)} value`);
}

export function index(obj: Value, key: Value): Value {
  if (obj instanceof Opaque) return isUnknown(key) ? UNKNOWN : obj.attr(toStr(key));
  if (isUnknown(obj) || isUnknown(key)) return UNKNOWN;
  if (Array.isArray(obj)) {
    const i = toNum(key);
    if (!Number.isInteger(i) || i < 0 || i >= obj.length) throw new EvalError(`index ${i} out of range for a list of ${obj.length}`);
    return obj[i]!;
  }
  if (isObj(obj)) {
    const k = toStr(key);
    if (Object.hasOwn(obj, k)) return obj[k]!;
    throw new EvalError(`no element "${k}"`);
  }
  throw new EvalError(`cannot index a ${typeName(obj)} value`);
}
