import fc from 'fast-check';
import { evaluateHcl, HclParseError, HclSyntaxError, parseExpression, parseHcl, type HclExpr } from '../../src/index';

const attrExpr = (src: string, name = 'a'): HclExpr => {
  const f = parseHcl('t.tf', src);
  const a = f.body.attributes.find((x) => x.name === name);
  if (!a) throw new Error(`no attribute ${name}`);
  return a.expr;
};
/** Evaluates one attribute `a` of a resource through the whole pipeline. */
const value = (src: string): unknown => evaluateHcl([{ path: 'main.tf', content: `resource "x_t" "r" {\n${src}\n}\n` }]).changes[0]!.after!.a;

describe('HCL parser', () => {
  it('should parse blocks, labels and attributes with their lines', () => {
    const f = parseHcl('main.tf', '\n# header\nresource "aws_s3_bucket" "b" {\n  bucket = "x"\n\n  versioning {\n    enabled = true\n  }\n}\nlocals { one = 1 }\n');
    const [res, locals] = f.body.blocks;
    expect(res).toMatchObject({ type: 'resource', labels: ['aws_s3_bucket', 'b'] });
    expect(f.lineOf(res!.at)).toBe(3);
    expect(f.lineOf(res!.body.blocks[0]!.at)).toBe(6);
    expect(f.lineOf(res!.body.attributes[0]!.at)).toBe(4);
    expect(locals!.body.attributes.map((a) => a.name)).toEqual(['one']);
  });

  it('should keep every comment with its line (#, // and /* */), also inside blocks and expressions', () => {
    const f = parseHcl('c.tf', '# one\nresource "a" "b" { // two\n  x = [1, # three\n    2]\n  /* four\n  still four */\n  y = 1\n}\n');
    expect(f.comments).toEqual([
      { line: 1, text: '# one' },
      { line: 2, text: '// two' },
      { line: 3, text: '# three' },
      { line: 5, text: '/* four\n  still four */' },
    ]);
  });

  it('should read heredocs, with <<- removing the common indentation', () => {
    expect(value('  a = <<EOF\nline 1\n  line 2\nEOF')).toBe('line 1\n  line 2\n');
    expect(value('  a = <<-EOT\n    line 1\n      line 2\n    EOT')).toBe('line 1\n  line 2\n');
    expect(value('  a = <<EOF\n{"k": "${upper("v")}"}\nEOF')).toBe('{"k": "V"}\n');
  });

  it('should render templates: interpolation, %{if}/%{else}, %{for} with strip markers, escapes and literal $${', () => {
    expect(value('  a = "x-${1 + 1}-y"')).toBe('x-2-y');
    expect(value('  a = "%{ if true }yes%{ else }no%{ endif }"')).toBe('yes');
    expect(value('  a = "%{ if 1 > 2 }yes%{ else }no%{ endif }"')).toBe('no');
    expect(value('  a = "%{ for k, v in { b = 2, a = 1 } }${k}=${v};%{ endfor }"')).toBe('a=1;b=2;');
    expect(value('  a = <<EOF\n%{ for x in [1, 2] ~}\n${x}\n%{ endfor ~}\nEOF')).toBe('1\n2\n');
    expect(value('  a = "tab\\tquote\\" $${literal} %%{literal} \\u00e9"')).toBe('tab\tquote" ${literal} %{literal} é');
    expect(value('  a = "${ {a = "}"}.a }"')).toBe('}');
  });

  it('should parse operators with HCL precedence, splats, for expressions and namespaced calls', () => {
    expect(value('  a = 1 + 2 * 3 == 7 && !false')).toBe(true);
    expect(value('  a = -2 - -3')).toBe(1);
    expect(attrExpr('a = x.y[0].*.z')).toMatchObject({ kind: 'splat' });
    expect(attrExpr('a = [for v in var.l : v if v != ""]')).toMatchObject({ kind: 'for', object: false, valVar: 'v' });
    expect(attrExpr('a = { for k, v in m : k => v... }')).toMatchObject({ kind: 'for', object: true, group: true, keyVar: 'k' });
    expect(attrExpr('a = provider::aws::arn_parse("x")')).toMatchObject({ kind: 'call', name: 'provider::aws::arn_parse' });
    expect(attrExpr('a = (\n  1 +\n  2\n)')).toMatchObject({ kind: 'paren' });
    expect(parseExpression('{ a = 1, "b" : [2,\n3] }')).toMatchObject({ kind: 'object' });
    expect(value('  a = true ?\n    "yes" :\n    "no"')).toBe('yes');
    expect(value('  a = [10, 1.5e3, 2E-1, 0.25, 7e+2]')).toEqual([10, 1500, 0.2, 0.25, 700]);
    expect(parseHcl('l.tf', 'resource "a\\"b" plain {}\n').body.blocks[0]!.labels).toEqual(['a"b', 'plain']);
  });

  it('should report errors with file, line and column', () => {
    const at = (src: string): string => {
      try {
        parseHcl('e.tf', src);
      } catch (err) {
        return (err as HclSyntaxError).message;
      }
      return 'parsed';
    };
    expect(at('resource "a" "b" {\n  x = \n}\n')).toBe('e.tf:2:7: expected an expression, found newline');
    expect(at('a = 1 b = 2\n')).toBe('e.tf:1:7: expected a newline after the attribute or block, found "b"');
    expect(at('a = <<EOF\nno end\n')).toBe('e.tf:1:5: heredoc is not closed: no line with EOF alone');
    expect(at('a = "%{ if true }x"\n')).toBe('e.tf:1:6: %{if} without %{endif}');
    expect(at('block {\n')).toBe('e.tf:2:1: expected "}" to close the block, found end of file');
    expect(at('a = "\\q"')).toBe('e.tf:1:6: invalid escape sequence \\q');
    expect(at('a = ' + '('.repeat(500) + '1' + ')'.repeat(500))).toMatch(/^e\.tf:1:\d+: nesting too deep$/);
  });
});

describe('evaluation never throws (property)', () => {
  const ident = fc.constantFrom('a', 'b', 'var', 'local', 'each', 'count', 'x_y', 'module', 'data', 'path', 'aws_s3_bucket', 'self', 'for', 'if', 'in', 'null');
  const fnName = fc.constantFrom('jsonencode', 'jsondecode', 'merge', 'concat', 'flatten', 'format', 'join', 'split', 'lookup', 'try', 'can', 'coalesce', 'length', 'element', 'keys', 'toset', 'tomap', 'tonumber', 'replace', 'cidrsubnet', 'file', 'templatefile', 'regex', 'range', 'nope');
  const { expr } = fc.letrec<{ expr: string }>((tie) => ({
    expr: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.constantFrom('1', '-2.5', 'true', 'null', '"s"', '"0.0.0.0/0"', '[]', '{}', '"${1}"', '"a${var.x}b"', '(<<EOF\nh ${1}\nEOF\n)'),
      ident,
      fc.tuple(ident, ident).map(([a, b]) => `${a}.${b}`),
      fc.tuple(tie('expr'), tie('expr')).map(([a, b]) => `${a}[${b}]`),
      fc.tuple(tie('expr'), fc.constantFrom('+', '-', '*', '/', '%', '==', '!=', '<', '>=', '&&', '||'), tie('expr')).map(([a, op, b]) => `(${a} ${op} ${b})`),
      fc.tuple(tie('expr'), tie('expr'), tie('expr')).map(([c, a, b]) => `(${c} ? ${a} : ${b})`),
      fc.tuple(fnName, fc.array(tie('expr'), { maxLength: 3 })).map(([f, args]) => `${f}(${args.join(', ')})`),
      fc.array(tie('expr'), { maxLength: 3 }).map((items) => `[${items.join(', ')}]`),
      fc.array(fc.tuple(ident, tie('expr')), { maxLength: 3 }).map((items) => `{ ${items.map(([k, v]) => `${k} = ${v}`).join(', ')} }`),
      fc.tuple(ident, tie('expr'), tie('expr')).map(([v, c, b]) => `[for ${v} in ${c} : ${b}]`),
      fc.tuple(ident, tie('expr'), tie('expr')).map(([v, c, b]) => `{ for k, ${v} in ${c} : k => ${b} }`),
      tie('expr').map((e) => `${e}[*].a`),
      tie('expr').map((e) => `"pre-\${${e}}-%{ if ${e} }x%{ endif }"`),
    ),
  }));
  const config = fc
    .record({
      locals: fc.array(fc.tuple(ident, expr), { maxLength: 4 }),
      attrs: fc.array(fc.tuple(fc.constantFrom('a', 'b', 'policy', 'cidr_blocks', 'acl'), expr), { maxLength: 4 }),
      meta: fc.option(fc.tuple(fc.constantFrom('count', 'for_each'), expr), { nil: undefined }),
      dynamic: fc.option(expr, { nil: undefined }),
    })
    .map(
      ({ locals, attrs, meta, dynamic }) =>
        `variable "x" { default = 1 }\nlocals {\n${locals.map(([k, v]) => `  ${k} = ${v}`).join('\n')}\n}\n` +
        `resource "aws_s3_bucket" "b" {\n${meta ? `  ${meta[0]} = ${meta[1]}\n` : ''}${attrs.map(([k, v]) => `  ${k} = ${v}`).join('\n')}\n` +
        `${dynamic ? `  dynamic "rule" {\n    for_each = ${dynamic}\n    content {\n      v = rule.value\n    }\n  }\n` : ''}}\n` +
        `module "m" {\n  source = "./m"\n  in = ${attrs[0]?.[1] ?? '1'}\n}\n`,
    );
  const moduleFile = { path: 'm/main.tf', content: 'variable "in" {}\nresource "aws_iam_policy" "p" {\n  policy = jsonencode({ Statement = [{ Action = "*", Resource = var.in }] })\n}\noutput "o" { value = var.in }\n' };

  it('should evaluate generated configuration without throwing', () => {
    fc.assert(
      fc.property(config, (src) => {
        const result = evaluateHcl([{ path: 'main.tf', content: src }, moduleFile]);
        expect(Array.isArray(result.changes)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('should only ever reject mangled text with an HclParseError', () => {
    fc.assert(
      fc.property(config, fc.nat(400), fc.string({ maxLength: 4 }), (src, cut, junk) => {
        const mangled = src.slice(0, cut % (src.length + 1)) + junk + src.slice(cut % (src.length + 1));
        try {
          evaluateHcl([{ path: 'main.tf', content: mangled }]);
        } catch (err) {
          expect(err).toBeInstanceOf(HclParseError);
        }
      }),
      { numRuns: 200 },
    );
  });
});
