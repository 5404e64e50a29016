import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const bin = join(__dirname, '..', '..', 'bin', 'iac-review.mjs');
const plan = join(__dirname, '..', 'fixtures', 'plans', 'modules.json');

const run = (args: string[]) =>
  new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(process.execPath, [bin, ...args], { encoding: 'utf8', timeout: 20_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });

describe('iac-review (the package bin)', () => {
  it('should review a plan with `iac-review review` and print the report on stdout', async () => {
    const r = await run(['review', '--format', 'json', plan]);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as { riskLevel: string; findings: unknown[] };
    expect(report.riskLevel).toBe('high');
    expect(report.findings.length).toBeGreaterThan(0);
  });

  it('should review Terraform source and apply a policy file through the chunks loaded on demand', async () => {
    // Act: a directory of .tf files (the HCL chunk) with a policy file (the YAML/JSON Schema chunk)
    const dir = join(__dirname, '..', 'fixtures', 'tf', 'iam-network');
    const config = join(tmpdir(), `iac-review-bin-${process.pid}.yml`);
    writeFileSync(config, 'failOn: low\nrules:\n  NET-002:\n    disabled: true\n    reason: bastion hosts reviewed elsewhere\n');
    try {
      const r = await run(['review', '--format', 'json', '--config', config, dir]);
      // Assert
      expect(r.code).toBe(1); // failOn: low
      const report = JSON.parse(r.stdout) as { stats: { inputKind: string; policy?: { disabledRules: { ruleId: string }[] } }; findings: { ruleId: string }[] };
      expect(report.stats.inputKind).toBe('hcl');
      expect(report.stats.policy?.disabledRules).toEqual([expect.objectContaining({ ruleId: 'NET-002' })]);
      expect(report.findings.length).toBeGreaterThan(0);
      expect(report.findings.some((f) => f.ruleId === 'NET-002')).toBe(false);
    } finally {
      rmSync(config, { force: true });
    }
  });

  it('should print its commands with no arguments and refuse an unknown command with exit 2', async () => {
    const help = await run([]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('iac-review <command>');
    expect(help.stdout).toMatch(/review \[options\][\s\S]*submit \[options\]/);
    const bad = await run(['reveiw', plan]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('unknown command "reveiw"');
  });

  it('should pass submit to the submit command (usage error without a plan)', async () => {
    const r = await run(['submit']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Usage: iac-review submit');
  });

  const dist = join(__dirname, '..', '..', 'dist');
  /** Every file the entry loads before it runs: review.mjs and the chunks it imports statically, transitively. */
  const staticClosure = (): string[] => {
    const seen = new Set<string>();
    const visit = (file: string): void => {
      if (seen.has(file)) return;
      seen.add(file);
      for (const m of readFileSync(file, 'utf8').matchAll(/^import\s[^;]*?from\s*"(\.\/[^"]+)"/gm)) visit(join(file, '..', m[1]!));
    };
    visit(join(dist, 'review.mjs'));
    return [...seen];
  };

  it('should start a plan review without the HCL parser/evaluator, YAML or JSON Schema code (they are chunks loaded on demand)', async () => {
    // Prepare: the bin builds the bundle when it is stale
    expect((await run(['review', '--help'])).code).toBe(0);
    // Act
    const closure = staticClosure();
    const sources = closure.flatMap((f) => [...readFileSync(f, 'utf8').matchAll(/^\/\/ (\S+)$/gm)].map((m) => m[1]!));
    // Assert
    expect(sources).toEqual(expect.arrayContaining(['src/cli/run-cli.ts', 'src/input/normalise-plan.ts', 'src/rules/iam.ts']));
    expect(sources.filter((s) => /src\/hcl\/(parser|config|evaluate|functions)\.ts$|src\/policy\/config\.ts$|\/(yaml|ajv)@/.test(s))).toEqual([]);
    const lazy = readFileSync(join(dist, 'review.mjs'), 'utf8');
    expect(lazy).toMatch(/import\("\.\/chunks\/hcl-api-[^"]+\.mjs"\)/);
  });

  it('should rebuild the bundle when a file it was built from changes, and only then', async () => {
    // Prepare: a fresh bundle and its manifest
    expect((await run(['review', '--help'])).code).toBe(0);
    const manifest = JSON.parse(readFileSync(join(dist, 'review.sources.json'), 'utf8')) as { started: number; paths: string[] };
    expect(manifest.paths).toEqual(expect.arrayContaining(['src/cli/run-cli.ts', 'src/hcl/parser.ts', 'src/rules', 'scripts/build-cli.mjs', 'package.json', '../core/src/index.ts']));
    const quiet = await run(['review', '--format', 'json', plan]);
    expect(quiet.stderr).not.toContain('rebuilt');
    // Act: a listed source file modified after the build (its mtime only; restored below)
    const file = join(__dirname, '..', '..', 'src', 'hcl', 'parser-slot.ts');
    const before = statSync(file);
    try {
      utimesSync(file, before.atime, new Date(manifest.started + 60_000));
      const r = await run(['review', '--format', 'json', plan]);
      // Assert
      expect(r.code).toBe(0);
      expect(r.stderr).toContain('rebuilt');
      expect(JSON.parse(r.stdout)).toMatchObject({ riskLevel: 'high' });
    } finally {
      utimesSync(file, before.atime, before.mtime);
    }
  });

  it('should review without compiling the engine with TurboFan, unless node was started with --turbofan', async () => {
    // Prepare: a 600-change plan from a committed fixture (unique addresses), reviewed with a tiny
    // interrupt budget so that any function run a few times is a candidate for TurboFan
    const dir = mkdtempSync(join(tmpdir(), 'iac-review-tiering-'));
    const big = join(dir, 'plan.json');
    const fixture = JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 'plans', 'iam-network.json'), 'utf8')) as { resource_changes: { address: string }[] };
    const changes: unknown[] = [];
    for (let i = 0; changes.length < 600; i++) for (const rc of fixture.resource_changes) changes.push({ ...rc, address: `${rc.address}_${i}` });
    writeFileSync(big, JSON.stringify({ ...fixture, resource_changes: changes }));
    /** Names of the functions TurboFan compiled (node --trace-opt prints them on stdout). */
    const optimised = (nodeFlags: string[]) =>
      new Promise<Set<string>>((resolve, reject) => {
        const argv = [...nodeFlags, '--trace-opt', '--interrupt-budget=1000', bin, 'review', '--format', 'text', big];
        execFile(process.execPath, argv, { encoding: 'utf8', timeout: 12_000, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
          if (err && (err as { code?: unknown }).code !== 1) return reject(new Error(`${err.message}\n${stderr}`));
          if (!/Risk (low|medium|high|critical)/.test(stdout)) return reject(new Error(`no review in the output: ${stdout.slice(0, 300)}`));
          resolve(new Set([...stdout.matchAll(/completed compiling 0x[0-9a-f]+ <JSFunction ([^ >]+)[^\n]*target TURBOFAN/g)].map((m) => m[1]!)));
        });
      });
    const engine = ['normalisePlan', 'runRules', 'derive', 'parsePolicy', 'actionKind'];
    try {
      // Act + Assert. Control: with the user's --turbofan the same run optimises engine functions, so the check below can fail.
      const withTurbofan = await optimised(['--turbofan']);
      expect(engine.filter((f) => withTurbofan.has(f)).length).toBeGreaterThan(0);
      const byDefault = await optimised([]);
      expect(engine.filter((f) => byDefault.has(f))).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
