import type { Attribute, Block, Body, Comment, Expr, HclFile, TemplatePart } from './ast';
import { provideHclParser } from './parser-slot';

/** A syntax error with its 1-based line and column. */
export class HclSyntaxError extends Error {
  override name = 'HclSyntaxError';
  constructor(
    readonly file: string,
    readonly line: number,
    readonly column: number,
    readonly reason: string,
  ) {
    super(`${file}:${line}:${column}: ${reason}`);
  }
}

const MAX_DEPTH = 200;
const BINARY: { op: string; prec: number }[] = [
  { op: '||', prec: 1 },
  { op: '&&', prec: 2 },
  { op: '==', prec: 3 },
  { op: '!=', prec: 3 },
  { op: '<=', prec: 4 },
  { op: '>=', prec: 4 },
  { op: '<', prec: 4 },
  { op: '>', prec: 4 },
  { op: '+', prec: 5 },
  { op: '-', prec: 5 },
  { op: '*', prec: 6 },
  { op: '/', prec: 6 },
  { op: '%', prec: 6 },
];

const OP: Record<string, { op: string; prec: number }> = Object.fromEntries(BINARY.map((b) => [b.op, b]));

const isIdStart = (c: number): boolean => (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c > 127;
const isIdPart = (c: number): boolean => isIdStart(c) || (c >= 48 && c <= 57) || c === 45;
const isDigit = (c: number): boolean => c >= 48 && c <= 57;

type TemplateToken =
  | { kind: 'text'; text: string }
  | { kind: 'interp'; expr: Expr; stripL: boolean; stripR: boolean }
  | { kind: 'if'; cond: Expr; stripL: boolean; stripR: boolean; at: number }
  | { kind: 'else'; stripL: boolean; stripR: boolean; at: number }
  | { kind: 'endif'; stripL: boolean; stripR: boolean; at: number }
  | { kind: 'for'; keyVar?: string; valVar: string; coll: Expr; stripL: boolean; stripR: boolean; at: number }
  | { kind: 'endfor'; stripL: boolean; stripR: boolean; at: number };

/** Recursive-descent parser for HCL native syntax working directly on the characters (no token stream). */
class Parser {
  i = 0;
  /** Whether newlines are plain whitespace here (inside parentheses, brackets, interpolations). */
  nl = false;
  depth = 0;
  readonly comments = new Map<number, Comment>();
  readonly lineStarts: number[] = [0];

  constructor(
    readonly src: string,
    readonly file: string,
  ) {
    for (let k = 0; k < src.length; k++) if (src.charCodeAt(k) === 10) this.lineStarts.push(k + 1);
  }

  lineOf(at: number): number {
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid]! <= at) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  }

  fail(reason: string, at = this.i): never {
    const line = this.lineOf(Math.min(at, this.src.length));
    throw new HclSyntaxError(this.file, line, Math.min(at, this.src.length) - this.lineStarts[line - 1]! + 1, reason);
  }

  describe(at = this.i): string {
    if (at >= this.src.length) return 'end of file';
    const c = this.src[at]!;
    if (c === '\n') return 'newline';
    return `"${c}"`;
  }

  enter(): void {
    if (++this.depth > MAX_DEPTH) this.fail('nesting too deep');
  }

  code(k = this.i): number {
    return k < this.src.length ? this.src.charCodeAt(k) : -1;
  }

  startsWith(s: string): boolean {
    return this.src.startsWith(s, this.i);
  }

  /** Skips blanks and comments; newlines too when `newlines` is set. */
  skip(newlines: boolean): void {
    const s = this.src;
    for (;;) {
      const c = this.code();
      if (c === 32 || c === 9 || c === 13 || c === 0xfeff) this.i++;
      else if (c === 10 && newlines) this.i++;
      else if (c === 35 || (c === 47 && this.code(this.i + 1) === 47)) {
        const start = this.i;
        let end = s.indexOf('\n', start);
        if (end < 0) end = s.length;
        this.addComment(start, s.slice(start, end).replace(/\r$/, ''));
        this.i = end;
      } else if (c === 47 && this.code(this.i + 1) === 42) {
        const start = this.i;
        const end = s.indexOf('*/', start + 2);
        if (end < 0) this.fail('unterminated comment', start);
        this.addComment(start, s.slice(start, end + 2));
        this.i = end + 2;
        if (!newlines && s.slice(start, end).includes('\n')) return;
      } else return;
    }
  }

  addComment(at: number, text: string): void {
    if (!this.comments.has(at)) this.comments.set(at, { line: this.lineOf(at), text });
  }

  ws(): void {
    this.skip(this.nl);
  }

  expect(ch: string, what?: string): void {
    if (!this.startsWith(ch)) this.fail(`expected ${what ?? `"${ch}"`}, found ${this.describe()}`);
    this.i += ch.length;
  }

  ident(): string | undefined {
    if (!isIdStart(this.code())) return undefined;
    const start = this.i;
    while (isIdPart(this.code())) this.i++;
    return this.src.slice(start, this.i);
  }

  // ---- bodies -------------------------------------------------------------------------------

  parseFile(): HclFile {
    const body = this.parseBody(false);
    const comments = [...this.comments.values()].sort((a, b) => a.line - b.line);
    return { path: this.file, body, comments, lineOf: (at) => this.lineOf(at) };
  }

  parseBody(nested: boolean): Body {
    const body: Body = { at: this.i, attributes: [], blocks: [] };
    this.enter();
    for (;;) {
      this.skip(true);
      if (this.i >= this.src.length) {
        if (nested) this.fail('expected "}" to close the block, found end of file');
        break;
      }
      if (nested && this.code() === 125) break;
      const at = this.i;
      const name = this.ident();
      if (name === undefined) this.fail(`expected an attribute or block, found ${this.describe()}`);
      this.skip(false);
      if (this.code() === 61 && this.code(this.i + 1) !== 61) {
        this.i++;
        this.skip(false);
        this.nl = false;
        const expr = this.parseExpr();
        body.attributes.push({ at, name, expr } satisfies Attribute);
        this.endOfItem(nested);
        continue;
      }
      const labels: string[] = [];
      for (;;) {
        if (this.code() === 34) labels.push(this.parseLabel());
        else {
          const l = this.ident();
          if (l === undefined) break;
          labels.push(l);
        }
        this.skip(false);
      }
      if (this.code() !== 123) this.fail(`expected "=" or "{" after "${name}", found ${this.describe()}`);
      this.i++;
      const inner = this.parseBody(true);
      this.expect('}');
      body.blocks.push({ at, end: this.i, type: name, labels, body: inner } satisfies Block);
      this.endOfItem(nested);
    }
    this.depth--;
    return body;
  }

  endOfItem(nested: boolean): void {
    this.skip(false);
    const c = this.code();
    if (c === 10 || c === -1 || (nested && c === 125)) return;
    this.fail(`expected a newline after the attribute or block, found ${this.describe()}`);
  }

  parseLabel(): string {
    const at = this.i;
    // the usual label, "aws_s3_bucket": no escapes or template sequences up to the closing quote
    let k = at + 1;
    for (;;) {
      const c = this.code(k);
      if (c === 34) {
        this.i = k + 1;
        return this.src.slice(at + 1, k);
      }
      if (c === -1 || c === 10 || c === 92 || c === 36 || c === 37) break;
      k++;
    }
    const t = this.parseQuoted();
    if (t.kind === 'literal' && typeof t.value === 'string') return t.value;
    if (t.kind === 'template' && t.parts.length === 0) return '';
    if (t.kind === 'template' && t.parts.every((p) => p.kind === 'text')) return t.parts.map((p) => (p as { text: string }).text).join('');
    return this.fail('block labels cannot contain interpolations', at);
  }

  // ---- expressions --------------------------------------------------------------------------

  parseExpr(): Expr {
    this.enter();
    const at = this.i;
    const cond = this.parseBinary(0);
    const save = this.i;
    this.skip(true);
    if (this.code() === 63) {
      this.i++;
      this.skip(true);
      const then = this.withNl(true, () => this.parseExpr());
      this.skip(true);
      this.expect(':', '":" of the conditional');
      this.skip(true);
      const otherwise = this.parseExpr();
      this.depth--;
      return { kind: 'cond', at, cond, then, else: otherwise };
    }
    this.i = save;
    this.depth--;
    return cond;
  }

  withNl<T>(nl: boolean, f: () => T): T {
    const saved = this.nl;
    this.nl = nl;
    try {
      return f();
    } finally {
      this.nl = saved;
    }
  }

  binaryOp(): { op: string; prec: number } | undefined {
    const c = this.code();
    const n = this.code(this.i + 1);
    switch (c) {
      case 124: // |
        return n === 124 ? OP['||'] : undefined;
      case 38: // &
        return n === 38 ? OP['&&'] : undefined;
      case 61: // =
        return n === 61 ? OP['=='] : undefined;
      case 33: // !
        return n === 61 ? OP['!='] : undefined;
      case 60: // <
        return n === 61 ? OP['<='] : n === 60 ? undefined : OP['<'];
      case 62: // >
        return n === 61 ? OP['>='] : OP['>'];
      case 43:
        return OP['+'];
      case 45:
        return OP['-'];
      case 42:
        return n === 47 ? undefined : OP['*'];
      case 47:
        return OP['/'];
      case 37:
        return OP['%'];
      default:
        return undefined;
    }
  }

  parseBinary(minPrec: number): Expr {
    let left = this.parseUnary();
    for (;;) {
      const save = this.i;
      this.ws();
      const op = this.binaryOp();
      if (!op || op.prec <= minPrec - 1 || op.prec < minPrec) {
        this.i = save;
        return left;
      }
      const at = this.i;
      this.i += op.op.length;
      this.skip(true);
      const right = this.parseBinary(op.prec + 1);
      left = { kind: 'binary', at, op: op.op, left, right };
    }
  }

  parseUnary(): Expr {
    const c = this.code();
    if (c === 33 || (c === 45 && !isDigit(this.code(this.i + 1)))) {
      const at = this.i;
      this.i++;
      this.ws();
      this.enter();
      const operand = this.parseUnary();
      this.depth--;
      return { kind: 'unary', at, op: c === 33 ? '!' : '-', operand };
    }
    if (c === 45) {
      // a negative number literal
      const at = this.i;
      this.i++;
      const n = this.parsePostfix(this.parsePrimary());
      return { kind: 'unary', at, op: '-', operand: n };
    }
    return this.parsePostfix(this.parsePrimary());
  }

  /** Traversals after a primary: `.name`, `.0`, `[expr]`, and the splats `[*]` / `.*`. */
  parsePostfix(expr: Expr): Expr {
    for (;;) {
      const save = this.i;
      this.ws();
      const c = this.code();
      if (c === 46 && this.code(this.i + 1) === 42) {
        const at = this.i;
        this.i += 2;
        expr = { kind: 'splat', at, object: expr, each: this.parseSplatEach(false) };
      } else if (c === 46 && this.code(this.i + 1) !== 46) {
        const at = this.i;
        this.i++;
        if (isDigit(this.code())) {
          const start = this.i;
          while (isDigit(this.code())) this.i++;
          expr = { kind: 'index', at, object: expr, key: { kind: 'literal', at: start, value: Number(this.src.slice(start, this.i)) } };
        } else {
          const name = this.ident();
          if (name === undefined) this.fail(`expected an attribute name after ".", found ${this.describe()}`);
          expr = { kind: 'attr', at, object: expr, name };
        }
      } else if (c === 91) {
        const at = this.i;
        this.i++;
        this.skip(true);
        if (this.code() === 42) {
          this.i++;
          this.skip(true);
          this.expect(']');
          expr = { kind: 'splat', at, object: expr, each: this.parseSplatEach(true) };
        } else {
          const key = this.withNl(true, () => this.parseExpr());
          this.skip(true);
          this.expect(']');
          expr = { kind: 'index', at, object: expr, key };
        }
      } else {
        this.i = save;
        return expr;
      }
    }
  }

  parseSplatEach(full: boolean): Expr {
    let each: Expr = { kind: 'splatItem', at: this.i };
    for (;;) {
      const save = this.i;
      this.ws();
      const c = this.code();
      if (c === 46 && this.code(this.i + 1) !== 42 && this.code(this.i + 1) !== 46) {
        const at = this.i;
        this.i++;
        if (isDigit(this.code())) {
          const start = this.i;
          while (isDigit(this.code())) this.i++;
          each = { kind: 'index', at, object: each, key: { kind: 'literal', at: start, value: Number(this.src.slice(start, this.i)) } };
          continue;
        }
        const name = this.ident();
        if (name === undefined) this.fail(`expected an attribute name after ".", found ${this.describe()}`);
        each = { kind: 'attr', at, object: each, name };
      } else if (full && c === 91 && this.code(this.i + 1) !== 42) {
        const at = this.i;
        this.i++;
        const key = this.withNl(true, () => this.parseExpr());
        this.skip(true);
        this.expect(']');
        each = { kind: 'index', at, object: each, key };
      } else {
        this.i = save;
        return each;
      }
    }
  }

  parsePrimary(): Expr {
    const at = this.i;
    const c = this.code();
    if (isDigit(c)) return this.parseNumber();
    if (c === 34) return this.parseQuoted();
    if (c === 60 && this.code(this.i + 1) === 60) return this.parseHeredoc();
    if (c === 40) {
      this.i++;
      return this.withNl(true, () => {
        this.skip(true);
        const expr = this.parseExpr();
        this.skip(true);
        this.expect(')');
        return { kind: 'paren', at, expr } satisfies Expr;
      });
    }
    if (c === 91) return this.parseTuple();
    if (c === 123) return this.parseObject();
    const name = this.ident();
    if (name === undefined) this.fail(`expected an expression, found ${this.describe()}`);
    if (name === 'true' || name === 'false') return { kind: 'literal', at, value: name === 'true' };
    if (name === 'null') return { kind: 'literal', at, value: null };
    let fn = name;
    while (this.startsWith('::')) {
      this.i += 2;
      const part = this.ident();
      if (part === undefined) this.fail('expected a function name after "::"');
      fn += `::${part}`;
    }
    const save = this.i;
    this.skip(false);
    if (this.code() === 40) {
      this.i++;
      return this.parseCall(fn, at);
    }
    this.i = save;
    if (fn !== name) this.fail(`expected "(" after function name ${fn}`);
    return { kind: 'var', at, name };
  }

  parseNumber(): Expr {
    const at = this.i;
    let k = this.i;
    while (isDigit(this.code(k))) k++;
    if (this.code(k) === 46 && isDigit(this.code(k + 1))) {
      k++;
      while (isDigit(this.code(k))) k++;
    }
    const e = this.code(k);
    if (e === 101 || e === 69) {
      let j = k + 1;
      if (this.code(j) === 43 || this.code(j) === 45) j++;
      if (isDigit(this.code(j))) {
        while (isDigit(this.code(j))) j++;
        k = j;
      }
    }
    this.i = k;
    return { kind: 'literal', at, value: Number(this.src.slice(at, k)) };
  }

  parseCall(name: string, at: number): Expr {
    return this.withNl(true, () => {
      const args: Expr[] = [];
      let expand = false;
      this.skip(true);
      while (this.code() !== 41) {
        if (expand) this.fail('"..." may only follow the last argument');
        args.push(this.parseExpr());
        this.skip(true);
        if (this.startsWith('...')) {
          this.i += 3;
          expand = true;
          this.skip(true);
        }
        if (this.code() === 44) {
          this.i++;
          this.skip(true);
        } else if (this.code() !== 41) this.fail(`expected "," or ")" in the arguments of ${name}, found ${this.describe()}`);
      }
      this.i++;
      return { kind: 'call', at, name, args, expand } satisfies Expr;
    });
  }

  /** True when `for <ident>` starts here (after the opening bracket). */
  atFor(): boolean {
    if (!this.startsWith('for')) return false;
    let k = this.i + 3;
    const c = this.code(k);
    if (c !== 32 && c !== 9 && c !== 10 && c !== 13) return false;
    while (k < this.src.length && /\s/.test(this.src[k]!)) k++;
    return isIdStart(this.code(k)); // `{ for = 1 }` is an object with a key "for"
  }

  parseTuple(): Expr {
    const at = this.i;
    this.i++;
    return this.withNl(true, () => {
      this.skip(true);
      if (this.atFor()) return this.parseFor(at, false);
      const items: Expr[] = [];
      while (this.code() !== 93) {
        items.push(this.parseExpr());
        this.skip(true);
        if (this.code() === 44) {
          this.i++;
          this.skip(true);
        } else if (this.code() !== 93) this.fail(`expected "," or "]" in the list, found ${this.describe()}`);
      }
      this.i++;
      return { kind: 'tuple', at, items } satisfies Expr;
    });
  }

  parseObject(): Expr {
    const at = this.i;
    this.i++;
    this.skip(true);
    if (this.atFor()) return this.withNl(true, () => this.parseFor(at, true));
    return this.withNl(false, () => {
      const items: { key: Expr; value: Expr }[] = [];
      for (;;) {
        this.skip(true);
        if (this.code() === 125) break;
        let key = this.parseExpr();
        if (key.kind === 'var') key = { kind: 'literal', at: key.at, value: key.name };
        this.skip(false);
        if (this.code() === 61 || this.code() === 58) this.i++;
        else this.fail(`expected "=" or ":" after the object key, found ${this.describe()}`);
        this.skip(true);
        const value = this.parseExpr();
        items.push({ key, value });
        this.skip(false);
        const c = this.code();
        if (c === 44) this.i++;
        else if (c !== 10 && c !== 125) this.fail(`expected "," or a newline or "}" after the object item, found ${this.describe()}`);
      }
      this.i++;
      return { kind: 'object', at, items } satisfies Expr;
    });
  }

  parseFor(at: number, object: boolean): Expr {
    this.i += 3;
    this.skip(true);
    const first = this.ident();
    if (first === undefined) this.fail('expected a variable name after "for"');
    this.skip(true);
    let keyVar: string | undefined;
    let valVar = first;
    if (this.code() === 44) {
      this.i++;
      this.skip(true);
      const second = this.ident();
      if (second === undefined) this.fail('expected a second variable name in the for expression');
      keyVar = first;
      valVar = second;
      this.skip(true);
    }
    if (!this.startsWith('in') || isIdPart(this.code(this.i + 2))) this.fail(`expected "in" in the for expression, found ${this.describe()}`);
    this.i += 2;
    this.skip(true);
    const coll = this.parseExpr();
    this.skip(true);
    this.expect(':', '":" in the for expression');
    this.skip(true);
    let keyExpr: Expr | undefined;
    let valExpr = this.parseExpr();
    this.skip(true);
    let group = false;
    if (object) {
      keyExpr = valExpr;
      this.expect('=>', '"=>" in the object for expression');
      this.skip(true);
      valExpr = this.parseExpr();
      this.skip(true);
      if (this.startsWith('...')) {
        this.i += 3;
        group = true;
        this.skip(true);
      }
    }
    let cond: Expr | undefined;
    if (this.startsWith('if') && !isIdPart(this.code(this.i + 2))) {
      this.i += 2;
      this.skip(true);
      cond = this.parseExpr();
      this.skip(true);
    }
    this.expect(object ? '}' : ']');
    const e: Expr = { kind: 'for', at, valVar, coll, valExpr, group, object };
    if (keyVar !== undefined) e.keyVar = keyVar;
    if (keyExpr) e.keyExpr = keyExpr;
    if (cond) e.cond = cond;
    return e;
  }

  // ---- templates ----------------------------------------------------------------------------

  parseQuoted(): Expr {
    const at = this.i;
    this.i++;
    const tokens = this.templateTokens({ quoted: true, end: this.src.length, indent: 0, start: at });
    return this.buildTemplate(at, tokens);
  }

  parseHeredoc(): Expr {
    const at = this.i;
    this.i += 2;
    let indentMode = false;
    if (this.code() === 45) {
      indentMode = true;
      this.i++;
    }
    const marker = this.ident();
    if (marker === undefined) this.fail('expected a heredoc marker after "<<"');
    while (this.code() === 32 || this.code() === 9 || this.code() === 13) this.i++;
    if (this.code() !== 10) this.fail(`expected a newline after the heredoc marker ${marker}`);
    this.i++;
    const start = this.i;
    let lineStart = start;
    let end = -1;
    while (lineStart <= this.src.length) {
      let lineEnd = this.src.indexOf('\n', lineStart);
      if (lineEnd < 0) lineEnd = this.src.length;
      if (this.src.slice(lineStart, lineEnd).trim() === marker) {
        end = lineStart;
        break;
      }
      if (lineEnd >= this.src.length) break;
      lineStart = lineEnd + 1;
    }
    if (end < 0) this.fail(`heredoc is not closed: no line with ${marker} alone`, at);
    let indent = 0;
    if (indentMode) {
      indent = Infinity;
      for (const line of this.src.slice(start, end).split('\n')) {
        if (line.trim() === '') continue;
        indent = Math.min(indent, /^[ \t]*/.exec(line)![0].length);
      }
      if (indent === Infinity) indent = 0;
    }
    this.i = start;
    const tokens = this.templateTokens({ quoted: false, end, indent });
    let after = this.src.indexOf('\n', end);
    if (after < 0) after = this.src.length;
    this.i = after;
    if (this.src[after - 1] === '\r') this.i = after - 1;
    return this.buildTemplate(at, tokens);
  }

  templateTokens(mode: { quoted: boolean; end: number; indent: number; start?: number }): TemplateToken[] {
    const tokens: TemplateToken[] = [];
    let text = '';
    const s = this.src;
    const flush = (): void => {
      if (text !== '') tokens.push({ kind: 'text', text });
      text = '';
    };
    let lineStart = !mode.quoted;
    for (;;) {
      if (this.i >= mode.end) {
        if (mode.quoted) this.fail('unterminated string', mode.start);
        break;
      }
      if (lineStart && mode.indent > 0) {
        let k = 0;
        while (k < mode.indent && (s[this.i] === ' ' || s[this.i] === '\t')) {
          this.i++;
          k++;
        }
        lineStart = false;
        continue;
      }
      lineStart = false;
      const ch = s[this.i]!;
      if (mode.quoted && ch === '"') {
        this.i++;
        break;
      }
      if (mode.quoted && ch === '\n') this.fail('unterminated string: a quoted string cannot span lines (use a heredoc)', mode.start);
      if (mode.quoted && ch === '\\') {
        text += this.escape();
        continue;
      }
      if ((ch === '$' || ch === '%') && s[this.i + 1] === ch && s[this.i + 2] === '{') {
        text += `${ch}{`;
        this.i += 3;
        continue;
      }
      if (ch === '$' && s[this.i + 1] === '{') {
        flush();
        this.i += 2;
        const stripL = this.eatStrip();
        const expr = this.withNl(true, () => {
          this.skip(true);
          const e = this.parseExpr();
          this.skip(true);
          return e;
        });
        const stripR = this.eatStrip();
        this.expect('}', '"}" closing the interpolation');
        tokens.push({ kind: 'interp', expr, stripL, stripR });
        continue;
      }
      if (ch === '%' && s[this.i + 1] === '{') {
        flush();
        tokens.push(this.directive());
        continue;
      }
      if (ch === '\n') lineStart = true;
      text += ch;
      this.i++;
    }
    flush();
    return tokens;
  }

  eatStrip(): boolean {
    if (this.code() === 126) {
      this.i++;
      return true;
    }
    return false;
  }

  directive(): TemplateToken {
    const at = this.i;
    this.i += 2;
    const stripL = this.eatStrip();
    return this.withNl(true, () => {
      this.skip(true);
      const word = this.ident();
      this.skip(true);
      let tok: TemplateToken;
      if (word === 'if') tok = { kind: 'if', cond: this.parseExpr(), stripL, stripR: false, at };
      else if (word === 'else') tok = { kind: 'else', stripL, stripR: false, at };
      else if (word === 'endif') tok = { kind: 'endif', stripL, stripR: false, at };
      else if (word === 'endfor') tok = { kind: 'endfor', stripL, stripR: false, at };
      else if (word === 'for') {
        const first = this.ident();
        if (first === undefined) this.fail('expected a variable name after "for"');
        this.skip(true);
        let keyVar: string | undefined;
        let valVar = first;
        if (this.code() === 44) {
          this.i++;
          this.skip(true);
          const second = this.ident();
          if (second === undefined) this.fail('expected a second variable name in the for directive');
          keyVar = first;
          valVar = second;
          this.skip(true);
        }
        if (!this.startsWith('in')) this.fail('expected "in" in the for directive');
        this.i += 2;
        this.skip(true);
        const coll = this.parseExpr();
        tok = keyVar !== undefined ? { kind: 'for', keyVar, valVar, coll, stripL, stripR: false, at } : { kind: 'for', valVar, coll, stripL, stripR: false, at };
      } else this.fail(`unknown template directive ${word ?? this.describe()}`, at);
      this.skip(true);
      tok.stripR = this.eatStrip();
      this.expect('}', '"}" closing the template directive');
      return tok;
    });
  }

  escape(): string {
    const s = this.src;
    const c = s[this.i + 1];
    this.i += 2;
    switch (c) {
      case 'n':
        return '\n';
      case 't':
        return '\t';
      case 'r':
        return '\r';
      case '"':
        return '"';
      case '\\':
        return '\\';
      case '/':
        return '/';
      case 'b':
        return '\b';
      case 'f':
        return '\f';
      case 'u':
      case 'U': {
        const len = c === 'u' ? 4 : 8;
        const hex = s.slice(this.i, this.i + len);
        if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== len) this.fail(`invalid \\${c} escape`, this.i - 2);
        this.i += len;
        const cp = parseInt(hex, 16);
        if (cp > 0x10ffff) this.fail('invalid unicode escape', this.i - len - 2);
        return String.fromCodePoint(cp);
      }
      default:
        return this.fail(`invalid escape sequence \\${c ?? ''}`, this.i - 2);
    }
  }

  buildTemplate(at: number, tokens: TemplateToken[]): Expr {
    // strip markers: `~` trims the whitespace of the neighbouring literal text
    for (let k = 0; k < tokens.length; k++) {
      const t = tokens[k]!;
      if (t.kind === 'text') continue;
      const prev = tokens[k - 1];
      const next = tokens[k + 1];
      if (t.stripL && prev?.kind === 'text') prev.text = prev.text.replace(/\s+$/, '');
      if (t.stripR && next?.kind === 'text') next.text = next.text.replace(/^\s+/, '');
    }
    let k = 0;
    const parse = (until: string[]): { parts: TemplatePart[]; end?: TemplateToken } => {
      const parts: TemplatePart[] = [];
      while (k < tokens.length) {
        const t = tokens[k++]!;
        if (t.kind === 'text') {
          if (t.text !== '') parts.push({ kind: 'text', text: t.text });
        } else if (t.kind === 'interp') parts.push({ kind: 'interp', expr: t.expr });
        else if (t.kind === 'if') {
          const then = parse(['else', 'endif']);
          let otherwise: TemplatePart[] = [];
          if (then.end?.kind === 'else') {
            const e = parse(['endif']);
            if (e.end?.kind !== 'endif') this.fail('%{if} without %{endif}', t.at);
            otherwise = e.parts;
          } else if (then.end?.kind !== 'endif') this.fail('%{if} without %{endif}', t.at);
          parts.push({ kind: 'if', cond: t.cond, then: then.parts, else: otherwise });
        } else if (t.kind === 'for') {
          const body = parse(['endfor']);
          if (body.end?.kind !== 'endfor') this.fail('%{for} without %{endfor}', t.at);
          const p: TemplatePart = { kind: 'for', valVar: t.valVar, coll: t.coll, body: body.parts };
          if (t.keyVar !== undefined) p.keyVar = t.keyVar;
          parts.push(p);
        } else if (until.includes(t.kind)) return { parts, end: t };
        else this.fail(`unexpected %{${t.kind}}`, t.at);
      }
      return { parts };
    };
    const { parts } = parse([]);
    return { kind: 'template', at, parts };
  }
}

/** Parses one file of HCL native syntax (`.tf`, `.tfvars`). Throws {@link HclSyntaxError}. */
export function parseHcl(path: string, content: string): HclFile {
  return new Parser(content, path).parseFile();
}
provideHclParser(parseHcl);

/** Parses one standalone expression (a `-var` value); throws {@link HclSyntaxError}. */
export function parseExpression(text: string, path = '<expression>'): Expr {
  const p = new Parser(text, path);
  p.nl = true;
  p.skip(true);
  const e = p.parseExpr();
  p.skip(true);
  if (p.i < text.length) p.fail(`unexpected ${p.describe()} after the expression`);
  return e;
}

/** Parses a JSON-syntax file (`.tf.json`, `.tfvars.json`) into one expression, keeping offsets and lines. */
export function parseJsonSyntax(path: string, content: string): { expr: Expr; lineOf: (at: number) => number } {
  const p = new Parser(content, path);
  p.nl = true;
  p.skip(true);
  if (p.code() !== 123) p.fail(`expected a JSON object, found ${p.describe()}`);
  const e = p.withNl(true, () => p.parseExpr());
  p.skip(true);
  if (p.i < content.length) p.fail(`unexpected ${p.describe()} after the JSON object`);
  return { expr: e, lineOf: (at) => p.lineOf(at) };
}

/** Parses a whole text as a template (a `templatefile` file): interpolations and directives, no escapes. */
export function parseTemplate(path: string, text: string): Expr {
  const p = new Parser(text, path);
  const tokens = p.templateTokens({ quoted: false, end: text.length, indent: 0 });
  return p.buildTemplate(0, tokens);
}
