import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { evaluateHcl, evaluateRules, normalisePlan, type SourceFile } from '../../src/index';
import { FIXTURES } from '../helpers';

/**
 * test/fixtures/tf/hcl-constructs hides every risk behind a variable, tfvars file, local, function,
 * count/for_each, dynamic block, module or policy document; its plan was generated from the same
 * directory by the real Terraform (scripts/generate-fixtures.mjs). Source review must find what the
 * plan review finds, on the same addresses.
 */
const dir = join(FIXTURES, 'tf', 'hcl-constructs');
function read(d: string, out: SourceFile[] = []): SourceFile[] {
  for (const e of readdirSync(d).sort()) {
    const full = join(d, e);
    if (statSync(full).isDirectory()) read(full, out);
    else out.push({ path: relative(dir, full), content: readFileSync(full, 'utf8') });
  }
  return out;
}
const plan = normalisePlan(JSON.parse(readFileSync(join(FIXTURES, 'plans', 'hcl-constructs.json'), 'utf8')));
const hcl = evaluateHcl(read(dir)).changes;
/** Attributes every resource gets at apply (identifiers): computed in any plan, never configured. */
const IDENTIFIER = /^(id|arn|tags_all|.*_(id|ids|arn|arns))$/;
const key = (f: { ruleId: string; resourceAddress: string }): string => `${f.ruleId} ${f.resourceAddress}`;
const planFindings = evaluateRules(plan).map(key);
const hclFindings = evaluateRules(hcl).map(key);

describe('Terraform source evaluation against the real plan', () => {
  it('should produce exactly the plan addresses of the managed resources (count, for_each, nested module instances)', () => {
    const managed = (cs: typeof plan): string[] => cs.filter((c) => c.mode === 'managed').map((c) => c.address).sort();
    expect(managed(hcl)).toEqual(managed(plan));
    expect(managed(plan)).toEqual(expect.arrayContaining(['aws_db_instance.pub_007_count[1]', 'aws_sqs_queue.enc_007_for_each["billing"]', 'module.private_sites["b"].aws_s3_bucket.this', 'module.stacks[1].module.bucket.aws_s3_bucket_acl.this']));
    for (const c of hcl) {
      const p = plan.find((x) => x.address === c.address);
      if (p?.mode === 'managed') expect({ address: c.address, moduleAddress: c.moduleAddress, index: c.index }).toEqual({ address: p.address, moduleAddress: p.moduleAddress, index: p.index });
    }
  });

  it('should find every plan finding on the same address', () => {
    expect(planFindings.length).toBeGreaterThanOrEqual(8);
    expect(hclFindings).toEqual(expect.arrayContaining(planFindings));
  });

  it('should find more than the plan only where the plan cannot see a value that source can', () => {
    const extra = hclFindings.filter((f) => !planFindings.includes(f));
    expect(extra).toEqual(expect.arrayContaining(['IAM-002 aws_iam_policy.iam_002_bad_jsonencode', 'PUB-004 aws_s3_bucket_policy.pub_004_bad_heredoc']));
    for (const f of extra) {
      const address = f.slice(f.indexOf(' ') + 1);
      const source = hcl.find((x) => x.address === address)!;
      const planned = plan.find((x) => x.address === address);
      // a data source the plan reads at plan time, or an attribute the plan shows as computed
      // (unknown) that source knows: a partially known policy, or a block left out (provider default)
      const sourceSeesMore =
        planned === undefined ||
        planned.unknownPaths.some((p) => p.length === 1 && !IDENTIFIER.test(String(p[0])) && !(source.configuredAttributes ?? []).includes(String(p[0]))) ||
        (source.partialPaths ?? []).some((p) => planned.unknownPaths.some((q) => q[0] === p[0]));
      expect({ f, sourceSeesMore }).toEqual({ f, sourceSeesMore: true });
    }
  });

  it('should flag every _bad resource and no _good one from source', () => {
    const flaggedAddresses = new Set(hclFindings.map((f) => f.slice(f.indexOf(' ') + 1)));
    for (const c of hcl.filter((x) => x.mode === 'managed')) {
      if (c.name.includes('_bad')) expect({ address: c.address, flagged: flaggedAddresses.has(c.address) }).toEqual({ address: c.address, flagged: true });
      if (c.name.includes('_good')) expect({ address: c.address, flagged: flaggedAddresses.has(c.address) }).toEqual({ address: c.address, flagged: false });
    }
  });
});
