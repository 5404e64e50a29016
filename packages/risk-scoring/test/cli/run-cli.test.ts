import { mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../src/cli/run-cli';
import { FIXTURES } from '../helpers';

async function cli(args: string[], stdin = '') {
  let out = '';
  let err = '';
  const code = await runCli(args, { stdout: (s) => (out += s), stderr: (s) => (err += s), readStdin: async () => stdin });
  return { code, out, err };
}
const plan = (name: string) => join(FIXTURES, 'plans', `${name}.json`);

describe('review CLI', () => {
  it('should print exactly one JSON object with the documented fields for --format json', async () => {
    const { code, out, err } = await cli(['--format', 'json', plan('deletes')]);
    expect(code).toBe(0);
    expect(err).toBe('');
    const lines = out.trim().split('\n');
    expect(lines).toHaveLength(1);
    const result = JSON.parse(lines[0]!);
    expect(result).toMatchObject({ riskLevel: 'critical', stats: { resourceChanges: 14 } });
    expect(typeof result.riskScore).toBe('number');
    expect(result.confidence).toBeGreaterThan(0);
    expect(result.findings[0]).toEqual(expect.objectContaining({ ruleId: expect.any(String), severity: 'critical', category: 'data-loss', resourceAddress: expect.any(String), message: expect.any(String), remediation: expect.any(String) }));
    expect(result).not.toHaveProperty('changes');
  });

  it('should exit 1 when --fail-on is met and 0 when it is not', async () => {
    expect((await cli(['--fail-on', 'high', '--format=json', plan('deletes')])).code).toBe(1);
    expect((await cli(['--fail-on', 'medium', plan('clean')])).code).toBe(0);
  });

  it('should read plan JSON and Terraform source from stdin', async () => {
    const fromJson = await cli(['--format', 'json', '-'], readFileSync(plan('modules'), 'utf8'));
    expect(JSON.parse(fromJson.out).findings.map((f: { resourceAddress: string }) => f.resourceAddress)).toEqual(['aws_security_group.svc["admin"]']);
    const fromHcl = await cli(['--format', 'json', '-'], 'resource "aws_s3_bucket" "b" {\n  force_destroy = true\n}\n');
    // force_destroy (DATA-008) and, with no versioning configured, BAK-008
    expect(JSON.parse(fromHcl.out).findings.map((f: { ruleId: string }) => f.ruleId)).toEqual(['DATA-008', 'BAK-008']);
  });

  it('should review a directory of .tf files and locate findings in SARIF', async () => {
    const { code, out } = await cli(['--format', 'sarif', join(FIXTURES, 'tf', 'iam-network')]);
    expect(code).toBe(0);
    const sarif = JSON.parse(out);
    expect(sarif.version).toBe('2.1.0');
    const loc = sarif.runs[0].results[0].locations[0].physicalLocation;
    expect(loc.artifactLocation.uri).toBe('main.tf');
    expect(loc.region.startLine).toBeGreaterThan(1);
  });

  it('should exit 2 with a one-line reason for unusable input', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'review-cli-'));
    writeFileSync(join(dir, 'not.json'), 'this is not json');
    writeFileSync(join(dir, 'state.json'), JSON.stringify({ version: 4, resources: [] }));
    for (const [args, stdin, reason] of [
      [[join(dir, 'not.json')], '', /is not JSON/],
      [[join(dir, 'state.json')], '', /not a Terraform plan/],
      [[join(dir, 'missing.json')], '', /cannot read .*no such file/],
      [['-'], '{"format_version":"1.2","resource_changes":[{"address":1}]}', /not a Terraform plan/],
      [[dir], '', /no \.tf or \.tf\.json files/],
      [['--var-file', join(dir, 'missing.tfvars'), plan('clean')], '', /cannot read --var-file .*no such file/],
      [['--var-file', join(dir, 'not.json'), plan('clean')], '', /expected a \.tfvars or \.tfvars\.json file/],
    ] as const) {
      const { code, out, err } = await cli([...args], stdin);
      expect({ args, code }).toEqual({ args, code: 2 });
      expect(out).toBe('');
      expect(err.trim().split('\n')).toHaveLength(1);
      expect(err).toMatch(reason);
    }
  });

  it('should exit 2 with usage for bad options', async () => {
    expect((await cli(['--format', 'yaml', plan('clean')])).code).toBe(2);
    expect((await cli(['--fail-on', 'severe', plan('clean')])).code).toBe(2);
    expect((await cli([])).code).toBe(2);
    const help = await cli(['--help']);
    expect(help.code).toBe(0);
    expect(help.out).toContain('Usage: iac-review review');
  });

  it('should apply terraform.tfvars, then --var-file, then --var, as terraform plan does', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'review-vars-'));
    writeFileSync(join(dir, 'main.tf'), 'variable "acl" {\n  default = "private"\n}\nvariable "ports" {\n  type    = list(number)\n  default = []\n}\nresource "aws_s3_bucket_acl" "b" {\n  bucket = "b"\n  acl    = var.acl\n}\nresource "aws_security_group" "s" {\n  dynamic "ingress" {\n    for_each = var.ports\n    content {\n      from_port   = ingress.value\n      to_port     = ingress.value\n      protocol    = "tcp"\n      cidr_blocks = ["0.0.0.0/0"]\n    }\n  }\n}\n');
    writeFileSync(join(dir, 'terraform.tfvars'), 'acl = "public-read"\n');
    writeFileSync(join(dir, 'prod.tfvars'), 'acl = "private"\n');
    const ids = async (args: string[]): Promise<string[]> => {
      const { code, out, err } = await cli(['--format', 'json', ...args, dir]);
      expect({ code, err }).toEqual({ code: 0, err: '' });
      return (JSON.parse(out) as { findings: { ruleId: string; resourceAddress: string }[] }).findings.map((f) => `${f.ruleId} ${f.resourceAddress}`);
    };
    expect(await ids([])).toContain('PUB-002 aws_s3_bucket_acl.b');
    expect(await ids(['--var-file', join(dir, 'prod.tfvars')])).not.toContain('PUB-002 aws_s3_bucket_acl.b');
    expect(await ids(['--var-file', join(dir, 'prod.tfvars'), '--var', 'acl=public-read-write'])).toContain('PUB-001 aws_s3_bucket_acl.b');
    expect(await ids(['--var=ports=[22]'])).toContain('NET-002 aws_security_group.s');
    expect((await cli(['--var', 'novalue', dir])).err).toMatch(/--var needs NAME=VALUE/);
    expect((await cli(['--help'])).out).toMatch(/--var-file/);
  });

  it('should render text and markdown', async () => {
    expect((await cli([plan('iam-network')])).out).toContain('IaC Review: risk CRITICAL');
    expect((await cli(['--format', 'markdown', plan('iam-network')])).out).toMatch(/^## IaC Review: /);
  });
});
