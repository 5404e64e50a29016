import type { Rule } from './rule';
import type { ResourceView } from './resource-view';
import { allowStatements, anyPrincipal, isReadOnlyAction, scopedByCondition, type Statement } from './policy';

const ALL_USERS = /acs\.amazonaws\.com\/groups\/global\/(AllUsers|AuthenticatedUsers)/;

/** Grants (permission names) an S3 ACL resource gives to everyone (computed once per change). */
const publicAclGrants = (v: ResourceView): { write: boolean; read: boolean } => v.derive('public-acl-grants', readPublicAclGrants, undefined);

function readPublicAclGrants(v: ResourceView): { write: boolean; read: boolean } {
  const acl = v.str('acl');
  let write = acl === 'public-read-write';
  let read = acl === 'public-read' || acl === 'authenticated-read';
  const policies = v.blocks('access_control_policy');
  for (let i = 0; i < policies.length; i++) {
    const grants = v.blocks(...policies[i]!.path, 'grant');
    for (let j = 0; j < grants.length; j++) {
      const g = grants[j]!;
      const grantee = v.blocks(...g.path, 'grantee')[0]?.value;
      const uri = typeof grantee?.uri === 'string' ? grantee.uri : '';
      if (!ALL_USERS.test(uri)) continue;
      const perm = String(g.value.permission ?? '');
      if (perm === 'WRITE' || perm === 'WRITE_ACP' || perm === 'FULL_CONTROL') write = true;
      else read = true;
    }
  }
  return { write, read };
}


/** Grants of WRITE_ACP / FULL_CONTROL in an `access_control_policy` to a grantee other than the owner (and other than everyone: PUB-001). */
function foreignControlGrants(v: ResourceView): string[] {
  const out: string[] = [];
  for (const p of v.blocks('access_control_policy')) {
    const owner = v.blocks(...p.path, 'owner')[0]?.value;
    const ownerId = typeof owner?.id === 'string' ? owner.id : undefined;
    for (const g of v.blocks(...p.path, 'grant')) {
      const perm = String(g.value.permission ?? '');
      if (perm !== 'WRITE_ACP' && perm !== 'FULL_CONTROL') continue;
      const grantee = v.blocks(...g.path, 'grantee')[0]?.value;
      if (!grantee) continue;
      const uri = typeof grantee.uri === 'string' ? grantee.uri : '';
      if (ALL_USERS.test(uri)) continue; // PUB-001
      const id = typeof grantee.id === 'string' ? grantee.id : undefined;
      if (grantee.type === 'CanonicalUser' && (id === undefined || id === ownerId)) continue;
      const who = uri ? uri.split('/').pop()! : typeof grantee.email_address === 'string' ? 'an e-mail grantee' : id !== undefined ? `canonical user ${id.slice(0, 8)}…` : String(grantee.type ?? 'a grantee');
      out.push(`${perm} to ${who}`);
    }
  }
  return out;
}

const openKeys = new Map<string, string>();
/** Allow statements open to any principal without a scoping condition, shared between the rules of one change (do not mutate). */
function openStatements(v: ResourceView, attribute: string): Statement[] {
  let key = openKeys.get(attribute);
  if (key === undefined) openKeys.set(attribute, (key = `open:${attribute}`));
  return v.derive(key, readOpenStatements, attribute);
}
const readOpenStatements = (v: ResourceView, attribute: string): Statement[] => allowStatements(v, attribute).filter((s) => anyPrincipal(s) && !scopedByCondition(s));

function resourcePolicyRule(id: string, service: string, types: string[], attribute: string, refs: string[]): Rule {
  return {
    id,
    title: `${service} resource policy open to everyone`,
    category: 'public-access',
    severity: 'high',
    resourceTypes: types,
    on: 'config',
    remediation: `Name the principals allowed to use the ${service} resource, or add an aws:SourceArn / aws:SourceAccount / aws:PrincipalOrgID condition.`,
    references: refs,
    check: (v) => openStatements(v, attribute).length > 0 && `The ${service} policy allows any principal ("*") without a scoping condition.`,
  };
}

export const publicAccessRules: Rule[] = [
  {
    id: 'PUB-001',
    title: 'S3 ACL grants public write',
    category: 'public-access',
    severity: 'critical',
    resourceTypes: ['aws_s3_bucket_acl', 'aws_s3_bucket'],
    on: 'config',
    remediation: 'Use the `private` canned ACL (or disable ACLs with BucketOwnerEnforced) and grant access via IAM.',
    references: ['AWS FSBP S3.3', 'AWS FSBP S3.12'],
    check: (v) => publicAclGrants(v).write && 'The ACL lets anyone write to or change the bucket.',
  },
  {
    id: 'PUB-002',
    title: 'S3 ACL grants public read',
    category: 'public-access',
    severity: 'high',
    resourceTypes: ['aws_s3_bucket_acl', 'aws_s3_bucket'],
    on: 'config',
    remediation: 'Use the `private` canned ACL; publish content through CloudFront with origin access control.',
    references: ['AWS FSBP S3.2', 'AWS FSBP S3.12'],
    check: (v) => {
      const g = publicAclGrants(v);
      return g.read && !g.write && 'The ACL lets anyone (or any AWS account) read the bucket.';
    },
  },
  {
    id: 'PUB-003',
    title: 'S3 bucket policy allows anonymous write or full access',
    category: 'public-access',
    severity: 'critical',
    resourceTypes: ['aws_s3_bucket_policy', 'aws_s3_bucket'],
    on: 'config',
    remediation: 'Remove the `"*"` principal from write/delete statements; grant access to named roles.',
    references: ['AWS FSBP S3.3'],
    check: (v) =>
      openStatements(v, 'policy').some((s) => s.actions.some((a) => !isReadOnlyAction(a))) && 'The bucket policy lets anyone write, delete or administer the bucket.',
  },
  {
    id: 'PUB-004',
    title: 'S3 bucket policy allows anonymous read',
    category: 'public-access',
    severity: 'high',
    resourceTypes: ['aws_s3_bucket_policy', 'aws_s3_bucket'],
    on: 'config',
    remediation: 'Serve public content through CloudFront with origin access control, and grant s3:GetObject to the distribution only.',
    references: ['AWS FSBP S3.2'],
    check: (v) => {
      const open = openStatements(v, 'policy');
      return open.length > 0 && open.every((s) => s.actions.every(isReadOnlyAction)) && 'The bucket policy lets anyone on the internet read objects.';
    },
  },
  {
    id: 'PUB-005',
    title: 'S3 bucket public access block disabled',
    category: 'public-access',
    severity: 'medium',
    resourceTypes: ['aws_s3_bucket_public_access_block'],
    on: 'config',
    remediation: 'Set block_public_acls, block_public_policy, ignore_public_acls and restrict_public_buckets to true.',
    references: ['AWS FSBP S3.8'],
    check: (v) => {
      const off = ['block_public_acls', 'block_public_policy', 'ignore_public_acls', 'restrict_public_buckets'].filter((k) => {
        const b = v.bool(k);
        return b === false || (b === undefined && v.fromHcl);
      });
      return off.length > 0 && `Public access block settings are off: ${off.join(', ')}.`;
    },
  },
  {
    id: 'PUB-006',
    title: 'Account-level S3 public access block disabled',
    category: 'public-access',
    severity: 'medium',
    resourceTypes: ['aws_s3_account_public_access_block'],
    on: 'config',
    remediation: 'Enable all four account-level public access block settings.',
    references: ['AWS FSBP S3.1', 'CIS AWS 2.1.4'],
    check: (v) => {
      const off = ['block_public_acls', 'block_public_policy', 'ignore_public_acls', 'restrict_public_buckets'].filter((k) => {
        const b = v.bool(k);
        return b === false || (b === undefined && v.fromHcl);
      });
      return off.length > 0 && `Account-wide public access block settings are off: ${off.join(', ')}.`;
    },
  },
  {
    id: 'PUB-007',
    title: 'Database publicly accessible',
    category: 'public-access',
    severity: 'high',
    resourceTypes: ['aws_db_instance', 'aws_rds_cluster_instance', 'aws_redshift_cluster', 'aws_dms_replication_instance', 'aws_neptune_cluster_instance'],
    on: 'config',
    remediation: 'Set `publicly_accessible = false` and reach the database from inside the VPC.',
    references: ['AWS FSBP RDS.2', 'AWS FSBP Redshift.1', 'AWS FSBP DMS.1', 'Checkov CKV_AWS_102'],
    check: (v) => v.bool('publicly_accessible') === true && 'The database gets a public endpoint reachable from the internet.',
  },
  {
    id: 'PUB-008',
    title: 'Message broker publicly accessible',
    category: 'public-access',
    severity: 'high',
    resourceTypes: ['aws_mq_broker'],
    on: 'config',
    remediation: 'Set `publicly_accessible = false` and connect from inside the VPC.',
    references: ['AWS FSBP MQ.3'],
    check: (v) => v.bool('publicly_accessible') === true && 'The broker gets a public endpoint.',
  },
  {
    id: 'PUB-009',
    title: 'Lambda permission for any principal',
    category: 'public-access',
    severity: 'high',
    resourceTypes: ['aws_lambda_permission'],
    on: 'config',
    remediation: 'Set `principal` to the calling service or account and add `source_arn` / `source_account`.',
    references: ['AWS FSBP Lambda.1'],
    check: (v) => {
      if (v.str('principal') !== '*') return false;
      const scoped = [v.get('source_arn'), v.get('source_account'), v.get('principal_org_id')].some((x) => x !== undefined);
      return !scoped && 'Anyone can invoke this function.';
    },
  },
  {
    id: 'PUB-010',
    title: 'Lambda function URL without authentication',
    category: 'public-access',
    severity: 'medium',
    resourceTypes: ['aws_lambda_function_url'],
    on: 'config',
    remediation: 'Use `authorization_type = "AWS_IAM"`, or verify a signature in the function and document why the URL is public.',
    references: ['AWS FSBP Lambda'],
    check: (v) => v.str('authorization_type') === 'NONE' && 'The function URL can be called by anyone without authentication.',
  },
  resourcePolicyRule('PUB-011', 'SQS queue', ['aws_sqs_queue_policy', 'aws_sqs_queue'], 'policy', ['AWS FSBP SQS.3']),
  resourcePolicyRule('PUB-012', 'SNS topic', ['aws_sns_topic_policy', 'aws_sns_topic'], 'policy', ['AWS FSBP SNS']),
  resourcePolicyRule('PUB-013', 'KMS key', ['aws_kms_key', 'aws_kms_key_policy'], 'policy', ['AWS FSBP KMS.5']),
  resourcePolicyRule('PUB-014', 'OpenSearch domain', ['aws_opensearch_domain_policy', 'aws_opensearch_domain', 'aws_elasticsearch_domain_policy', 'aws_elasticsearch_domain'], 'access_policies', ['AWS FSBP ES.2', 'AWS FSBP Opensearch.2']),
  resourcePolicyRule('PUB-015', 'ECR repository', ['aws_ecr_repository_policy'], 'policy', ['AWS FSBP ECR']),
  resourcePolicyRule('PUB-016', 'Secrets Manager secret', ['aws_secretsmanager_secret_policy', 'aws_secretsmanager_secret'], 'policy', ['AWS FSBP SecretsManager']),
  {
    id: 'PUB-017',
    title: 'AMI or snapshot shared publicly',
    category: 'public-access',
    severity: 'high',
    resourceTypes: ['aws_ami_launch_permission', 'aws_snapshot_create_volume_permission'],
    on: 'config',
    remediation: 'Share images and snapshots with specific account ids only.',
    references: ['AWS FSBP EC2.1'],
    check: (v) => {
      const g = v.str('group');
      const acct = v.str('account_id');
      return (g === 'all' || acct === 'all') && 'The image/snapshot is shared with every AWS account.';
    },
  },
  {
    id: 'PUB-018',
    title: 'MSK cluster brokers publicly accessible',
    category: 'public-access',
    severity: 'high',
    resourceTypes: ['aws_msk_cluster'],
    on: 'config',
    remediation: 'Set `connectivity_info { public_access { type = "DISABLED" } }` and reach the brokers from inside the VPC.',
    references: ['AWS FSBP MSK.4'],
    check: (v) => {
      for (const b of v.blocks('broker_node_group_info'))
        for (const c of v.blocks(...b.path, 'connectivity_info'))
          for (const p of v.blocks(...c.path, 'public_access')) if (v.str(...p.path, 'type') === 'SERVICE_PROVIDED_EIPS') return 'Kafka brokers get public IP addresses.';
      return false;
    },
  },
  {
    id: 'PUB-019',
    title: 'S3 ACL gives another account control of the bucket',
    category: 'public-access',
    severity: 'medium',
    resourceTypes: ['aws_s3_bucket_acl'],
    on: 'config',
    remediation: 'Grant WRITE_ACP / FULL_CONTROL only to the bucket owner; give other accounts access through a bucket policy naming the actions they need.',
    references: ['AWS FSBP S3.6', 'AWS FSBP S3.12'],
    check: (v) => {
      const g = foreignControlGrants(v);
      return g.length > 0 && `The ACL grants ${g.join(', ')}: they can rewrite the bucket's permissions.`;
    },
  },
];
