import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliTieringFlag } from '../../src/cli/v8-tiering';

const bin = join(__dirname, '..', '..', 'bin', 'iac-review.mjs');

describe('cliTieringFlag (the review CLI runs without V8 TurboFan)', () => {
  it('should turn the optimising compiler off when node was started without tiering flags', () => {
    expect(cliTieringFlag([])).toBe('--no-turbofan');
    expect(cliTieringFlag(['--max-old-space-size=4096', '--trace-opt', '--enable-source-maps'])).toBe('--no-turbofan');
  });

  it("should leave V8's tiering alone when the user chose it on node's command line", () => {
    for (const flag of ['--turbofan', '--opt', '--no-opt', '--no-turbofan', '--maglev', '--no-sparkplug', '--always-sparkplug', '--jitless', '--turbofan=true']) {
      expect(cliTieringFlag(['--trace-opt', flag])).toBeUndefined();
    }
    // Flags that merely start with a tiering flag's name are not tiering choices.
    expect(cliTieringFlag(['--opt-something'])).toBe('--no-turbofan');
  });
});

describe('the review CLI process and TurboFan', () => {
  // A 600-change plan from the committed fixture (unique addresses), reviewed with a tiny interrupt
  // budget so that any function run a few times is a candidate for TurboFan.
  let dir: string;
  let plan: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'iac-review-tiering-'));
    plan = join(dir, 'plan.json');
    const fixture = JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 'plans', 'iam-network.json'), 'utf8')) as { resource_changes: { address: string }[] };
    const changes: unknown[] = [];
    for (let i = 0; changes.length < 600; i++) for (const rc of fixture.resource_changes) changes.push({ ...rc, address: `${rc.address}_${i}` });
    writeFileSync(plan, JSON.stringify({ ...fixture, resource_changes: changes }));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** Names of the functions TurboFan compiled (node --trace-opt prints them on stdout). */
  const optimised = (nodeFlags: string[]) =>
    new Promise<Set<string>>((resolve, reject) => {
      execFile(process.execPath, [...nodeFlags, '--trace-opt', '--interrupt-budget=1000', bin, 'review', '--format', 'text', plan], { encoding: 'utf8', timeout: 30_000, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
        if (err && (err as { code?: unknown }).code !== 1) return reject(new Error(`${err.message}\n${stderr}`));
        expect(stdout).toMatch(/Risk (low|medium|high|critical)/);
        resolve(new Set([...stdout.matchAll(/completed compiling 0x[0-9a-f]+ <JSFunction ([^ >]+)[^\n]*target TURBOFAN/g)].map((m) => m[1]!)));
      });
    });

  it('should run the review without compiling the engine with TurboFan, unless node was started with --turbofan', async () => {
    const engine = ['normalisePlan', 'runRules', 'derive', 'parsePolicy', 'actionKind'];
    // Control: with the user's --turbofan the same run optimises engine functions, so the check below can fail.
    const withTurbofan = await optimised(['--turbofan']);
    expect(engine.filter((f) => withTurbofan.has(f)).length).toBeGreaterThan(0);
    const byDefault = await optimised([]);
    expect(engine.filter((f) => byDefault.has(f))).toEqual([]);
  });
});
