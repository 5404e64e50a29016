import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const PROVIDER_DIR = join('registry.terraform.io', 'hashicorp', 'aws');

/**
 * Finds the filesystem mirror holding hashicorp/aws: TF_PROVIDER_MIRROR if set, else common
 * locations, else a bounded search of the filesystem. Never a hard-coded single path.
 */
export const findProviderMirror = (env: NodeJS.ProcessEnv = process.env): string | undefined => {
  const candidates = [env.TF_PROVIDER_MIRROR, '/opt/tf-plugins', '/usr/share/terraform/plugins', '/usr/local/share/terraform/plugins', join(env.HOME ?? '/root', '.terraform.d', 'plugins'), join(env.HOME ?? '/root', '.local', 'share', 'terraform', 'plugins')].filter(
    (c): c is string => !!c,
  );
  for (const c of candidates) if (existsSync(join(c, PROVIDER_DIR))) return c;
  const r = spawnSync('find', ['/', '-maxdepth', '7', '-type', 'f', '-name', 'terraform-provider-aws_*', '-not', '-path', '/proc/*'], { encoding: 'utf8', timeout: 60000 });
  const hit = r.stdout?.split('\n').find((l) => l.includes(PROVIDER_DIR));
  return hit ? hit.slice(0, hit.indexOf(PROVIDER_DIR) - 1) : undefined;
};

/** Writes a Terraform CLI config that installs hashicorp/aws from the mirror and nothing from the network. */
export const writeCliConfig = (dir: string, mirror: string): string => {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'terraform.rc');
  writeFileSync(
    file,
    `provider_installation {
  filesystem_mirror {
    path    = ${JSON.stringify(mirror)}
    include = ["registry.terraform.io/hashicorp/aws"]
  }
  direct {
    exclude = ["registry.terraform.io/hashicorp/aws"]
  }
}
`,
  );
  return file;
};

export interface TfResult {
  status: number;
  stdout: string;
  stderr: string;
}

/** The environment for offline runs: mirror-only providers, mock credentials, no checkpoint calls. */
export const offlineEnv = (cliConfig: string, dataDir: string): NodeJS.ProcessEnv => ({
  ...process.env,
  TF_CLI_CONFIG_FILE: cliConfig,
  TF_DATA_DIR: dataDir,
  TF_IN_AUTOMATION: '1',
  TF_INPUT: '0',
  CHECKPOINT_DISABLE: '1',
  AWS_ACCESS_KEY_ID: 'mock-access-key',
  AWS_SECRET_ACCESS_KEY: 'mock-secret-key',
  AWS_REGION: 'us-east-1',
  AWS_EC2_METADATA_DISABLED: 'true',
});

export const terraform = (args: string[], cwd: string, env: NodeJS.ProcessEnv, timeoutMs = 300000): TfResult => {
  const r = spawnSync('terraform', [...args], { cwd, env, encoding: 'utf8', timeout: timeoutMs, maxBuffer: 256 * 1024 * 1024 });
  if (r.error) throw r.error;
  return { status: r.status ?? 1, stdout: r.stdout, stderr: r.stderr };
};
