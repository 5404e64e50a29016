import { inMemoryHarness } from './support/in-memory';
import { lambdaContext, reviewRequested } from './support/events';

const ACL = 'variable "acl" {\n  default = "private"\n}\nresource "aws_s3_bucket_acl" "site" {\n  bucket = "site"\n  acl    = var.acl\n}\nmodule "vpc" {\n  source = "terraform-aws-modules/vpc/aws"\n}\n';

describe('ai-reviewer on Terraform source', () => {
  const review = async (variables?: Record<string, unknown>) => {
    const h = inMemoryHarness();
    const input = variables ? { kind: 'hcl' as const, files: [{ path: 'main.tf', content: ACL }], variables } : { kind: 'hcl' as const, files: [{ path: 'main.tf', content: ACL }] };
    const v1 = await h.service.submit({ input, source: 'api', repository: 'acme/infra', title: 'acl', actor: 'dash' });
    const out = await h.handler(reviewRequested({ reviewId: v1.id, version: 1, source: 'api', inputKind: 'hcl' }), lambdaContext());
    expect(out).toMatchObject({ outcome: 'completed' });
    return (await h.service.get(v1.id)).content.result!;
  };

  it("should evaluate the submission's variables and report modules it could not review", async () => {
    const quiet = await review();
    expect(quiet.findings.filter((f) => f.ruleId === 'PUB-002')).toEqual([]);
    expect(quiet.stats).toMatchObject({ hcl: { notReviewedModules: [{ address: 'module.vpc', source: 'terraform-aws-modules/vpc/aws' }] } });
    const flagged = await review({ acl: 'public-read' });
    expect(flagged.findings).toEqual(expect.arrayContaining([expect.objectContaining({ ruleId: 'PUB-002', resourceAddress: 'aws_s3_bucket_acl.site' })]));
  });

  it('should check provider blocks and variable defaults for literal secrets, as the CLI does', async () => {
    const h = inMemoryHarness();
    const files = [
      { path: 'provider.tf', content: 'provider "aws" {\n  region     = "eu-west-1"\n  access_key = "AKIAIOSFODNN7EXAMPLE"\n  secret_key = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"\n}\n' },
      { path: 'main.tf', content: 'resource "aws_s3_bucket" "b" {\n  bucket = "b"\n}\n' },
    ];
    const v1 = await h.service.submit({ input: { kind: 'hcl', files }, source: 'api', repository: 'acme/infra', title: 'provider', actor: 'dash' });
    await h.handler(reviewRequested({ reviewId: v1.id, version: 1, source: 'api', inputKind: 'hcl' }), lambdaContext());
    const result = (await h.service.get(v1.id)).content.result!;
    expect(result.findings.filter((f) => f.category === 'secrets').length).toBeGreaterThan(0);
    // The secret itself never reaches the stored result.
    expect(JSON.stringify(result)).not.toContain('wJalrXUtnFEMI');
  });
});
