import type { Rule } from './rule';
import type { ResourceView } from './resource-view';
import { formatPath } from '../paths';

/** Resources whose deletion destroys data that cannot be recreated from configuration. */
export const DATA_STORE_TYPES = [
  'aws_db_instance',
  'aws_rds_cluster',
  'aws_dynamodb_table',
  'aws_dynamodb_global_table',
  'aws_s3_bucket',
  'aws_ebs_volume',
  'aws_efs_file_system',
  'aws_docdb_cluster',
  'aws_neptune_cluster',
  'aws_redshift_cluster',
  'aws_opensearch_domain',
  'aws_elasticsearch_domain',
  'aws_fsx_lustre_file_system',
  'aws_fsx_windows_file_system',
  'aws_fsx_ontap_file_system',
  'aws_fsx_openzfs_file_system',
  'aws_cognito_user_pool',
  'aws_backup_vault',
  'aws_timestreamwrite_table',
  'aws_keyspaces_table',
  'aws_memorydb_cluster',
];
/** Keys and secrets: deleting them makes the data they protect unreadable. */
export const KEY_TYPES = ['aws_kms_key', 'aws_secretsmanager_secret', 'aws_kms_replica_key'];
/** Resources that hold in-flight or history data. */
export const BUFFER_TYPES = ['aws_sqs_queue', 'aws_kinesis_stream', 'aws_ecr_repository', 'aws_elasticache_replication_group', 'aws_elasticache_cluster', 'aws_mq_broker', 'aws_msk_cluster', 'aws_cloudwatch_log_group'];

function replaceReason(v: ResourceView): string {
  const paths = v.change.replacePaths.map(formatPath).filter(Boolean);
  return paths.length > 0 ? ` (forced by a change to ${paths.slice(0, 3).join(', ')})` : '';
}

export const dataLossRules: Rule[] = [
  {
    id: 'DATA-001',
    title: 'Data store deleted',
    category: 'data-loss',
    severity: 'critical',
    resourceTypes: DATA_STORE_TYPES,
    on: 'delete',
    remediation: 'Confirm the deletion is intended and a final backup exists; otherwise restore the resource in configuration or use `terraform state rm` / a `removed` block to stop managing it.',
    references: ['AWS Well-Architected REL09'],
    check: (v) => v.isDelete && `The plan destroys ${v.type} and the data in it.`,
  },
  {
    id: 'DATA-002',
    title: 'Data store replaced',
    category: 'data-loss',
    severity: 'critical',
    resourceTypes: DATA_STORE_TYPES,
    on: 'delete',
    remediation: 'Avoid the change that forces replacement, or migrate the data first (snapshot/restore, `lifecycle { prevent_destroy = true }`).',
    references: ['AWS Well-Architected REL09'],
    check: (v) => v.isReplace && `The plan destroys and recreates ${v.type}${replaceReason(v)}; existing data is lost.`,
  },
  {
    id: 'DATA-003',
    title: 'Encryption key or secret deleted or replaced',
    category: 'data-loss',
    severity: 'high',
    resourceTypes: KEY_TYPES,
    on: 'delete',
    remediation: 'Make sure nothing still needs the key/secret; cancel the scheduled deletion if data is still encrypted with it.',
    references: ['AWS FSBP KMS.3'],
    check: (v) =>
      (v.isDelete || v.isReplace) && `The plan ${v.isReplace ? `replaces${replaceReason(v)}` : 'schedules deletion of'} this ${v.type === 'aws_secretsmanager_secret' ? 'secret' : 'key'}; data protected by it becomes unreadable.`,
  },
  {
    id: 'DATA-004',
    title: 'Queue, stream, cache or repository deleted or replaced',
    category: 'data-loss',
    severity: 'high',
    resourceTypes: BUFFER_TYPES,
    on: 'delete',
    remediation: 'Drain or export the data first, or avoid the change forcing replacement.',
    references: ['AWS Well-Architected REL09'],
    check: (v) => (v.isDelete || v.isReplace) && `The plan ${v.isReplace ? `replaces${replaceReason(v)}` : 'deletes'} ${v.type}; messages, records or images in it are lost.`,
  },
  {
    id: 'DATA-005',
    title: 'Database deletion protection off',
    category: 'data-loss',
    severity: 'medium',
    resourceTypes: ['aws_db_instance', 'aws_rds_cluster', 'aws_docdb_cluster', 'aws_neptune_cluster'],
    on: 'config',
    remediation: 'Set `deletion_protection = true`.',
    references: ['AWS FSBP RDS.7', 'AWS FSBP RDS.8', 'AWS FSBP DocumentDB.5'],
    check: (v) => {
      if (v.change.before?.deletion_protection === true) return false; // DATA-010 reports the switch-off
      const b = v.bool('deletion_protection');
      return (b === false || b === undefined) && 'A single apply or API call can delete the database.';
    },
  },
  {
    id: 'DATA-006',
    title: 'DynamoDB deletion protection off',
    category: 'data-loss',
    severity: 'low',
    resourceTypes: ['aws_dynamodb_table'],
    on: 'config',
    remediation: 'Set `deletion_protection_enabled = true`.',
    references: ['AWS FSBP DynamoDB.6'],
    check: (v) => {
      if (v.change.before?.deletion_protection_enabled === true) return false; // DATA-010 reports the switch-off
      const b = v.bool('deletion_protection_enabled');
      return (b === false || b === undefined) && 'The table can be deleted by a single apply or API call.';
    },
  },
  {
    id: 'DATA-007',
    title: 'No final snapshot on deletion',
    category: 'data-loss',
    severity: 'medium',
    resourceTypes: ['aws_db_instance', 'aws_rds_cluster', 'aws_docdb_cluster', 'aws_neptune_cluster', 'aws_redshift_cluster'],
    on: 'config',
    remediation: 'Set `skip_final_snapshot = false` and a `final_snapshot_identifier`.',
    references: ['AWS Well-Architected REL09'],
    check: (v) => v.bool(v.type === 'aws_redshift_cluster' ? 'skip_final_cluster_snapshot' : 'skip_final_snapshot') === true && 'Deleting this database will not keep a final snapshot.',
  },
  {
    id: 'DATA-008',
    title: 'S3 bucket force_destroy enabled',
    category: 'data-loss',
    severity: 'medium',
    resourceTypes: ['aws_s3_bucket'],
    on: 'config',
    remediation: 'Remove `force_destroy = true` so Terraform refuses to delete a bucket that still holds objects.',
    references: ['AWS Well-Architected REL09'],
    check: (v) => v.bool('force_destroy') === true && 'Destroying the bucket silently deletes every object in it.',
  },
  {
    id: 'DATA-009',
    title: 'Repository force delete enabled',
    category: 'data-loss',
    severity: 'low',
    resourceTypes: ['aws_ecr_repository'],
    on: 'config',
    remediation: 'Remove `force_delete = true`.',
    references: ['AWS Well-Architected REL09'],
    check: (v) => v.bool('force_delete') === true && 'Destroying the repository silently deletes every image in it.',
  },
  {
    id: 'DATA-010',
    title: 'Stateful resource loses lifecycle protection',
    category: 'data-loss',
    severity: 'medium',
    resourceTypes: ['aws_db_instance', 'aws_rds_cluster', 'aws_dynamodb_table'],
    on: 'config',
    remediation: 'Keep deletion protection on; if it must go, remove it in a separate, reviewed change before the deletion.',
    references: ['AWS FSBP RDS.7'],
    check: (v) => {
      const attr = v.type === 'aws_dynamodb_table' ? 'deletion_protection_enabled' : 'deletion_protection';
      const before = v.change.before?.[attr];
      const after = v.bool(attr);
      return before === true && after === false && `This update turns ${attr} off.`;
    },
  },
  {
    id: 'DATA-011',
    title: 'Load balancer deletion protection off',
    category: 'data-loss',
    severity: 'low',
    resourceTypes: ['aws_lb', 'aws_alb'],
    on: 'config',
    remediation: 'Set `enable_deletion_protection = true` so a stray destroy cannot take the entry point (and its DNS name) away.',
    references: ['AWS FSBP ELB.6'],
    check: (v) => {
      const b = v.bool('enable_deletion_protection');
      return (b === false || b === undefined) && 'The load balancer can be deleted by any apply or API call; its DNS name would be lost.';
    },
  },
];
