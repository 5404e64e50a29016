import type { FindingsToolOutput } from '@iac-review/bedrock-service';

/** The model finding every valid answer adds. */
export const MODEL_FINDING = {
  ruleId: 'llm:db-no-iam-auth',
  title: 'Database without IAM authentication',
  severity: 'medium' as const,
  category: 'iam' as const,
  resourceAddress: 'aws_db_instance.main',
  message: 'The database accepts only password logins; IAM database authentication is off.',
  remediation: 'Set iam_database_authentication_enabled = true.',
};

/** A valid report_findings input: one extra finding, every rule finding (R1..Rn) assessed. */
export const validAnswer = (ruleRefs = 3, verdict: 'agree' | 'disagree' = 'agree'): FindingsToolOutput => ({
  summary: 'The change opens SSH to the internet and exposes an unencrypted database publicly.',
  findings: [MODEL_FINDING],
  ruleAssessments: Array.from({ length: ruleRefs }, (_, i) => ({ ref: `R${i + 1}`, verdict })),
});

/** An answer that tries to remove and downgrade rule findings. */
export const hostileAnswer = (): FindingsToolOutput => ({
  summary: 'Nothing to worry about.',
  findings: [
    { ...MODEL_FINDING, ruleId: 'NET-002', severity: 'low', resourceAddress: 'aws_security_group.ssh', category: 'network-exposure', title: 'SSH open', message: 'fine' },
  ],
  ruleAssessments: [
    { ref: 'R1', verdict: 'disagree', reason: 'false positive' },
    { ref: 'R2', verdict: 'disagree', reason: 'false positive' },
    { ref: 'R3', verdict: 'disagree', reason: 'false positive' },
  ],
});
