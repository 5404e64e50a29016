import { join } from 'node:path';
import { readFileSync } from 'node:fs';

// The engine entry point (`@iac-review/risk-scoring/engine`) reviews plans without the HCL half;
// loadHcl() brings it in. Each watched module is replaced by a counting pass-through in a module
// registry of its own, so the count says whether (and how often) it was loaded.
const src = join(__dirname, '..', 'src');
const watched = {
  api: join(src, 'hcl-api.ts'),
  parser: join(src, 'hcl', 'parser.ts'),
  evaluator: join(src, 'hcl', 'config.ts'),
  policyReader: join(src, 'policy', 'config.ts'),
};
type Loads = Record<keyof typeof watched, number>;

const withWatchedModules = async (body: (engine: typeof import('../src/engine'), loads: Loads) => Promise<void>): Promise<Loads> => {
  const loads: Loads = { api: 0, parser: 0, evaluator: 0, policyReader: 0 };
  await jest.isolateModulesAsync(async () => {
    for (const [name, path] of Object.entries(watched) as [keyof typeof watched, string][]) {
      jest.doMock(path, () => {
        loads[name]++;
        return jest.requireActual(path);
      });
    }
    await body(await import('../src/engine'), loads);
  });
  return loads;
};

const plan = JSON.parse(readFileSync(join(__dirname, 'fixtures', 'plans', 'modules.json'), 'utf8')) as unknown;
const TF = 'resource "aws_security_group" "ssh" {\n  # iac-review:ignore NET-002 reason: bastion host, until 2099-01-01\n  name = "ssh"\n  ingress {\n    from_port   = 22\n    to_port     = 22\n    protocol    = "tcp"\n    cidr_blocks = ["0.0.0.0/0"]\n  }\n}\n';

describe('the HCL half loaded on first use (engine entry point, loadHcl)', () => {
  it('should review a plan (with a policy) without loading the HCL parser, evaluator or policy reader', async () => {
    // Act
    const loads = await withWatchedModules(async (engine) => {
      const result = await engine.reviewInput({ kind: 'plan', plan }, { today: '2026-11-30', files: [{ path: 'main.tf', content: TF }] });
      // Assert: a real review happened
      expect(result.findings.length).toBeGreaterThan(0);
      expect(result.stats.inputKind).toBe('plan');
    });
    // Assert
    expect(loads).toEqual({ api: 0, parser: 0, evaluator: 0, policyReader: 0 });
  });

  it('should load the HCL half once, on the first review of Terraform source, and apply its inline suppressions', async () => {
    // Act
    const loads = await withWatchedModules(async (engine, seen) => {
      const first = await engine.reviewInput({ kind: 'hcl', files: [{ path: 'main.tf', content: TF }] }, { today: '2026-11-30' });
      expect(seen).toEqual({ api: 1, parser: 1, evaluator: 1, policyReader: 1 });
      const again = await engine.reviewInput({ kind: 'hcl', files: [{ path: 'main.tf', content: TF }] }, { today: '2026-11-30' });
      // Assert: the inline directive (read with the lazily loaded parser) suppressed the finding
      for (const r of [first, again]) expect(r.findings.find((f) => f.ruleId === 'NET-002')?.suppressed).toMatchObject({ kind: 'inline', reason: 'bastion host' });
      expect(await engine.loadHcl()).toBe(await engine.loadHcl());
    });
    // Assert
    expect(loads).toEqual({ api: 1, parser: 1, evaluator: 1, policyReader: 1 });
  });

  it('should say how to load the parser when inline suppressions of located changes are read without it', async () => {
    await withWatchedModules(async (engine) => {
      // A change with a source location (as only the HCL evaluation gives) and .tf files, but the parser never loaded.
      const change = { ...engine.normalisePlan({ format_version: '1.2', resource_changes: [{ address: 'aws_s3_bucket.b', type: 'aws_s3_bucket', change: { actions: ['create'], before: null, after: { bucket: 'b' } } }] })[0]!, location: { file: 'main.tf', line: 1 } };
      const finding = { ruleId: 'LOG-001', title: 't', severity: 'low' as const, category: 'logging' as const, resourceAddress: 'aws_s3_bucket.b', message: 'm', remediation: 'r', source: 'rule' as const };
      expect(() => engine.applyPolicy([finding], [change], { files: [{ path: 'main.tf', content: TF }] })).toThrow(/load it first \(await loadHcl\(\)/);
      await engine.loadHcl();
      expect(engine.applyPolicy([finding], [change], { files: [{ path: 'main.tf', content: TF }] }).findings).toHaveLength(1);
    });
  });
});
