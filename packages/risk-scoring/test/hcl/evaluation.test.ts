import { evaluateHcl, evaluateRules, HclParseError, reviewInput, type HclOptions, type ResourceChange, type SourceFile } from '../../src/index';

/** `ruleId address` of every finding on the evaluated files. */
function hits(files: SourceFile[], options: HclOptions = {}): string[] {
  return evaluateRules(evaluateHcl(files, options).changes).map((f) => `${f.ruleId} ${f.resourceAddress}`);
}
const tf = (content: string, path = 'main.tf'): SourceFile[] => [{ path, content }];
const change = (changes: ResourceChange[], address: string): ResourceChange => {
  const c = changes.find((x) => x.address === address);
  if (!c) throw new Error(`no change ${address} in ${changes.map((x) => x.address).join(', ')}`);
  return c;
};

const publicAcl = (def: string): string => `
variable "acl" {
  type    = string
  default = "${def}"
}
resource "aws_s3_bucket_acl" "site" {
  bucket = "site"
  acl    = var.acl
}
`;

describe('variables', () => {
  it('should find a public bucket ACL that comes from a variable default, and not a private one', () => {
    expect(hits(tf(publicAcl('public-read')))).toContain('PUB-002 aws_s3_bucket_acl.site');
    expect(hits(tf(publicAcl('private')))).not.toContain('PUB-002 aws_s3_bucket_acl.site');
  });

  it('should let terraform.tfvars override the default, *.auto.tfvars override terraform.tfvars, and var files and caller variables override both', () => {
    const base = tf(publicAcl('private'));
    expect(hits([...base, { path: 'terraform.tfvars', content: 'acl = "public-read"\n' }])).toContain('PUB-002 aws_s3_bucket_acl.site');
    expect(hits([...base, { path: 'terraform.tfvars', content: 'acl = "public-read"\n' }, { path: 'b.auto.tfvars.json', content: '{"acl": "private"}' }])).not.toContain('PUB-002 aws_s3_bucket_acl.site');
    expect(hits(base, { varFiles: [{ path: 'prod.tfvars', content: 'acl = "public-read"' }] })).toContain('PUB-002 aws_s3_bucket_acl.site');
    const withTfvars = [...base, { path: 'terraform.tfvars', content: 'acl = "public-read"\n' }];
    expect(hits(withTfvars, { variables: { acl: 'private' } })).not.toContain('PUB-002 aws_s3_bucket_acl.site');
    expect(hits(base, { variables: { acl: 'public-read' } })).toContain('PUB-002 aws_s3_bucket_acl.site');
  });

  it('should read a caller string as an expression for a variable that is not a string', () => {
    const files = tf(`
variable "ports" {
  type    = list(number)
  default = [443]
}
resource "aws_security_group" "web" {
  dynamic "ingress" {
    for_each = var.ports
    content {
      from_port   = ingress.value
      to_port     = ingress.value
      protocol    = "tcp"
      cidr_blocks = ["0.0.0.0/0"]
    }
  }
}`);
    expect(hits(files)).not.toContain('NET-002 aws_security_group.web');
    expect(hits(files, { variables: { ports: '[22, 443]' } })).toContain('NET-002 aws_security_group.web');
    expect(hits(files, { variables: { ports: [22] } })).toContain('NET-002 aws_security_group.web');
  });

  it('should apply type constraints: optional() defaults in objects (also in maps of objects) and primitive conversions', () => {
    const files = tf(`
variable "buckets" {
  type = map(object({
    acl       = optional(string, "public-read")
    versioned = optional(bool)
    tags      = optional(map(string), {})
  }))
  default = {
    site = {}
    logs = { acl = "private", versioned = "true" }
  }
}
variable "n" {
  type    = number
  default = "2"
}
resource "aws_s3_bucket_acl" "b" {
  for_each = var.buckets
  bucket   = each.key
  acl      = each.value.acl
}
resource "x_thing" "t" {
  logs = var.buckets.logs
  n    = var.n + 1
}`);
    const { changes } = evaluateHcl(files);
    expect(change(changes, 'x_thing.t').after).toEqual({ logs: { acl: 'private', versioned: true, tags: {} }, n: 3 });
    expect(hits(files)).toContain('PUB-002 aws_s3_bucket_acl.b["site"]');
    expect(hits(files)).not.toContain('PUB-002 aws_s3_bucket_acl.b["logs"]');
  });

  it('should keep a variable without a value unknown: no finding, the check undetermined', async () => {
    const result = await reviewInput({ kind: 'hcl', files: tf('variable "acl" {}\nresource "aws_s3_bucket_acl" "site" {\n  bucket = "site"\n  acl    = var.acl\n}\n') });
    expect(result.findings.filter((f) => f.ruleId === 'PUB-002')).toEqual([]);
    expect(result.stats.undeterminedChecks).toBeGreaterThan(0);
    const c = change(evaluateHcl(tf('variable "acl" {}\nresource "aws_s3_bucket_acl" "site" {\n  acl = var.acl\n}\n')).changes, 'aws_s3_bucket_acl.site');
    expect(c.unknownPaths).toEqual([['acl']]);
  });

  it('should count values from defaults as literal, values from the caller or a sensitive variable not, and mark the latter sensitive', () => {
    const files = tf(`
variable "plain" { default = "hunter2-but-long" }
variable "secret" {
  sensitive = true
  default   = "another-long-value"
}
variable "given" {}
resource "aws_ssm_parameter" "p" {
  name  = "/app/x"
  type  = "String"
  value = var.plain
  description = var.secret
  tier = var.given
}`);
    const c = change(evaluateHcl(files, { variables: { given: 'Standard' } }).changes, 'aws_ssm_parameter.p');
    expect(c.after).toMatchObject({ value: 'hunter2-but-long', description: 'another-long-value', tier: 'Standard' });
    expect(c.literalAttributes).toEqual(expect.arrayContaining(['name', 'type', 'value']));
    expect(c.literalAttributes).not.toContain('description');
    expect(c.literalAttributes).not.toContain('tier');
    expect(c.sensitivePaths).toEqual([['description']]);
  });
});

describe('locals and functions', () => {
  it('should evaluate locals built from other locals in any order (security group open to 0.0.0.0/0)', () => {
    const src = (cidr: string): SourceFile[] =>
      tf(`
resource "aws_security_group" "admin" {
  ingress {
    from_port   = local.ssh
    to_port     = local.ssh
    protocol    = "tcp"
    cidr_blocks = local.admin_cidrs
  }
}
locals {
  admin_cidrs = concat([local.anywhere], [])
  ssh         = 22
}
locals {
  anywhere = "${cidr}"
}`);
    expect(hits(src('0.0.0.0/0'))).toContain('NET-002 aws_security_group.admin');
    expect(hits(src('10.0.0.0/8'))).not.toContain('NET-002 aws_security_group.admin');
  });

  it('should evaluate the listed functions', () => {
    const files = tf(`
locals {
  m = merge({ a = 1 }, { b = 2 }, null)
  l = flatten([[1, 2], [3, [4]]])
  s = split(",", "a,b")
}
resource "x_thing" "t" {
  a = jsonencode({ b = [1, "x"], a = true })
  b = jsondecode("{\\"k\\": [1, 2]}")
  c = local.m
  d = local.l
  e = format("%s-%03d", "web", 7)
  f = join("-", local.s)
  g = lookup({ k = "v" }, "z", "dflt")
  h = try(local.m.zzz, "fallback")
  i = can(local.m.zzz)
  j = coalesce("", null, "first")
  k = contains(["a", "b"], "b")
  l = length(local.m)
  m = element(["a", "b"], 3)
  n = keys({ z = 1, a = 2 })
  o = values({ z = 1, a = 2 })
  p = tolist(toset(["b", "a", "b"]))
  q = tomap({ a = "x" })
  r = tostring(5)
  s = tonumber("6")
  t = lower("ABC")
  u = upper("abc")
  v = replace("a-b-c", "-", "_")
  w = trimspace("  x  ")
  x = cidrsubnet("10.0.0.0/16", 8, 2)
  y = replace("abc123", "/[0-9]+/", "")
  z = not_a_function(1)
  legacy = "\${element(concat(list("x"), list("y")), 1)}-\${lookup(map("k", "v"), "k")}"
}`);
    const { changes, coverage } = evaluateHcl(files);
    expect(change(changes, 'x_thing.t').after).toEqual({
      a: '{"a":true,"b":[1,"x"]}',
      b: { k: [1, 2] },
      c: { a: 1, b: 2 },
      d: [1, 2, 3, 4],
      e: 'web-007',
      f: 'a-b',
      g: 'dflt',
      h: 'fallback',
      i: false,
      j: 'first',
      k: true,
      l: 2,
      m: 'b',
      n: ['a', 'z'],
      o: [2, 1],
      p: ['a', 'b'],
      q: { a: 'x' },
      r: '5',
      s: 6,
      t: 'abc',
      u: 'ABC',
      v: 'a_b_c',
      w: 'x',
      x: '10.0.2.0/24',
      y: 'abc',
      legacy: 'y-v',
    });
    expect(change(changes, 'x_thing.t').unknownPaths).toEqual([['z']]);
    expect(coverage.unsupportedFunctions).toEqual(['not_a_function']);
  });

  it('should read file() relative to the root module and templatefile() with its variables', () => {
    const files: SourceFile[] = [
      { path: 'infra/main.tf', content: 'module "m" {\n  source = "./mod"\n}\nresource "x_thing" "root" {\n  a = file("policy.json")\n}\n' },
      { path: 'infra/policy.json', content: '{"k":1}' },
      { path: 'infra/mod/main.tf', content: 'resource "x_thing" "inner" {\n  b = templatefile("${path.module}/t.tpl", { name = "web", ports = [1, 2] })\n}\n' },
      { path: 'infra/mod/t.tpl', content: 'name=${name}\n%{ for p in ports ~}\nport ${p}\n%{ endfor ~}\n' },
    ];
    const { changes } = evaluateHcl(files);
    expect(change(changes, 'x_thing.root').after).toEqual({ a: '{"k":1}' });
    expect(change(changes, 'module.m.x_thing.inner').after).toEqual({ b: 'name=web\nport 1\nport 2\n' });
    const sets = evaluateHcl([
      { path: 'main.tf', content: 'resource "x_thing" "s" {\n  a = fileset("${path.module}/policies", "**/*.json")\n  b = fileset("policies", "{a,c}.*")\n  c = fileset("dist", "*")\n  d = filemd5("policies/a.json")\n}\n' },
      { path: 'policies/a.json', content: '{}' },
      { path: 'policies/sub/b.json', content: '{}' },
      { path: 'policies/c.txt', content: 'x' },
    ]).changes;
    expect(change(sets, 'x_thing.s').after).toEqual({ a: ['a.json', 'sub/b.json'], b: ['a.json', 'c.txt'], d: '99914b932bd37a50b983c5e7c90ae93b' });
    expect(change(sets, 'x_thing.s').unknownPaths).toEqual([['c']]);
  });
});

describe('expressions', () => {
  it('should evaluate conditionals, for expressions, splats and index access', () => {
    const files = tf(`
variable "envs" {
  default = { prod = { public = true, port = 22 }, dev = { public = false, port = 80 } }
}
locals {
  public = [for k, v in var.envs : k if v.public]
  ports  = { for k, v in var.envs : upper(k) => v.port }
  grouped = { for k, v in var.envs : v.public => k... }
  objs   = [{ n = "a" }, { n = "b" }]
}
resource "x_thing" "t" {
  a = local.public
  b = local.ports["PROD"]
  c = local.objs[*].n
  d = var.envs.dev.public ? "yes" : "no"
  e = !false && 3 > 2 || false
  f = 10 % 4 + 2 * 3 - 1
  g = local.grouped
  h = [for s in ["a", "b"] : "\${s}!"]
}`);
    expect(change(evaluateHcl(files).changes, 'x_thing.t').after).toEqual({ a: ['prod'], b: 22, c: ['a', 'b'], d: 'no', e: true, f: 7, g: { true: ['prod'], false: ['dev'] }, h: ['a!', 'b!'] });
  });

  it('should keep "Action": "*" known in a jsonencode policy with one interpolated ARN, and list the partial path', () => {
    const files = tf(`
resource "aws_s3_bucket" "b" {
  bucket = "data"
}
resource "aws_iam_policy" "p" {
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "*", Resource = aws_s3_bucket.b.arn }]
  })
}
resource "aws_iam_policy" "ok" {
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = ["s3:GetObject"], Resource = "\${aws_s3_bucket.b.arn}/*" }]
  })
}
resource "aws_s3_bucket_policy" "pub" {
  bucket = aws_s3_bucket.b.id
  policy = <<-EOF
    {"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "\${aws_s3_bucket.b.arn}/*"}]}
  EOF
}`);
    const { changes } = evaluateHcl(files);
    const p = change(changes, 'aws_iam_policy.p');
    expect(p.partialPaths).toEqual([['policy']]);
    expect(JSON.parse(p.after!.policy as string)).toEqual({ Statement: [{ Action: '*', Effect: 'Allow', Resource: '(known after apply)' }], Version: '2012-10-17' });
    expect(p.references).toEqual({ policy: ['aws_s3_bucket.b'] });
    expect(p.literalAttributes).toEqual([]);
    const found = hits(files);
    expect(found).toContain('IAM-002 aws_iam_policy.p');
    expect(found.filter((h) => h.endsWith('aws_iam_policy.ok'))).toEqual([]);
    expect(found).toContain('PUB-004 aws_s3_bucket_policy.pub');
  });

  it('should keep a non-JSON template with an unknown part unknown, with its known text beside it', () => {
    const c = change(evaluateHcl(tf('resource "aws_instance" "i" {\n  user_data = <<EOF\nexport DB=${aws_db_instance.d.address}\nexport TOKEN=abc\nEOF\n}\nresource "aws_db_instance" "d" {}\n')).changes, 'aws_instance.i');
    expect(c.unknownPaths).toEqual([['user_data']]);
    expect(c.after).toEqual({});
    expect(c.partialStrings).toEqual([{ path: ['user_data'], text: 'export DB=(known after apply)\nexport TOKEN=abc\n' }]);
  });

  it('should resolve another resource attribute set in configuration and keep computed ones unknown', () => {
    const { changes } = evaluateHcl(tf('resource "aws_s3_bucket" "b" {\n  bucket = "logs"\n}\nresource "x_thing" "t" {\n  a = aws_s3_bucket.b.bucket\n  b = aws_s3_bucket.b.arn\n}\n'));
    const t = change(changes, 'x_thing.t');
    expect(t.after).toEqual({ a: 'logs' });
    expect(t.unknownPaths).toEqual([['b']]);
    expect(t.literalAttributes).toEqual([]);
  });
});

describe('count, for_each and dynamic blocks', () => {
  it('should expand count and for_each into plan addresses with count.index, each.key and each.value', () => {
    const { changes } = evaluateHcl(
      tf(`
variable "enabled" { default = false }
resource "aws_sqs_queue" "q" {
  count = 2
  name  = "q-\${count.index}"
}
resource "aws_sqs_queue" "m" {
  for_each = { a = "alpha", b = "beta" }
  name     = "\${each.key}-\${each.value}"
}
resource "aws_sqs_queue" "off" {
  count = var.enabled ? 1 : 0
  name  = "never"
}`),
    );
    expect(changes.map((c) => [c.address, c.after?.name, c.index])).toEqual([
      ['aws_sqs_queue.q[0]', 'q-0', 0],
      ['aws_sqs_queue.q[1]', 'q-1', 1],
      ['aws_sqs_queue.m["a"]', 'a-alpha', 'a'],
      ['aws_sqs_queue.m["b"]', 'b-beta', 'b'],
    ]);
  });

  it('should review a resource whose count is unknown once, without an index, and count it in coverage', async () => {
    const files = tf('variable "n" {}\nresource "aws_sqs_queue" "q" {\n  count = var.n\n  name  = "q-${count.index}"\n}\n');
    const { changes, coverage } = evaluateHcl(files);
    expect(changes.map((c) => c.address)).toEqual(['aws_sqs_queue.q']);
    expect(changes[0]!.unknownPaths).toEqual([['name']]);
    expect(coverage.unknownExpansions).toEqual(['aws_sqs_queue.q']);
    const result = await reviewInput({ kind: 'hcl', files });
    expect(result.stats.hcl?.unknownExpansions).toEqual(['aws_sqs_queue.q']);
    expect(result.stats.confidenceFactors.find((f) => f.name === 'coverage')).toMatchObject({ factor: 0.5 });
  });

  it('should expand dynamic ingress blocks when for_each is known, and leave them unknown when not', () => {
    const sg = (ports: string): SourceFile[] =>
      tf(`
resource "aws_security_group" "web" {
  dynamic "ingress" {
    for_each = ${ports}
    iterator = rule
    content {
      from_port   = rule.value
      to_port     = rule.value
      protocol    = "tcp"
      cidr_blocks = ["0.0.0.0/0"]
    }
  }
  ingress {
    from_port = 1
    to_port   = 1
    protocol  = "tcp"
  }
}`);
    expect(hits(sg('[443, 22]'))).toContain('NET-002 aws_security_group.web');
    expect(hits(sg('[443]'))).not.toContain('NET-002 aws_security_group.web');
    const web = change(evaluateHcl(sg('[443, 22]')).changes, 'aws_security_group.web');
    expect((web.after!.ingress as unknown[]).length).toBe(3);
    const unknown = change(evaluateHcl([...sg('var.ports'), { path: 'v.tf', content: 'variable "ports" {}' }]).changes, 'aws_security_group.web');
    expect(unknown.unknownPaths).toEqual([['ingress']]);
  });
});

describe('modules', () => {
  const bucketModule: SourceFile[] = [
    { path: 'modules/bucket/main.tf', content: 'variable "acl" {\n  default = "private"\n}\nresource "aws_s3_bucket_acl" "this" {\n  bucket = "b"\n  acl    = var.acl\n}\noutput "acl" {\n  value = var.acl\n}\n' },
  ];

  it('should address resources of a local module as module.name.aws_x.y and bind its inputs', () => {
    const files = [...bucketModule, { path: 'main.tf', content: 'module "site" {\n  source = "./modules/bucket"\n  acl    = "public-read"\n}\nmodule "logs" {\n  source = "./modules/bucket"\n}\n' }];
    const found = hits(files);
    expect(found).toContain('PUB-002 module.site.aws_s3_bucket_acl.this');
    expect(found).not.toContain('PUB-002 module.logs.aws_s3_bucket_acl.this');
    const c = change(evaluateHcl(files).changes, 'module.site.aws_s3_bucket_acl.this');
    expect(c).toMatchObject({ moduleAddress: 'module.site', location: { file: 'modules/bucket/main.tf', line: 4 } });
    // the module directory is not a root module of its own
    expect(evaluateHcl(files).coverage.roots).toEqual(['.']);
  });

  it('should expand module count and for_each, nest modules, and make outputs available', () => {
    const files = [
      ...bucketModule,
      { path: 'modules/wrap/main.tf', content: 'variable "acl" {}\nmodule "inner" {\n  source = "../bucket"\n  acl    = var.acl\n}\noutput "acl" {\n  value = module.inner.acl\n}\n' },
      {
        path: 'main.tf',
        content:
          'module "w" {\n  source   = "./modules/wrap"\n  for_each = toset(["a", "b"])\n  acl      = each.key == "a" ? "public-read" : "private"\n}\nmodule "c" {\n  source = "./modules/bucket"\n  count  = 2\n}\nresource "x_thing" "t" {\n  acl = module.w["a"].acl\n  n   = length(module.c)\n}\n',
      },
    ];
    const { changes } = evaluateHcl(files);
    expect(changes.map((c) => c.address).sort()).toEqual(
      ['module.c[0].aws_s3_bucket_acl.this', 'module.c[1].aws_s3_bucket_acl.this', 'module.w["a"].module.inner.aws_s3_bucket_acl.this', 'module.w["b"].module.inner.aws_s3_bucket_acl.this', 'x_thing.t'].sort(),
    );
    expect(change(changes, 'x_thing.t').after).toEqual({ acl: 'public-read', n: 2 });
    expect(change(changes, 'module.w["a"].module.inner.aws_s3_bucket_acl.this').moduleAddress).toBe('module.w["a"].module.inner');
    expect(hits(files)).toContain('PUB-002 module.w["a"].module.inner.aws_s3_bucket_acl.this');
    expect(hits(files)).not.toContain('PUB-002 module.w["b"].module.inner.aws_s3_bucket_acl.this');
  });

  it('should list registry and remote modules as not reviewed and lower confidence', async () => {
    const files = tf('module "vpc" {\n  source  = "terraform-aws-modules/vpc/aws"\n  version = "5.0.0"\n}\nmodule "gone" {\n  source = "./missing"\n}\nresource "x_thing" "t" {\n  id = module.vpc.vpc_id\n}\n');
    const { coverage, changes } = evaluateHcl(files);
    expect(coverage.notReviewedModules.map((m) => [m.address, m.source, m.location.line])).toEqual([
      ['module.vpc', 'terraform-aws-modules/vpc/aws', 1],
      ['module.gone', './missing', 5],
    ]);
    expect(change(changes, 'x_thing.t').unknownPaths).toEqual([['id']]);
    const result = await reviewInput({ kind: 'hcl', files });
    expect(result.stats.hcl?.notReviewedModules.map((m) => m.address)).toEqual(['module.vpc', 'module.gone']);
    expect(result.summary).toMatch(/Not reviewed: 2 module calls \(module\.vpc, module\.gone\)\.$/);
    const without = await reviewInput({ kind: 'hcl', files: tf('resource "x_thing" "t" {\n  id = "x"\n}\n') });
    expect(result.confidence).toBeLessThan(without.confidence);
  });

  it('should treat every directory that is not called as a module as a root module', () => {
    const files = [
      { path: 'envs/prod/main.tf', content: 'module "b" {\n  source = "../../modules/bucket"\n  acl    = "public-read"\n}\n' },
      { path: 'envs/dev/main.tf', content: 'module "b" {\n  source = "../../modules/bucket"\n}\n' },
      ...bucketModule,
    ];
    const { coverage, changes } = evaluateHcl(files);
    expect(coverage.roots).toEqual(['envs/dev', 'envs/prod']);
    expect(changes.map((c) => `${c.address} ${String(c.after?.acl)} ${c.location?.file}`)).toEqual([
      'module.b.aws_s3_bucket_acl.this private modules/bucket/main.tf',
      'module.b.aws_s3_bucket_acl.this public-read modules/bucket/main.tf',
    ]);
  });
});

describe('aws_iam_policy_document', () => {
  const doc = (action: string): SourceFile[] =>
    tf(`
data "aws_iam_policy_document" "admin" {
  statement {
    sid       = "All"
    actions   = ["${action}"]
    resources = ["*"]
  }
  statement {
    effect  = "Deny"
    actions = ["s3:DeleteBucket"]
    resources = [aws_s3_bucket.b.arn]
    principals {
      type        = "AWS"
      identifiers = ["arn:aws:iam::123456789012:root"]
    }
    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
}
resource "aws_s3_bucket" "b" {
  bucket = "b"
}
resource "aws_iam_policy" "admin" {
  policy = data.aws_iam_policy_document.admin.json
}`);

  it('should render the document as IAM JSON so policy rules judge the resource that uses its .json', () => {
    const { changes } = evaluateHcl(doc('*'));
    const policy = change(changes, 'aws_iam_policy.admin');
    expect(JSON.parse(policy.after!.policy as string)).toEqual({
      Version: '2012-10-17',
      Statement: [
        { Sid: 'All', Effect: 'Allow', Action: ['*'], Resource: ['*'] },
        {
          Effect: 'Deny',
          Action: ['s3:DeleteBucket'],
          Resource: ['(known after apply)'],
          Principal: { AWS: ['arn:aws:iam::123456789012:root'] },
          Condition: { Bool: { 'aws:SecureTransport': ['false'] } },
        },
      ],
    });
    expect(policy.references).toEqual({ policy: ['data.aws_iam_policy_document.admin'] });
    const found = hits(doc('*'));
    expect(found).toContain('IAM-001 aws_iam_policy.admin');
    // Judged once, on the resource that uses the document (a plan shows no change for the document).
    expect(found).not.toContain('IAM-001 data.aws_iam_policy_document.admin');
    expect(hits(doc('s3:GetObject')).filter((h) => h.startsWith('IAM-001'))).toEqual([]);
  });
});

describe('aws_iam_policy_document overrides', () => {
  it('should let override_policy_documents replace statements by Sid and add the others', () => {
    const { changes } = evaluateHcl(
      tf(`
data "aws_iam_policy_document" "base" {
  statement {
    sid       = "Read"
    actions   = ["s3:GetObject"]
    resources = ["*"]
  }
}
data "aws_iam_policy_document" "final" {
  source_policy_documents   = [data.aws_iam_policy_document.base.json]
  override_policy_documents = [jsonencode({ Statement = [{ Sid = "Read", Effect = "Allow", Action = "*", Resource = "*" }, { Effect = "Deny", Action = "iam:*", Resource = "*" }] })]
}
resource "aws_iam_policy" "p" {
  policy = data.aws_iam_policy_document.final.json
}`),
    );
    expect(JSON.parse(change(changes, 'aws_iam_policy.p').after!.policy as string).Statement).toEqual([
      { Sid: 'Read', Effect: 'Allow', Action: '*', Resource: '*' },
      { Effect: 'Deny', Action: 'iam:*', Resource: '*' },
    ]);
    expect(evaluateRules(changes).map((f) => `${f.ruleId} ${f.resourceAddress}`)).toContain('IAM-001 aws_iam_policy.p');
  });
});

describe('syntax and robustness', () => {
  it('should read .tf.json files (JSON syntax with templates)', () => {
    const files: SourceFile[] = [
      {
        path: 'main.tf.json',
        content: JSON.stringify(
          {
            variable: { acl: { default: 'public-read' } },
            resource: { aws_s3_bucket_acl: { site: { bucket: 'b', acl: '${var.acl}' } }, aws_security_group: { s: { count: 1, dynamic: { ingress: { for_each: [22], content: { from_port: '${ingress.value}', to_port: 22, protocol: 'tcp', cidr_blocks: ['0.0.0.0/0'] } } } } } },
          },
          null,
          2,
        ),
      },
    ];
    const found = hits(files);
    expect(found).toContain('PUB-002 aws_s3_bucket_acl.site');
    expect(found).toContain('NET-002 aws_security_group.s[0]');
    expect(change(evaluateHcl(files).changes, 'aws_s3_bucket_acl.site').location).toEqual({ file: 'main.tf.json', line: 9 });
  });

  it('should name file:line:column of a syntax error', async () => {
    await expect(reviewInput({ kind: 'hcl', files: [{ path: 'ok.tf', content: 'locals {}\n' }, { path: 'dir/bad.tf', content: 'resource "a" "b" {\n  x = [1, 2\n  y = 3\n}\n' }] })).rejects.toThrow(
      'cannot parse dir/bad.tf:3:3: expected "," or "]" in the list, found "y"',
    );
    expect(() => evaluateHcl(tf('resource "a" {'))).toThrow(HclParseError);
    expect(() => evaluateHcl(tf('x = "unterminated\n'))).toThrow(/main\.tf:1:5: unterminated string/);
  });

  it('should not run regular expressions that could backtrack without bound (RE2 would not)', () => {
    const started = Date.now();
    const { changes } = evaluateHcl(tf(`resource "x_t" "r" {\n  a = replace("${'a'.repeat(40)}!", "/(a+)+$/", "")\n  b = regex("(x|xx)+y", "${'x'.repeat(40)}")\n  c = replace("abc", "/b+/", "B")\n}\n`));
    expect(Date.now() - started).toBeLessThan(2000);
    expect(change(changes, 'x_t.r').after).toEqual({ c: 'aBc' });
    expect(change(changes, 'x_t.r').unknownPaths).toEqual([['a'], ['b']]);
  });

  it('should turn evaluation errors, cycles and odd values into unknowns instead of failing', () => {
    const { changes, coverage } = evaluateHcl(
      tf(`
locals {
  a = local.b
  b = local.a
}
resource "x_thing" "t" {
  a = local.a
  b = 1 / 0
  c = var.undeclared
  d = [1][5]
  e = "x\${null}"
  f = { a = 1 }.b
  g = self.x
  h = 1
}`),
    );
    const t = change(changes, 'x_thing.t');
    expect(t.after).toEqual({ h: 1 });
    expect(t.unknownPaths.map((p) => p[0]).sort()).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g']);
    expect(coverage.errors).toBeGreaterThanOrEqual(5);
  });
});

describe('aws_iam_policy_document used by no reviewed resource', () => {
  it('should judge the document itself, so a risky statement passed to a module that is not reviewed is still found', () => {
    const src = 'data "aws_iam_policy_document" "loose" {\n  statement {\n    actions   = ["*"]\n    resources = ["*"]\n  }\n}\nmodule "roles" {\n  source = "terraform-aws-modules/iam/aws"\n  policy = data.aws_iam_policy_document.loose.json\n}\n';
    expect(hits(tf(src))).toContain('IAM-001 data.aws_iam_policy_document.loose');
  });
});
