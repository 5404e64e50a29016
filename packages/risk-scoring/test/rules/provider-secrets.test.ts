import { reviewInput } from '../../src/index';
import { sourceSecretChanges } from '../../src/rules/provider-secrets';

const hcl = (content: string) => sourceSecretChanges({ kind: 'hcl', files: [{ path: 'main.tf', content }] });

describe('provider and variable pre-pass', () => {
  it('should read literal provider attributes, skipping interpolations, comments and heredocs', () => {
    const [p] = hcl(
      [
        '# provider "aws" { access_key = "commented" }',
        'provider "aws" {',
        '  region     = "eu-west-1" # "}"',
        '  access_key = "${var.key}"',
        '  /* { */',
        '  default_tags {',
        '    tags = { owner = "x" }',
        '  }',
        '  secret_key = "Ab1+Cd2/Ef3=Gh4"',
        '}',
        'variable "note" {',
        '  description = <<EOT',
        '  text with } and {',
        '  EOT',
        '  default = "Say \\"hi\\""',
        '}',
      ].join('\n'),
    ).filter((c) => c.type === 'provider');
    expect(p).toMatchObject({ address: 'provider.aws', after: { region: 'eu-west-1', secret_key: 'Ab1+Cd2/Ef3=Gh4' }, location: { file: 'main.tf', line: 2 } });
    expect(p!.after).not.toHaveProperty('access_key');
    const v = hcl('variable "note" {\n  description = <<EOT\n  text } {\n  EOT\n  default = "Say \\"hi\\""\n}\n');
    expect(v.map((c) => [c.address, c.after])).toEqual([['var.note', { default: 'Say "hi"' }]]);
  });

  it('should address aliased providers and module variables from plan configuration', () => {
    const plan = {
      format_version: '1.2',
      configuration: {
        provider_config: { 'aws.eu': { name: 'aws', expressions: { access_key: { constant_value: 'AKIA0000000000000000' }, secret_key: { references: ['var.k'] } } } },
        root_module: { variables: { a: { default: 'x' } }, module_calls: { m: { module: { variables: { db_password: { default: 'Pq9!zX2#wE7' } } } } } },
      },
    };
    expect(sourceSecretChanges({ kind: 'plan', plan }).map((c) => [c.address, c.after])).toEqual([
      ['provider.aws.eu', { access_key: 'AKIA0000000000000000' }],
      ['var.a', { default: 'x' }],
      ['module.m.var.db_password', { default: 'Pq9!zX2#wE7' }],
    ]);
  });

  it('should report provider and variable secrets in a review without counting them as resources', async () => {
    const files = [
      {
        path: 'main.tf',
        content: 'provider "aws" {\n  region = "us-east-1"\n  secret_key = "Ab1+Cd2/Ef3=Gh4Ij5"\n}\nvariable "api_token" {\n  default = "t0k-9Zq8Xw7Vu6"\n}\nresource "aws_sqs_queue" "q" {\n  name = "q"\n}\n',
      },
    ];
    const result = await reviewInput({ kind: 'hcl', files });
    expect(result.findings.map((f) => `${f.ruleId} ${f.resourceAddress}`).sort()).toEqual(['SEC-010 provider.aws', 'SEC-011 var.api_token']);
    expect(result.stats.resourceChanges).toBe(1);
    expect(JSON.stringify(result)).not.toContain('Ab1+Cd2');
    expect(JSON.stringify(result)).not.toContain('t0k-9Zq8');
    expect(result.riskLevel).not.toBe('low');
  });
});
