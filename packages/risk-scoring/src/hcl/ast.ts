/** Syntax tree of HCL native syntax (and Terraform's JSON syntax, converted to the same shape). */

/** Offset of the node's first character in its file. */
export interface At {
  at: number;
}

export type TemplatePart =
  | { kind: 'text'; text: string }
  | { kind: 'interp'; expr: Expr }
  | { kind: 'if'; cond: Expr; then: TemplatePart[]; else: TemplatePart[] }
  | { kind: 'for'; keyVar?: string; valVar: string; coll: Expr; body: TemplatePart[] };

export type Expr = At &
  (
    | { kind: 'literal'; value: null | boolean | number | string }
    | { kind: 'template'; parts: TemplatePart[] }
    | { kind: 'var'; name: string }
    | { kind: 'attr'; object: Expr; name: string }
    | { kind: 'index'; object: Expr; key: Expr }
    /** `object[*].each` / `object.*.each`: `each` is applied to every element (as `splatItem`). */
    | { kind: 'splat'; object: Expr; each: Expr }
    | { kind: 'splatItem' }
    | { kind: 'call'; name: string; args: Expr[]; expand: boolean }
    | { kind: 'tuple'; items: Expr[] }
    | { kind: 'object'; items: { key: Expr; value: Expr }[] }
    | { kind: 'cond'; cond: Expr; then: Expr; else: Expr }
    | { kind: 'binary'; op: string; left: Expr; right: Expr }
    | { kind: 'unary'; op: '!' | '-'; operand: Expr }
    | { kind: 'for'; keyVar?: string; valVar: string; coll: Expr; keyExpr?: Expr; valExpr: Expr; cond?: Expr; group: boolean; object: boolean }
    | { kind: 'paren'; expr: Expr }
  );

export interface Attribute extends At {
  name: string;
  expr: Expr;
}

export interface Block extends At {
  /** Offset just after the closing brace (native syntax; not set for JSON syntax). */
  end?: number;
  type: string;
  labels: string[];
  body: Body;
}

export interface Body extends At {
  attributes: Attribute[];
  blocks: Block[];
}

export interface Comment {
  line: number;
  text: string;
}

/** One parsed file: its body, its comments (with 1-based line numbers) and a way to turn offsets into lines. */
export interface HclFile {
  path: string;
  body: Body;
  comments: Comment[];
  lineOf(at: number): number;
}
