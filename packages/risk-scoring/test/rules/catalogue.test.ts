import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CATEGORIES, SEVERITIES } from '@iac-review/core';
import { evaluateRules, rules } from '../../src/index';
import { sourceSecretChanges } from '../../src/rules/provider-secrets';
import { flagged, hclChanges, loadPlan, planChanges, tfSource, type FixtureName } from '../helpers';

/**
 * Every rule: the fixture, the addresses that must be flagged and those that must not, and which
 * input kinds can decide it (plan JSON, HCL source, or both). HCL cannot see deletes, computed
 * defaults or values built with jsonencode()/references, so some cases are plan-only.
 */
type Case = { fixture: FixtureName; bad: string[]; good: string[]; inputs: ('plan' | 'hcl')[] };
const both: ('plan' | 'hcl')[] = ['plan', 'hcl'];
const planOnly: ('plan' | 'hcl')[] = ['plan'];
const hclOnly: ('plan' | 'hcl')[] = ['hcl'];

const IN = 'iam-network';
const PE = 'public-encryption';
const DL = 'data-logging-secrets';
const DEL = 'deletes';
const GE = 'gaps-encryption';
const GI = 'gaps-iam';
const CR = 'cross-resource';
const SS = 'source-secrets';

const CASES: Record<string, Case[]> = {
  'IAM-001': [
    // A policy document is judged on the resource that uses its JSON (as in a plan), not twice.
    { fixture: IN, bad: ['aws_iam_policy.iam_001_bad', 'aws_iam_user_policy.iam_001_doc_user'], good: ['aws_iam_policy.iam_001_good', 'data.aws_iam_policy_document.iam_001_doc_bad', 'data.aws_iam_policy_document.iam_004_good'], inputs: both },
  ],
  'IAM-002': [{ fixture: IN, bad: ['aws_iam_role_policy.iam_002_bad'], good: ['aws_iam_role_policy.iam_002_good'], inputs: both }],
  'IAM-003': [{ fixture: IN, bad: ['aws_iam_policy.iam_003_bad'], good: ['aws_iam_policy.iam_003_good'], inputs: planOnly }],
  'IAM-004': [{ fixture: IN, bad: ['aws_iam_user_policy.iam_004_bad'], good: ['aws_iam_user_policy.iam_004_good'], inputs: planOnly }],
  'IAM-005': [
    { fixture: IN, bad: ['aws_iam_policy.iam_005_bad'], good: ['aws_iam_policy.iam_005_good', 'aws_iam_policy.iam_007_bad'], inputs: planOnly },
    { fixture: GI, bad: ['aws_iam_role_policy.iam_018_attach_bad'], good: ['aws_iam_policy.iam_018_passrole_bad'], inputs: both },
  ],
  'IAM-006': [{ fixture: IN, bad: ['aws_iam_group_policy.iam_006_bad'], good: ['aws_iam_group_policy.iam_006_good'], inputs: planOnly }],
  'IAM-007': [
    { fixture: IN, bad: ['aws_iam_policy.iam_007_bad'], good: ['aws_iam_policy.iam_007_good'], inputs: planOnly },
    { fixture: GI, bad: ['aws_iam_policy.iam_018_passrole_bad'], good: ['aws_iam_policy.iam_018_passrole_good'], inputs: both },
  ],
  'IAM-008': [{ fixture: IN, bad: ['aws_iam_role_policy_attachment.iam_008_bad'], good: ['aws_iam_role_policy_attachment.iam_008_good'], inputs: both }],
  'IAM-009': [{ fixture: IN, bad: ['aws_iam_group_policy_attachment.iam_009_bad'], good: ['aws_iam_group_policy_attachment.iam_009_good'], inputs: both }],
  'IAM-010': [{ fixture: IN, bad: ['aws_iam_role_policy_attachment.iam_010_bad'], good: ['aws_iam_role_policy_attachment.iam_010_good', 'aws_iam_role_policy_attachment.iam_008_bad'], inputs: both }],
  'IAM-011': [{ fixture: IN, bad: ['aws_iam_role.iam_011_bad'], good: ['aws_iam_role.iam_011_good', 'aws_iam_role.iam_012_good'], inputs: planOnly }],
  'IAM-012': [{ fixture: IN, bad: ['aws_iam_role.iam_012_bad'], good: ['aws_iam_role.iam_012_good', 'aws_iam_role.iam_011_good'], inputs: planOnly }],
  'IAM-013': [{ fixture: IN, bad: ['aws_iam_user_policy_attachment.iam_013_bad', 'aws_iam_user_policy.iam_004_bad', 'aws_iam_user_policy.iam_004_good', 'aws_iam_user_policy.iam_001_doc_user'], good: ['aws_iam_group_policy_attachment.iam_013_good'], inputs: both }],
  'IAM-014': [
    { fixture: IN, bad: ['aws_iam_access_key.iam_014_bad'], good: ['aws_iam_access_key.iam_014_good'], inputs: both },
    { fixture: DL, bad: ['aws_iam_access_key.sec_007_bad'], good: [], inputs: both },
  ],
  'IAM-015': [{ fixture: IN, bad: ['aws_iam_account_password_policy.iam_015_bad'], good: ['aws_iam_account_password_policy.iam_015_good'], inputs: both }],
  'IAM-016': [
    { fixture: GE, bad: ['aws_launch_configuration.enc_004_lc_bad'], good: ['aws_launch_configuration.enc_004_lc_good', 'aws_launch_configuration.enc_004_lc_absent'], inputs: both },
    // no metadata_options: the source shows IMDSv1 left on; the plan shows the block as computed (unknown)
    { fixture: GE, bad: ['aws_instance.enc_004_absent'], good: ['aws_launch_template.enc_005_absent', 'aws_launch_template.enc_005_snapshot_good'], inputs: hclOnly },
    { fixture: PE, bad: ['aws_instance.enc_004_bad', 'aws_instance.enc_004_good', 'aws_launch_template.enc_005_bad', 'aws_launch_template.enc_005_good'], good: [], inputs: hclOnly },
    { fixture: DL, bad: ['aws_instance.sec_009_bad', 'aws_instance.sec_009_good', 'aws_launch_template.sec_004_bad', 'aws_launch_template.sec_004_good'], good: [], inputs: hclOnly },
    { fixture: CR, bad: [], good: ['aws_instance.net_010_bad', 'aws_instance.net_010_good_private'], inputs: both },
  ],
  'IAM-017': [{ fixture: GI, bad: ['aws_iam_role.iam_017_bad'], good: ['aws_iam_role.iam_017_good_external_id', 'aws_iam_role.iam_017_good_mfa', 'aws_iam_role.iam_017_good_service', 'aws_iam_role.iam_017_good_same_account'], inputs: both }],
  'IAM-018': [{ fixture: GI, bad: ['aws_iam_policy.iam_018_passrole_bad', 'aws_iam_role_policy.iam_018_attach_bad', 'aws_iam_group_policy.iam_018_put_bad', 'aws_iam_policy.iam_018_takeover_bad'], good: ['aws_iam_policy.iam_018_passrole_good', 'aws_iam_policy.iam_018_readonly_good'], inputs: both }],
  'NET-001': [
    { fixture: IN, bad: ['aws_security_group.net_001_bad'], good: ['aws_security_group.net_001_good'], inputs: both },
    { fixture: CR, bad: ['aws_security_group_rule.net_001_all_tcp_bad'], good: ['aws_vpc_security_group_ingress_rule.net_from_sg_good', 'aws_vpc_security_group_ingress_rule.net_002_ssh_v6_bad'], inputs: both },
  ],
  'NET-002': [
    { fixture: IN, bad: ['aws_security_group_rule.net_002_bad'], good: ['aws_security_group_rule.net_002_good', 'aws_security_group.net_001_bad'], inputs: both },
    { fixture: 'modules', bad: ['aws_security_group.svc["admin"]'], good: ['aws_security_group.svc["api"]'], inputs: planOnly },
    { fixture: CR, bad: ['aws_vpc_security_group_ingress_rule.net_002_ssh_v6_bad'], good: ['aws_vpc_security_group_ingress_rule.net_from_sg_good', 'aws_security_group_rule.net_001_all_tcp_bad'], inputs: both },
  ],
  'NET-003': [{ fixture: IN, bad: ['aws_vpc_security_group_ingress_rule.net_003_bad'], good: ['aws_vpc_security_group_ingress_rule.net_003_good'], inputs: both }],
  'NET-004': [{ fixture: IN, bad: ['aws_security_group_rule.net_004_bad'], good: ['aws_security_group_rule.net_004_good', 'aws_security_group.net_001_good', 'aws_security_group_rule.net_002_bad'], inputs: both }],
  'NET-005': [{ fixture: IN, bad: ['aws_network_acl_rule.net_005_bad'], good: ['aws_network_acl_rule.net_005_good'], inputs: both }],
  'NET-006': [
    { fixture: IN, bad: ['aws_eks_cluster.net_006_bad'], good: ['aws_eks_cluster.net_006_good'], inputs: hclOnly },
    { fixture: IN, bad: [], good: ['aws_eks_cluster.net_006_good'], inputs: planOnly },
  ],
  'NET-007': [{ fixture: IN, bad: ['aws_default_security_group.net_007_bad'], good: ['aws_default_security_group.net_007_good'], inputs: both }],
  'NET-008': [
    { fixture: IN, bad: ['aws_subnet.net_008_bad'], good: ['aws_subnet.net_008_good'], inputs: both },
    { fixture: CR, bad: ['aws_subnet.public_a'], good: ['aws_subnet.public_b'], inputs: both },
  ],
  'NET-009': [{ fixture: CR, bad: ['aws_db_instance.net_009_bad'], good: ['aws_db_instance.net_009_good_private', 'aws_db_instance.net_009_good_not_public'], inputs: both }],
  'NET-010': [{ fixture: CR, bad: ['aws_instance.net_010_bad'], good: ['aws_instance.net_010_good_private', 'aws_instance.net_010_good_no_ip'], inputs: both }],
  'NET-011': [{ fixture: GE, bad: ['aws_sagemaker_notebook_instance.sagemaker_bad'], good: ['aws_sagemaker_notebook_instance.sagemaker_good'], inputs: both }],
  'PUB-001': [{ fixture: PE, bad: ['aws_s3_bucket_acl.pub_001_bad'], good: ['aws_s3_bucket_acl.pub_001_good', 'aws_s3_bucket_acl.pub_002_bad'], inputs: both }],
  'PUB-002': [{ fixture: PE, bad: ['aws_s3_bucket_acl.pub_002_bad'], good: ['aws_s3_bucket_acl.pub_002_good', 'aws_s3_bucket_acl.pub_001_bad'], inputs: both }],
  'PUB-003': [{ fixture: PE, bad: ['aws_s3_bucket_policy.pub_003_bad'], good: ['aws_s3_bucket_policy.pub_003_good', 'aws_s3_bucket_policy.pub_004_bad'], inputs: both }],
  'PUB-004': [{ fixture: PE, bad: ['aws_s3_bucket_policy.pub_004_bad'], good: ['aws_s3_bucket_policy.pub_004_good', 'aws_s3_bucket_policy.pub_003_bad'], inputs: both }],
  'PUB-005': [{ fixture: PE, bad: ['aws_s3_bucket_public_access_block.pub_005_bad'], good: ['aws_s3_bucket_public_access_block.pub_005_good'], inputs: both }],
  'PUB-006': [{ fixture: PE, bad: ['aws_s3_account_public_access_block.pub_006_bad'], good: ['aws_s3_account_public_access_block.pub_006_good'], inputs: both }],
  'PUB-007': [
    { fixture: PE, bad: ['aws_db_instance.pub_007_bad', 'aws_redshift_cluster.pub_007_bad_redshift'], good: ['aws_db_instance.enc_001_good'], inputs: both },
    { fixture: DL, bad: [], good: ['aws_redshift_cluster.bak_006_bad'], inputs: both },
    // provider 5.x defaults publicly_accessible to true for Redshift: the plan shows it, the source does not
    { fixture: PE, bad: ['aws_redshift_cluster.enc_013_bad'], good: [], inputs: planOnly },
    { fixture: GE, bad: ['aws_neptune_cluster_instance.pub_007_neptune_bad'], good: ['aws_neptune_cluster_instance.pub_007_neptune_good'], inputs: both },
    { fixture: CR, bad: ['aws_db_instance.net_009_bad', 'aws_db_instance.net_009_good_private'], good: ['aws_db_instance.net_009_good_not_public'], inputs: both },
  ],
  'PUB-008': [{ fixture: PE, bad: ['aws_mq_broker.pub_008_bad'], good: ['aws_mq_broker.pub_008_good'], inputs: both }],
  'PUB-009': [{ fixture: PE, bad: ['aws_lambda_permission.pub_009_bad'], good: ['aws_lambda_permission.pub_009_good'], inputs: both }],
  'PUB-010': [{ fixture: PE, bad: ['aws_lambda_function_url.pub_010_bad'], good: ['aws_lambda_function_url.pub_010_good'], inputs: both }],
  'PUB-011': [{ fixture: PE, bad: ['aws_sqs_queue_policy.pub_011_bad'], good: ['aws_sqs_queue_policy.pub_011_good'], inputs: both }],
  'PUB-012': [{ fixture: PE, bad: ['aws_sns_topic_policy.pub_012_bad'], good: ['aws_sns_topic_policy.pub_012_good'], inputs: both }],
  'PUB-013': [{ fixture: PE, bad: ['aws_kms_key.pub_013_bad'], good: ['aws_kms_key.pub_013_good'], inputs: both }],
  'PUB-014': [{ fixture: PE, bad: ['aws_opensearch_domain_policy.pub_014_bad'], good: ['aws_opensearch_domain_policy.pub_014_good'], inputs: both }],
  'PUB-015': [{ fixture: PE, bad: ['aws_ecr_repository_policy.pub_015_bad'], good: ['aws_ecr_repository_policy.pub_015_good'], inputs: both }],
  'PUB-016': [{ fixture: PE, bad: ['aws_secretsmanager_secret_policy.pub_016_bad'], good: ['aws_secretsmanager_secret_policy.pub_016_good'], inputs: both }],
  'PUB-017': [{ fixture: PE, bad: ['aws_ami_launch_permission.pub_017_bad'], good: ['aws_ami_launch_permission.pub_017_good'], inputs: both }],
  'PUB-018': [{ fixture: GE, bad: ['aws_msk_cluster.msk_bad'], good: ['aws_msk_cluster.msk_good'], inputs: both }],
  'PUB-019': [{ fixture: GI, bad: ['aws_s3_bucket_acl.pub_019_bad'], good: ['aws_s3_bucket_acl.pub_019_good'], inputs: both }, { fixture: PE, bad: [], good: ['aws_s3_bucket_acl.pub_001_bad', 'aws_s3_bucket_acl.pub_002_bad'], inputs: both }],
  'ENC-001': [{ fixture: PE, bad: ['aws_db_instance.enc_001_bad'], good: ['aws_db_instance.enc_001_good', 'aws_db_instance.pub_007_bad'], inputs: both }],
  'ENC-002': [
    { fixture: PE, bad: ['aws_rds_cluster.enc_002_bad'], good: ['aws_rds_cluster.enc_002_good'], inputs: both },
    { fixture: GE, bad: ['aws_docdb_cluster.enc_002_docdb_bad', 'aws_neptune_cluster.enc_002_neptune_bad'], good: ['aws_docdb_cluster.enc_002_docdb_good', 'aws_neptune_cluster.enc_002_neptune_good'], inputs: both },
  ],
  // Attributes left out where the AWS default is off: the source shows them absent; plans mark them computed (unknown).
  'ENC-003': [
    { fixture: PE, bad: ['aws_ebs_volume.enc_003_bad'], good: ['aws_ebs_volume.enc_003_good'], inputs: both },
    { fixture: GE, bad: ['aws_ebs_volume.enc_003_absent'], good: [], inputs: hclOnly },
  ],
  'ENC-004': [
    { fixture: PE, bad: ['aws_instance.enc_004_bad'], good: ['aws_instance.enc_004_good'], inputs: both },
    { fixture: GE, bad: ['aws_launch_configuration.enc_004_lc_bad'], good: ['aws_launch_configuration.enc_004_lc_good'], inputs: both },
    { fixture: GE, bad: ['aws_launch_configuration.enc_004_lc_absent', 'aws_instance.enc_004_absent'], good: [], inputs: hclOnly },
  ],
  'ENC-005': [
    { fixture: PE, bad: ['aws_launch_template.enc_005_bad'], good: ['aws_launch_template.enc_005_good'], inputs: both },
    { fixture: GE, bad: ['aws_launch_template.enc_005_absent'], good: ['aws_launch_template.enc_005_snapshot_good'], inputs: both },
  ],
  'ENC-006': [{ fixture: PE, bad: ['aws_sns_topic.enc_006_bad'], good: ['aws_sns_topic.enc_006_good'], inputs: both }],
  'ENC-007': [{ fixture: PE, bad: ['aws_sqs_queue.enc_007_bad'], good: ['aws_sqs_queue.enc_007_good'], inputs: both }],
  'ENC-008': [{ fixture: PE, bad: ['aws_dynamodb_table.enc_008_bad'], good: ['aws_dynamodb_table.enc_008_good'], inputs: both }],
  'ENC-009': [
    { fixture: PE, bad: ['aws_elasticache_replication_group.enc_009_bad'], good: ['aws_elasticache_replication_group.enc_009_good'], inputs: both },
    { fixture: GE, bad: ['aws_elasticache_replication_group.enc_009_absent'], good: [], inputs: hclOnly },
  ],
  'ENC-010': [
    { fixture: PE, bad: ['aws_elasticache_replication_group.enc_009_bad'], good: ['aws_elasticache_replication_group.enc_009_good'], inputs: both },
    { fixture: GE, bad: ['aws_elasticache_replication_group.enc_009_absent'], good: [], inputs: hclOnly },
  ],
  'ENC-011': [
    { fixture: PE, bad: ['aws_efs_file_system.enc_011_bad'], good: ['aws_efs_file_system.enc_011_good'], inputs: both },
    { fixture: GE, bad: ['aws_efs_file_system.enc_011_absent'], good: [], inputs: hclOnly },
  ],
  'ENC-012': [{ fixture: PE, bad: ['aws_kms_key.enc_012_bad'], good: ['aws_kms_key.enc_012_good_asymmetric', 'aws_kms_key.pub_013_good'], inputs: both }],
  'ENC-013': [{ fixture: PE, bad: ['aws_redshift_cluster.enc_013_bad'], good: ['aws_redshift_cluster.pub_007_bad_redshift'], inputs: both }],
  'ENC-014': [
    { fixture: PE, bad: ['aws_opensearch_domain.enc_014_bad'], good: ['aws_opensearch_domain.enc_014_good'], inputs: both },
    { fixture: GE, bad: ['aws_opensearch_domain.enc_014_absent'], good: [], inputs: hclOnly },
  ],
  'ENC-015': [{ fixture: PE, bad: ['aws_lb_listener.enc_015_bad'], good: ['aws_lb_listener.enc_015_good'], inputs: both }],
  'ENC-016': [{ fixture: PE, bad: ['aws_cloudtrail.enc_016_bad'], good: [], inputs: both }, { fixture: DL, bad: [], good: ['aws_cloudtrail.log_002_good'], inputs: both }],
  'ENC-017': [
    { fixture: PE, bad: ['aws_kinesis_stream.enc_017_bad'], good: ['aws_kinesis_stream.enc_017_good'], inputs: both },
    { fixture: GE, bad: ['aws_kinesis_stream.enc_017_absent'], good: [], inputs: both },
  ],
  'ENC-019': [{ fixture: GE, bad: ['aws_msk_cluster.msk_bad'], good: ['aws_msk_cluster.msk_good'], inputs: both }],
  'ENC-020': [
    { fixture: GE, bad: ['aws_msk_cluster.msk_bad'], good: ['aws_msk_cluster.msk_good'], inputs: hclOnly },
    // the plan marks the at-rest key computed (unknown): undetermined, so no finding either way
    { fixture: GE, bad: [], good: ['aws_msk_cluster.msk_good'], inputs: planOnly },
  ],
  'ENC-021': [
    { fixture: GE, bad: ['aws_eks_cluster.enc_021_bad'], good: ['aws_eks_cluster.enc_021_good'], inputs: both },
    { fixture: IN, bad: ['aws_eks_cluster.net_006_bad', 'aws_eks_cluster.net_006_good'], good: [], inputs: both },
  ],
  'ENC-022': [{ fixture: GE, bad: ['aws_elb.elb_bad'], good: ['aws_elb.elb_good'], inputs: both }],
  'ENC-023': [{ fixture: GE, bad: ['aws_cloudfront_distribution.cf_bad'], good: ['aws_cloudfront_distribution.cf_good'], inputs: both }],
  'ENC-024': [{ fixture: GE, bad: ['aws_cloudfront_distribution.cf_bad'], good: ['aws_cloudfront_distribution.cf_good'], inputs: both }],
  'ENC-025': [{ fixture: GE, bad: ['aws_glue_data_catalog_encryption_settings.glue_bad', 'aws_glue_security_configuration.glue_sc_bad'], good: ['aws_glue_data_catalog_encryption_settings.glue_good', 'aws_glue_security_configuration.glue_sc_good'], inputs: both }],
  'ENC-026': [{ fixture: GE, bad: ['aws_glue_job.glue_job_bad'], good: ['aws_glue_job.glue_job_good'], inputs: both }],
  'ENC-027': [{ fixture: GE, bad: ['aws_athena_workgroup.athena_bad', 'aws_athena_database.athena_db_bad'], good: ['aws_athena_workgroup.athena_good', 'aws_athena_database.athena_db_good'], inputs: both }],
  'ENC-028': [{ fixture: GE, bad: ['aws_dax_cluster.dax_bad'], good: ['aws_dax_cluster.dax_good'], inputs: both }],
  'ENC-029': [{ fixture: GE, bad: ['aws_sagemaker_notebook_instance.sagemaker_bad'], good: ['aws_sagemaker_notebook_instance.sagemaker_good'], inputs: both }],
  'ENC-030': [{ fixture: GE, bad: ['aws_workspaces_workspace.workspaces_bad'], good: ['aws_workspaces_workspace.workspaces_good'], inputs: both }],
  'ENC-031': [{ fixture: GE, bad: ['aws_ecs_task_definition.ecs_efs_bad'], good: ['aws_ecs_task_definition.ecs_efs_good'], inputs: both }],
  'ENC-032': [
    { fixture: GE, bad: ['aws_s3_bucket_policy.enc_032_bad'], good: ['aws_s3_bucket_policy.enc_032_good'], inputs: both },
    { fixture: PE, bad: ['aws_s3_bucket_policy.pub_003_bad', 'aws_s3_bucket_policy.pub_004_bad', 'aws_s3_bucket_policy.pub_004_good'], good: ['aws_s3_bucket_policy.pub_003_good'], inputs: both },
  ],
  'ENC-018': [{ fixture: DEL, bad: ['aws_s3_bucket_server_side_encryption_configuration.enc_018_bad'], good: ['aws_s3_bucket.data_001_good'], inputs: planOnly }],
  'DATA-001': [{ fixture: DEL, bad: ['aws_db_instance.data_001_bad'], good: ['aws_iam_policy.delete_good', 'aws_s3_bucket.data_001_good', 'aws_dynamodb_table.data_002_bad'], inputs: planOnly }],
  'DATA-002': [{ fixture: DEL, bad: ['aws_dynamodb_table.data_002_bad'], good: ['aws_dynamodb_table.data_002_good', 'aws_db_instance.data_001_bad', 'aws_rds_cluster.data_010_bad'], inputs: planOnly }],
  'DATA-003': [{ fixture: DEL, bad: ['aws_kms_key.data_003_bad'], good: ['aws_iam_policy.delete_good'], inputs: planOnly }],
  'DATA-004': [{ fixture: DEL, bad: ['aws_sqs_queue.data_004_bad'], good: ['aws_iam_policy.delete_good'], inputs: planOnly }],
  'DATA-005': [
    { fixture: DL, bad: ['aws_db_instance.data_005_bad'], good: ['aws_db_instance.data_005_good'], inputs: both },
    { fixture: DEL, bad: [], good: ['aws_rds_cluster.data_010_bad'], inputs: planOnly },
  ],
  'DATA-006': [
    { fixture: DL, bad: ['aws_dynamodb_table.data_006_bad'], good: ['aws_dynamodb_table.data_006_good'], inputs: both },
    // the replacement table is created with deletion protection off
    { fixture: DEL, bad: ['aws_dynamodb_table.data_002_bad'], good: ['aws_dynamodb_table.data_002_good'], inputs: planOnly },
  ],
  'DATA-007': [{ fixture: DL, bad: ['aws_db_instance.data_005_bad', 'aws_rds_cluster.data_007_bad'], good: ['aws_db_instance.data_005_good'], inputs: both }],
  'DATA-008': [{ fixture: DL, bad: ['aws_s3_bucket.data_008_bad'], good: ['aws_s3_bucket.data_008_good'], inputs: both }],
  'DATA-009': [{ fixture: DL, bad: ['aws_ecr_repository.data_009_bad'], good: ['aws_ecr_repository.data_009_good'], inputs: both }],
  'DATA-011': [{ fixture: GE, bad: ['aws_lb.data_011_bad'], good: ['aws_lb.data_011_good'], inputs: both }],
  'DATA-010': [{ fixture: DEL, bad: ['aws_rds_cluster.data_010_bad'], good: ['aws_dynamodb_table.data_002_good'], inputs: planOnly }],
  'LOG-001': [{ fixture: DEL, bad: ['aws_cloudtrail.log_001_bad'], good: ['aws_iam_policy.delete_good'], inputs: planOnly }],
  'LOG-002': [{ fixture: DL, bad: ['aws_cloudtrail.log_002_bad'], good: ['aws_cloudtrail.log_002_good'], inputs: both }],
  'LOG-003': [{ fixture: DL, bad: ['aws_cloudtrail.log_002_bad'], good: ['aws_cloudtrail.log_002_good'], inputs: both }],
  'LOG-004': [{ fixture: DL, bad: ['aws_cloudtrail.log_002_bad'], good: ['aws_cloudtrail.log_002_good'], inputs: both }],
  'LOG-005': [{ fixture: DL, bad: ['aws_cloudwatch_log_group.log_005_bad'], good: ['aws_cloudwatch_log_group.log_005_good'], inputs: both }],
  'LOG-006': [{ fixture: DEL, bad: ['aws_flow_log.log_006_bad'], good: ['aws_iam_policy.delete_good'], inputs: planOnly }],
  'LOG-007': [
    { fixture: DL, bad: ['aws_lb.log_007_bad'], good: ['aws_lb.log_007_good'], inputs: both },
    { fixture: GE, bad: ['aws_elb.elb_bad'], good: ['aws_elb.elb_good', 'aws_lb.data_011_bad'], inputs: both },
  ],
  'LOG-008': [{ fixture: DEL, bad: ['aws_s3_bucket_logging.log_008_bad'], good: ['aws_iam_policy.delete_good'], inputs: planOnly }],
  'LOG-009': [{ fixture: IN, bad: ['aws_eks_cluster.net_006_bad'], good: ['aws_eks_cluster.net_006_good'], inputs: both }],
  'LOG-010': [{ fixture: DL, bad: ['aws_guardduty_detector.log_010_bad'], good: ['aws_guardduty_detector.log_010_good'], inputs: both }],
  'LOG-011': [{ fixture: DEL, bad: ['aws_guardduty_detector.log_011_bad'], good: ['aws_iam_policy.delete_good'], inputs: planOnly }],
  'LOG-012': [{ fixture: DL, bad: ['aws_config_configuration_recorder_status.log_012_bad'], good: ['aws_config_configuration_recorder_status.log_012_good'], inputs: both }],
  'LOG-014': [{ fixture: GE, bad: ['aws_cloudfront_distribution.cf_bad'], good: ['aws_cloudfront_distribution.cf_good'], inputs: both }],
  'LOG-015': [
    { fixture: CR, bad: ['aws_cloudwatch_log_group.log_015_trail_bad', 'aws_cloudwatch_log_group.log_015_flow_bad'], good: ['aws_cloudwatch_log_group.log_015_app_good', 'aws_cloudwatch_log_group.log_015_audit_good'], inputs: both },
    { fixture: 'clean', bad: [], good: ['aws_cloudwatch_log_group.api'], inputs: both },
  ],
  'LOG-013': [{ fixture: DL, bad: ['aws_api_gateway_stage.log_013_bad'], good: ['aws_apigatewayv2_stage.log_013_good'], inputs: both }],
  'BAK-001': [{ fixture: DL, bad: ['aws_db_instance.bak_001_bad'], good: ['aws_db_instance.data_005_good'], inputs: both }],
  'BAK-002': [
    { fixture: DL, bad: ['aws_dynamodb_table.data_006_bad'], good: ['aws_dynamodb_table.data_006_good'], inputs: both },
    { fixture: 'modules', bad: [], good: [], inputs: both },
  ],
  'BAK-003': [{ fixture: DL, bad: ['aws_s3_bucket_versioning.bak_003_bad'], good: ['aws_s3_bucket_versioning.bak_003_good'], inputs: both }],
  // Versioning is off unless configured; plans mark a new bucket's inline versioning computed (undetermined).
  'BAK-008': [
    { fixture: CR, bad: ['aws_s3_bucket.bak_008_bad'], good: ['aws_s3_bucket.bak_008_good', 'aws_s3_bucket.bak_008_good_by_name'], inputs: hclOnly },
    { fixture: CR, bad: [], good: ['aws_s3_bucket.bak_008_good', 'aws_s3_bucket.bak_008_good_by_name'], inputs: planOnly },
    { fixture: DL, bad: ['aws_s3_bucket.data_008_bad', 'aws_s3_bucket.data_008_good'], good: [], inputs: hclOnly },
    // an existing bucket (state) without versioning: the plan knows the value
    { fixture: DEL, bad: ['aws_s3_bucket.data_001_good'], good: [], inputs: both },
    { fixture: 'clean', bad: [], good: ['aws_s3_bucket.reports'], inputs: both },
  ],
  'BAK-004': [{ fixture: DEL, bad: ['aws_backup_plan.bak_004_bad'], good: ['aws_iam_policy.delete_good'], inputs: planOnly }],
  'BAK-005': [{ fixture: DL, bad: ['aws_efs_backup_policy.bak_005_bad'], good: ['aws_efs_backup_policy.bak_005_good'], inputs: both }],
  'BAK-006': [{ fixture: DL, bad: ['aws_redshift_cluster.bak_006_bad'], good: [], inputs: both }, { fixture: PE, bad: [], good: ['aws_redshift_cluster.enc_013_bad'], inputs: both }],
  'BAK-007': [{ fixture: DL, bad: ['aws_elasticache_replication_group.bak_007_bad'], good: [], inputs: both }, { fixture: PE, bad: [], good: ['aws_elasticache_replication_group.enc_009_good'], inputs: both }],
  'SEC-001': [
    { fixture: DL, bad: ['aws_lambda_function.sec_001_bad'], good: ['aws_lambda_function.sec_001_good'], inputs: both },
    { fixture: 'modules', bad: [], good: ['module.site[0].aws_lambda_function.fn'], inputs: planOnly },
    { fixture: SS, bad: ['aws_lambda_function.sec_001_values_bad'], good: ['aws_lambda_function.sec_001_values_good'], inputs: both },
  ],
  'SEC-002': [{ fixture: DL, bad: ['aws_ecs_task_definition.sec_002_bad'], good: ['aws_ecs_task_definition.sec_002_good'], inputs: planOnly }],
  'SEC-003': [{ fixture: DL, bad: ['aws_db_instance.sec_003_bad'], good: ['aws_db_instance.sec_003_good'], inputs: both }],
  'SEC-004': [
    { fixture: DL, bad: ['aws_launch_template.sec_004_bad'], good: ['aws_launch_template.sec_004_good'], inputs: planOnly },
    // plan JSON stores a hash of aws_instance user_data: only the source shows the script
    { fixture: SS, bad: ['aws_instance.sec_004_bad'], good: ['aws_instance.sec_004_good'], inputs: hclOnly },
  ],
  'SEC-005': [{ fixture: DL, bad: ['aws_ssm_parameter.sec_005_bad'], good: ['aws_ssm_parameter.sec_005_good'], inputs: both }],
  'SEC-006': [
    { fixture: DL, bad: ['aws_secretsmanager_secret_version.sec_006_bad'], good: ['aws_secretsmanager_secret_version.sec_006_good'], inputs: both },
    // jsonencode({ password = "…" }) of literals: the plan's configuration shows an expression without references
    { fixture: SS, bad: ['aws_secretsmanager_secret_version.sec_006_json_bad', 'aws_ssm_parameter.sec_006_ssm_bad'], good: [], inputs: both },
  ],
  'SEC-007': [{ fixture: DL, bad: ['aws_iam_access_key.sec_007_bad'], good: [], inputs: both }, { fixture: IN, bad: [], good: ['aws_iam_access_key.iam_014_bad'], inputs: both }],
  'SEC-008': [{ fixture: DL, bad: ['aws_codebuild_project.sec_008_bad'], good: ['aws_codebuild_project.sec_008_good'], inputs: both }],
  'SEC-009': [
    { fixture: DL, bad: ['aws_instance.sec_009_bad'], good: ['aws_instance.sec_009_good', 'aws_lambda_function.sec_001_bad'], inputs: both },
    { fixture: SS, bad: ['provider.aws.leaky', 'var.github_token'], good: ['provider.aws.profile', 'var.db_password'], inputs: both },
  ],
  'SEC-010': [
    { fixture: SS, bad: ['provider.aws.leaky'], good: ['provider.aws.profile'], inputs: both },
    // the fixture generator's own provider block (access_key = "mock") is not a credential
    { fixture: 'clean', bad: [], good: ['provider.aws'], inputs: planOnly },
  ],
  'SEC-011': [
    { fixture: SS, bad: ['var.db_password'], good: ['var.github_token', 'var.secret_store', 'var.admin_password', 'var.api_token', 'var.api_key_secret_arn'], inputs: both },
    { fixture: PE, bad: [], good: ['var.mq_password'], inputs: both },
    { fixture: 'clean', bad: [], good: ['var.db_password'], inputs: both },
  ],
};

const findingsCache = new Map<string, Promise<ReturnType<typeof evaluateRules>>>();
function findingsFor(fixture: FixtureName, input: 'plan' | 'hcl') {
  const key = `${fixture}:${input}`;
  if (!findingsCache.has(key)) {
    // Resource changes plus the provider/variable pre-pass, as reviewInput runs them.
    const source = () => evaluateRules(sourceSecretChanges(input === 'plan' ? { kind: 'plan', plan: loadPlan(fixture) } : { kind: 'hcl', files: [{ path: `${fixture}/main.tf`, content: tfSource(fixture) }] }));
    findingsCache.set(key, input === 'plan' ? Promise.resolve([...evaluateRules(planChanges(fixture)), ...source()]) : hclChanges(fixture).then((c) => [...evaluateRules(c), ...source()]));
  }
  return findingsCache.get(key)!;
}

describe('rule catalogue', () => {
  it('should hold at least 60 rules with unique ids across all eight categories', () => {
    const ids = rules.map((r) => r.id);
    expect(rules.length).toBeGreaterThanOrEqual(60);
    expect(new Set(ids).size).toBe(ids.length);
    expect(new Set(rules.map((r) => r.category))).toEqual(new Set(CATEGORIES));
    for (const r of rules) {
      expect(SEVERITIES).toContain(r.severity);
      expect(r.title.length).toBeGreaterThan(0);
      expect(r.remediation.length).toBeGreaterThan(0);
      expect(r.references.length).toBeGreaterThan(0);
      expect(r.resourceTypes.length).toBeGreaterThan(0);
    }
  });

  it('should list every rule with its severity and references in the package README', () => {
    const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');
    const missing = rules.filter((r) => !readme.includes(`| ${r.id} | ${r.severity} | ${r.title.replace(/\|/g, '\\|')} |`) || !r.references.every((ref) => readme.includes(ref)));
    expect(missing.map((r) => r.id)).toEqual([]);
    expect(readme).toContain(`the catalogue (${rules.length} rules, 8 categories)`);
  });

  it('should have a positive and a negative fixture case for every rule', () => {
    for (const r of rules) {
      const cases = CASES[r.id];
      expect({ id: r.id, hasCases: Boolean(cases) }).toEqual({ id: r.id, hasCases: true });
      expect({ id: r.id, positives: cases!.some((c) => c.bad.length > 0) }).toEqual({ id: r.id, positives: true });
      expect({ id: r.id, negatives: cases!.some((c) => c.good.length > 0) }).toEqual({ id: r.id, negatives: true });
    }
    expect(Object.keys(CASES).filter((id) => !rules.some((r) => r.id === id))).toEqual([]);
  });

  describe.each(rules.map((r) => [r.id, r] as const))('%s', (id) => {
    it('should flag the positive fixtures and stay quiet on the negative ones', async () => {
      for (const c of CASES[id] ?? []) {
        for (const input of c.inputs) {
          const hits = flagged(await findingsFor(c.fixture, input), id);
          for (const address of c.bad) expect({ input, address, flagged: hits.includes(address) }).toEqual({ input, address, flagged: true });
          for (const address of c.good) expect({ input, address, flagged: hits.includes(address) }).toEqual({ input, address, flagged: false });
        }
      }
    });
  });

  it('should flag only the bad resources of a mixed plan', async () => {
    for (const fixture of [IN, PE, DL, DEL, GE, GI, CR, SS] as const) {
      for (const f of await findingsFor(fixture, 'plan')) {
        const expected = Object.entries(CASES).some(([id, cases]) => id === f.ruleId && cases.some((c) => c.fixture === fixture && c.bad.includes(f.resourceAddress)));
        expect({ fixture, ruleId: f.ruleId, address: f.resourceAddress, expected }).toEqual({ fixture, ruleId: f.ruleId, address: f.resourceAddress, expected: true });
      }
    }
  });

  it('should give a well-configured stack no findings at all, from plan or source', async () => {
    expect(await findingsFor('clean', 'plan')).toEqual([]);
    expect(await findingsFor('clean', 'hcl')).toEqual([]);
  });

  it('should attribute findings to exact plan addresses with module path and instance key', async () => {
    const findings = await findingsFor('modules', 'plan');
    expect(findings.map((f) => `${f.ruleId} ${f.resourceAddress}`)).toEqual(['NET-002 aws_security_group.svc["admin"]']);
  });
});
