import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Ajv from 'ajv';
import findingSchema from '../../../core/src/schemas/finding.schema.json';
import configSchema from '../../schema/iac-review-config.schema.json';
import { runCli } from '../../src/cli/run-cli';
import {
  ConfigError,
  cidrContains,
  compileCustomRules,
  evaluateRules,
  parseDirective,
  parsePolicyConfig,
  policyDiff,
  policyFromFiles,
  renderMarkdown,
  renderSarif,
  renderText,
  reviewInput,
  rules,
  type CustomRuleConfig,
  type PolicyOptions,
  type ResourceChange,
  type ReviewResult,
} from '../../src/index';

const TODAY = '2026-11-29';

const sg = (name: string, comment = '', inside = '') => `${comment}resource "aws_security_group" "${name}" {
  name = "${name}"${inside}
  ingress {
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}
`;

const hcl = (content: string, policy: PolicyOptions = {}, path = 'main.tf') => reviewInput({ kind: 'hcl', files: [{ path, content }] }, { today: TODAY, ...policy });
const config = (yaml: string) => parsePolicyConfig(yaml, '.iac-review.yml');
const net002 = (r: ReviewResult) => r.findings.filter((f) => f.ruleId === 'NET-002').map((f) => ({ address: f.resourceAddress, suppressed: f.suppressed?.reason ?? null }));

const plan = (resources: { address: string; type: string; after: Record<string, unknown> }[]) => ({
  format_version: '1.2',
  terraform_version: '1.9.0',
  resource_changes: resources.map((r) => ({
    address: r.address,
    mode: 'managed',
    type: r.type,
    name: r.address.split('.').pop(),
    provider_name: 'registry.terraform.io/hashicorp/aws',
    change: { actions: ['create'], before: null, after: r.after, after_unknown: {}, before_sensitive: false, after_sensitive: {} },
  })),
});

async function cli(args: string[], cwd: string) {
  let out = '';
  let err = '';
  const code = await runCli(args, { stdout: (s) => (out += s), stderr: (s) => (err += s), readStdin: async () => '', cwd: () => cwd });
  return { code, out, err };
}

describe('inline suppressions', () => {
  it('should silence exactly one finding on one resource, keep it marked, and leave it out of the score and counts', async () => {
    const without = await hcl(sg('a') + sg('b'));
    const withIt = await hcl(sg('a', '# iac-review:ignore NET-002 reason: bastion behind vault, until 2027-03-31\n') + sg('b'));
    expect(net002(without)).toEqual([
      { address: 'aws_security_group.a', suppressed: null },
      { address: 'aws_security_group.b', suppressed: null },
    ]);
    expect(net002(withIt)).toEqual([
      { address: 'aws_security_group.a', suppressed: 'bastion behind vault' },
      { address: 'aws_security_group.b', suppressed: null },
    ]);
    const s = withIt.findings.find((f) => f.suppressed)!;
    expect(s.suppressed).toEqual({ kind: 'inline', reason: 'bastion behind vault', until: '2027-03-31', location: 'main.tf:1' });
    // every other finding is untouched
    expect(withIt.findings.filter((f) => f.suppressed)).toHaveLength(1);
    expect(withIt.findings.map((f) => `${f.ruleId} ${f.resourceAddress}`).sort()).toEqual(without.findings.map((f) => `${f.ruleId} ${f.resourceAddress}`).sort());
    expect(withIt.stats.findings).toBe(without.stats.findings - 1);
    expect(withIt.stats.bySeverity.high).toBe(without.stats.bySeverity.high - 1);
    expect(withIt.stats.policy?.suppressed).toBe(1);
    expect(withIt.contributions.find((c) => c.ruleId === 'NET-002')).toMatchObject({ count: 1, resourceAddress: 'aws_security_group.b' });
    expect(without.contributions.find((c) => c.ruleId === 'NET-002')).toMatchObject({ count: 2 });
    // findings stay valid against the published finding schema
    const validate = new Ajv({ strict: false }).compile(findingSchema);
    for (const f of withIt.findings) expect(validate(f) ? 'valid' : JSON.stringify(validate.errors)).toBe('valid');
  });

  it('should read // comments inside the block, several rule ids and a by: name', async () => {
    const r = await hcl(sg('a', '', '\n  // iac-review:ignore NET-001, NET-002 reason: jump host for the on-call team, by: platform-team, until 2027-01-01') + sg('b'));
    expect(net002(r)).toEqual([
      { address: 'aws_security_group.a', suppressed: 'jump host for the on-call team' },
      { address: 'aws_security_group.b', suppressed: null },
    ]);
    expect(r.findings.find((f) => f.suppressed)?.suppressed).toMatchObject({ by: 'platform-team', until: '2027-01-01', location: 'main.tf:3' });
  });

  it('should not attach a comment separated from the block by code or a blank line', async () => {
    const r = await hcl(`# iac-review:ignore NET-002 reason: for a\n\n${sg('a')}`);
    expect(net002(r)).toEqual([{ address: 'aws_security_group.a', suppressed: null }]);
  });

  it('should show suppressed findings apart in text, markdown, JSON and SARIF', async () => {
    const r = await hcl(sg('a', '# iac-review:ignore NET-002 reason: bastion behind vault, until 2027-03-31\n') + sg('b'));
    const text = renderText(r);
    const [activePart, suppressedPart] = text.split('Suppressed (1, accepted risks; not in the score):');
    expect(activePart).toContain('NET-002   aws_security_group.b');
    expect(activePart).not.toContain('NET-002   aws_security_group.a');
    expect(suppressedPart).toContain('NET-002   aws_security_group.a');
    expect(suppressedPart).toContain('suppressed: bastion behind vault (until 2027-03-31) [main.tf:1]');

    const md = renderMarkdown(r);
    const [mdActive, mdSuppressed] = md.split('<details><summary>Suppressed findings (1)');
    expect(mdActive).toContain('`aws_security_group.b`');
    expect(mdActive).not.toContain('`aws_security_group.a`');
    expect(mdSuppressed).toContain('| high | `NET-002` | `aws_security_group.a` | bastion behind vault | 2027-03-31 | main.tf:1 |');

    const json = JSON.parse(JSON.stringify(r)) as ReviewResult;
    expect(json.findings.filter((f) => f.suppressed).map((f) => f.resourceAddress)).toEqual(['aws_security_group.a']);

    const sarif = renderSarif(r) as { runs: { results: { ruleId: string; locations: { logicalLocations: { fullyQualifiedName: string }[] }[]; suppressions?: unknown[] }[] }[] };
    const results = sarif.runs[0]!.results.filter((x) => x.ruleId === 'NET-002');
    const byAddress = Object.fromEntries(results.map((x) => [x.locations[0]!.logicalLocations[0]!.fullyQualifiedName, x.suppressions]));
    expect(byAddress['aws_security_group.a']).toEqual([{ kind: 'inSource', status: 'accepted', justification: 'bastion behind vault (until 2027-03-31)', properties: { location: 'main.tf:1' } }]);
    expect(byAddress['aws_security_group.b']).toBeUndefined();
  });

  it('should stop an expired suppression and say so', async () => {
    const r = await hcl(sg('a', '# iac-review:ignore NET-002 reason: temporary, until 2026-11-28\n'));
    expect(net002(r)).toEqual([{ address: 'aws_security_group.a', suppressed: null }]);
    expect(r.findings.find((f) => f.ruleId === 'SUPPRESS-002')).toMatchObject({ severity: 'info', resourceAddress: 'aws_security_group.a', message: expect.stringContaining('expired on 2026-11-28') });
    expect(r.stats.policy?.expired).toEqual([{ ruleId: 'NET-002', resource: 'aws_security_group.a', until: '2026-11-28', location: 'main.tf:1' }]);
    // the last day still counts
    const lastDay = await hcl(sg('a', '# iac-review:ignore NET-002 reason: temporary, until 2026-11-29\n'));
    expect(net002(lastDay)).toEqual([{ address: 'aws_security_group.a', suppressed: 'temporary' }]);
  });

  it('should report a suppression without a reason as a low finding and not suppress', async () => {
    const r = await hcl(sg('a', '# iac-review:ignore NET-002\n'));
    expect(net002(r)).toEqual([{ address: 'aws_security_group.a', suppressed: null }]);
    expect(r.findings.filter((f) => f.ruleId === 'SUPPRESS-001')).toEqual([expect.objectContaining({ severity: 'low', resourceAddress: 'aws_security_group.a', message: expect.stringContaining('main.tf:1 gives no reason') })]);
  });

  it('should parse directive variants', () => {
    expect(parseDirective('# iac-review:ignore SEC-002 reason: rotated by vault, until 2027-03-31', 'a.tf', 3)).toEqual({ rules: ['SEC-002'], reason: 'rotated by vault', until: '2027-03-31', file: 'a.tf', line: 3 });
    expect(parseDirective('// iac-review:ignore SEC-002 reason: ok, fine; really', 'a.tf', 1)).toMatchObject({ reason: 'ok, fine; really' });
    expect(parseDirective('# iac-review:ignore SEC-002 reason: x1y, until 2027-02-30', 'a.tf', 1)).toMatchObject({ problem: '"2027-02-30" is not a date YYYY-MM-DD' });
    expect(parseDirective('/* iac-review:ignore LOG-* reason: logs go to the SIEM */', 'a.tf', 1)).toMatchObject({ rules: ['LOG-*'], reason: 'logs go to the SIEM' });
    expect(parseDirective('# unrelated', 'a.tf', 1)).toBeUndefined();
  });
});

describe('a policy with nothing to apply', () => {
  it('should leave the findings as they are: same review as without a policy, zero counts in the stats', async () => {
    // Prepare
    const input = { kind: 'plan' as const, plan: JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 'plans', 'iam-network.json'), 'utf8')) as unknown };
    // Act
    const without = await reviewInput(input);
    const empty = await reviewInput(input, { today: TODAY, files: [{ path: 'main.tf', content: sg('a', '# iac-review:ignore NET-002 reason: not for plans\n') }] });
    // Assert
    expect(without.findings.length).toBeGreaterThan(0);
    expect(empty.findings).toEqual(without.findings);
    expect(empty.riskScore).toBe(without.riskScore);
    expect(empty.stats.policy).toEqual({ suppressed: 0, excluded: 0, disabledRules: [], severityOverrides: [], customRules: [], expired: [] });
  });
});

describe('config file', () => {
  it('should suppress by exact address (brackets and quotes included) or by glob, with who/why/until from the file', async () => {
    const files = `resource "aws_security_group" "svc" {
  for_each = toset(["admin", "web"])
  name     = each.key
  ingress {
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}
${sg('legacy_a')}${sg('legacy_b')}`;
    const cfg = config(`suppressions:
  - rule: NET-002
    resource: aws_security_group.svc["admin"]
    reason: admin host, replaced in Q1
    expires: 2027-01-31
    by: alice
  - rule: NET-*
    resource: aws_security_group.legacy_*
    reason: legacy VPC is closed to the internet
    expires: 2027-06-30
`);
    const r = await hcl(files, { config: cfg });
    expect(net002(r)).toEqual([
      { address: 'aws_security_group.legacy_a', suppressed: 'legacy VPC is closed to the internet' },
      { address: 'aws_security_group.legacy_b', suppressed: 'legacy VPC is closed to the internet' },
      { address: 'aws_security_group.svc["admin"]', suppressed: 'admin host, replaced in Q1' },
      { address: 'aws_security_group.svc["web"]', suppressed: null },
    ]);
    expect(r.findings.find((f) => f.resourceAddress === 'aws_security_group.svc["admin"]')?.suppressed).toEqual({ kind: 'config', reason: 'admin host, replaced in Q1', until: '2027-01-31', by: 'alice', location: '.iac-review.yml:2' });
  });

  it('should not apply an expired config suppression, and say so', async () => {
    const r = await hcl(sg('a'), { config: config('suppressions:\n  - rule: NET-002\n    resource: aws_security_group.a\n    reason: was temporary\n    expires: 2026-01-01\n') });
    expect(net002(r)).toEqual([{ address: 'aws_security_group.a', suppressed: null }]);
    expect(r.findings.find((f) => f.ruleId === 'SUPPRESS-002')?.message).toBe('The suppression of NET-002 at .iac-review.yml:2 expired on 2026-01-01; the finding counts again.');
  });

  it('should disable rules and override severities, with the reasons in the stats', async () => {
    const base = await hcl(sg('a'));
    expect(base.findings.some((f) => f.ruleId === 'NET-002')).toBe(true);
    const off = await hcl(sg('a'), { config: config('rules:\n  NET-002:\n    disabled: true\n    reason: SSH is allowed on this account\n') });
    expect(off.findings.some((f) => f.ruleId === 'NET-002')).toBe(false);
    expect(off.stats.rules).toBe(rules.length - 1);
    expect(off.stats.policy?.disabledRules).toEqual([{ ruleId: 'NET-002', reason: 'SSH is allowed on this account' }]);
    const low = await hcl(sg('a'), { config: config('rules:\n  NET-002:\n    severity: low\n    reason: internal account\n') });
    expect(low.findings.find((f) => f.ruleId === 'NET-002')?.severity).toBe('low');
    expect(low.riskScore).toBeLessThan(base.riskScore);
  });

  it('should leave out findings on files outside include / inside exclude', async () => {
    const files = [
      { path: 'prod/main.tf', content: sg('prod') },
      { path: 'sandbox/main.tf', content: sg('sandbox') },
    ];
    const r = await reviewInput({ kind: 'hcl', files }, { today: TODAY, config: config('paths:\n  exclude: ["sandbox/**"]\n') });
    expect(net002(r).map((f) => f.address)).toEqual(['aws_security_group.prod']);
    expect(r.stats.policy?.excluded).toBeGreaterThan(0);
    const prefixed = await reviewInput({ kind: 'hcl', files }, { today: TODAY, pathPrefix: 'infra', config: config('paths:\n  include: ["infra/sandbox/**"]\n') });
    expect(net002(prefixed).map((f) => f.address)).toEqual(['aws_security_group.sandbox']);
  });

  it('should accept JSON with the same schema', () => {
    expect(parsePolicyConfig('{"failOn": "high", "suppressions": []}', '.iac-review.json').config).toEqual({ failOn: 'high', suppressions: [] });
  });

  it.each([
    ['suppressions:\n  - rule: NET-002\n    resource: x\n    expires: 2027-01-01\n', '.iac-review.yml:2: suppressions[0].reason: is required'],
    ['rules:\n  NET-002:\n    disabled: true\n', '.iac-review.yml:2: rules.NET-002.reason: is required'],
    ['rules:\n  NET-002:\n    reason: because we can\n', '.iac-review.yml:2: rules.NET-002: needs disabled: true or a severity (besides the reason)'],
    ['failOn: hihg\n', '.iac-review.yml:1: failOn: must be one of "low", "medium", "high", "critical"'],
    ['failon: high\n', '.iac-review.yml:1: failon: is not a known field'],
    ['suppressions:\n  - rule: NET-002\n    resource: x\n    reason: ok ok\n    expires: 2027-02-30\n', '.iac-review.yml:5: suppressions[0].expires: 2027-02-30 is not a calendar date'],
    ['suppressions:\n  - rule: NET-002\n    resource: x\n    reason: ok ok\n    expires: next week\n', '.iac-review.yml:5: suppressions[0].expires: must be a date YYYY-MM-DD'],
    [
      'customRules:\n  - id: TAGS\n    resourceTypes: [aws_s3_bucket]\n    attribute: tags.owner\n    condition: { absent: true, equals: x }\n    severity: low\n    category: logging\n    message: m\n',
      '.iac-review.yml:5: customRules[0].condition: needs exactly one of equals, notEquals, in, matches, absent, greaterThan, lessThan, cidrContains',
    ],
    ['customRules:\n  - id: A\n    resourceTypes: [aws_s3_bucket]\n    attribute: bucket\n    condition:\n      matches: "("\n    severity: low\n    category: logging\n    message: m\n', '.iac-review.yml:6: customRules[0].condition.matches: not a regular expression'],
    ['customRules:\n  - id: A\n    resourceTypes: [aws_s3_bucket]\n    attribute: bucket\n    condition: { cidrContains: 10.0.0.0/33 }\n    severity: low\n    category: logging\n    message: m\n', '.iac-review.yml:5: customRules[0].condition.cidrContains: 10.0.0.0/33 is not an IP address or CIDR block'],
    ['customRules:\n  - id: lower\n    resourceTypes: [aws_s3_bucket]\n    attribute: bucket\n    condition: { absent: true }\n    severity: low\n    category: logging\n    message: m\n', '.iac-review.yml:2: customRules[0].id: must be upper-case letters'],
    ['customRules:\n  - id: A\n    resourceTypes: [aws_s3_bucket]\n    attribute: bucket\n    condition: { absent: true }\n    severity: severe\n    category: logging\n    message: m\n', '.iac-review.yml:6: customRules[0].severity: must be one of'],
    ['rules:\n  NET-02:\n    disabled: true\n    reason: typo here\n', '.iac-review.yml:2: rules.NET-02: NET-02 is not a built-in or custom rule (e.g. NET-001'],
    ['suppressions:\n  - rule: CUSTOM-NOPE\n    resource: x\n    reason: ok ok\n    expires: 2027-01-01\n', '.iac-review.yml:2: suppressions[0].rule: CUSTOM-NOPE is not a built-in or custom rule'],
    ['suppressions:\n  - rule: SUPPRESS-001\n    resource: x\n    reason: ok ok\n    expires: 2027-01-01\n', '.iac-review.yml:2: suppressions[0].rule: SUPPRESS-001 reports on suppressions themselves'],
    ['customRules:\n  - id: A\n    resourceTypes: [aws_s3_bucket]\n    attribute: bucket\n    condition:\n      matches: "(a+)+$"\n    severity: low\n    category: logging\n    message: m\n', '.iac-review.yml:6: customRules[0].condition.matches: could backtrack without bound'],
    ['failOn: [high\n', '.iac-review.yml:2: not valid YAML: Flow sequence in block collection must be sufficiently indented and end with a ]'],
    ['a: 1\na: 2\n', '.iac-review.yml:2: not valid YAML: Map keys must be unique'],
  ])('should name the field and line of a bad config: %j', (yaml, expected) => {
    let error: unknown;
    try {
      config(yaml);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message.split('\n')).toHaveLength(1);
    expect(message.startsWith(expected)).toBe(true);
  });

  it('should refuse an oversized file in one line', () => {
    expect(() => config(`# ${'x'.repeat(300 * 1024)}\n`)).toThrow('.iac-review.yml: is 300 KB; a policy file may be at most 256 KB');
  });

  it('should name the line in a JSON config too', () => {
    expect(() => parsePolicyConfig('{\n  "rules": {\n    "NET-002": { "disabled": true }\n  }\n}\n', '.iac-review.json')).toThrow('.iac-review.json:3: rules.NET-002.reason: is required');
  });

  it('should publish a schema that is valid JSON Schema and accepts the README example', () => {
    const ajv = new Ajv({ strict: true, allowUnionTypes: true });
    expect(ajv.validateSchema(configSchema)).toBe(true);
    const readme = readFileSync(join(__dirname, '../../../../README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Team policy'));
    const example = /```yaml\n([\s\S]*?)```/.exec(section)?.[1];
    expect(example).toBeDefined();
    const loaded = parsePolicyConfig(example!, '.iac-review.yml');
    expect(loaded.config.customRules?.[0]?.id).toBe('S3-OWNER');
    expect(loaded.config.suppressions?.[0]).toMatchObject({ rule: 'NET-002', expires: '2027-03-31' });
  });
});

describe('policy file among a review\'s files', () => {
  it('should read the one policy file at the root, and none (with the reason) when there are two', () => {
    const tf = { path: 'main.tf', content: sg('a') };
    expect(policyFromFiles([tf, { path: '.iac-review.json', content: '{"failOn": "high"}' }]).policy.config?.config).toEqual({ failOn: 'high' });
    expect(policyFromFiles([tf, { path: 'modules/.iac-review.yml', content: 'failOn: high\n' }]).policy.config).toBeUndefined();
    const two = policyFromFiles([tf, { path: './.iac-review.yaml', content: 'failOn: low\n' }, { path: '.iac-review.json', content: '{"failOn": "high"}' }]);
    expect(two.policy.config).toBeUndefined();
    expect(two.error).toBe('the repository root has 2 policy files (.iac-review.yaml, .iac-review.json); keep exactly one');
  });
});

describe('custom rules', () => {
  const custom = (yaml: string) => config(yaml);
  const bucketRule = `customRules:
  - id: S3-OWNER
    title: S3 bucket without an owner tag
    resourceTypes: [aws_s3_bucket]
    attribute: tags.owner
    condition: { absent: true }
    severity: medium
    category: logging
    message: Every bucket needs an owner tag
    remediation: Add tags.owner
`;

  it('should fire on plan input and on Terraform source, with its own id namespace', async () => {
    const fromPlan = await reviewInput(
      {
        kind: 'plan',
        plan: plan([
          { address: 'aws_s3_bucket.untagged', type: 'aws_s3_bucket', after: { bucket: 'u', tags: { env: 'prod' } } },
          { address: 'aws_s3_bucket.tagged', type: 'aws_s3_bucket', after: { bucket: 't', tags: { owner: 'data-team' } } },
        ]),
      },
      { config: custom(bucketRule), today: TODAY },
    );
    const fromHcl = await hcl('resource "aws_s3_bucket" "untagged" {\n  bucket = "u"\n  tags = { env = "prod" }\n}\nresource "aws_s3_bucket" "tagged" {\n  bucket = "t"\n  tags = { owner = "data-team" }\n}\n', { config: custom(bucketRule) });
    for (const r of [fromPlan, fromHcl]) {
      expect(r.findings.filter((f) => f.ruleId === 'CUSTOM-S3-OWNER')).toEqual([
        expect.objectContaining({ resourceAddress: 'aws_s3_bucket.untagged', severity: 'medium', category: 'logging', title: 'S3 bucket without an owner tag', remediation: 'Add tags.owner', source: 'rule' }),
      ]);
      expect(r.contributions.some((c) => c.ruleId === 'CUSTOM-S3-OWNER')).toBe(true);
    }
    expect(rules.some((r) => r.id.startsWith('CUSTOM-'))).toBe(false);
  });

  it('should not decide on values unknown before apply', async () => {
    const r = await hcl('variable "owner" {}\nresource "aws_s3_bucket" "b" {\n  bucket = "b"\n  tags = { owner = var.owner }\n}\n', { config: custom(bucketRule) });
    expect(r.findings.some((f) => f.ruleId === 'CUSTOM-S3-OWNER')).toBe(false);
  });

  const change = (type: string, after: Record<string, unknown>): ResourceChange => ({
    address: `${type}.x`,
    type,
    name: 'x',
    provider: 'aws',
    mode: 'managed',
    actions: ['create'],
    before: null,
    after,
    unknownPaths: [],
    sensitivePaths: [],
    replacePaths: [],
    source: 'plan',
  });
  const rule = (attribute: string, condition: CustomRuleConfig['condition']): CustomRuleConfig => ({ id: 'T', resourceTypes: ['aws_thing'], attribute, condition, severity: 'low', category: 'logging', message: 'm' });
  it.each<[string, CustomRuleConfig['condition'], Record<string, unknown>, boolean]>([
    ['engine', { equals: 'mysql' }, { engine: 'mysql' }, true],
    ['engine', { equals: 'mysql' }, { engine: 'postgres' }, false],
    ['engine', { notEquals: 'postgres' }, { engine: 'mysql' }, true],
    ['engine', { notEquals: 'postgres' }, { engine: 'postgres' }, false],
    ['engine', { notEquals: 'postgres' }, {}, false],
    ['class', { in: ['db.t2.micro', 'db.t3.micro'] }, { class: 'db.t3.micro' }, true],
    ['class', { in: ['db.t2.micro'] }, { class: 'db.m5.large' }, false],
    ['name', { matches: '^tmp-' }, { name: 'tmp-1' }, true],
    ['name', { matches: '^tmp-' }, { name: 'prod-1' }, false],
    ['kms_key_id', { absent: true }, {}, true],
    ['kms_key_id', { absent: true }, { kms_key_id: 'arn:aws:kms:x' }, false],
    ['retention', { lessThan: 30 }, { retention: 7 }, true],
    ['retention', { lessThan: 30 }, { retention: '90' }, false],
    ['size', { greaterThan: 100 }, { size: 500 }, true],
    ['size', { greaterThan: 100 }, { size: 100 }, false],
    ['ingress.*.cidr_blocks', { cidrContains: '8.8.8.8' }, { ingress: [{ cidr_blocks: ['10.0.0.0/8'] }, { cidr_blocks: ['0.0.0.0/0'] }] }, true],
    ['ingress.*.cidr_blocks', { cidrContains: '8.8.8.8' }, { ingress: [{ cidr_blocks: ['10.0.0.0/8'] }] }, false],
    ['ingress.0.cidr_blocks', { cidrContains: '10.1.0.0/16' }, { ingress: [{ cidr_blocks: ['10.0.0.0/8'] }] }, true],
    ['encrypted', { equals: false }, { encrypted: 'false' }, true],
  ])('%s %j on %j → %s', (attribute, condition, after, fires) => {
    const findings = evaluateRules([change('aws_thing', after)], compileCustomRules([rule(attribute, condition)]));
    expect(findings.map((f) => f.ruleId)).toEqual(fires ? ['CUSTOM-T'] : []);
  });

  it('should compare CIDR blocks by containment', () => {
    expect(cidrContains('0.0.0.0/0', '8.8.8.8/32')).toBe(true);
    expect(cidrContains('10.0.0.0/8', '10.20.0.0/16')).toBe(true);
    expect(cidrContains('10.0.0.0/16', '10.0.0.0/8')).toBe(false);
    expect(cidrContains('192.168.0.0/16', '10.0.0.1')).toBe(false);
    expect(cidrContains('::/0', '2001:db8::/32')).toBe(true);
    expect(cidrContains('not-a-cidr', '10.0.0.1')).toBe(false);
  });
});

describe('policy diff (PR comments)', () => {
  it('should describe what a changed policy would do to this review', async () => {
    const base = config('failOn: high\n');
    const head = config('failOn: critical\nsuppressions:\n  - rule: NET-002\n    resource: aws_security_group.*\n    reason: we like SSH\n    expires: 2027-01-01\nrules:\n  LOG-001:\n    disabled: true\n    reason: noisy\n');
    const r = await hcl(sg('a') + sg('b'), { config: base });
    const lines = policyDiff(base, head, r.findings, TODAY);
    expect(lines).toContain('failOn would change from high to critical.');
    expect(lines).toContain('Suppression NET-002 on aws_security_group.* (until 2027-01-01, reason: we like SSH) would be added; it would silence 2 finding(s) of this review.');
    expect(lines.some((l) => l.startsWith('Rule LOG-001 would be disabled (reason: noisy)'))).toBe(true);
    // the review itself is unchanged by the diff
    expect(net002(r).every((f) => f.suppressed === null)).toBe(true);
    expect(policyDiff(base, config('failOn: high\n'), r.findings)).toEqual([]);
    expect(policyDiff(base, 'bad: line 3', r.findings)).toEqual(["The pull request's policy file is invalid and would not load: bad: line 3"]);
  });
});

describe('review CLI with a policy', () => {
  const repo = (files: Record<string, string>): string => {
    const dir = mkdtempSync(join(tmpdir(), 'iac-policy-'));
    for (const [p, c] of Object.entries(files)) {
      mkdirSync(join(dir, p, '..'), { recursive: true });
      writeFileSync(join(dir, p), c);
    }
    return dir;
  };

  it('should read .iac-review.yml from the working directory: failOn, suppressions; --fail-on still wins', async () => {
    const dir = repo({ 'infra/main.tf': sg('a'), '.iac-review.yml': 'failOn: high\n' });
    const infra = join(dir, 'infra');
    expect((await cli([infra], dir)).code).toBe(1);
    writeFileSync(join(dir, '.iac-review.yml'), 'failOn: high\nsuppressions:\n  - rule: NET-002\n    resource: aws_security_group.a\n    reason: approved in SEC-123\n    expires: 2999-12-31\n');
    const ok = await cli(['--format', 'json', infra], dir);
    expect(ok.code).toBe(0);
    const result = JSON.parse(ok.out) as ReviewResult;
    expect(result.findings.find((f) => f.ruleId === 'NET-002')?.suppressed).toMatchObject({ kind: 'config', location: '.iac-review.yml:3' });
    expect(result.stats.policy).toMatchObject({ config: '.iac-review.yml', failOn: 'high', suppressed: 1 });
    expect((await cli(['--fail-on', 'low', infra], dir)).code).toBe(1);
    expect((await cli(['--no-config', infra], dir)).code).toBe(0);
  });

  it('should read --config FILE (JSON) with paths relative to its directory', async () => {
    const dir = repo({ 'infra/prod/main.tf': sg('prod'), 'infra/sandbox/main.tf': sg('sandbox'), 'policy.json': '{"failOn": "high", "paths": {"exclude": ["infra/sandbox/**"]}}' });
    const r = await cli(['--config', 'policy.json', '--format', 'json', join(dir, 'infra')], dir);
    expect(r.code).toBe(1);
    expect(net002(JSON.parse(r.out) as ReviewResult).map((f) => f.address)).toEqual(['aws_security_group.prod']);
  });

  it('should exit 2 with a one-line error naming the file, line and field for a bad config', async () => {
    const dir = repo({ 'main.tf': sg('a'), '.iac-review.yml': 'suppressions:\n  - rule: NET-002\n    resource: aws_security_group.a\n    expires: 2027-01-01\n' });
    const r = await cli([join(dir, 'main.tf')], dir);
    expect(r).toEqual({ code: 2, out: '', err: 'review: .iac-review.yml:2: suppressions[0].reason: is required\n' });
    expect((await cli(['--config', 'missing.yml', join(dir, 'main.tf')], dir)).err).toBe('review: cannot read --config missing.yml: no such file\n');
  });

  it('should refuse to guess between two policy files (exit 2, both named) unless --config or --no-config says which', async () => {
    const dir = repo({ 'main.tf': sg('a'), '.iac-review.yml': 'failOn: critical\n', '.iac-review.json': '{"failOn": "high"}' });
    const r = await cli([join(dir, 'main.tf')], dir);
    expect(r).toEqual({ code: 2, out: '', err: 'review: the working directory has 2 policy files (.iac-review.yml, .iac-review.json); keep exactly one, or choose one with --config FILE (or --no-config)\n' });
    expect((await cli(['--config', '.iac-review.json', join(dir, 'main.tf')], dir)).code).toBe(1);
    expect((await cli(['--config', '.iac-review.yml', join(dir, 'main.tf')], dir)).code).toBe(0);
    expect((await cli(['--no-config', '--fail-on', 'critical', join(dir, 'main.tf')], dir)).code).toBe(0);
  });

  it('should show suppressions in SARIF from the CLI', async () => {
    const dir = repo({ 'main.tf': sg('a', '# iac-review:ignore NET-002 reason: bastion host, until 2999-01-01\n') });
    const r = await cli(['--format', 'sarif', join(dir, 'main.tf')], dir);
    const sarif = JSON.parse(r.out) as { runs: { results: { ruleId: string; suppressions?: { kind: string }[] }[] }[] };
    expect(sarif.runs[0]!.results.filter((x) => x.suppressions).map((x) => [x.ruleId, x.suppressions![0]!.kind])).toEqual([['NET-002', 'inSource']]);
  });
});
