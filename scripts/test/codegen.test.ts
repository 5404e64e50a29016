import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { repoRoot } from '../src/lib/repo';

describe('generated request validators and types', () => {
  it('should be up to date with the OpenAPI document (run npx tsx scripts/src/codegen/validators.ts)', () => {
    // A child process: the type generator loads prettier through a dynamic import jest cannot run.
    const r = spawnSync(process.execPath, ['--import', 'tsx', join(repoRoot, 'scripts', 'src', 'codegen', 'validators.ts'), '--check'], { encoding: 'utf8', cwd: repoRoot });
    expect(r.stderr).toContain('checked validators for');
    expect(r.stderr).not.toContain('stale');
    expect(r.status).toBe(0);
  });

  it('should keep the OpenAPI Finding schema identical to the core finding schema', () => {
    const core = JSON.parse(readFileSync(join(repoRoot, 'packages', 'core', 'src', 'schemas', 'finding.schema.json'), 'utf8')) as Record<string, unknown>;
    const doc = JSON.parse(readFileSync(join(repoRoot, 'packages', 'core', 'src', 'openapi.json'), 'utf8')) as { components: { schemas: Record<string, unknown> } };
    const { $id: _id, title: _title, ...rest } = core;
    expect(doc.components.schemas.Finding).toEqual(rest);
  });
});
