import { dirname, join } from 'node:path';
import { lambdaContext, reviewRequested } from './support/events';
import { plan, resourceChange } from './support/plans';

// The reviewer imports risk-scoring's `engine` entry point and loads its HCL half with loadHcl():
// a container whose reviews are all plans never loads the HCL parser, the evaluator or the policy
// file reader (YAML, JSON Schema). Each module is replaced by a counting pass-through, in a module
// registry of its own, so the count says whether (and how often) it was loaded.
const src = dirname(require.resolve('@iac-review/risk-scoring/engine'));
const watched = {
  api: join(src, 'hcl-api.ts'),
  parser: join(src, 'hcl', 'parser.ts'),
  evaluator: join(src, 'hcl', 'config.ts'),
  policyReader: join(src, 'policy', 'config.ts'),
};

const SG = 'resource "aws_security_group" "ssh" {\n  # iac-review:ignore NET-002 reason: bastion host, until 2099-01-01\n  name = "ssh"\n  ingress {\n    from_port   = 22\n    to_port     = 22\n    protocol    = "tcp"\n    cidr_blocks = ["0.0.0.0/0"]\n  }\n}\n';

describe('ai-reviewer: the HCL half is loaded on the first review of Terraform source', () => {
  it('should review plans without loading the HCL parser, evaluator or policy reader, and load them once for .tf files', async () => {
    // Prepare
    const loads: Record<keyof typeof watched, number> = { api: 0, parser: 0, evaluator: 0, policyReader: 0 };
    await jest.isolateModulesAsync(async () => {
      for (const [name, path] of Object.entries(watched) as [keyof typeof watched, string][]) {
        jest.doMock(path, () => {
          loads[name]++;
          return jest.requireActual(path);
        });
      }
      const { inMemoryHarness } = await import('./support/in-memory');
      const h = inMemoryHarness();
      const submitHcl = () => h.service.submit({ input: { kind: 'hcl', files: [{ path: 'main.tf', content: SG }] }, source: 'api', repository: 'acme/infra', title: 'sg', actor: 'dash' });

      // Act: two plan reviews
      for (let i = 0; i < 2; i++) {
        const v1 = await h.submitPlan(plan([resourceChange(`aws_security_group.p${i}`, 'aws_security_group', { name: 'p', ingress: [{ from_port: 22, to_port: 22, protocol: 'tcp', cidr_blocks: ['0.0.0.0/0'] }] })]));
        await expect(h.handler(reviewRequested({ reviewId: v1.id, version: 1, source: 'api', inputKind: 'plan' }), lambdaContext())).resolves.toMatchObject({ outcome: 'completed' });
        expect((await h.service.get(v1.id)).content.result?.findings.length).toBeGreaterThan(0);
      }
      // Assert: nothing of the HCL half was loaded
      expect(loads).toEqual({ api: 0, parser: 0, evaluator: 0, policyReader: 0 });

      // Act: two reviews of Terraform source
      for (let i = 0; i < 2; i++) {
        const v1 = await submitHcl();
        await expect(h.handler(reviewRequested({ reviewId: v1.id, version: 1, source: 'api', inputKind: 'hcl' }), lambdaContext())).resolves.toMatchObject({ outcome: 'completed' });
        const result = (await h.service.get(v1.id)).content.result;
        // The inline suppression is read with the parser loadHcl() brought in.
        expect(result?.findings).toEqual(expect.arrayContaining([expect.objectContaining({ resourceAddress: 'aws_security_group.ssh', ruleId: 'NET-002', suppressed: expect.objectContaining({ kind: 'inline', reason: 'bastion host' }) })]));
      }
    });
    // Assert: loaded by the first, reused by the second
    expect(loads).toEqual({ api: 1, parser: 1, evaluator: 1, policyReader: 1 });
  });
});
