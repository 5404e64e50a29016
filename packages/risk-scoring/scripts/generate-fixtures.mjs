#!/usr/bin/env node
// Regenerates test/fixtures/plans/<name>.json from test/fixtures/tf/<name>/ with the offline
// Terraform and the hashicorp/aws provider from a local filesystem mirror. Run by hand:
//   TF_PLUGIN_MIRROR=/opt/tf-plugins node packages/risk-scoring/scripts/generate-fixtures.mjs [name…]
// (the mirror is discovered under /opt, /usr/share and ~/.terraform.d when TF_PLUGIN_MIRROR is unset).
// A fixture directory may hold terraform.tfstate (version 4): the plan then runs against it with
// -refresh=false, which is how the delete/replace fixtures get real delete and replace actions.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const pkg = join(dirname(fileURLToPath(import.meta.url)), '..');
const tfDir = join(pkg, 'test', 'fixtures', 'tf');
const outDir = join(pkg, 'test', 'fixtures', 'plans');

function findMirror() {
  if (process.env.TF_PLUGIN_MIRROR) return process.env.TF_PLUGIN_MIRROR;
  for (const root of ['/opt', '/usr/share', '/usr/local/share', join(homedir(), '.terraform.d')]) {
    const stack = [[root, 0]];
    while (stack.length) {
      const [dir, depth] = stack.pop();
      let entries;
      try {
        entries = readdirSync(dir, { withFileTypes: true });
      } catch {
        continue;
      }
      for (const e of entries) {
        if (!e.isDirectory()) continue;
        if (e.name === 'registry.terraform.io' && existsSync(join(dir, e.name, 'hashicorp', 'aws'))) return dir;
        if (depth < 4) stack.push([join(dir, e.name), depth + 1]);
      }
    }
  }
  throw new Error('no Terraform provider mirror found: set TF_PLUGIN_MIRROR');
}

const PROVIDER = `terraform {
  required_providers {
    aws = { source = "hashicorp/aws", version = "5.100.0" }
  }
}
provider "aws" {
  region                      = "us-east-1"
  access_key                  = "mock"
  secret_key                  = "mock"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
}
`;

function run(cwd, env, args) {
  const r = spawnSync('terraform', args, { cwd, env, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`terraform ${args.join(' ')} failed in ${cwd}:\n${r.stderr}${r.stdout}`);
  return r.stdout;
}

const mirror = findMirror();
const work = mkdtempSync(join(tmpdir(), 'risk-fixtures-'));
const cliConfig = join(work, 'cli.tfrc');
writeFileSync(
  cliConfig,
  `provider_installation {
  filesystem_mirror {
    path    = "${mirror}"
    include = ["registry.terraform.io/hashicorp/aws"]
  }
  direct {
    exclude = ["registry.terraform.io/hashicorp/aws"]
  }
}
`,
);
const env = { ...process.env, TF_CLI_CONFIG_FILE: cliConfig, TF_IN_AUTOMATION: '1', CHECKPOINT_DISABLE: '1' };
mkdirSync(outDir, { recursive: true });
const names = process.argv.slice(2).length ? process.argv.slice(2) : readdirSync(tfDir).filter((n) => existsSync(join(tfDir, n, 'main.tf')));
for (const name of names) {
  const dir = join(work, name);
  cpSync(join(tfDir, name), dir, { recursive: true });
  writeFileSync(join(dir, 'zz_provider.tf'), PROVIDER);
  run(dir, env, ['init', '-backend=false', '-input=false', '-no-color']);
  run(dir, env, ['plan', '-refresh=false', '-input=false', '-no-color', '-lock=false', '-out', 'p']);
  const plan = JSON.parse(run(dir, env, ['show', '-json', 'p']));
  // Keep what review reads; drop planned_values/prior_state/relevant_attributes to keep fixtures small.
  const { format_version, terraform_version, resource_changes, configuration } = plan;
  const kept = { format_version, terraform_version, resource_changes, configuration };
  writeFileSync(join(outDir, `${name}.json`), `${JSON.stringify(kept)}\n`);
  process.stderr.write(`${name}: ${resource_changes?.length ?? 0} resource changes\n`);
}
rmSync(work, { recursive: true, force: true });
