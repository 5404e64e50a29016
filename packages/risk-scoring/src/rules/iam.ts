import type { Rule } from './rule';
import { UNKNOWN } from './resource-view';
import { actionMatches, allowStatements, anyPrincipal, isReadOnlyAction, isStar, scopedByCondition, type Statement } from './policy';

const IDENTITY_POLICY_TYPES = ['aws_iam_policy', 'aws_iam_role_policy', 'aws_iam_user_policy', 'aws_iam_group_policy', 'aws_iam_policy_document'];
const ATTACHMENT_TYPES = ['aws_iam_role_policy_attachment', 'aws_iam_user_policy_attachment', 'aws_iam_group_policy_attachment', 'aws_iam_policy_attachment'];

const identity = (view: Parameters<Rule['check']>[0]) => allowStatements(view, 'policy');

/** Managed policy ARNs a change attaches (attachments, or `managed_policy_arns` on a role). */
function attachedPolicyArns(view: Parameters<Rule['check']>[0]): string[] {
  if (view.type === 'aws_iam_role') {
    const arns = view.strings('managed_policy_arns');
    return arns === UNKNOWN || !arns ? [] : arns;
  }
  const arn = view.str('policy_arn');
  return typeof arn === 'string' ? [arn] : [];
}
const managedPatterns = new Map<string, RegExp>();
function awsManaged(arn: string, name: string): boolean {
  let re = managedPatterns.get(name);
  if (!re) managedPatterns.set(name, (re = new RegExp(`^arn:aws[a-z-]*:iam::aws:policy/(.*/)?${name}$`)));
  return re.test(arn);
}

const PRIVILEGED_SERVICES = ['iam', 'sts', 'kms', 'organizations', 'secretsmanager'];
const PRIVILEGED_WILDCARDS = new Set(PRIVILEGED_SERVICES.map((svc) => `${svc}:*`));
/** Actions that do not support resource-level permissions, so `Resource: "*"` is the only option. */
const RESOURCE_STAR_ONLY = /^(xray:Put|cloudwatch:PutMetricData|ec2:(Create|Delete|Describe|Assign|Unassign)NetworkInterface|logs:(CreateLogGroup|DescribeLogGroups)|sts:GetCallerIdentity|ecr:GetAuthorizationToken|ssm:DescribeParameters|tag:GetResources|kms:ListAliases|s3:ListAllMyBuckets)/i;


/** Condition keys that make a cross-account trust safe: an external id, MFA, or the caller's organisation. */
const TRUST_GUARDS = /^(sts:externalid|aws:multifactorauthpresent|aws:multifactorauthage|aws:principalorgid|aws:principalorgpaths)$/i;

/** AWS principals of a trust statement that name an account (id, `:root`, a role/user ARN) other than a service. */
function accountPrincipals(s: Statement): string[] {
  return (s.principals.AWS ?? []).filter((p) => p !== '*' && (/^\d{12}$/.test(p) || /^arn:aws[a-z-]*:(iam|sts)::\d{12}:/.test(p)));
}

/** A resource pattern covers more than one specific thing: `*`, or a wildcard in the resource name. */
const wildResource = (r: string): boolean => r === '*' || /[*?]/.test(r.split(':').slice(5).join(':'));

/** Actions that let a principal raise its own privileges on their own (any resource they may touch). */
const SELF_ESCALATION = [
  'iam:CreatePolicyVersion',
  'iam:SetDefaultPolicyVersion',
  'iam:AttachUserPolicy',
  'iam:AttachGroupPolicy',
  'iam:AttachRolePolicy',
  'iam:PutUserPolicy',
  'iam:PutGroupPolicy',
  'iam:PutRolePolicy',
  'iam:UpdateAssumeRolePolicy',
  'iam:AddUserToGroup',
];
/** Actions that take over another user's identity. */
const USER_TAKEOVER = ['iam:CreateAccessKey', 'iam:CreateLoginProfile', 'iam:UpdateLoginProfile'];
/** Services that run code with a passed role: iam:PassRole plus one of these is an escalation. */
const PASS_ROLE_TARGETS: [string, string][] = [
  ['lambda:CreateFunction', 'Lambda'],
  ['lambda:UpdateFunctionConfiguration', 'Lambda'],
  ['ec2:RunInstances', 'EC2'],
  ['glue:CreateDevEndpoint', 'Glue'],
  ['glue:UpdateDevEndpoint', 'Glue'],
  ['glue:CreateJob', 'Glue'],
  ['cloudformation:CreateStack', 'CloudFormation'],
  ['cloudformation:UpdateStack', 'CloudFormation'],
  ['datapipeline:CreatePipeline', 'Data Pipeline'],
  ['sagemaker:CreateNotebookInstance', 'SageMaker'],
  ['ecs:RunTask', 'ECS'],
  ['codebuild:CreateProject', 'CodeBuild'],
];

/** Allow statements granting `action` through an explicit or partial-wildcard pattern (`*` / `iam:*` are other rules' findings). */
function granting(statements: Statement[], action: string): Statement[] {
  return statements.filter((s) => s.actions.some((a) => !isStar(a) && a.toLowerCase() !== 'iam:*' && actionMatches(a, action)));
}

function escalations(statements: Statement[]): string[] {
  // Every escalation needs an explicit or partially wildcarded iam: action.
  if (!statements.some((s) => s.actions.some((a) => a.length > 4 && a.slice(0, 4).toLowerCase() === 'iam:' && a !== 'iam:*'))) return [];
  const out: string[] = [];
  for (const a of SELF_ESCALATION) if (granting(statements, a).some((s) => s.resources.some(wildResource))) out.push(a);
  for (const a of USER_TAKEOVER)
    if (granting(statements, a).some((s) => s.resources.some((r) => wildResource(r) || (/:user\//.test(r) && !r.includes('${aws:username}'))))) out.push(`${a} on other users`);
  const passAny = granting(statements, 'iam:PassRole').some((s) => s.resources.some(wildResource));
  if (passAny) {
    const services = new Set<string>();
    for (const [a, svc] of PASS_ROLE_TARGETS) if (granting(statements, a).length > 0) services.add(svc);
    if (services.size > 0) out.push(`iam:PassRole on any role with ${[...services].join('/')} create/run`);
  }
  return out;
}

export const iamRules: Rule[] = [
  {
    id: 'IAM-001',
    title: 'Policy grants every action on every resource',
    category: 'iam',
    severity: 'critical',
    resourceTypes: IDENTITY_POLICY_TYPES,
    on: 'config',
    remediation: 'Replace `Action: "*"` / `Resource: "*"` with the specific actions and resource ARNs the principal needs.',
    references: ['AWS FSBP IAM.1', 'CIS AWS 1.16'],
    check: (v) => identity(v).some((s) => s.actions.some(isStar) && s.resources.some(isStar)) && 'Allows "*" actions on "*" resources: full administrator access.',
  },
  {
    id: 'IAM-002',
    title: 'Policy grants every action on a resource',
    category: 'iam',
    severity: 'high',
    resourceTypes: IDENTITY_POLICY_TYPES,
    on: 'config',
    remediation: 'List the actions the principal needs instead of `Action: "*"`.',
    references: ['AWS FSBP IAM.1'],
    check: (v) =>
      identity(v).some((s) => s.actions.some(isStar) && !s.resources.some(isStar) && s.resources.length > 0) && 'Allows every action ("*") on the listed resources.',
  },
  {
    id: 'IAM-003',
    title: 'Policy grants full access to a privileged service',
    category: 'iam',
    severity: 'high',
    resourceTypes: IDENTITY_POLICY_TYPES,
    on: 'config',
    remediation: 'Grant the specific iam/sts/kms/organizations/secretsmanager actions needed, never the service wildcard.',
    references: ['AWS FSBP IAM.21'],
    check: (v) => {
      let hits: Set<string> | undefined;
      const statements = identity(v);
      for (let i = 0; i < statements.length; i++) {
        const actions = statements[i]!.actions;
        for (let j = 0; j < actions.length; j++) if (PRIVILEGED_WILDCARDS.has(actions[j]!.toLowerCase())) (hits ??= new Set()).add(actions[j]!);
      }
      return hits !== undefined && `Allows ${[...hits].join(', ')}: enough to escalate privileges or read secrets.`;
    },
  },
  {
    id: 'IAM-004',
    title: 'Policy grants a service-wide wildcard action',
    category: 'iam',
    severity: 'medium',
    resourceTypes: IDENTITY_POLICY_TYPES,
    on: 'config',
    remediation: 'Replace `service:*` with the actions the workload calls.',
    references: ['AWS FSBP IAM.21'],
    check: (v) => {
      let hits: Set<string> | undefined;
      const statements = identity(v);
      for (let i = 0; i < statements.length; i++) {
        const actions = statements[i]!.actions;
        for (let j = 0; j < actions.length; j++) {
          const a = actions[j]!;
          if (/^[a-z0-9-]+:\*$/i.test(a) && !PRIVILEGED_SERVICES.includes(a.split(':')[0]!.toLowerCase())) (hits ??= new Set()).add(a);
        }
      }
      return hits !== undefined && `Allows service-wide wildcards: ${[...hits].join(', ')}.`;
    },
  },
  {
    id: 'IAM-005',
    title: 'Write actions allowed on every resource',
    category: 'iam',
    severity: 'medium',
    resourceTypes: IDENTITY_POLICY_TYPES,
    on: 'config',
    remediation: 'Scope `Resource` to the ARNs the actions need; keep `"*"` only for actions without resource-level permissions.',
    references: ['AWS FSBP IAM.21'],
    check: (v) => {
      let hits: Set<string> | undefined;
      const statements = identity(v);
      for (let i = 0; i < statements.length; i++) {
        const s = statements[i]!;
        if (!s.resources.some(isStar)) continue;
        for (let j = 0; j < s.actions.length; j++) {
          const a = s.actions[j]!;
          if (!isStar(a) && !/:\*$/.test(a) && !isReadOnlyAction(a) && !RESOURCE_STAR_ONLY.test(a) && !/^iam:PassRole$/i.test(a)) (hits ??= new Set()).add(a); // PassRole: IAM-007
        }
      }
      return hits !== undefined && `Allows ${[...hits].slice(0, 5).join(', ')}${hits.size > 5 ? ' …' : ''} on Resource "*".`;
    },
  },
  {
    id: 'IAM-006',
    title: 'Allow statement uses NotAction',
    category: 'iam',
    severity: 'high',
    resourceTypes: IDENTITY_POLICY_TYPES,
    on: 'config',
    remediation: 'Use an explicit `Action` list with Allow; keep `NotAction` for Deny statements.',
    references: ['AWS IAM best practices'],
    check: (v) => identity(v).some((s) => s.notActions.length > 0) && 'Allow with NotAction grants every action except the listed ones, including future ones.',
  },
  {
    id: 'IAM-007',
    title: 'iam:PassRole on any role',
    category: 'iam',
    severity: 'high',
    resourceTypes: IDENTITY_POLICY_TYPES,
    on: 'config',
    remediation: 'Restrict `iam:PassRole` to the specific role ARNs, ideally with an `iam:PassedToService` condition.',
    references: ['AWS IAM best practices'],
    check: (v) =>
      identity(v).some((s) => s.actions.some((a) => /^iam:(PassRole|\*|Pass\*)$/i.test(a)) && s.resources.some(isStar) && !s.actions.some(isStar)) &&
      'Allows iam:PassRole on every role: the principal can hand any role to a service it controls.',
  },
  {
    id: 'IAM-008',
    title: 'AdministratorAccess attached',
    category: 'iam',
    severity: 'critical',
    resourceTypes: [...ATTACHMENT_TYPES, 'aws_iam_role'],
    on: 'config',
    remediation: 'Attach a least-privilege policy; break-glass admin access belongs in a separate, monitored role.',
    references: ['AWS FSBP IAM.1', 'CIS AWS 1.16'],
    check: (v) => attachedPolicyArns(v).some((a) => awsManaged(a, 'AdministratorAccess')) && 'Attaches the AWS managed AdministratorAccess policy.',
  },
  {
    id: 'IAM-009',
    title: 'IAMFullAccess attached',
    category: 'iam',
    severity: 'high',
    resourceTypes: [...ATTACHMENT_TYPES, 'aws_iam_role'],
    on: 'config',
    remediation: 'Grant only the IAM actions needed on specific roles/policies.',
    references: ['AWS FSBP IAM.1'],
    check: (v) => attachedPolicyArns(v).some((a) => awsManaged(a, 'IAMFullAccess')) && 'Attaches IAMFullAccess: the principal can grant itself any permission.',
  },
  {
    id: 'IAM-010',
    title: 'Broad AWS managed policy attached',
    category: 'iam',
    severity: 'medium',
    resourceTypes: [...ATTACHMENT_TYPES, 'aws_iam_role'],
    on: 'config',
    remediation: 'Prefer a customer managed policy scoped to the resources the workload uses.',
    references: ['AWS IAM best practices'],
    check: (v) => {
      const broad = attachedPolicyArns(v).filter((a) => awsManaged(a, '(PowerUserAccess|[A-Za-z0-9]+FullAccess)') && !awsManaged(a, 'IAMFullAccess'));
      return broad.length > 0 && `Attaches broad AWS managed policies: ${broad.map((a) => a.split('/').pop()).join(', ')}.`;
    },
  },
  {
    id: 'IAM-011',
    title: 'Role trust policy allows any principal',
    category: 'iam',
    severity: 'critical',
    resourceTypes: ['aws_iam_role'],
    on: 'config',
    remediation: 'Name the trusted accounts, roles or services in `Principal`, or scope with aws:PrincipalOrgID / aws:SourceAccount.',
    references: ['AWS IAM best practices', 'AWS FSBP IAM'],
    check: (v) =>
      allowStatements(v, 'assume_role_policy').some((s) => anyPrincipal(s) && !scopedByCondition(s)) &&
      'Trust policy lets any AWS principal assume this role.',
  },
  {
    id: 'IAM-012',
    title: 'GitHub OIDC trust without a subject condition',
    category: 'iam',
    severity: 'high',
    resourceTypes: ['aws_iam_role'],
    on: 'config',
    remediation: 'Add a `StringLike` condition on `token.actions.githubusercontent.com:sub` naming your repository (and branch/environment).',
    references: ['GitHub OIDC hardening guide'],
    check: (v) =>
      allowStatements(v, 'assume_role_policy').some(
        (s) =>
          (s.principals.Federated ?? []).some((f) => f.includes('token.actions.githubusercontent.com')) &&
          !s.conditionKeys.some((k) => /token\.actions\.githubusercontent\.com:sub/i.test(k)),
      ) && 'Any GitHub repository can assume this role: the trust has no `sub` condition.',
  },
  {
    id: 'IAM-013',
    title: 'Policy attached directly to an IAM user',
    category: 'iam',
    severity: 'low',
    resourceTypes: ['aws_iam_user_policy', 'aws_iam_user_policy_attachment'],
    on: 'config',
    remediation: 'Attach policies to groups or roles and add users to groups.',
    references: ['AWS FSBP IAM.2', 'CIS AWS 1.15'],
    check: () => 'Grants permissions to a user directly instead of through a group or role.',
  },
  {
    id: 'IAM-014',
    title: 'Long-lived IAM user access key',
    category: 'iam',
    severity: 'medium',
    resourceTypes: ['aws_iam_access_key'],
    on: 'config',
    remediation: 'Use roles (OIDC federation, IAM Identity Center, instance profiles) instead of static access keys.',
    references: ['AWS FSBP IAM.3', 'CIS AWS 1.14'],
    check: (v) => v.str('status') !== 'Inactive' && 'Creates a long-lived access key for an IAM user.',
  },
  {
    id: 'IAM-015',
    title: 'Weak account password policy',
    category: 'iam',
    severity: 'low',
    resourceTypes: ['aws_iam_account_password_policy'],
    on: 'config',
    remediation: 'Require at least 14 characters and prevent reuse of the last 24 passwords.',
    references: ['CIS AWS 1.8', 'CIS AWS 1.9', 'AWS FSBP IAM.7'],
    check: (v) => {
      const len = v.num('minimum_password_length') ?? 6; // provider default
      return typeof len === 'number' && len < 14 && `Minimum password length is ${len} (CIS requires 14).`;
    },
  },
  {
    id: 'IAM-016',
    title: 'Instance metadata service v1 allowed',
    category: 'iam',
    severity: 'medium',
    resourceTypes: ['aws_instance', 'aws_launch_template', 'aws_launch_configuration'],
    on: 'config',
    remediation: 'Add `metadata_options { http_tokens = "required" }` (IMDSv2), or `http_endpoint = "disabled"`.',
    references: ['AWS FSBP EC2.8', 'AWS FSBP AutoScaling.3'],
    check: (v) => {
      const opts = v.get('metadata_options');
      if (opts === UNKNOWN) return false;
      const blocks = v.blocks('metadata_options');
      if (blocks.length === 0) return 'No metadata_options: IMDSv1 stays available, so an SSRF bug can read the instance role credentials.';
      return (
        blocks.some(({ path }) => v.str(...path, 'http_endpoint') !== 'disabled' && (v.str(...path, 'http_tokens') === 'optional' || v.get(...path, 'http_tokens') === undefined)) &&
        '`http_tokens` is not "required": IMDSv1 stays available, so an SSRF bug can read the instance role credentials.'
      );
    },
  },
  {
    id: 'IAM-017',
    title: 'Cross-account trust without external id or MFA',
    category: 'iam',
    severity: 'medium',
    resourceTypes: ['aws_iam_role'],
    on: 'config',
    remediation: 'Add a `sts:ExternalId` condition for third parties, or `aws:MultiFactorAuthPresent = true` for people, or scope to your organisation with `aws:PrincipalOrgID`.',
    references: ['AWS IAM confused deputy guidance', 'AWS IAM best practices (MFA)'],
    check: (v) => {
      const accounts = new Set<string>();
      for (const s of allowStatements(v, 'assume_role_policy')) {
        if (s.conditionKeys.some((k) => TRUST_GUARDS.test(k))) continue;
        for (const p of accountPrincipals(s)) accounts.add(/^\d{12}$/.test(p) ? p : p.split(':')[4]!);
      }
      // The configuration's own account (seen in its other ARNs) trusting itself is not cross-account.
      const home = accounts.size > 0 ? v.context?.homeAccount() : undefined;
      if (home !== undefined) accounts.delete(home);
      return accounts.size > 0 && `Account ${[...accounts].join(', ')} can assume this role without an sts:ExternalId or MFA condition.`;
    },
  },
  {
    id: 'IAM-018',
    title: 'Policy allows privilege escalation',
    category: 'iam',
    severity: 'high',
    resourceTypes: IDENTITY_POLICY_TYPES,
    on: 'config',
    remediation: 'Remove the escalation path: scope iam:PassRole to named roles (with iam:PassedToService), and grant policy/role/user-administration actions only on specific ARNs, never "*".',
    references: ['AWS IAM best practices', 'Checkov CKV_AWS_286', 'Checkov CKV_AWS_287'],
    check: (v) => {
      const hits = escalations(identity(v));
      return hits.length > 0 && `Can escalate to administrator: ${hits.join('; ')}.`;
    },
  },
];
