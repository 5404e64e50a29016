import { evaluateHcl, policyFromFiles, reviewChanges } from '@iac-review/risk-scoring';
import { buildReviewOutcome } from '../src/review-outcome';

const sg = (name: string, comment = '') => `${comment}resource "aws_security_group" "${name}" {
  name = "${name}"
  ingress {
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}
`;

describe('the repository policy in the stored review (issue 17)', () => {
  const review = (files: { path: string; content: string }[]) => {
    const hcl = evaluateHcl(files);
    const { policy, error } = policyFromFiles(files, '2026-11-29');
    const rules = reviewChanges(hcl.changes, { inputKind: 'hcl', hcl: hcl.coverage, policy });
    return { error, outcome: buildReviewOutcome({ inputKind: 'hcl', changes: hcl.changes, rules, llm: { kind: 'disabled', reason: 'off' } }) };
  };

  it('should keep suppressed findings in the result, out of the counts and the score', () => {
    const plain = review([{ path: 'main.tf', content: sg('a') + sg('b') }]).outcome.result;
    const { outcome, error } = review([
      { path: 'main.tf', content: sg('a', '# iac-review:ignore NET-002 reason: bastion, until 2027-01-01\n') + sg('b') },
      { path: '.iac-review.yml', content: 'suppressions:\n  - rule: NET-002\n    resource: aws_security_group.b\n    reason: second bastion\n    expires: 2027-01-01\n' },
    ]);
    expect(error).toBeUndefined();
    const r = outcome.result;
    expect(r.findings.filter((f) => f.ruleId === 'NET-002').map((f) => [f.resourceAddress, f.suppressed?.kind])).toEqual([
      ['aws_security_group.a', 'inline'],
      ['aws_security_group.b', 'config'],
    ]);
    expect(r.stats.findings).toBe((plain.stats.findings as number) - 2);
    expect((r.stats.bySeverity as Record<string, number>).high).toBe((plain.stats.bySeverity as Record<string, number>).high! - 2);
    expect(r.riskScore).toBeLessThan(plain.riskScore);
    expect((r.contributions as { ruleId?: string }[]).some((c) => c.ruleId === 'NET-002')).toBe(false);
  });

  it('should review without an invalid policy file and say why', () => {
    const { outcome, error } = review([
      { path: 'main.tf', content: sg('a') },
      { path: '.iac-review.yml', content: 'suppressions:\n  - rule: NET-002\n    resource: aws_security_group.a\n    expires: 2027-01-01\n' },
    ]);
    expect(error).toBe('.iac-review.yml:2: suppressions[0].reason: is required');
    expect(outcome.result.findings.find((f) => f.ruleId === 'NET-002')?.suppressed).toBeUndefined();
  });
});
