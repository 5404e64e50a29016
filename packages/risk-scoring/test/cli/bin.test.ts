import { execFile } from 'node:child_process';
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
});
