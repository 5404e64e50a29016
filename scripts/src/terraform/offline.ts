import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROVIDER_ADDRESS, type ProviderSource } from './provider-source';

/**
 * Writes a Terraform CLI config for the chosen provider source: hashicorp/aws from the mirror and
 * nothing from the network, or everything from the registry (checked against the lock file).
 * `registryHost` overrides the registry's provider service (tests point it at a closed loopback port).
 */
export const writeCliConfig = (dir: string, source: ProviderSource, registryHost?: string): string => {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'terraform.rc');
  const installation =
    source.kind === 'mirror'
      ? `provider_installation {
  filesystem_mirror {
    path    = ${JSON.stringify(source.path)}
    include = ["${PROVIDER_ADDRESS}"]
  }
  direct {
    exclude = ["${PROVIDER_ADDRESS}"]
  }
}
`
      : `provider_installation {
  direct {}
}
`;
  const host = registryHost ? `host "registry.terraform.io" {
  services = {
    "providers.v1" = ${JSON.stringify(registryHost)}
  }
}
` : '';
  writeFileSync(file, installation + host);
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
  if ((r.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') {
    throw new Error('terraform is not on PATH: npm test and npm run plan need the Terraform CLI (>= 1.6; CI uses 1.11.4). Install it, or put it on PATH.');
  }
  if (r.error) throw r.error;
  return { status: r.status ?? 1, stdout: r.stdout, stderr: r.stderr };
};
