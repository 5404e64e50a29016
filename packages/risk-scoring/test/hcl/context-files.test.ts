import { evaluateHcl, evaluateRules, reviewInput, type SourceFile } from '../../src/index';

// A pull request changes some files of a module; the reviewer also fetches the module's other files
// (unchanged, `context: true`) so the change evaluates as Terraform would, without judging them.
const hits = (files: SourceFile[]): string[] => evaluateRules(evaluateHcl(files).changes).map((f) => `${f.ruleId} ${f.resourceAddress}`);

const openRule = (name: string): string => `
resource "aws_security_group" "${name}" {
  name = "${name}"
  ingress {
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = [local.anywhere]
  }
}
`;
const locals = 'locals {\n  anywhere = "0.0.0.0/0"\n}\n';

describe('context files (unchanged files fetched to evaluate a change)', () => {
  it('should judge the changed file with values from an unchanged file that also declares resources, and not judge that file', () => {
    const files: SourceFile[] = [
      { path: 'net/changed.tf', content: openRule('changed') },
      { path: 'net/old.tf', content: `${locals}${openRule('old')}`, context: true },
    ];
    const found = hits(files);
    expect(found.some((h) => h.endsWith(' aws_security_group.changed'))).toBe(true);
    expect(found.some((h) => h.endsWith(' aws_security_group.old'))).toBe(false);
    const old = evaluateHcl(files).changes.find((c) => c.address === 'aws_security_group.old');
    expect(old?.actions).toEqual(['no-op']);
    // Without the flag the same file is judged like any other: the flag is what keeps it out.
    expect(hits(files.map((f) => ({ path: f.path, content: f.content }))).some((h) => h.endsWith(' aws_security_group.old'))).toBe(true);
  });

  it('should judge the resources of an unchanged local module when a changed file calls it, and not when only context calls it', () => {
    const module: SourceFile = { path: 'modules/sg/main.tf', content: `variable "cidr" {}\nresource "aws_security_group" "this" {\n  name = "m"\n  ingress {\n    from_port   = 22\n    to_port     = 22\n    protocol    = "tcp"\n    cidr_blocks = [var.cidr]\n  }\n}\n`, context: true };
    const call = (name: string): string => `module "${name}" {\n  source = "./modules/sg"\n  cidr   = "0.0.0.0/0"\n}\n`;
    const changedCall = hits([{ path: 'main.tf', content: call('edge') }, { path: 'other.tf', content: call('legacy'), context: true }, module]);
    expect(changedCall.some((h) => h.endsWith(' module.edge.aws_security_group.this'))).toBe(true);
    expect(changedCall.some((h) => h.endsWith(' module.legacy.aws_security_group.this'))).toBe(false);
  });

  it('should not report provider or variable-default secrets of context files', async () => {
    const secret = 'variable "db_password" {\n  default = "Zq8#vL2!pW9@xR4$"\n}\n';
    const asChange = await reviewInput({ kind: 'hcl', files: [{ path: 'vars.tf', content: secret }, { path: 'main.tf', content: 'resource "aws_s3_bucket" "b" {\n  bucket = "b"\n}\n' }] });
    const asContext = await reviewInput({ kind: 'hcl', files: [{ path: 'vars.tf', content: secret, context: true }, { path: 'main.tf', content: 'resource "aws_s3_bucket" "b" {\n  bucket = "b"\n}\n' }] });
    expect(asChange.findings.some((f) => f.category === 'secrets')).toBe(true);
    expect(asContext.findings.some((f) => f.category === 'secrets')).toBe(false);
  });
});
