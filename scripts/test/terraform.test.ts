import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tableDefinition, openApiDocument } from '@iac-review/core';
import { bundleFunction } from '../src/bundle/bundle';
import { loadManifest, repoRoot } from '../src/lib/repo';
import { offlineEnv, terraform, writeCliConfig } from '../src/terraform/offline';
import { lockFile } from '../src/terraform/plan';
import { describeSource, explainInitFailure, lockedVersion, providerSourceForThisMachine } from '../src/terraform/provider-source';

interface PlannedResource {
  address: string;
  type: string;
  name: string;
  index?: string | number;
  values: Record<string, unknown>;
}
interface PlanModule {
  resources?: PlannedResource[];
  child_modules?: PlanModule[];
}

const allResources = (m: PlanModule | undefined): PlannedResource[] => (m ? [...(m.resources ?? []), ...(m.child_modules ?? []).flatMap(allResources)] : []);

const tfDir = join(repoRoot, 'terraform');

// The provider source is decided once (TF_PROVIDER_MIRROR, a mirror on this machine, else the
// registry) and named in the suite title, so the test output says which one was used.
const source = providerSourceForThisMachine(lockFile);

describe(`terraform (offline fmt, validate, plan; provider from ${describeSource(source)})`, () => {
  const work = mkdtempSync(join(tmpdir(), 'tf-'));
  const artifacts = join(work, 'artifacts');
  let env: NodeJS.ProcessEnv;
  let resources: PlannedResource[] = [];
  let outputs: Record<string, { value?: unknown }> = {};

  beforeAll(async () => {
    // Said once in the test output, whichever reporter runs.
    console.info(`terraform: provider hashicorp/aws ${lockedVersion(lockFile)} from ${describeSource(source)}`);
    env = offlineEnv(writeCliConfig(work, source), join(work, 'data'));
    for (const spec of loadManifest()) await bundleFunction(repoRoot, spec, artifacts);
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('should be formatted', () => {
    const r = terraform(['fmt', '-check', '-recursive', '-diff', '-no-color'], tfDir, env);
    expect(r.stdout + r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('should init with the provider the committed lock file allows, and validate', () => {
    const lockBefore = readFileSync(lockFile, 'utf8');
    const init = terraform(['init', '-backend=false', '-input=false', '-no-color'], tfDir, env);
    if (init.status !== 0) throw new Error(explainInitFailure(source, init.stderr, lockedVersion(lockFile)));
    expect(init.stderr).toBe('');
    // The package installed matched a committed checksum: init kept every locked hash and the version.
    const lockAfter = readFileSync(lockFile, 'utf8');
    for (const hash of lockBefore.match(/"(h1|zh):[^"]+"/g) ?? []) expect(lockAfter).toContain(hash);
    expect(lockedVersion(lockFile)).toBe('5.100.0');
    const v = terraform(['validate', '-no-color'], tfDir, env);
    expect(v.stdout).toContain('Success');
    expect(v.status).toBe(0);
    // From the registry (hosted runners) init downloads the provider package (~100 MB).
  }, 300000);

  it('should plan offline with the bundler zips', () => {
    const planFile = join(work, 'plan.bin');
    const plan = terraform(['plan', '-refresh=false', '-lock=false', '-input=false', '-no-color', '-var', 'offline_checks=true', '-var', `artifacts_dir=${artifacts}`, '-out', planFile], tfDir, env);
    expect(plan.stderr).toBe('');
    expect(plan.status).toBe(0);
    const show = terraform(['show', '-json', planFile], tfDir, env);
    expect(show.status).toBe(0);
    const json = JSON.parse(show.stdout) as { planned_values: { root_module: PlanModule; outputs: Record<string, { value?: unknown }> } };
    outputs = json.planned_values.outputs;
    resources = allResources(json.planned_values.root_module);
    expect(resources.length).toBeGreaterThan(10);
  });

  it('should deploy every manifest function as arm64 with active tracing, its own zip hash and log retention', () => {
    const fns = resources.filter((r) => r.type === 'aws_lambda_function');
    const manifest = loadManifest();
    expect(fns).toHaveLength(manifest.length);
    for (const spec of manifest) {
      const fn = fns.find((r) => r.address === `module.lambda["${spec.name}"].aws_lambda_function.this`);
      expect(fn).toBeDefined();
      expect(fn?.values.architectures).toEqual([spec.architecture]);
      expect(fn?.values.tracing_config).toEqual([{ mode: 'Active' }]);
      expect(fn?.values.memory_size).toBe(spec.memoryMb);
      const zipHash = createHash('sha256').update(readFileSync(join(artifacts, `${spec.name}.zip`))).digest('base64');
      expect(fn?.values.source_code_hash).toBe(zipHash);
      const logs = resources.find((r) => r.address === `module.lambda["${spec.name}"].aws_cloudwatch_log_group.this`);
      expect(logs?.values.retention_in_days).toBe(spec.logRetentionDays);
    }
  });

  it('should give each role only its own scoped actions: no wildcard action, no deletes', () => {
    const permissions = outputs.function_permissions?.value as Record<string, Record<string, string[]>>;
    const manifest = loadManifest();
    expect(Object.keys(permissions).sort()).toEqual(manifest.map((f) => f.name).sort());
    for (const spec of manifest) {
      const perms = permissions[spec.name] ?? {};
      for (const actions of Object.values(perms)) {
        for (const a of actions) {
          expect(a).not.toContain('*');
          expect(a).not.toMatch(/Delete/);
        }
      }
      // Exactly the access the manifest declares, nothing more.
      const table = spec.resources.table as string | undefined;
      expect(Boolean(perms.Table)).toBe(Boolean(table));
      if (table === 'read') expect(perms.Table?.some((a) => /Put|Update/.test(a))).toBe(false);
      expect(Boolean(perms.Events)).toBe(spec.resources.bus === 'put');
      expect(Boolean(perms.Bedrock)).toBe(spec.resources.bedrock === 'invoke');
      expect(Boolean(perms.Inputs)).toBe(Boolean(spec.resources.bucket));
    }
  });

  it('should build the table from table.json', () => {
    const table = resources.find((r) => r.type === 'aws_dynamodb_table');
    const gsis = (table?.values.global_secondary_index as Array<{ name: string; hash_key: string; range_key: string }>).map((g) => g.name).sort();
    expect(gsis).toEqual(tableDefinition.globalSecondaryIndexes.map((i) => i.name).sort());
    expect(table?.values.hash_key).toBe(tableDefinition.partitionKey.name);
    expect(table?.values.ttl).toEqual([{ attribute_name: tableDefinition.ttlAttribute, enabled: true }]);
    expect(table?.values.point_in_time_recovery).toEqual([{ enabled: true }]);
  });

  it('should feed every OpenAPI route to API Gateway through a Lambda proxy integration', () => {
    const ops = outputs.api_operations?.value as Record<string, Record<string, string>>;
    const expected: Record<string, Record<string, string>> = {};
    for (const [path, item] of Object.entries(openApiDocument.paths)) {
      // Every path also answers CORS preflight through the API function.
      expected[path] = { options: 'aws_proxy:api-handler' };
      for (const [method, op] of Object.entries(item)) expected[path][method] = `aws_proxy:${(op as Record<string, string>)['x-iac-review-function']}`;
    }
    expect(ops).toEqual(expected);
    expect(resources.find((r) => r.type === 'aws_api_gateway_rest_api')).toBeDefined();
  });
});
