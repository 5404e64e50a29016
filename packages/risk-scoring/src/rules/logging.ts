import type { Rule } from './rule';
import { UNKNOWN, type ResourceView } from './resource-view';


/** Log group names that say the group holds audit evidence (trails, flow logs, access logs, security tooling). */
const AUDIT_NAME = /(audit|cloudtrail|trail|security|flow[-_]?logs?|vpc[-_]?flow|waf|guardduty|access[-_]?logs?|api[-_]?access|apigateway|api-gateway|\/aws\/eks\/|aws-config)/i;

/** Resources that write audit evidence into a log group, by the attribute that names the group. */
const AUDIT_WRITERS: [string, string][] = [
  ['aws_cloudtrail', 'cloud_watch_logs_group_arn'],
  ['aws_flow_log', 'log_destination'],
  ['aws_flow_log', 'log_group_name'],
  ['aws_api_gateway_stage', 'access_log_settings'],
  ['aws_apigatewayv2_stage', 'access_log_settings'],
  ['aws_wafv2_web_acl_logging_configuration', 'log_destination_configs'],
  ['aws_route53_query_log', 'cloudwatch_log_group_arn'],
];

/** Why the log group holds audit evidence (its name, or the resource that writes into it), or undefined. */
function auditEvidence(v: ResourceView): string | undefined {
  const ctx = v.context;
  if (ctx) {
    for (const [type, attr] of AUDIT_WRITERS) {
      const writers = ctx.referencing(v.change, type, attr);
      if (writers.length > 0) return `${writers[0]!.address} writes into it`;
    }
  }
  const name = v.str('name');
  return typeof name === 'string' && AUDIT_NAME.test(name) ? `its name (${name}) marks audit evidence` : undefined;
}

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
    resourceTypes: ['aws_lb', 'aws_alb', 'aws_elb'],
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
  {
    id: 'LOG-014',
    title: 'CloudFront access logging off',
    category: 'logging',
    severity: 'low',
    resourceTypes: ['aws_cloudfront_distribution'],
    on: 'config',
    remediation: 'Add `logging_config { bucket = "<logs bucket>.s3.amazonaws.com" }` (or CloudWatch log delivery).',
    references: ['AWS FSBP CloudFront.5'],
    check: (v) => {
      const l = v.get('logging_config');
      return l !== UNKNOWN && v.blocks('logging_config').length === 0 && 'Viewer requests to the distribution are not logged.';
    },
  },
  {
    id: 'LOG-015',
    title: 'Audit log group kept for less than a year',
    category: 'logging',
    severity: 'low',
    resourceTypes: ['aws_cloudwatch_log_group'],
    on: 'config',
    remediation: 'Set `retention_in_days = 365` or more (or export to S3 with a lifecycle that keeps a year) for logs an auditor will ask for.',
    references: ['PCI DSS 10.5.1', 'SOC 2 CC7.2', 'AWS FSBP CloudWatch.16'],
    check: (v) => {
      const d = v.num('retention_in_days');
      if (typeof d !== 'number' || d <= 0 || d >= 365) return false; // unset/0 = never expires (LOG-005 judges that)
      const why = auditEvidence(v);
      return why !== undefined && `Audit evidence expires after ${d} days (${why}); audits usually look back 12 months.`;
    },
  },
];
