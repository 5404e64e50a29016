import type { Finding } from '@iac-review/core';
import type { FindingsToolOutput, ResourceChange } from '../../src/index';

export const DB_PASSWORD = 'hunter2-Sup3rS3cret-db-password';
export const API_TOKEN = 'tok_live_0123456789abcdefSECRET';

/** A small, realistic change set: an open security group, a database, a bucket, a Lambda. */
export const sampleChanges = (): ResourceChange[] => [
  {
    address: 'aws_security_group.db',
    type: 'aws_security_group',
    actions: ['create'],
    after: {
      name: 'db',
      ingress: [{ from_port: 5432, to_port: 5432, protocol: 'tcp', cidr_blocks: ['0.0.0.0/0'], description: 'postgres' }],
    },
  },
  {
    address: 'aws_db_instance.main',
    type: 'aws_db_instance',
    actions: ['create'],
    after: { engine: 'postgres', storage_encrypted: false, password: DB_PASSWORD, backup_retention_period: 0 },
    sensitivePaths: ['password'],
  },
  {
    address: 'aws_lambda_function.api',
    type: 'aws_lambda_function',
    actions: ['update'],
    before: { environment: [{ variables: { STAGE: 'prod', UPSTREAM_KEY: API_TOKEN } }] },
    after: { environment: [{ variables: { STAGE: 'prod', UPSTREAM_KEY: API_TOKEN } }] },
    sensitivePaths: ['environment[0].variables.UPSTREAM_KEY'],
  },
  { address: 'aws_s3_bucket.logs', type: 'aws_s3_bucket', actions: ['no-op'], before: { bucket: 'logs' }, after: { bucket: 'logs' } },
];

export const sampleRuleFindings = (): Finding[] => [
  {
    ruleId: 'NET-001',
    severity: 'critical',
    category: 'network-exposure',
    resourceAddress: 'aws_security_group.db',
    message: 'Port 5432 is open to 0.0.0.0/0.',
    remediation: 'Restrict the CIDR.',
    source: 'rule',
  },
  {
    ruleId: 'ENC-003',
    severity: 'high',
    category: 'encryption',
    resourceAddress: 'aws_db_instance.main',
    message: 'The database is not encrypted at rest.',
    remediation: 'Set storage_encrypted = true.',
    source: 'rule',
  },
];

export const RULE_CATALOGUE = 'NET-001 security group open to the internet (network-exposure); ENC-003 unencrypted database (encryption).';

/** A valid tool answer for the sample: one extra finding, both rule findings assessed. */
export const validAnswer = (): FindingsToolOutput => ({
  summary: 'Creates a public Postgres database without backups.',
  findings: [
    {
      ruleId: 'llm:rds-no-backups',
      title: 'Backups disabled',
      severity: 'medium',
      category: 'backup',
      resourceAddress: 'aws_db_instance.main',
      message: 'backup_retention_period is 0, so no automated backups are kept.',
      remediation: 'Set backup_retention_period to at least 7.',
    },
  ],
  ruleAssessments: [
    { ref: 'R1', verdict: 'agree', reason: 'open to the world' },
    { ref: 'R2', verdict: 'agree' },
  ],
});
