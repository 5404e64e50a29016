import type { Rule } from './rule';
import { UNKNOWN } from './resource-view';
import { bucketCompanions } from './cross-resource';

export const backupRules: Rule[] = [
  {
    id: 'BAK-001',
    title: 'RDS automated backups disabled',
    category: 'backup',
    severity: 'medium',
    resourceTypes: ['aws_db_instance'],
    on: 'config',
    remediation: 'Set `backup_retention_period` to 7 or more days.',
    references: ['AWS FSBP RDS.11'],
    check: (v) => v.num('backup_retention_period') === 0 && 'Backup retention is 0: no automated backups or point-in-time restore.',
  },
  {
    id: 'BAK-002',
    title: 'DynamoDB point-in-time recovery off',
    category: 'backup',
    severity: 'medium',
    resourceTypes: ['aws_dynamodb_table'],
    on: 'config',
    remediation: 'Add `point_in_time_recovery { enabled = true }`.',
    references: ['AWS FSBP DynamoDB.2'],
    check: (v) => {
      const pitr = v.blocks('point_in_time_recovery');
      if (pitr.length === 0) return v.fromHcl && v.get('point_in_time_recovery') === undefined && 'The table cannot be restored to a point in time.';
      return pitr.every(({ path }) => v.bool(...path, 'enabled') !== true && v.bool(...path, 'enabled') !== undefined) && 'The table cannot be restored to a point in time.';
    },
  },
  {
    id: 'BAK-003',
    title: 'S3 versioning suspended',
    category: 'backup',
    severity: 'medium',
    resourceTypes: ['aws_s3_bucket_versioning', 'aws_s3_bucket'],
    on: 'config',
    remediation: 'Set `versioning_configuration { status = "Enabled" }`.',
    references: ['AWS FSBP S3.14'],
    check: (v) => {
      if (v.type === 'aws_s3_bucket') {
        return v.fromHcl && v.blocks('versioning').some(({ path }) => v.bool(...path, 'enabled') === false) && 'Bucket versioning is off: overwritten or deleted objects cannot be recovered.';
      }
      return (
        v.blocks('versioning_configuration').some(({ path }) => ['Suspended', 'Disabled'].includes(String(v.str(...path, 'status')))) &&
        'Bucket versioning is off: overwritten or deleted objects cannot be recovered.'
      );
    },
  },
  {
    id: 'BAK-004',
    title: 'Backup plan or selection removed',
    category: 'backup',
    severity: 'medium',
    resourceTypes: ['aws_backup_plan', 'aws_backup_selection'],
    on: 'delete',
    remediation: 'Keep a backup plan covering the resources; replace plans before removing them.',
    references: ['AWS FSBP Backup'],
    check: (v) => v.isDelete && `The plan removes ${v.type}: resources it covered stop being backed up.`,
  },
  {
    id: 'BAK-005',
    title: 'EFS automatic backups disabled',
    category: 'backup',
    severity: 'medium',
    resourceTypes: ['aws_efs_backup_policy'],
    on: 'config',
    remediation: 'Set `backup_policy { status = "ENABLED" }`.',
    references: ['AWS FSBP EFS.2'],
    check: (v) => v.blocks('backup_policy').some(({ path }) => v.str(...path, 'status') === 'DISABLED') && 'Automatic backups of the file system are off.',
  },
  {
    id: 'BAK-006',
    title: 'Redshift automated snapshots disabled',
    category: 'backup',
    severity: 'medium',
    resourceTypes: ['aws_redshift_cluster'],
    on: 'config',
    remediation: 'Set `automated_snapshot_retention_period` to 7 or more.',
    references: ['AWS FSBP Redshift.3'],
    check: (v) => v.num('automated_snapshot_retention_period') === 0 && 'The cluster takes no automated snapshots.',
  },
  {
    id: 'BAK-007',
    title: 'Redis without snapshots',
    category: 'backup',
    severity: 'low',
    resourceTypes: ['aws_elasticache_replication_group'],
    on: 'config',
    remediation: 'Set `snapshot_retention_limit` to 1 or more if the data matters beyond a restart.',
    references: ['AWS FSBP ElastiCache.1'],
    check: (v) => {
      const n = v.num('snapshot_retention_limit');
      return (n === 0 || (n === undefined && v.fromHcl)) && 'No automatic snapshots are kept for this Redis replication group.';
    },
  },
  {
    id: 'BAK-008',
    title: 'S3 bucket without versioning',
    category: 'backup',
    severity: 'low',
    resourceTypes: ['aws_s3_bucket'],
    on: 'config',
    remediation: 'Add an `aws_s3_bucket_versioning` resource for the bucket with `versioning_configuration { status = "Enabled" }` (and a lifecycle rule for noncurrent versions).',
    references: ['AWS FSBP S3.14'],
    check: (v) => {
      // Versioning is off by default; the plan marks the inline block computed (undetermined).
      const inline = v.get('versioning');
      if (inline === UNKNOWN || v.blocks('versioning').length > 0 || !v.context) return false;
      if (bucketCompanions(v.context, v.change, 'aws_s3_bucket_versioning').length > 0) return false; // BAK-003 judges its status
      return 'No versioning is configured for the bucket: overwritten or deleted objects cannot be recovered.';
    },
  },
];
