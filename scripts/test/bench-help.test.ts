import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../src/lib/repo';

describe('npm run bench -- --help', () => {
  it('should print the usage at once, without installing, bundling or running a benchmark', () => {
    // Act: a PATH without npx, pnpm, turbo or tsx: the help must not need them
    const out = execFileSync(process.execPath, [join(repoRoot, 'scripts', 'run.mjs'), 'bench', '--help'], { encoding: 'utf8', env: { PATH: '/nonexistent' }, timeout: 10_000 });
    // Assert
    expect(out).toMatch(/^Usage: npm run bench \[-- --write\]/);
    expect(out).toContain('--write');
    expect(out).not.toContain('===');
    const benches = readdirSync(join(repoRoot, 'scripts', 'src', 'bench')).filter((f) => f.endsWith('.ts') && f !== 'index.ts');
    expect(benches.length).toBeGreaterThan(3);
    for (const b of benches) expect(out).toContain(b);
  });
});
