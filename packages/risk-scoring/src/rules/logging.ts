import type { Rule } from './rule';
import { UNKNOWN } from './resource-view';

export const loggingRules: Rule[] = [
  {
    id: 'LOG-001',
    title: 'CloudTrail trail deleted',
    category: 'logging',
    severity: 'high',
    resourceTypes: ['aws_cloudtrail'],
    on: 'delete',
    remediation: 'Keep an organisation or multi-region trail; replace trails before removing them.',
    references: ['AWS FSBP CloudTrail.1', 'CIS AWS 3.1'],
    check: (v) => v.isDelete && 'The plan deletes a CloudTrail trail: API activity stops being recorded.',
  },
  {
    id: 'LOG-002',
    title: 'CloudTrail logging stopped',
    category: 'logging',
    severity: 'high',
    resourceTypes: ['aws_cloudtrail'],
    on: 'config',
    remediation: 'Set `enable_logging = true`.',
    references: ['AWS FSBP CloudTrail.1', 'CIS AWS 3.1'],
    check: (v) => v.bool('enable_logging') === false && 'The trail exists but does not record API activity.',
  },
  {
    id: 'LOG-003',
    title: 'CloudTrail trail is single-region',
    category: 'logging',
    severity: 'medium',
    resourceTypes: ['aws_cloudtrail'],
    on: 'config',
    remediation: 'Set `is_multi_region_trail = true` (and `include_global_service_events = true`).',
    references: ['AWS FSBP CloudTrail.1', 'CIS AWS 3.1'],
    check: (v) => {
      const b = v.bool('is_multi_region_trail');
      return (b === false || b === undefined) && 'Activity in other regions is not recorded.';
    },
  },
  {
    id: 'LOG-004',
    title: 'CloudTrail log file validation off',
    category: 'logging',
    severity: 'low',
    resourceTypes: ['aws_cloudtrail'],
    on: 'config',
    remediation: 'Set `enable_log_file_validation = true`.',
    references: ['AWS FSBP CloudTrail.4', 'CIS AWS 3.2'],
    check: (v) => {
      const b = v.bool('enable_log_file_validation');
      return (b === false || b === undefined) && 'Tampering with delivered log files would go unnoticed.';
    },
  },
  {
    id: 'LOG-005',
    title: 'Log group without retention',
    category: 'logging',
    severity: 'low',
    resourceTypes: ['aws_cloudwatch_log_group'],
    on: 'config',
    remediation: 'Set `retention_in_days` to what your policy requires (e.g. 90 or 365).',
    references: ['AWS FSBP CloudWatch.16'],
    check: (v) => {
      const d = v.num('retention_in_days');
      return (d === 0 || d === undefined) && 'Logs are kept forever: unbounded cost and no defined retention.';
    },
  },
  {
    id: 'LOG-006',
    title: 'VPC flow log removed',
    category: 'logging',
    severity: 'medium',
    resourceTypes: ['aws_flow_log'],
    on: 'delete',
    remediation: 'Keep flow logs on for every VPC.',
    references: ['AWS FSBP EC2.6', 'CIS AWS 3.9'],
    check: (v) => v.isDelete && 'Network flow logging stops for this VPC/subnet/interface.',
  },
  {
    id: 'LOG-007',
    title: 'Load balancer access logs off',
    category: 'logging',
    severity: 'low',
    resourceTypes: ['aws_lb', 'aws_alb'],
    on: 'config',
    remediation: 'Add `access_logs { bucket = … enabled = true }`.',
    references: ['AWS FSBP ELB.5'],
    check: (v) => {
      if (v.str('load_balancer_type') === 'gateway') return false;
      const logs = v.blocks('access_logs');
      const enabled = logs.some(({ path }) => {
        const b = v.bool(...path, 'enabled');
        return b === true || b === UNKNOWN || (b === undefined && typeof v.str(...path, 'bucket') === 'string');
      });
      return !enabled && 'Requests to the load balancer are not logged.';
    },
  },
  {
    id: 'LOG-008',
    title: 'S3 access logging removed',
    category: 'logging',
    severity: 'low',
    resourceTypes: ['aws_s3_bucket_logging'],
    on: 'delete',
    remediation: 'Keep server access logging (or CloudTrail data events) for buckets holding important data.',
    references: ['AWS FSBP S3.9'],
    check: (v) => v.isDelete && 'Server access logging stops for this bucket.',
  },
  {
    id: 'LOG-009',
    title: 'EKS control-plane logging off',
    category: 'logging',
    severity: 'low',
    resourceTypes: ['aws_eks_cluster'],
    on: 'config',
    remediation: 'Set `enabled_cluster_log_types = ["api", "audit", "authenticator"]`.',
    references: ['AWS FSBP EKS.8'],
    check: (v) => {
      const types = v.strings('enabled_cluster_log_types');
      if (types === UNKNOWN) return false;
      return !(types ?? []).includes('audit') && 'Kubernetes audit logs are not sent to CloudWatch.';
    },
  },
  {
    id: 'LOG-010',
    title: 'GuardDuty disabled',
    category: 'logging',
    severity: 'medium',
    resourceTypes: ['aws_guardduty_detector'],
    on: 'config',
    remediation: 'Set `enable = true`.',
    references: ['AWS FSBP GuardDuty.1'],
    check: (v) => v.bool('enable') === false && 'Threat detection is turned off.',
  },
  {
    id: 'LOG-011',
    title: 'Threat detection or config recording removed',
    category: 'logging',
    severity: 'medium',
    resourceTypes: ['aws_guardduty_detector', 'aws_securityhub_account', 'aws_config_configuration_recorder'],
    on: 'delete',
    remediation: 'Keep GuardDuty, Security Hub and AWS Config enabled in every account and region.',
    references: ['AWS FSBP GuardDuty.1', 'AWS FSBP Config.1', 'CIS AWS 3.3'],
    check: (v) => v.isDelete && `The plan removes ${v.type}: detection/recording stops.`,
  },
  {
    id: 'LOG-012',
    title: 'AWS Config recorder stopped',
    category: 'logging',
    severity: 'medium',
    resourceTypes: ['aws_config_configuration_recorder_status'],
    on: 'config',
    remediation: 'Set `is_enabled = true`.',
    references: ['AWS FSBP Config.1', 'CIS AWS 3.3'],
    check: (v) => v.bool('is_enabled') === false && 'Configuration changes are no longer recorded.',
  },
  {
    id: 'LOG-013',
    title: 'API Gateway stage without access logs',
    category: 'logging',
    severity: 'low',
    resourceTypes: ['aws_api_gateway_stage', 'aws_apigatewayv2_stage'],
    on: 'config',
    remediation: 'Add `access_log_settings { destination_arn = … format = … }`.',
    references: ['AWS FSBP APIGateway.1'],
    check: (v) => v.blocks('access_log_settings').length === 0 && v.get('access_log_settings') !== UNKNOWN && 'API requests to this stage are not logged.',
  },
];
