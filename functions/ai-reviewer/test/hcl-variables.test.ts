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
});
