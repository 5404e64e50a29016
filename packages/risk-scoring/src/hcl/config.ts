import { posix } from 'node:path';
import type { Attribute, Block, Body, Comment, Expr, HclFile } from './ast';
import { ChildScope, Evaluator, freshTaint, mergeTaint, type Scope, type Taint } from './evaluate';
import type { FunctionContext } from './functions';
import { jsonDocumentToBody } from './json-syntax';
import { HclSyntaxError, parseExpression, parseHcl, parseJsonSyntax, parseTemplate } from './parser';
import { EvalError, Opaque, Partial, UNKNOWN, fromJson, isObj, isUnknown, jsonEncode, toNum, toStr, type Value } from './values';
import type { AttributePath, ResourceChange } from '../types';

export interface SourceFile {
  path: string;
  content: string;
  /**
   * An unchanged file fetched only so the change can be evaluated (a pull request's other files of
   * the same modules): its resources are evaluated and can be referenced, but they are not part of
   * the change (action `no-op`, not judged) unless a changed file calls their module.
   */
  context?: boolean;
}

export interface HclOptions {
  /**
   * Values for the root modules' input variables, as a caller gives them (`review --var`, the API's
   * `variables`). JSON values are used as they are; a string for a variable whose type is not
   * `string` is read as an HCL expression, as `terraform plan -var` does.
   */
  variables?: Record<string, unknown>;
  /** Variable files (`--var-file`), applied after `terraform.tfvars` and `*.auto.tfvars`, in order. */
  varFiles?: SourceFile[];
}

/** A module call whose resources are not in the review, and why. */
export interface NotReviewedModule {
  address: string;
  source: string;
  reason: string;
  location: { file: string; line: number };
}

/** What the evaluation could and could not see; feeds the review's coverage and confidence. */
export interface HclCoverage {
  /** Directories treated as root modules. */
  roots: string[];
  /** Resource and data source instances produced. */
  instances: number;
  /** Module calls not reviewed: registry/remote sources, local sources missing from the files. */
  notReviewedModules: NotReviewedModule[];
  /** Addresses whose `count`/`for_each` could not be evaluated (reviewed once, instances unknown). */
  unknownExpansions: string[];
  /** Resource attributes evaluated, and how many of them hold values not known before apply. */
  attributes: { total: number; unknown: number };
  /** Functions used that the evaluator does not implement (their results are unknown). */
  unsupportedFunctions: string[];
  /** Expressions that failed to evaluate (an error Terraform would report; treated as unknown). */
  errors: number;
}

export interface HclEvaluation {
  changes: ResourceChange[];
  coverage: HclCoverage;
  /** Comments of every parsed file, by path, with 1-based lines. */
  comments: Record<string, Comment[]>;
}

interface Located<T> {
  node: T;
  file: HclFile;
}

interface ModuleConfig {
  dir: string;
  variables: Map<string, Located<Block>>;
  locals: Map<string, Located<Attribute>>;
  outputs: Map<string, Located<Block>>;
  resources: Located<Block>[];
  /** Managed resource types declared (root names of references). */
  resourceTypes: Set<string>;
  /** `managed.type.name` / `data.type.name` → declaration. */
  byId: Map<string, Located<Block>>;
  modules: Located<Block>[];
}

const META_ATTRS = new Set(['count', 'for_each', 'provider', 'depends_on']);
const META_BLOCKS = new Set(['lifecycle', 'connection', 'provisioner']);
const MODULE_META = new Set(['source', 'version', 'count', 'for_each', 'providers', 'depends_on']);
const MAX_INSTANCES = 1000;
/** Instances (resources and modules) expanded in one evaluation before further expansions are reviewed once. */
const MAX_TOTAL_INSTANCES = 50_000;
const MAX_MODULE_DEPTH = 16;

const normPath = (p: string): string => {
  const n = posix.normalize(p.replace(/\\/g, '/'));
  return n === '' ? '.' : n.replace(/\/$/, '') || '/';
};
const dirOf = (p: string): string => posix.dirname(normPath(p));
const isConfigFile = (p: string): boolean => p.endsWith('.tf') || p.endsWith('.tf.json');
const isLocalSource = (s: string): boolean => s.startsWith('./') || s.startsWith('../') || s === '.' || s === '..';

const attrIndex = new WeakMap<Body, Map<string, Attribute>>();
/** An attribute of a body by name (indexed once per body). */
function attr(body: Body, name: string): Attribute | undefined {
  let m = attrIndex.get(body);
  if (!m) {
    m = new Map();
    for (const a of body.attributes) if (!m.has(a.name)) m.set(a.name, a);
    attrIndex.set(body, m);
  }
  return m.get(name);
}

const isTrue = (a: Attribute | undefined): boolean => a !== undefined && a.expr.kind === 'literal' && a.expr.value === true;

/** A literal string attribute (`source = "./x"`), or undefined. */
function literalString(e: Expr | undefined): string | undefined {
  if (!e) return undefined;
  if (e.kind === 'literal' && typeof e.value === 'string') return e.value;
  if (e.kind === 'template' && e.parts.every((p) => p.kind === 'text')) return e.parts.map((p) => (p as { text: string }).text).join('');
  return undefined;
}

/** A lazily computed value that remembers what its computation read (taint), with cycle detection. */
class Cell {
  private state: 0 | 1 | 2 = 0;
  private value: Value = UNKNOWN;
  private taint: Taint = freshTaint();
  constructor(private readonly compute: () => Value) {}
  get(ev: Evaluator): Value {
    if (this.state === 1) return UNKNOWN; // a cycle: Terraform rejects it; here it is unknown
    if (this.state === 0) {
      this.state = 1;
      const saved = ev.taint;
      ev.taint = freshTaint();
      try {
        this.value = this.compute();
      } catch (err) {
        if (!(err instanceof EvalError)) throw err;
        this.value = UNKNOWN;
      } finally {
        this.taint = ev.taint;
        ev.taint = saved;
        this.state = 2;
      }
    }
    mergeTaint(ev.taint, this.taint);
    return this.value;
  }
}

const BARE_FUNCTIONS: FunctionContext = { readFile: () => undefined, templateFile: () => UNKNOWN };
const BARE: Scope = { lookup: () => undefined, functions: BARE_FUNCTIONS };

/** The evaluated attributes and blocks of one resource instance, before conversion to plan-like values. */
interface EvaluatedBody {
  values: Record<string, Value>;
  /** Attribute paths whose value read something external or sensitive. */
  taints: { path: AttributePath; external: boolean; sensitive: boolean; refs: string[] | undefined }[];
  configured: string[];
}

interface Instance {
  key: number | string | undefined;
  scope: Scope;
  body?: EvaluatedBody;
  evaluating?: boolean;
}

interface Expansion {
  block: Located<Block>;
  mode: 'managed' | 'data';
  type: string;
  name: string;
  /** `count`, `for_each` or neither. */
  kind: 'single' | 'count' | 'for_each';
  instances: Instance[];
  unknown: boolean;
}

interface ModuleCall {
  block: Located<Block>;
  kind: 'single' | 'count' | 'for_each';
  children: { key: number | string | undefined; module: ModuleInstance }[];
  /** Why the module's resources are not reviewed, when they are not. */
  notReviewed?: string;
  unknown: boolean;
}

const keySuffix = (k: number | string | undefined): string => (k === undefined ? '' : typeof k === 'number' ? `[${k}]` : `[${JSON.stringify(k)}]`);

/** The repository: every file, parsed lazily, grouped by directory. */
class Repo {
  readonly files = new Map<string, string>();
  /** Paths of context files (see {@link SourceFile.context}). */
  readonly context = new Set<string>();
  readonly byDir = new Map<string, string[]>();
  readonly parsed = new Map<string, HclFile>();
  private readonly configs = new Map<string, ModuleConfig>();
  readonly ev = new Evaluator();
  expanded = 0;
  readonly coverage: HclCoverage = { roots: [], instances: 0, notReviewedModules: [], unknownExpansions: [], attributes: { total: 0, unknown: 0 }, unsupportedFunctions: [], errors: 0 };

  constructor(files: SourceFile[]) {
    for (const f of files) {
      const p = normPath(f.path);
      this.files.set(p, f.content);
      if (f.context) this.context.add(p);
      if (isConfigFile(p)) {
        const d = dirOf(p);
        const list = this.byDir.get(d) ?? [];
        list.push(p);
        this.byDir.set(d, list);
      }
    }
    for (const list of this.byDir.values()) list.sort();
  }

  parse(path: string): HclFile {
    let f = this.parsed.get(path);
    if (f) return f;
    const content = this.files.get(path) ?? '';
    if (path.endsWith('.tf.json')) {
      const { expr, lineOf } = parseJsonSyntax(path, content);
      f = { path, body: jsonDocumentToBody(expr), comments: [], lineOf };
    } else f = parseHcl(path, content);
    this.parsed.set(path, f);
    return f;
  }

  config(dir: string): ModuleConfig | undefined {
    const cached = this.configs.get(dir);
    if (cached) return cached;
    const paths = this.byDir.get(dir);
    if (!paths) return undefined;
    const c: ModuleConfig = { dir, variables: new Map(), locals: new Map(), outputs: new Map(), resources: [], resourceTypes: new Set(), byId: new Map(), modules: [] };
    for (const p of paths) {
      const file = this.parse(p);
      for (const b of file.body.blocks) {
        const node = { node: b, file };
        if (b.type === 'variable' && b.labels.length === 1) c.variables.set(b.labels[0]!, node);
        else if (b.type === 'output' && b.labels.length === 1) c.outputs.set(b.labels[0]!, node);
        else if ((b.type === 'resource' || b.type === 'data') && b.labels.length === 2) {
          const id = `${b.type === 'data' ? 'data' : 'managed'}.${b.labels[0]!}.${b.labels[1]!}`;
          if (!c.byId.has(id)) {
            c.byId.set(id, node);
            c.resources.push(node);
            if (b.type === 'resource') c.resourceTypes.add(b.labels[0]!);
          }
        }
        else if (b.type === 'module' && b.labels.length === 1) c.modules.push(node);
        else if (b.type === 'locals') for (const a of b.body.attributes) c.locals.set(a.name, { node: a, file });
      }
    }
    this.configs.set(dir, c);
    return c;
  }

  /** Directories that hold configuration and are not called as a local module from another directory. */
  roots(): string[] {
    const called = new Set<string>();
    for (const dir of this.byDir.keys()) {
      for (const m of this.config(dir)!.modules) {
        const src = literalString(attr(m.node.body, 'source')?.expr);
        if (src !== undefined && isLocalSource(src)) {
          const target = normPath(posix.join(dir, src));
          if (target !== dir) called.add(target);
        }
      }
    }
    return [...this.byDir.keys()].filter((d) => !called.has(d)).sort();
  }

  /** Evaluates a variables file (`.tfvars` / `.tfvars.json`) into name → value. */
  varFile(path: string, content: string): Map<string, Value> {
    const out = new Map<string, Value>();
    if (path.endsWith('.json')) {
      let doc: unknown;
      try {
        doc = JSON.parse(content);
      } catch (err) {
        throw new HclSyntaxError(path, 1, 1, `not valid JSON (${(err as Error).message.split('\n')[0]})`);
      }
      if (doc !== null && typeof doc === 'object' && !Array.isArray(doc)) for (const [k, v] of Object.entries(doc)) out.set(k, fromJson(v));
      return out;
    }
    const f = parseHcl(path, content);
    for (const a of f.body.attributes) out.set(a.name, this.ev.safe(a.expr, BARE));
    return out;
  }
}

interface RootVariable {
  value: Value;
  /** From the caller (not in the configuration), so not a literal of it. */
  external: boolean;
  /** A caller's string for a variable that may want another type: read as an expression. */
  raw?: string;
}

/** One instance of a module (root or child): its names, lazily evaluated. */
class ModuleInstance implements Scope {
  private readonly vars = new Map<string, Cell>();
  private readonly localCells = new Map<string, Cell>();
  private readonly outputCells = new Map<string, Cell>();
  private readonly expansions = new Map<string, Expansion>();
  private readonly calls = new Map<string, ModuleCall>();
  private readonly resourceTypes: Set<string>;
  readonly functions: FunctionContext;

  constructor(
    readonly repo: Repo,
    readonly config: ModuleConfig,
    /** Plan module address (`module.a[0].module.b`), '' for a root module. */
    readonly address: string,
    readonly rootDir: string,
    /** Input variables: caller expressions (child) or resolved values (root). */
    readonly inputs: Map<string, Cell> | Map<string, RootVariable>,
    readonly ancestry: string[],
    /** A changed file calls this instance (or an ancestor): all its resources are part of the change. */
    readonly calledFromChange = false,
  ) {
    this.resourceTypes = config.resourceTypes;
    this.functions = {
      readFile: (p) => repo.files.get(normPath(posix.isAbsolute(p) ? p : posix.join(rootDir, p))),
      listFiles: (d) => {
        const base = normPath(posix.isAbsolute(d) ? d : posix.join(rootDir, d));
        const prefix = base === '.' ? '' : `${base}/`;
        const out: string[] = [];
        for (const p of repo.files.keys()) if (p.startsWith(prefix) || (base === '.' && !p.startsWith('/') && !p.startsWith('../'))) out.push(p.slice(prefix.length));
        return out.length ? out : undefined;
      },
      templateFile: (p, vars, ev) => {
        const text = this.functions.readFile(p);
        if (text === undefined) return UNKNOWN;
        const expr = parseTemplate(p, text);
        return ev.evaluate(expr, new ChildScope({ lookup: () => undefined, functions: this.functions }, new Map(Object.entries(vars))));
      },
    };
  }

  get ev(): Evaluator {
    return this.repo.ev;
  }

  /** The module address without instance keys, with a trailing dot (`module.a.module.b.`), '' for a root. */
  get configPrefix(): string {
    return (this.#configPrefix ??= this.address === '' ? '' : `${this.address.replace(/\[("(?:[^"\\]|\\.)*"|[^\]]*)\]/g, '')}.`);
  }
  #configPrefix: string | undefined;

  get pathModule(): string {
    return (this.#pathModule ??= this.computePathModule());
  }
  #pathModule: string | undefined;

  private computePathModule(): string {
    const rel = posix.relative(this.rootDir === '.' ? '' : this.rootDir, this.config.dir === '.' ? '' : this.config.dir);
    return rel === '' ? '.' : rel;
  }

  /** The root names of this module (`var`, `local`, resource types…), created once. */
  #names: Map<string, Value> | undefined;

  lookup(name: string): Value | undefined {
    let names = this.#names;
    if (!names) {
      names = new Map<string, Value>([
        ['var', new Opaque((n) => this.variable(n), 'var')],
        ['local', new Opaque((n) => this.local(n), 'local')],
        ['module', new Opaque((n) => this.moduleValue(n), 'module')],
        ['data', new Opaque((type) => new Opaque((n) => this.resourceValue('data', type, n), `data.${type}`), 'data')],
        ['path', { module: this.pathModule, root: '.', cwd: '.' }],
        ['terraform', { workspace: 'default' }],
        ['self', UNKNOWN],
      ]);
      for (const t of this.resourceTypes) if (!names.has(t)) names.set(t, new Opaque((n) => this.resourceValue('managed', t, n), t));
      this.#names = names;
    }
    return names.get(name);
  }

  variable(name: string): Value {
    const decl = this.config.variables.get(name);
    if (!decl) throw new EvalError(`no variable "${name}" is declared`);
    let cell = this.vars.get(name);
    if (!cell) {
      cell = new Cell(() => this.computeVariable(name, decl));
      this.vars.set(name, cell);
    }
    const v = cell.get(this.ev);
    if (isTrue(attr(decl.node.body, 'sensitive'))) this.ev.taint.sensitive = true;
    return v;
  }

  private computeVariable(name: string, decl: Located<Block>): Value {
    const type = attr(decl.node.body, 'type')?.expr;
    const v = this.rawVariable(name, decl);
    return type ? convertType(v, type, this.ev) : v;
  }

  private rawVariable(name: string, decl: Located<Block>): Value {
    const input = this.inputs.get(name);
    if (input instanceof Cell) return input.get(this.ev);
    if (input) {
      if (input.external) this.ev.taint.external = true;
      if (input.raw !== undefined) {
        const type = attr(decl.node.body, 'type')?.expr;
        const isString = !type || (type.kind === 'var' && type.name === 'string');
        if (!isString) {
          try {
            return this.ev.evaluate(parseExpression(input.raw, `-var ${name}`), BARE);
          } catch {
            return input.raw;
          }
        }
      }
      return input.value;
    }
    const def = attr(decl.node.body, 'default');
    if (def) return this.ev.evaluate(def.expr, BARE);
    return UNKNOWN;
  }

  local(name: string): Value {
    const decl = this.config.locals.get(name);
    if (!decl) throw new EvalError(`no local value "${name}" is declared`);
    let cell = this.localCells.get(name);
    if (!cell) {
      cell = new Cell(() => this.ev.evaluate(decl.node.expr, this));
      this.localCells.set(name, cell);
    }
    return cell.get(this.ev);
  }

  output(name: string): Value {
    const decl = this.config.outputs.get(name);
    if (!decl) throw new EvalError(`module has no output "${name}"`);
    let cell = this.outputCells.get(name);
    if (!cell) {
      const value = attr(decl.node.body, 'value');
      cell = new Cell(() => (value ? this.ev.evaluate(value.expr, this) : null));
      this.outputCells.set(name, cell);
    }
    const v = cell.get(this.ev);
    if (isTrue(attr(decl.node.body, 'sensitive'))) this.ev.taint.sensitive = true;
    return v;
  }

  // ---- count / for_each ---------------------------------------------------------------------

  /** Instance keys of a block with `count`/`for_each`, evaluated in this module. */
  private expand(body: Body): { kind: 'single' | 'count' | 'for_each'; keys: { key: number | string | undefined; each?: Value }[]; unknown: boolean } {
    const e = this.expandKeys(body);
    this.repo.expanded += e.keys.length;
    if (this.repo.expanded > MAX_TOTAL_INSTANCES && e.keys.length > 1) {
      // A pathological expansion (nested module counts): review one instance, as if its keys were unknown.
      return { kind: e.kind, keys: [{ key: undefined }], unknown: true };
    }
    return e;
  }

  private expandKeys(body: Body): { kind: 'single' | 'count' | 'for_each'; keys: { key: number | string | undefined; each?: Value }[]; unknown: boolean } {
    const count = attr(body, 'count');
    const forEach = attr(body, 'for_each');
    if (count) {
      const v = this.evalCounted(count.expr);
      if (isUnknown(v) || v === null) return { kind: 'count', keys: [{ key: undefined }], unknown: true };
      let n: number;
      try {
        n = Math.min(MAX_INSTANCES, Math.max(0, Math.floor(toNum(v))));
      } catch {
        return { kind: 'count', keys: [{ key: undefined }], unknown: true };
      }
      return { kind: 'count', keys: Array.from({ length: n }, (_, i) => ({ key: i })), unknown: false };
    }
    if (forEach) {
      const v = this.evalCounted(forEach.expr);
      const unknown = { kind: 'for_each' as const, keys: [{ key: undefined }], unknown: true };
      if (isUnknown(v) || v === null) return unknown;
      if (Array.isArray(v)) {
        if (v.some((x) => isUnknown(x) || (typeof x !== 'string' && typeof x !== 'number' && typeof x !== 'boolean'))) return unknown;
        const keys = [...new Set(v.map((x) => toStr(x)))].sort().slice(0, MAX_INSTANCES);
        return { kind: 'for_each', keys: keys.map((k) => ({ key: k, each: k })), unknown: false };
      }
      if (isObj(v)) {
        const keys = Object.keys(v).sort().slice(0, MAX_INSTANCES);
        return { kind: 'for_each', keys: keys.map((k) => ({ key: k, each: v[k]! })), unknown: false };
      }
      return unknown;
    }
    return { kind: 'single', keys: [{ key: undefined }], unknown: false };
  }

  private evalCounted(e: Expr): Value {
    const saved = this.ev.taint;
    this.ev.taint = freshTaint();
    try {
      return this.ev.evaluate(e, this);
    } catch (err) {
      if (!(err instanceof EvalError)) throw err;
      this.repo.coverage.errors++;
      return UNKNOWN;
    } finally {
      this.ev.taint = saved;
    }
  }

  private instanceScope(kind: 'single' | 'count' | 'for_each', key: number | string | undefined, each: Value | undefined, unknown: boolean): Scope {
    if (kind === 'count') return new ChildScope(this, new Map([['count', { index: unknown ? UNKNOWN : (key as number) }]]));
    if (kind === 'for_each') return new ChildScope(this, new Map([['each', unknown ? { key: UNKNOWN, value: UNKNOWN } : { key: key as string, value: each ?? null }]]));
    return this;
  }

  expansion(mode: 'managed' | 'data', type: string, name: string): Expansion | undefined {
    const id = `${mode}.${type}.${name}`;
    let x = this.expansions.get(id);
    if (x) return x;
    const block = this.config.byId.get(id);
    if (!block) return undefined;
    const e = this.expand(block.node.body);
    x = { block, mode, type, name, kind: e.kind, unknown: e.unknown, instances: e.keys.map((k) => ({ key: k.key, scope: this.instanceScope(e.kind, k.key, k.each, e.unknown) })) };
    this.expansions.set(id, x);
    return x;
  }

  instanceBody(x: Expansion, inst: Instance): EvaluatedBody | undefined {
    if (inst.body) return inst.body;
    if (inst.evaluating) return undefined;
    inst.evaluating = true;
    const saved = this.ev.taint;
    try {
      inst.body = evaluateBody(this.repo, x.block.node.body, inst.scope, x.type);
    } finally {
      this.ev.taint = saved;
      inst.evaluating = false;
    }
    return inst.body;
  }

  /** A resource or data source as other expressions see it: known configured attributes, the rest unknown. */
  private resourceValue(mode: 'managed' | 'data', type: string, name: string): Value {
    const x = this.expansion(mode, type, name);
    if (!x) throw new EvalError(`no ${mode === 'data' ? 'data source' : 'resource'} ${type}.${name} is declared`);
    this.ev.taint.external = true;
    const ref = `${this.configPrefix}${mode === 'data' ? 'data.' : ''}${type}.${name}`;
    if (!(this.ev.taint.refs ??= []).includes(ref)) this.ev.taint.refs.push(ref);
    if (x.unknown) return UNKNOWN;
    const view = (inst: Instance): Value =>
      new Opaque((a) => {
        const body = this.instanceBody(x, inst);
        if (!body || !Object.hasOwn(body.values, a)) return UNKNOWN;
        return body.values[a]!;
      }, `${type}.${name}`);
    if (x.kind === 'single') return view(x.instances[0]!);
    if (x.kind === 'count') return x.instances.map(view);
    const out: Record<string, Value> = {};
    for (const inst of x.instances) out[inst.key as string] = view(inst);
    return out;
  }

  // ---- modules ------------------------------------------------------------------------------

  moduleCall(name: string): ModuleCall | undefined {
    let call = this.calls.get(name);
    if (call) return call;
    const block = this.config.modules.find((m) => m.node.labels[0] === name);
    if (!block) return undefined;
    const body = block.node.body;
    const e = this.expand(body);
    const source = literalString(attr(body, 'source')?.expr) ?? '';
    call = { block, kind: e.kind, children: [], unknown: e.unknown };
    this.calls.set(name, call);
    const callAddress = `${this.address ? `${this.address}.` : ''}module.${name}`;
    let reason: string | undefined;
    let target: ModuleConfig | undefined;
    if (!isLocalSource(source)) reason = source === '' ? 'module source is not a literal string' : 'registry or remote module: its resources are not in the files reviewed';
    else {
      const dir = normPath(posix.join(this.config.dir, source));
      target = this.repo.config(dir);
      if (!target) reason = `local module ${source} is not among the files reviewed`;
      else if (this.ancestry.includes(dir)) reason = 'module calls itself';
      else if (this.ancestry.length >= MAX_MODULE_DEPTH) reason = 'modules nested too deeply';
    }
    if (reason || !target) {
      call.notReviewed = reason ?? 'not reviewed';
      this.repo.coverage.notReviewedModules.push({ address: callAddress, source, reason: call.notReviewed, location: { file: block.file.path, line: block.file.lineOf(block.node.at) } });
      return call;
    }
    for (const k of e.keys) {
      const scope = this.instanceScope(e.kind, k.key, k.each, e.unknown);
      const inputs = new Map<string, Cell>();
      for (const a of body.attributes) if (!MODULE_META.has(a.name)) inputs.set(a.name, new Cell(() => this.ev.evaluate(a.expr, scope)));
      const child = new ModuleInstance(this.repo, target, `${callAddress}${e.unknown ? '' : keySuffix(k.key)}`, this.rootDir, inputs, [...this.ancestry, this.config.dir], this.calledFromChange || !this.repo.context.has(block.file.path));
      call.children.push({ key: k.key, module: child });
    }
    if (e.unknown) this.repo.coverage.unknownExpansions.push(callAddress);
    return call;
  }

  private moduleValue(name: string): Value {
    const call = this.moduleCall(name);
    if (!call) throw new EvalError(`no module "${name}" is declared`);
    if (call.notReviewed || call.unknown) {
      this.ev.taint.external = true;
      return call.notReviewed ? new Opaque(() => UNKNOWN, `module.${name}`) : UNKNOWN;
    }
    const view = (m: ModuleInstance): Value => new Opaque((o) => m.output(o), `module.${name}`);
    if (call.kind === 'single') return view(call.children[0]!.module);
    if (call.kind === 'count') return call.children.map((c) => view(c.module));
    const out: Record<string, Value> = {};
    for (const c of call.children) out[c.key as string] = view(c.module);
    return out;
  }

  /** Every resource change of this module instance and its child modules, in declaration order. */
  changes(out: ResourceChange[]): void {
    for (const r of this.config.resources) {
      const mode = r.node.type === 'data' ? 'data' : 'managed';
      const [type, name] = r.node.labels as [string, string];
      const x = this.expansion(mode, type, name)!;
      const base = `${this.address ? `${this.address}.` : ''}${mode === 'data' ? 'data.' : ''}${type}.${name}`;
      if (x.unknown) this.repo.coverage.unknownExpansions.push(base);
      for (const inst of x.instances) {
        const body = this.instanceBody(x, inst);
        if (!body) continue;
        const context = !this.calledFromChange && this.repo.context.has(r.file.path);
        out.push(toChange(this.repo, { address: `${base}${keySuffix(inst.key)}`, type, name, mode, moduleAddress: this.address, key: inst.key, body, location: { file: r.file.path, line: r.file.lineOf(r.node.at) }, context }));
      }
    }
    for (const m of this.config.modules) {
      const call = this.moduleCall(m.node.labels[0]!);
      for (const c of call?.children ?? []) c.module.changes(out);
    }
  }
}

/** Evaluates a resource body: attributes, nested and `dynamic` blocks; never throws. */
/**
 * Applies a variable's type constraint as Terraform does where it changes what rules see:
 * `optional(type, default)` attributes of objects get their defaults, and primitives convert
 * (`"true"` → true for bool, `"5"` → 5 for number, numbers and bools → string). Anything the
 * constraint does not describe (or that is unknown) is kept as it is.
 */
function convertType(v: Value, t: Expr, ev: Evaluator, depth = 0): Value {
  if (isUnknown(v) || v === null || depth > 32) return v;
  if (t.kind === 'var') {
    if (t.name === 'string' && (typeof v === 'number' || typeof v === 'boolean')) return toStr(v);
    if (t.name === 'number' && typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
    if (t.name === 'bool' && (v === 'true' || v === 'false')) return v === 'true';
    return v;
  }
  if (t.kind !== 'call') return v;
  const inner = t.args[0];
  if (!inner) return v;
  switch (t.name) {
    case 'list':
    case 'set':
      return Array.isArray(v) ? v.map((x) => convertType(x, inner, ev, depth + 1)) : v;
    case 'map': {
      if (!isObj(v)) return v;
      const out: Record<string, Value> = {};
      for (const k of Object.keys(v)) out[k] = convertType(v[k]!, inner, ev, depth + 1);
      return out;
    }
    case 'tuple':
      return Array.isArray(v) && inner.kind === 'tuple' ? v.map((x, i) => (inner.items[i] ? convertType(x, inner.items[i], ev, depth + 1) : x)) : v;
    case 'object': {
      if (!isObj(v) || inner.kind !== 'object') return v;
      const out: Record<string, Value> = { ...v };
      for (const item of inner.items) {
        const key = item.key.kind === 'literal' && typeof item.key.value === 'string' ? item.key.value : undefined;
        if (key === undefined) continue;
        const at = item.value;
        if (at.kind === 'call' && at.name === 'optional' && at.args[0]) {
          if (out[key] === undefined || out[key] === null) {
            const def = at.args[1];
            out[key] = def ? convertType(ev.safe(def, BARE), at.args[0], ev, depth + 1) : null;
          } else out[key] = convertType(out[key], at.args[0], ev, depth + 1);
        } else if (out[key] !== undefined) out[key] = convertType(out[key], at, ev, depth + 1);
      }
      return out;
    }
    default:
      return v;
  }
}

function evaluateBody(repo: Repo, body: Body, scope: Scope, type: string): EvaluatedBody {
  const result: EvaluatedBody = { values: {}, taints: [], configured: [] };
  const ev = repo.ev;
  const taint = freshTaint();
  const walk = (b: Body, s: Scope, path: AttributePath, top: boolean): Record<string, Value> => {
    const values: Record<string, Value> = {};
    for (const a of b.attributes) {
      if (top && META_ATTRS.has(a.name)) continue;
      if (top) result.configured.push(a.name);
      taint.external = false;
      taint.sensitive = false;
      taint.refs = undefined;
      ev.taint = taint;
      let v: Value;
      try {
        v = ev.evaluate(a.expr, s);
      } catch (err) {
        if (!(err instanceof EvalError)) throw err;
        repo.coverage.errors++;
        v = UNKNOWN;
      }
      if (taint.external || taint.sensitive || taint.refs) result.taints.push({ path: [...path, a.name], external: taint.external, sensitive: taint.sensitive, refs: taint.refs });
      values[a.name] = v;
    }
    const lists = new Map<string, Value[] | typeof UNKNOWN>();
    const push = (t: string, v: Value): void => {
      const l = lists.get(t);
      if (l === undefined) lists.set(t, [v]);
      else if (Array.isArray(l)) l.push(v);
    };
    for (const blk of b.blocks) {
      if (top && META_BLOCKS.has(blk.type)) continue;
      if (blk.type === 'dynamic' && blk.labels.length === 1) {
        const t = blk.labels[0]!;
        if (top) result.configured.push(t);
        if (!lists.has(t)) lists.set(t, []);
        const fe = attr(blk.body, 'for_each');
        const it = attr(blk.body, 'iterator');
        const iterName = it && it.expr.kind === 'var' ? it.expr.name : (literalString(it?.expr) ?? t);
        const content = blk.body.blocks.find((x) => x.type === 'content');
        ev.taint = freshTaint();
        let coll: Value = UNKNOWN;
        if (fe) {
          try {
            coll = ev.evaluate(fe.expr, s);
          } catch (err) {
            if (!(err instanceof EvalError)) throw err;
            repo.coverage.errors++;
          }
        }
        if (isUnknown(coll) || coll === null || (!Array.isArray(coll) && !isObj(coll)) || !content) {
          lists.set(t, UNKNOWN);
          continue;
        }
        const pairs: [Value, Value][] = Array.isArray(coll)
          ? coll.map((x, i) => [typeof x === 'string' ? x : i, x])
          : Object.keys(coll)
              .sort()
              .map((k) => [k, coll[k]!]);
        for (const [k, v] of pairs.slice(0, MAX_INSTANCES)) {
          const l = lists.get(t);
          const idx = Array.isArray(l) ? l.length : 0;
          push(t, walk(content.body, new ChildScope(s, new Map([[iterName, { key: k, value: v }]])), [...path, t, idx], false));
        }
        continue;
      }
      if (top) result.configured.push(blk.type);
      const l = lists.get(blk.type);
      const idx = Array.isArray(l) ? l.length : 0;
      push(blk.type, walk(blk.body, s, [...path, blk.type, idx], false));
    }
    for (const [t, l] of lists) values[t] = l;
    return values;
  };
  result.values = walk(body, scope, [], true);
  ev.taint = freshTaint();
  result.configured = [...new Set(result.configured)];
  if (type === 'aws_iam_policy_document') {
    const json = policyDocumentJson(result.values);
    result.values.json = json;
    result.values.minified_json = json;
  }
  return result;
}

/** The JSON an `aws_iam_policy_document` renders, from its evaluated blocks (partial when parts are unknown). */
function policyDocumentJson(values: Record<string, Value>): Value {
  const statements: Value[] = [];
  const sources = values.source_policy_documents ?? values.source_json;
  for (const src of Array.isArray(sources) ? sources : sources === undefined || sources === null ? [] : [sources]) {
    if (typeof src !== 'string') {
      statements.push(UNKNOWN);
      continue;
    }
    try {
      const doc = JSON.parse(src) as { Statement?: unknown };
      const st = Array.isArray(doc.Statement) ? doc.Statement : doc.Statement ? [doc.Statement] : [];
      statements.push(...st.map((s) => fromJson(s)));
    } catch {
      statements.push(UNKNOWN);
    }
  }
  const blocks = values.statement;
  if (blocks === UNKNOWN) statements.push(UNKNOWN);
  for (const s of Array.isArray(blocks) ? blocks : []) {
    if (!isObj(s)) continue;
    const st: Record<string, Value> = {};
    if (s.sid !== undefined && s.sid !== null) st.Sid = s.sid;
    st.Effect = s.effect === undefined || s.effect === null ? 'Allow' : s.effect;
    const copy = (from: string, to: string): void => {
      const v = s[from];
      if (v !== undefined && v !== null) st[to] = v;
    };
    copy('actions', 'Action');
    copy('not_actions', 'NotAction');
    copy('resources', 'Resource');
    copy('not_resources', 'NotResource');
    for (const [from, to] of [
      ['principals', 'Principal'],
      ['not_principals', 'NotPrincipal'],
    ] as const) {
      const ps = s[from];
      if (ps === undefined) continue;
      if (!Array.isArray(ps)) {
        st[to] = UNKNOWN;
        continue;
      }
      const byType: Record<string, Value> = {};
      let star = false;
      for (const p of ps) {
        if (!isObj(p)) continue;
        const t = p.type;
        const ids = p.identifiers;
        if (t === '*' && Array.isArray(ids) && ids.includes('*')) star = true;
        else if (typeof t === 'string') {
          const prev = byType[t];
          byType[t] = Array.isArray(prev) && Array.isArray(ids) ? [...prev, ...ids] : (ids ?? UNKNOWN);
        } else byType[String(Object.keys(byType).length)] = UNKNOWN;
      }
      st[to] = star ? '*' : byType;
    }
    const conds = s.condition;
    if (Array.isArray(conds)) {
      const c: Record<string, Record<string, Value>> = {};
      for (const x of conds) {
        if (!isObj(x)) continue;
        const test = typeof x.test === 'string' ? x.test : '(known after apply)';
        const variable = typeof x.variable === 'string' ? x.variable : '(known after apply)';
        (c[test] ??= {})[variable] = x.values ?? UNKNOWN;
      }
      st.Condition = c;
    } else if (conds === UNKNOWN) st.Condition = UNKNOWN;
    statements.push(st);
  }
  // override documents replace the statements with the same Sid and add the others
  const overrides = values.override_policy_documents ?? values.override_json;
  for (const src of Array.isArray(overrides) ? overrides : overrides === undefined || overrides === null ? [] : [overrides]) {
    let parsed: Value[] | undefined;
    if (typeof src === 'string') {
      try {
        const d = JSON.parse(src) as { Statement?: unknown };
        parsed = (Array.isArray(d.Statement) ? d.Statement : d.Statement ? [d.Statement] : []).map((x) => fromJson(x));
      } catch {
        parsed = undefined;
      }
    }
    if (!parsed) {
      statements.push(UNKNOWN);
      continue;
    }
    for (const o of parsed) {
      const sid = isObj(o) && typeof o.Sid === 'string' && o.Sid !== '' ? o.Sid : undefined;
      const i = sid === undefined ? -1 : statements.findIndex((x) => isObj(x) && x.Sid === sid);
      if (i >= 0) statements[i] = o;
      else statements.push(o);
    }
  }
  const doc: Record<string, Value> = { Version: values.version ?? '2012-10-17', Statement: statements };
  if (typeof values.policy_id === 'string') doc.Id = values.policy_id;
  return jsonEncode(doc);
}

const DROP = Symbol('drop');

/** Converts evaluated values to plan-like `after` data, listing unknown and partially known paths. */
function toAfter(v: Value, path: AttributePath, unknown: AttributePath[], partial: AttributePath[], strings: { path: AttributePath; text: string }[], depth = 0): unknown {
  // `path` is one shared stack: copied only when a path is recorded
  if (v === null || typeof v !== 'object') return v;
  if (v instanceof Partial) {
    const t = v.text.trimStart();
    if (t.startsWith('{') || t.startsWith('[')) {
      partial.push(path.slice());
      return v.text;
    }
    unknown.push(path.slice());
    strings.push({ path: path.slice(), text: v.text });
    return DROP;
  }
  if (isUnknown(v) || depth > 64) {
    unknown.push(path.slice());
    return DROP;
  }
  if (Array.isArray(v)) {
    const out = new Array<unknown>(v.length);
    for (let i = 0; i < v.length; i++) {
      path.push(i);
      const c = toAfter(v[i]!, path, unknown, partial, strings, depth + 1);
      path.pop();
      out[i] = c === DROP ? null : c;
    }
    return out;
  }
  if (isObj(v)) {
    const out: Record<string, unknown> = {};
    for (const k in v) {
      path.push(k);
      const c = toAfter(v[k]!, path, unknown, partial, strings, depth + 1);
      path.pop();
      if (c !== DROP) out[k] = c;
    }
    return out;
  }
  return v;
}

function toChange(
  repo: Repo,
  r: { address: string; type: string; name: string; mode: 'managed' | 'data'; moduleAddress: string; key: number | string | undefined; body: EvaluatedBody; location: { file: string; line: number }; context: boolean },
): ResourceChange {
  const unknownPaths: AttributePath[] = [];
  const partialPaths: AttributePath[] = [];
  const partialStrings: { path: AttributePath; text: string }[] = [];
  const after = toAfter(r.body.values, [], unknownPaths, partialPaths, partialStrings) as Record<string, unknown>;
  // A value that went through a `sensitive` variable is not a literal of this resource: the literal
  // is in the variable's default (or a tfvars file), where the source checks report it once.
  const taints = r.body.taints;
  let references: Record<string, string[]> | undefined;
  const sensitivePaths: AttributePath[] = [];
  // attributes with unknown parts: counted for coverage, and not literal
  const unknownTop = new Set<string>();
  for (let i = 0; i < unknownPaths.length; i++) unknownTop.add(String(unknownPaths[i]![0]));
  for (let i = 0; i < partialPaths.length; i++) unknownTop.add(String(partialPaths[i]![0]));
  const notLiteral = new Set(unknownTop);
  for (let i = 0; i < taints.length; i++) {
    const t = taints[i]!;
    const top = String(t.path[0]);
    if (t.external || t.sensitive) notLiteral.add(top);
    if (t.sensitive) sensitivePaths.push(t.path);
    if (t.refs) {
      const list = ((references ??= {})[top] ??= []);
      for (const ref of t.refs) if (!list.includes(ref)) list.push(ref);
    }
  }
  const configured = r.body.configured;
  const literalAttributes: string[] = [];
  for (const k in after) if (!notLiteral.has(k) && configured.includes(k)) literalAttributes.push(k);
  repo.coverage.instances++;
  repo.coverage.attributes.total += configured.length;
  repo.coverage.attributes.unknown += unknownTop.size;
  const us = r.type.indexOf('_');
  const change: ResourceChange = {
    address: r.address,
    type: r.type,
    name: r.name,
    provider: us < 0 ? r.type : r.type.slice(0, us),
    mode: r.mode,
    actions: r.context ? ['no-op'] : r.mode === 'data' ? ['read'] : ['create'],
    before: null,
    after,
    unknownPaths,
    sensitivePaths,
    replacePaths: [],
    literalAttributes,
    configuredAttributes: r.body.configured,
    location: r.location,
    source: 'hcl',
  };
  if (partialPaths.length > 0) change.partialPaths = partialPaths;
  if (partialStrings.length > 0) change.partialStrings = partialStrings;
  if (references) change.references = references;
  if (r.moduleAddress) change.moduleAddress = r.moduleAddress;
  if (r.key !== undefined) change.index = r.key;
  return change;
}

/**
 * Evaluates Terraform configuration as `terraform plan` would before apply: every directory with
 * configuration that no other directory calls as a local module is a root module; variables,
 * locals, functions, `count`/`for_each`, `dynamic` blocks and local modules are evaluated, and
 * what cannot be known (other resources' computed attributes, variables without values) stays unknown.
 * Throws {@link HclSyntaxError} for a file that does not parse.
 */
export function evaluateConfiguration(files: SourceFile[], options: HclOptions = {}): HclEvaluation {
  const repo = new Repo(files);
  const changes: ResourceChange[] = [];
  const roots = repo.roots();
  repo.coverage.roots = roots;
  const extraVars = (options.varFiles ?? []).map((f) => repo.varFile(normPath(f.path), f.content));
  const tfvarsByDir = new Map<string, string[]>();
  for (const p of repo.files.keys()) {
    if (!p.includes('.tfvars')) continue;
    const d = dirOf(p);
    tfvarsByDir.set(d, [...(tfvarsByDir.get(d) ?? []), p]);
  }
  for (const root of roots) {
    const config = repo.config(root)!;
    const inputs = new Map<string, RootVariable>();
    const auto = (tfvarsByDir.get(root) ?? [])
      .filter((p) => /(^|\/)terraform\.tfvars(\.json)?$/.test(p) || /\.auto\.tfvars(\.json)?$/.test(p))
      .sort((a, b) => {
        const rank = (p: string): number => (/terraform\.tfvars$/.test(p) ? 0 : /terraform\.tfvars\.json$/.test(p) ? 1 : 2);
        return rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0);
      });
    for (const p of auto) for (const [k, v] of repo.varFile(p, repo.files.get(p)!)) inputs.set(k, { value: v, external: false });
    for (const vars of extraVars) for (const [k, v] of vars) inputs.set(k, { value: v, external: false });
    for (const [k, v] of Object.entries(options.variables ?? {})) inputs.set(k, typeof v === 'string' ? { value: v, external: true, raw: v } : { value: fromJson(v), external: true });
    new ModuleInstance(repo, config, '', root, inputs, []).changes(changes);
  }
  // A policy document that a resource of the same module uses is judged on that resource, which
  // carries its evaluated JSON — as in a plan, where the document is not a change. Judging both
  // would count one risky statement twice. A document no reviewed resource uses is judged itself.
  const used = new Set<string>();
  for (const c of changes) {
    if (c.mode !== 'managed' || !c.references) continue;
    for (const refs of Object.values(c.references)) for (const ref of refs) used.add(`${c.moduleAddress ?? ''}|${ref}`);
  }
  for (const c of changes) {
    if (c.mode === 'data' && c.type === 'aws_iam_policy_document' && c.actions[0] === 'read' && used.has(`${c.moduleAddress ?? ''}|data.${c.type}.${c.name}`)) c.actions = ['no-op'];
  }
  const comments: Record<string, Comment[]> = {};
  for (const [p, f] of repo.parsed) comments[p] = f.comments;
  repo.coverage.unsupportedFunctions = [...repo.ev.unsupported].sort();
  repo.coverage.unknownExpansions = [...new Set(repo.coverage.unknownExpansions)];
  return { changes, coverage: repo.coverage, comments };
}
