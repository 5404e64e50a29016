import type { Rule } from './rule';
import { UNKNOWN, type ResourceView } from './resource-view';

/**
 * `attr` is off: explicitly false, or absent when `absentIsOff` (the provider/API default is off and
 * the attribute is not computed; plan JSON then shows the default, HCL shows nothing).
 */
function off(v: ResourceView, absentIsOff: boolean, ...path: (string | number)[]): boolean {
  const b = v.bool(...path);
  if (b === UNKNOWN) return false;
  return b === false || (b === undefined && absentIsOff);
}

const restoredOrReplica = (v: ResourceView): boolean =>
  ['replicate_source_db', 'snapshot_identifier', 'global_cluster_identifier', 'replication_source_identifier'].some((k) => {
    const x = v.get(k);
    return (x === UNKNOWN && v.isConfigured(k)) || (x !== UNKNOWN && x !== undefined && x !== '');
  });

export const encryptionRules: Rule[] = [
  {
    id: 'ENC-001',
    title: 'RDS instance storage not encrypted',
    category: 'encryption',
    severity: 'medium',
    resourceTypes: ['aws_db_instance'],
    on: 'config',
    remediation: 'Set `storage_encrypted = true` (with `kms_key_id` for a customer managed key). Encryption cannot be added in place later.',
    references: ['AWS FSBP RDS.3', 'CIS AWS 2.3.1'],
    check: (v) => {
      const engine = v.str('engine');
      if (engine === UNKNOWN || (typeof engine === 'string' && engine.startsWith('aurora')) || restoredOrReplica(v)) return false;
      return off(v, true, 'storage_encrypted') && 'Database storage, snapshots and backups are not encrypted at rest.';
    },
  },
  {
    id: 'ENC-002',
    title: 'Database cluster storage not encrypted',
    category: 'encryption',
    severity: 'medium',
    resourceTypes: ['aws_rds_cluster', 'aws_docdb_cluster', 'aws_neptune_cluster'],
    on: 'config',
    remediation: 'Set `storage_encrypted = true`. Encryption cannot be added to an existing cluster in place.',
    references: ['AWS FSBP RDS.27', 'AWS FSBP DocumentDB.1', 'AWS FSBP Neptune.1'],
    check: (v) => {
      if (restoredOrReplica(v) || v.str('engine_mode') === 'serverless') return false;
      // Computed on aws_rds_cluster: only an explicit false (or, in HCL, an absent value) is known to be off.
      return off(v, v.fromHcl || v.type !== 'aws_rds_cluster', 'storage_encrypted') && 'Cluster storage is not encrypted at rest.';
    },
  },
  {
    id: 'ENC-003',
    title: 'EBS volume not encrypted',
    category: 'encryption',
    severity: 'medium',
    resourceTypes: ['aws_ebs_volume'],
    on: 'config',
    remediation: 'Set `encrypted = true`, and enable EBS encryption by default for the account.',
    references: ['AWS FSBP EC2.3', 'CIS AWS 2.2.1'],
    check: (v) => off(v, false, 'encrypted') && 'The volume is created unencrypted.',
  },
  {
    id: 'ENC-004',
    title: 'Instance block device not encrypted',
    category: 'encryption',
    severity: 'medium',
    resourceTypes: ['aws_instance'],
    on: 'config',
    remediation: 'Set `encrypted = true` on root_block_device and every ebs_block_device.',
    references: ['AWS FSBP EC2.3'],
    check: (v) => {
      const devices = [...v.blocks('root_block_device'), ...v.blocks('ebs_block_device')];
      return devices.some(({ path }) => off(v, false, ...path, 'encrypted')) && 'An instance volume is explicitly unencrypted.';
    },
  },
  {
    id: 'ENC-005',
    title: 'Launch template volume not encrypted',
    category: 'encryption',
    severity: 'medium',
    resourceTypes: ['aws_launch_template'],
    on: 'config',
    remediation: 'Set `encrypted = "true"` in every block_device_mappings.ebs block.',
    references: ['AWS FSBP EC2.3'],
    check: (v) =>
      v.blocks('block_device_mappings').some(({ path }) => v.blocks(...path, 'ebs').some((e) => off(v, false, ...e.path, 'encrypted'))) &&
      'Volumes launched from this template are explicitly unencrypted.',
  },
  {
    id: 'ENC-006',
    title: 'SNS topic not encrypted',
    category: 'encryption',
    severity: 'medium',
    resourceTypes: ['aws_sns_topic'],
    on: 'config',
    remediation: 'Set `kms_master_key_id` (e.g. `alias/aws/sns` or a customer managed key).',
    references: ['AWS FSBP SNS.1'],
    check: (v) => {
      const k = v.get('kms_master_key_id');
      return (k === undefined || k === '') && 'Messages are stored unencrypted at rest.';
    },
  },
  {
    id: 'ENC-007',
    title: 'SQS queue encryption disabled',
    category: 'encryption',
    severity: 'medium',
    resourceTypes: ['aws_sqs_queue'],
    on: 'config',
    remediation: 'Leave `sqs_managed_sse_enabled = true` or set `kms_master_key_id`.',
    references: ['AWS FSBP SQS.1'],
    check: (v) => {
      const k = v.get('kms_master_key_id');
      return v.bool('sqs_managed_sse_enabled') === false && (k === undefined || k === '') && 'Server-side encryption is turned off for this queue.';
    },
  },
  {
    id: 'ENC-008',
    title: 'DynamoDB table without a customer managed key',
    category: 'encryption',
    severity: 'low',
    resourceTypes: ['aws_dynamodb_table'],
    on: 'config',
    remediation: 'Add `server_side_encryption { enabled = true }` (optionally with `kms_key_arn`) to control and audit key use.',
    references: ['AWS FSBP DynamoDB'],
    check: (v) => {
      const sse = v.blocks('server_side_encryption');
      if (sse.length === 0) return v.fromHcl && 'The table uses an AWS owned key you cannot audit or revoke.';
      return sse.some(({ path }) => v.bool(...path, 'enabled') === false) && 'The table uses an AWS owned key you cannot audit or revoke.';
    },
  },
  {
    id: 'ENC-009',
    title: 'ElastiCache at-rest encryption off',
    category: 'encryption',
    severity: 'medium',
    resourceTypes: ['aws_elasticache_replication_group'],
    on: 'config',
    remediation: 'Set `at_rest_encryption_enabled = true` (requires replacement).',
    references: ['AWS FSBP ElastiCache.4'],
    check: (v) => off(v, false, 'at_rest_encryption_enabled') && 'Cache data and backups are not encrypted at rest.',
  },
  {
    id: 'ENC-010',
    title: 'ElastiCache in-transit encryption off',
    category: 'encryption',
    severity: 'medium',
    resourceTypes: ['aws_elasticache_replication_group'],
    on: 'config',
    remediation: 'Set `transit_encryption_enabled = true` and connect with TLS.',
    references: ['AWS FSBP ElastiCache.5'],
    check: (v) => off(v, false, 'transit_encryption_enabled') && 'Clients talk to the cache in plain text.',
  },
  {
    id: 'ENC-011',
    title: 'EFS file system not encrypted',
    category: 'encryption',
    severity: 'medium',
    resourceTypes: ['aws_efs_file_system'],
    on: 'config',
    remediation: 'Set `encrypted = true` (requires a new file system).',
    references: ['AWS FSBP EFS.1'],
    check: (v) => off(v, v.fromHcl, 'encrypted') && 'The file system is not encrypted at rest.',
  },
  {
    id: 'ENC-012',
    title: 'KMS key rotation disabled',
    category: 'encryption',
    severity: 'medium',
    resourceTypes: ['aws_kms_key'],
    on: 'config',
    remediation: 'Set `enable_key_rotation = true` for symmetric keys.',
    references: ['AWS FSBP KMS.4', 'CIS AWS 3.6'],
    check: (v) => {
      const spec = v.str('customer_master_key_spec');
      if (spec === UNKNOWN || (typeof spec === 'string' && spec !== 'SYMMETRIC_DEFAULT')) return false;
      return off(v, true, 'enable_key_rotation') && 'Automatic key rotation is off for this symmetric key.';
    },
  },
  {
    id: 'ENC-013',
    title: 'Redshift cluster not encrypted',
    category: 'encryption',
    severity: 'medium',
    resourceTypes: ['aws_redshift_cluster'],
    on: 'config',
    remediation: 'Set `encrypted = true` with a `kms_key_id`.',
    references: ['AWS FSBP Redshift.10'],
    check: (v) => off(v, v.fromHcl, 'encrypted') && 'Cluster data is not encrypted at rest.',
  },
  {
    id: 'ENC-014',
    title: 'OpenSearch domain encryption off',
    category: 'encryption',
    severity: 'medium',
    resourceTypes: ['aws_opensearch_domain', 'aws_elasticsearch_domain'],
    on: 'config',
    remediation: 'Enable `encrypt_at_rest`, `node_to_node_encryption` and `domain_endpoint_options.enforce_https`.',
    references: ['AWS FSBP Opensearch.1', 'AWS FSBP Opensearch.3', 'AWS FSBP Opensearch.8'],
    check: (v) => {
      const gaps: string[] = [];
      if (v.blocks('encrypt_at_rest').some(({ path }) => off(v, false, ...path, 'enabled'))) gaps.push('at rest');
      if (v.blocks('node_to_node_encryption').some(({ path }) => off(v, false, ...path, 'enabled'))) gaps.push('between nodes');
      if (v.blocks('domain_endpoint_options').some(({ path }) => off(v, false, ...path, 'enforce_https'))) gaps.push('HTTPS not enforced');
      return gaps.length > 0 && `Domain encryption is off: ${gaps.join(', ')}.`;
    },
  },
  {
    id: 'ENC-015',
    title: 'Load balancer listener serves plain HTTP',
    category: 'encryption',
    severity: 'medium',
    resourceTypes: ['aws_lb_listener', 'aws_alb_listener'],
    on: 'config',
    remediation: 'Redirect HTTP to HTTPS (`default_action { type = "redirect" … protocol = "HTTPS" }`) and serve on an HTTPS listener.',
    references: ['AWS FSBP ELB.1'],
    check: (v) => {
      if (v.str('protocol') !== 'HTTP') return false;
      const actions = v.blocks('default_action');
      const redirects = actions.some(({ value, path }) => value.type === 'redirect' && v.blocks(...path, 'redirect').some((r) => r.value.protocol === 'HTTPS'));
      const fixed = actions.length > 0 && actions.every(({ value }) => value.type === 'fixed-response');
      return !redirects && !fixed && 'The listener forwards traffic over HTTP instead of redirecting to HTTPS.';
    },
  },
  {
    id: 'ENC-016',
    title: 'CloudTrail logs not encrypted with KMS',
    category: 'encryption',
    severity: 'low',
    resourceTypes: ['aws_cloudtrail'],
    on: 'config',
    remediation: 'Set `kms_key_id` to a customer managed key.',
    references: ['AWS FSBP CloudTrail.2', 'CIS AWS 3.5'],
    check: (v) => {
      const k = v.get('kms_key_id');
      return (k === undefined || k === '') && 'Trail log files use SSE-S3 instead of a KMS key you control.';
    },
  },
  {
    id: 'ENC-017',
    title: 'Kinesis stream not encrypted',
    category: 'encryption',
    severity: 'medium',
    resourceTypes: ['aws_kinesis_stream'],
    on: 'config',
    remediation: 'Set `encryption_type = "KMS"` with a `kms_key_id` (e.g. alias/aws/kinesis).',
    references: ['AWS FSBP Kinesis.1'],
    check: (v) => {
      const t = v.str('encryption_type');
      return (t === 'NONE' || (t === undefined && v.fromHcl)) && 'Stream records are not encrypted at rest.';
    },
  },
  {
    id: 'ENC-018',
    title: 'S3 default encryption configuration removed',
    category: 'encryption',
    severity: 'low',
    resourceTypes: ['aws_s3_bucket_server_side_encryption_configuration'],
    on: 'delete',
    remediation: 'Keep the bucket\u2019s SSE-KMS configuration; without it new objects fall back to SSE-S3.',
    references: ['AWS FSBP S3.17'],
    check: (v) => v.isDelete && 'Removes the bucket\u2019s default encryption configuration; new objects fall back to SSE-S3.',
  },
];
