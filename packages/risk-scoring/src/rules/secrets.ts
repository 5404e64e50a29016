import type { Rule } from './rule';
import { UNKNOWN, type ResourceView } from './resource-view';
import { credentialKind, isSecretName, looksLikeSecretValue, maybeBase64, scriptAssignsSecret } from './secret-patterns';

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Names of environment variables holding literal secrets (never their values). */
function secretEnvNames(v: ResourceView, entries: [string, unknown, (string | number)[]][]): string[] {
  const names: string[] = [];
  for (let i = 0; i < entries.length; i++) {
    const name = entries[i]![0];
    const value = entries[i]![1];
    if (typeof value === 'string' && !v.isSensitive(...entries[i]![2]) && isSecretName(name) && looksLikeSecretValue(value) && !credentialKind(value)) names.push(name);
  }
  return names;
}

function lambdaEnv(v: ResourceView): [string, unknown, (string | number)[]][] {
  const out: [string, unknown, (string | number)[]][] = [];
  const blocks = v.blocks('environment');
  for (let i = 0; i < blocks.length; i++) {
    const path = blocks[i]!.path;
    const vars = v.get(...path, 'variables');
    if (!isObject(vars)) continue;
    for (const k of Object.keys(vars)) {
      const p = [...path, 'variables', k];
      const known = v.get(...p);
      if (known !== UNKNOWN) out.push([k, known, p]);
    }
  }
  return out;
}

function containerEnv(v: ResourceView): [string, unknown, (string | number)[]][] {
  const defs = v.str('container_definitions');
  if (typeof defs !== 'string' || v.isSensitive('container_definitions')) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(defs);
  } catch {
    return [];
  }
  if (!Array.isArray(parsed)) return [];
  return parsed.flatMap((c) =>
    isObject(c) && Array.isArray(c.environment)
      ? c.environment.filter(isObject).map((e): [string, unknown, (string | number)[]] => [String(e.name ?? ''), e.value, ['container_definitions']])
      : [],
  );
}

/**
 * Credential kinds found in the strings of the proposed values, as `<kind> in <top-level attribute>`
 * (never the values). One walk per change, with one reused path buffer and no closures.
 */
function credentialHits(view: ResourceView): Set<string> | undefined {
  const after = view.change.after;
  if (after === null) return undefined;
  const scan = SCAN;
  scan.view = view;
  scan.hits = undefined;
  for (const k in after) {
    scan.path[0] = k;
    scan.depth = 1;
    scanStrings(after[k], scan);
  }
  const hits = scan.hits;
  scan.view = undefined;
  scan.hits = undefined;
  return hits;
}

interface CredentialScan {
  view: ResourceView | undefined;
  /** The current path is `path[0..depth)`; the buffer only grows, so it is not reallocated per value. */
  path: (string | number)[];
  depth: number;
  hits: Set<string> | undefined;
}
/** The scan state, reused by every (synchronous) scan. */
const SCAN: CredentialScan = { view: undefined, path: [], depth: 0, hits: undefined };

function scanStrings(value: unknown, scan: CredentialScan): void {
  if (typeof value === 'string') {
    // credentialKind needs 10 characters, and decoding base64 only makes a string shorter.
    if (value.length < 10) return;
    const top = scan.path[0];
    const kind = credentialKind(top === 'user_data_base64' || top === 'user_data' ? maybeBase64(value) : value);
    if (kind && !scan.view!.isSensitive(...scan.path.slice(0, scan.depth))) (scan.hits ??= new Set()).add(`${kind} in ${String(top)}`);
  } else if (value !== null && typeof value === 'object') {
    const depth = scan.depth;
    scan.depth = depth + 1;
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        scan.path[depth] = i;
        scanStrings(value[i], scan);
      }
    } else {
      const obj = value as Record<string, unknown>;
      for (const k in obj) {
        scan.path[depth] = k;
        scanStrings(obj[k], scan);
      }
    }
    scan.depth = depth;
  }
}

const USER_DATA = ['user_data', 'user_data_base64'];

const PASSWORD_ATTRIBUTES: Record<string, string[]> = {
  aws_db_instance: ['password'],
  aws_rds_cluster: ['master_password'],
  aws_docdb_cluster: ['master_password'],
  aws_neptune_cluster: ['master_password'],
  aws_redshift_cluster: ['master_password'],
  aws_elasticache_replication_group: ['auth_token'],
  aws_memorydb_user: ['passwords'],
  aws_dms_endpoint: ['password'],
  aws_directory_service_directory: ['password'],
  aws_iam_user_login_profile: [],
  aws_opensearch_domain: ['advanced_security_options'],
};

export const secretsRules: Rule[] = [
  {
    id: 'SEC-001',
    title: 'Secret in Lambda environment variables',
    category: 'secrets',
    severity: 'high',
    resourceTypes: ['aws_lambda_function'],
    on: 'config',
    remediation: 'Store the value in Secrets Manager or SSM SecureString and read it at runtime; pass only its ARN/name in the environment.',
    references: ['AWS Lambda security best practices'],
    check: (v) => {
      const names = secretEnvNames(v, lambdaEnv(v));
      return names.length > 0 && `Environment variables ${names.join(', ')} hold literal secret values, readable by anyone with lambda:GetFunctionConfiguration.`;
    },
  },
  {
    id: 'SEC-002',
    title: 'Secret in ECS container environment',
    category: 'secrets',
    severity: 'high',
    resourceTypes: ['aws_ecs_task_definition'],
    on: 'config',
    remediation: 'Use the container definition `secrets` field with Secrets Manager/SSM ARNs instead of `environment`.',
    references: ['AWS FSBP ECS.8'],
    check: (v) => {
      const names = secretEnvNames(v, containerEnv(v));
      return names.length > 0 && `Container environment ${names.join(', ')} holds literal secret values.`;
    },
  },
  {
    id: 'SEC-003',
    title: 'Literal database or service password',
    category: 'secrets',
    severity: 'high',
    resourceTypes: Object.keys(PASSWORD_ATTRIBUTES),
    on: 'config',
    remediation: 'Use `manage_master_user_password = true`, or a `random_password` / Secrets Manager value; never a literal in code.',
    references: ['AWS FSBP SecretsManager', 'CWE-798'],
    check: (v) => {
      const attrs = (PASSWORD_ATTRIBUTES[v.type] ?? []).filter((a) => {
        if (!v.isLiteral(a)) return false;
        if (a === 'advanced_security_options') return v.blocks('advanced_security_options').some(({ path }) => v.blocks(...path, 'master_user_options').some((m) => typeof m.value.master_user_password === 'string'));
        const val = v.get(a);
        return (typeof val === 'string' && val !== '') || (Array.isArray(val) && val.length > 0);
      });
      return attrs.length > 0 && `${attrs.join(', ')} is written as a literal in the configuration; it is in version control and state.`;
    },
  },
  {
    id: 'SEC-004',
    title: 'Secret in instance user data',
    category: 'secrets',
    severity: 'high',
    resourceTypes: ['aws_instance', 'aws_launch_template', 'aws_launch_configuration'],
    on: 'config',
    remediation: 'Fetch secrets at boot from Secrets Manager/SSM using the instance role; keep user data free of credentials.',
    references: ['AWS FSBP EC2', 'CWE-798'],
    check: (v) => {
      for (let i = 0; i < USER_DATA.length; i++) {
        const attr = USER_DATA[i]!;
        const raw = v.str(attr);
        if (typeof raw !== 'string' || v.isSensitive(attr) || /^[0-9a-f]{40}$/.test(raw)) continue; // plan JSON stores a hash of aws_instance user_data
        const script = maybeBase64(raw);
        if (credentialKind(script)) continue; // SEC-009 reports recognised credentials
        const kind = scriptAssignsSecret(script);
        if (kind) return `User data contains ${kind}; anyone who can describe the instance can read it.`;
      }
      return false;
    },
  },
  {
    id: 'SEC-005',
    title: 'Secret stored as a plain-text SSM parameter',
    category: 'secrets',
    severity: 'medium',
    resourceTypes: ['aws_ssm_parameter'],
    on: 'config',
    remediation: 'Use `type = "SecureString"` (with a KMS key) for secrets.',
    references: ['AWS FSBP SSM'],
    check: (v) => {
      const type = v.str('type');
      const name = v.str('name');
      return type !== 'SecureString' && typeof type === 'string' && typeof name === 'string' && isSecretName(name.split('/').pop() ?? name) && `Parameter ${name} looks like a secret but is stored as ${type}.`;
    },
  },
  {
    id: 'SEC-006',
    title: 'Secret value written in Terraform',
    category: 'secrets',
    severity: 'high',
    resourceTypes: ['aws_secretsmanager_secret_version', 'aws_ssm_parameter'],
    on: 'config',
    remediation: 'Create the secret value outside Terraform (or with `random_password` / ephemeral write-only values) so it is not in code.',
    references: ['CWE-798'],
    check: (v) => {
      const attr = v.type === 'aws_ssm_parameter' ? 'value' : 'secret_string';
      if (v.type === 'aws_ssm_parameter' && v.str('type') !== 'SecureString') return false;
      const val = v.get(attr);
      return v.isLiteral(attr) && typeof val === 'string' && val !== '' && `${attr} is a literal in the configuration: the secret is in version control.`;
    },
  },
  {
    id: 'SEC-007',
    title: 'Access key secret stored unencrypted in state',
    category: 'secrets',
    severity: 'medium',
    resourceTypes: ['aws_iam_access_key'],
    on: 'config',
    remediation: 'Set `pgp_key`, or better, avoid IAM user keys altogether.',
    references: ['AWS FSBP IAM.3'],
    check: (v) => {
      const k = v.get('pgp_key');
      return (k === undefined || k === '') && 'The secret access key will be stored in plain text in Terraform state.';
    },
  },
  {
    id: 'SEC-008',
    title: 'Plain-text secret in CodeBuild environment',
    category: 'secrets',
    severity: 'high',
    resourceTypes: ['aws_codebuild_project'],
    on: 'config',
    remediation: 'Use `type = "SECRETS_MANAGER"` or `"PARAMETER_STORE"` for secret environment variables.',
    references: ['AWS FSBP CodeBuild.2'],
    check: (v) => {
      const names: string[] = [];
      for (const env of v.blocks('environment'))
        for (const { value: e, path } of v.blocks(...env.path, 'environment_variable')) {
          const type = e.type ?? 'PLAINTEXT';
          if (type === 'PLAINTEXT' && typeof e.name === 'string' && typeof e.value === 'string' && !v.isSensitive(...path, 'value') && isSecretName(e.name) && looksLikeSecretValue(e.value)) names.push(e.name);
        }
      return names.length > 0 && `PLAINTEXT environment variables ${names.join(', ')} hold secrets.`;
    },
  },
  {
    id: 'SEC-009',
    title: 'Credential pattern in configuration',
    category: 'secrets',
    severity: 'critical',
    resourceTypes: ['*'],
    on: 'config',
    remediation: 'Revoke the credential now (it is in version control and state), then load it from Secrets Manager/SSM at runtime.',
    references: ['CWE-798'],
    check: (v) => {
      const hits = credentialHits(v);
      return hits !== undefined && hits.size > 0 && `Found ${[...hits].join('; ')}.`;
    },
  },
];
