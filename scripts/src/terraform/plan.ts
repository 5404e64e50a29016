// The offline plan of our own deployment: bundle every function, `terraform init` (provider from
// the source decideProviderSource picks), `plan -refresh=false` with mock credentials, then
// `terraform show -json` into a file. Used by the terraform test and by the PR workflow, which
// reviews the result with our own `review` CLI.
//
//   tsx scripts/src/terraform/plan.ts --out plan.json [--var name=value …]
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { bundleFunction } from '../bundle/bundle';
import { loadManifest, repoRoot } from '../lib/repo';
import { offlineEnv, terraform, writeCliConfig } from './offline';
import { describeSource, explainInitFailure, lockedVersion, providerSourceForThisMachine, type ProviderSource } from './provider-source';

export const tfDir = join(repoRoot, 'terraform');
export const lockFile = join(tfDir, '.terraform.lock.hcl');

export interface OwnPlan {
  source: ProviderSource;
  /** `terraform show -json` of the plan. */
  json: string;
  artifacts: string;
}

/** Bundles, inits and plans in `work` (a scratch folder); throws an actionable message on failure. */
export const planOwnDeployment = async (work: string, vars: string[] = [], source: ProviderSource = providerSourceForThisMachine(lockFile)): Promise<OwnPlan> => {
  const artifacts = join(work, 'artifacts');
  for (const spec of loadManifest()) await bundleFunction(repoRoot, spec, artifacts);
  const env = offlineEnv(writeCliConfig(work, source), join(work, 'data'));
  const init = terraform(['init', '-backend=false', '-input=false', '-no-color'], tfDir, env);
  if (init.status !== 0) throw new Error(explainInitFailure(source, init.stderr, lockedVersion(lockFile)));
  const planFile = join(work, 'plan.bin');
  const varArgs = vars.flatMap((v) => ['-var', v]);
  const plan = terraform(['plan', '-refresh=false', '-lock=false', '-input=false', '-no-color', '-var', 'offline_checks=true', '-var', `artifacts_dir=${artifacts}`, ...varArgs, '-out', planFile], tfDir, env);
  if (plan.status !== 0) throw new Error(`terraform plan failed:\n${plan.stderr.trim()}`);
  const show = terraform(['show', '-json', planFile], tfDir, env);
  if (show.status !== 0) throw new Error(`terraform show -json failed:\n${show.stderr.trim()}`);
  return { source, json: show.stdout, artifacts };
};

const main = async (): Promise<number> => {
  const args = process.argv.slice(2);
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write('Usage: tsx scripts/src/terraform/plan.ts --out FILE [--var name=value …]\n  Writes `terraform show -json` of the offline plan of terraform/ (mock credentials, no AWS calls).\n');
    return 0;
  }
  const outAt = args.indexOf('--out');
  const out = outAt >= 0 ? args[outAt + 1] : undefined;
  if (!out) {
    process.stderr.write('plan: --out FILE is required (see --help)\n');
    return 2;
  }
  const vars = args.flatMap((a, i) => (args[i - 1] === '--var' ? [a] : []));
  const work = mkdtempSync(join(tmpdir(), 'tf-plan-'));
  try {
    const source = providerSourceForThisMachine(lockFile);
    process.stderr.write(`plan: provider from ${describeSource(source)}\n`);
    const result = await planOwnDeployment(work, vars, source);
    writeFileSync(resolve(out), result.json);
    const resources = (JSON.parse(readFileSync(resolve(out), 'utf8')) as { resource_changes?: unknown[] }).resource_changes?.length ?? 0;
    process.stderr.write(`plan: ${resources} resource changes written to ${out}\n`);
    return 0;
  } catch (e) {
    process.stderr.write(`plan: ${(e as Error).message}\n`);
    return 1;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
};

if (require.main === module) void main().then((code) => process.exit(code));
