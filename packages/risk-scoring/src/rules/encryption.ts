import type { Rule } from './rule';
import { UNKNOWN, type ResourceView } from './resource-view';
import { deniesInsecureTransport, policyStatements } from './policy';

/**
 * `attr` is off: explicitly false, or absent when `absentIsOff` (the provider/API default is off and
 * the attribute is not computed; plan JSON then shows the default, HCL shows nothing).
 */
function off(v: ResourceView, absentIsOff: boolean, ...path: (string | number)[]): boolean {
  const b = v.bool(...path);
  if (b === UNKNOWN) return false;
  return b === false || (b === undefined && absentIsOff);
}

/** A nested block is absent: not set (HCL) or an empty list (plan); not when unknown. */
function absent(v: ResourceView, ...path: (string | number)[]): boolean {
  const x = v.get(...path);
  return x === undefined || (Array.isArray(x) && x.length === 0);
}

/** The input turns on EBS encryption by default for the account/region (`aws_ebs_encryption_by_default`). */
function ebsEncryptedByDefault(v: ResourceView): boolean {
  return (v.context?.ofType('aws_ebs_encryption_by_default') ?? []).some((c) => c.after?.enabled !== false && c.after?.enabled !== 'false');
}

/** A block device is off: `encrypted` false, or absent (AWS default off) unless it comes from a snapshot or the account encrypts by default. */
function deviceOff(v: ResourceView, path: (string | number)[]): boolean {
  const snapshot = v.get(...path, 'snapshot_id');
  return off(v, snapshot === undefined && !ebsEncryptedByDefault(v), ...path, 'encrypted');
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
    check: (v) => off(v, v.get('snapshot_id') === undefined && !ebsEncryptedByDefault(v), 'encrypted') && 'The volume is created unencrypted.',
  },
  {
    id: 'ENC-004',
    title: 'Instance or launch configuration volume not encrypted',
    category: 'encryption',
    severity: 'medium',
    resourceTypes: ['aws_instance', 'aws_launch_configuration'],
    on: 'config',
    remediation: 'Set `encrypted = true` on root_block_device and every ebs_block_device (or enable EBS encryption by default with `aws_ebs_encryption_by_default`).',
    references: ['AWS FSBP EC2.3', 'AWS FSBP EC2.7', 'CIS AWS 2.2.1'],
    check: (v) => {
      const devices = [...v.blocks('root_block_device'), ...v.blocks('ebs_block_device')];
      const bad = devices.some(({ path }) => deviceOff(v, path));
      // No root_block_device at all: the root volume takes the AWS default (unencrypted) unless the account encrypts by default.
      const rootAbsent = absent(v, 'root_block_device') && !ebsEncryptedByDefault(v);
      return (bad || rootAbsent) && (bad ? 'A volume is unencrypted (`encrypted` false or not set).' : 'The root volume is not encrypted: no root_block_device with `encrypted = true`.');
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
      v.blocks('block_device_mappings').some(({ path }) => v.blocks(...path, 'ebs').some((e) => deviceOff(v, e.path))) &&
      'Volumes launched from this template are unencrypted (`encrypted` false or not set).',
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
    check: (v) => off(v, v.str('engine') !== 'valkey', 'at_rest_encryption_enabled') && 'Cache data and backups are not encrypted at rest.',
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
    check: (v) => off(v, v.str('engine') !== 'valkey', 'transit_encryption_enabled') && 'Clients talk to the cache in plain text.',
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
    check: (v) => off(v, true, 'encrypted') && 'The file system is not encrypted at rest.',
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
    check: (v) => off(v, true, 'encrypted') && 'Cluster data is not encrypted at rest.',
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
      // Absent blocks take the AWS defaults: no encryption at rest, none between nodes, HTTPS not enforced.
      const offOrAbsent = (block: string, attr: string): boolean => {
        const blocks = v.blocks(block);
        if (blocks.length === 0) return absent(v, block);
        return blocks.some(({ path }) => off(v, true, ...path, attr));
      };
      if (offOrAbsent('encrypt_at_rest', 'enabled')) gaps.push('at rest');
      if (offOrAbsent('node_to_node_encryption', 'enabled')) gaps.push('between nodes');
      if (offOrAbsent('domain_endpoint_options', 'enforce_https')) gaps.push('HTTPS not enforced');
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
      return (t === 'NONE' || t === undefined) && 'Stream records are not encrypted at rest.';
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
  {
    id: 'ENC-019',
    title: 'MSK cluster allows plain-text traffic',
    category: 'encryption',
    severity: 'medium',
    resourceTypes: ['aws_msk_cluster'],
    on: 'config',
    remediation: 'Set `encryption_info { encryption_in_transit { client_broker = "TLS"  in_cluster = true } }`.',
    references: ['AWS FSBP MSK.1'],
    check: (v) => {
      const gaps: string[] = [];
      for (const info of v.blocks('encryption_info'))
        for (const t of v.blocks(...info.path, 'encryption_in_transit')) {
          const cb = v.str(...t.path, 'client_broker');
          if (cb === 'PLAINTEXT' || cb === 'TLS_PLAINTEXT') gaps.push(`client_broker = ${cb}`);
          if (v.bool(...t.path, 'in_cluster') === false) gaps.push('in_cluster = false');
        }
      return gaps.length > 0 && `Kafka traffic can travel unencrypted (${gaps.join(', ')}).`;
    },
  },
  {
    id: 'ENC-020',
    title: 'MSK cluster at rest without a customer managed key',
    category: 'encryption',
    severity: 'low',
    resourceTypes: ['aws_msk_cluster'],
    on: 'config',
    remediation: 'Set `encryption_info { encryption_at_rest_kms_key_arn = aws_kms_key.msk.arn }`.',
    references: ['AWS MSK encryption at rest', 'Checkov CKV_AWS_81'],
    check: (v) => {
      const info = v.blocks('encryption_info');
      if (info.length === 0) return absent(v, 'encryption_info') && 'Broker storage uses an AWS managed key you cannot audit or revoke.';
      return info.some(({ path }) => v.get(...path, 'encryption_at_rest_kms_key_arn') === undefined) && 'Broker storage uses an AWS managed key you cannot audit or revoke.';
    },
  },
  {
    id: 'ENC-021',
    title: 'EKS secrets not encrypted with KMS',
    category: 'encryption',
    severity: 'medium',
    resourceTypes: ['aws_eks_cluster'],
    on: 'config',
    remediation: 'Add `encryption_config { resources = ["secrets"]  provider { key_arn = aws_kms_key.eks.arn } }`.',
    references: ['AWS FSBP EKS.3'],
    check: (v) => {
      const cfg = v.get('encryption_config');
      if (cfg === UNKNOWN) return false;
      const encrypted = v.blocks('encryption_config').some(({ path }) => {
        const r = v.strings(...path, 'resources');
        return r === UNKNOWN || (Array.isArray(r) && r.includes('secrets'));
      });
      return !encrypted && 'Kubernetes secrets are not envelope-encrypted with a KMS key.';
    },
  },
  {
    id: 'ENC-022',
    title: 'Classic load balancer listener serves plain HTTP',
    category: 'encryption',
    severity: 'medium',
    resourceTypes: ['aws_elb'],
    on: 'config',
    remediation: 'Terminate HTTPS/SSL on the listener (`lb_protocol = "https"` with `ssl_certificate_id`), or move to an ALB that redirects HTTP to HTTPS.',
    references: ['AWS FSBP ELB.3'],
    check: (v) => {
      const plain = v.blocks('listener').filter(({ path }) => {
        const p = v.str(...path, 'lb_protocol');
        return typeof p === 'string' && p.toLowerCase() === 'http';
      });
      return plain.length > 0 && 'A listener accepts plain HTTP from clients.';
    },
  },
  {
    id: 'ENC-023',
    title: 'CloudFront allows plain HTTP to viewers',
    category: 'encryption',
    severity: 'medium',
    resourceTypes: ['aws_cloudfront_distribution'],
    on: 'config',
    remediation: 'Set `viewer_protocol_policy = "redirect-to-https"` (or `"https-only"`) on every cache behavior.',
    references: ['AWS FSBP CloudFront.3'],
    check: (v) => {
      const behaviors = [...v.blocks('default_cache_behavior'), ...v.blocks('ordered_cache_behavior')];
      return behaviors.some(({ path }) => v.str(...path, 'viewer_protocol_policy') === 'allow-all') && 'A cache behavior serves viewers over plain HTTP (`allow-all`).';
    },
  },
  {
    id: 'ENC-024',
    title: 'CloudFront accepts outdated TLS',
    category: 'encryption',
    severity: 'medium',
    resourceTypes: ['aws_cloudfront_distribution'],
    on: 'config',
    remediation: 'Use a custom certificate with `minimum_protocol_version = "TLSv1.2_2021"`, and only TLSv1.2 in `origin_ssl_protocols`.',
    references: ['AWS FSBP CloudFront.7', 'AWS FSBP CloudFront.10'],
    check: (v) => {
      const gaps: string[] = [];
      for (const { path } of v.blocks('viewer_certificate')) {
        const min = v.str(...path, 'minimum_protocol_version');
        if (typeof min === 'string' && /^(SSLv3|TLSv1|TLSv1_2016|TLSv1\.1_2016)$/.test(min)) gaps.push(`viewers may use ${min}`);
        else if (v.bool(...path, 'cloudfront_default_certificate') === true) gaps.push('the default *.cloudfront.net certificate accepts TLSv1 from viewers');
      }
      for (const o of v.blocks('origin'))
        for (const c of v.blocks(...o.path, 'custom_origin_config')) {
          const protos = v.strings(...c.path, 'origin_ssl_protocols');
          if (Array.isArray(protos) && protos.some((p) => p === 'SSLv3' || p === 'TLSv1' || p === 'TLSv1.1')) gaps.push('origins may use SSLv3/TLSv1/TLSv1.1');
        }
      return gaps.length > 0 && `${[...new Set(gaps)].join('; ').replace(/^./, (c) => c.toUpperCase())}.`;
    },
  },
  {
    id: 'ENC-025',
    title: 'Glue encryption disabled',
    category: 'encryption',
    severity: 'medium',
    resourceTypes: ['aws_glue_data_catalog_encryption_settings', 'aws_glue_security_configuration'],
    on: 'config',
    remediation: 'Encrypt the Data Catalog (`catalog_encryption_mode = "SSE-KMS"`, `return_connection_password_encrypted = true`) and set every mode of the security configuration to a KMS mode.',
    references: ['AWS FSBP Glue', 'Checkov CKV_AWS_94', 'Checkov CKV_AWS_99'],
    check: (v) => {
      const gaps: string[] = [];
      if (v.type === 'aws_glue_data_catalog_encryption_settings') {
        for (const s of v.blocks('data_catalog_encryption_settings')) {
          for (const r of v.blocks(...s.path, 'encryption_at_rest')) if (v.str(...r.path, 'catalog_encryption_mode') === 'DISABLED') gaps.push('catalog at rest');
          for (const c of v.blocks(...s.path, 'connection_password_encryption')) if (v.bool(...c.path, 'return_connection_password_encrypted') === false) gaps.push('connection passwords');
        }
      } else {
        for (const c of v.blocks('encryption_configuration')) {
          for (const [block, mode, label] of [
            ['cloudwatch_encryption', 'cloudwatch_encryption_mode', 'CloudWatch logs'],
            ['job_bookmarks_encryption', 'job_bookmarks_encryption_mode', 'job bookmarks'],
            ['s3_encryption', 's3_encryption_mode', 'S3 output'],
          ] as const) {
            const blocks = v.blocks(...c.path, block);
            if (blocks.length === 0 && absent(v, ...c.path, block)) gaps.push(label);
            else if (blocks.some(({ path }) => { const m = v.str(...path, mode); return m === 'DISABLED' || m === undefined; })) gaps.push(label);
          }
        }
      }
      return gaps.length > 0 && `Encryption is off for: ${gaps.join(', ')}.`;
    },
  },
  {
    id: 'ENC-026',
    title: 'Glue job or crawler without a security configuration',
    category: 'encryption',
    severity: 'low',
    resourceTypes: ['aws_glue_job', 'aws_glue_crawler', 'aws_glue_dev_endpoint'],
    on: 'config',
    remediation: 'Set `security_configuration` to an `aws_glue_security_configuration` that encrypts S3 output, logs and bookmarks.',
    references: ['Checkov CKV_AWS_195'],
    check: (v) => {
      const c = v.get('security_configuration');
      return (c === undefined || c === '') && 'Output, logs and bookmarks are written without the encryption of a security configuration.';
    },
  },
  {
    id: 'ENC-027',
    title: 'Athena query results not encrypted',
    category: 'encryption',
    severity: 'medium',
    resourceTypes: ['aws_athena_workgroup', 'aws_athena_database'],
    on: 'config',
    remediation: 'Add `encryption_configuration { encryption_option = "SSE_KMS" … }` to the result configuration and keep `enforce_workgroup_configuration = true`.',
    references: ['AWS FSBP Athena', 'Checkov CKV_AWS_159'],
    check: (v) => {
      if (v.type === 'aws_athena_database') {
        return absent(v, 'encryption_configuration') && 'Query results for this database are written unencrypted.';
      }
      const cfg = v.blocks('configuration');
      if (cfg.length === 0) return absent(v, 'configuration') && 'The workgroup does not encrypt query results.';
      const gaps: string[] = [];
      for (const { path } of cfg) {
        if (v.bool(...path, 'enforce_workgroup_configuration') === false) gaps.push('clients may override the workgroup settings');
        const rc = v.blocks(...path, 'result_configuration');
        const encrypted = rc.some((r) => !absent(v, ...r.path, 'encryption_configuration'));
        if (!encrypted && (rc.length > 0 || absent(v, ...path, 'result_configuration'))) gaps.push('no result encryption');
      }
      return gaps.length > 0 && `Query results may be unencrypted: ${gaps.join(', ')}.`;
    },
  },
  {
    id: 'ENC-028',
    title: 'DAX cluster encryption off',
    category: 'encryption',
    severity: 'medium',
    resourceTypes: ['aws_dax_cluster'],
    on: 'config',
    remediation: 'Add `server_side_encryption { enabled = true }` and set `cluster_endpoint_encryption_type = "TLS"`.',
    references: ['AWS FSBP DynamoDB.3', 'AWS FSBP DynamoDB.7'],
    check: (v) => {
      const gaps: string[] = [];
      const sse = v.blocks('server_side_encryption');
      if ((sse.length === 0 && absent(v, 'server_side_encryption')) || sse.some(({ path }) => off(v, true, ...path, 'enabled'))) gaps.push('at rest');
      const t = v.str('cluster_endpoint_encryption_type');
      if (t === 'NONE' || t === undefined) gaps.push('in transit');
      return gaps.length > 0 && `Cache data is not encrypted ${gaps.join(' or ')}.`;
    },
  },
  {
    id: 'ENC-029',
    title: 'SageMaker storage without a customer managed key',
    category: 'encryption',
    severity: 'low',
    resourceTypes: ['aws_sagemaker_notebook_instance', 'aws_sagemaker_endpoint_configuration', 'aws_sagemaker_domain'],
    on: 'config',
    remediation: 'Set `kms_key_id` (notebook, domain) / `kms_key_arn` (endpoint configuration) to a customer managed key.',
    references: ['Checkov CKV_AWS_22', 'Checkov CKV_AWS_98', 'Checkov CKV_AWS_187'],
    check: (v) => {
      const k = v.get(v.type === 'aws_sagemaker_endpoint_configuration' ? 'kms_key_arn' : 'kms_key_id');
      return (k === undefined || k === '') && 'Attached storage is encrypted only with an AWS managed key you cannot audit or revoke.';
    },
  },
  {
    id: 'ENC-030',
    title: 'WorkSpaces volumes not encrypted',
    category: 'encryption',
    severity: 'medium',
    resourceTypes: ['aws_workspaces_workspace'],
    on: 'config',
    remediation: 'Set `root_volume_encryption_enabled = true`, `user_volume_encryption_enabled = true` and `volume_encryption_key`.',
    references: ['AWS FSBP WorkSpaces.1', 'AWS FSBP WorkSpaces.2'],
    check: (v) => {
      const gaps = ['root_volume_encryption_enabled', 'user_volume_encryption_enabled'].filter((a) => off(v, true, a));
      return gaps.length > 0 && `Workspace volumes are unencrypted (${gaps.join(', ')} off).`;
    },
  },
  {
    id: 'ENC-031',
    title: 'ECS task EFS volume without transit encryption',
    category: 'encryption',
    severity: 'medium',
    resourceTypes: ['aws_ecs_task_definition'],
    on: 'config',
    remediation: 'Set `transit_encryption = "ENABLED"` in every `efs_volume_configuration`.',
    references: ['Checkov CKV_AWS_97', 'AWS ECS EFS volumes'],
    check: (v) => {
      const names: string[] = [];
      for (const vol of v.blocks('volume'))
        for (const efs of v.blocks(...vol.path, 'efs_volume_configuration')) {
          const t = v.str(...efs.path, 'transit_encryption');
          if (t === undefined || t === '' || t === 'DISABLED') names.push(String(vol.value.name ?? '?'));
        }
      return names.length > 0 && `EFS volume ${names.join(', ')} is mounted without TLS.`;
    },
  },
  {
    id: 'ENC-032',
    title: 'S3 bucket policy does not require TLS',
    category: 'encryption',
    severity: 'medium',
    resourceTypes: ['aws_s3_bucket_policy'],
    on: 'config',
    remediation: 'Add a statement denying `s3:*` to any principal when `aws:SecureTransport` is `false`.',
    references: ['AWS FSBP S3.5'],
    check: (v) => {
      const statements = policyStatements(v, 'policy');
      if (!statements) return false;
      return !statements.some(deniesInsecureTransport) && 'Requests over plain HTTP are not denied: the policy has no aws:SecureTransport = false deny.';
    },
  },
];
