import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { ENTRY_FILE, esbuildOptions } from '../src/bundle/bundle';
import { repoRoot } from '../src/lib/repo';

/** Error classes of the packages, bundled and minified exactly like a Lambda zip, must keep their names in logs. */
describe('error names in minified bundles', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'error-names-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('should keep the class names of errors through minification (each error class names itself)', async () => {
    const entry = join(dir, 'entry.ts');
    writeFileSync(
      entry,
      [
        `import { ConflictError, RequestValidationError } from ${JSON.stringify(join(repoRoot, 'packages/core/src/index.ts'))};`,
        `import { HistoryTamperedError, VersionConflictError } from ${JSON.stringify(join(repoRoot, 'packages/dynamo-versioning/src/index.ts'))};`,
        `import { EventPublishError, IdempotencyKeyReusedError } from ${JSON.stringify(join(repoRoot, 'packages/reviews/src/index.ts'))};`,
        `import { createRedactor } from ${JSON.stringify(join(repoRoot, 'packages/logger/src/index.ts'))};`,
        'const redact = createRedactor();',
        "const errors = [new ConflictError('x'), new RequestValidationError('x'), new HistoryTamperedError('r', 1, 'x'), new VersionConflictError('r', 1, 2), new EventPublishError('x'), new IdempotencyKeyReusedError('r')];",
        'process.stdout.write(JSON.stringify(errors.map((e) => (redact(e) as { type: string }).type)));',
      ].join('\n'),
    );
    const outdir = join(dir, 'out');
    await build({ ...esbuildOptions(entry, outdir, repoRoot), sourcemap: false, metafile: true });
    const names = JSON.parse(execFileSync(process.execPath, [join(outdir, ENTRY_FILE)], { encoding: 'utf8' })) as string[];
    expect(names).toEqual(['ConflictError', 'RequestValidationError', 'HistoryTamperedError', 'VersionConflictError', 'EventPublishError', 'IdempotencyKeyReusedError']);
  });
});

/**
 * Bundles are minified without esbuild's keepNames (it costs ~9 KB of every zip and ~5 % of a cold
 * start), so every error class must say its own name: `override name = '<ClassName>'`.
 */
describe('error classes name themselves', () => {
  it('should declare `override name` with its own name in every error class of the packages and functions', () => {
    const missing: string[] = [];
    const walk = (dirPath: string): string[] =>
      readdirSync(dirPath, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? (e.name === 'generated' ? [] : walk(join(dirPath, e.name))) : e.name.endsWith('.ts') ? [join(dirPath, e.name)] : []));
    const roots = ['packages', 'functions'].flatMap((top) =>
      readdirSync(join(repoRoot, top), { withFileTypes: true })
        .filter((e) => e.isDirectory() && e.name !== 'dashboard')
        .map((e) => join(repoRoot, top, e.name, 'src')),
    );
    let classes = 0;
    for (const file of roots.filter((r) => existsSync(r)).flatMap(walk)) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/class (\w+) extends ([\w.]+)(?:<[^>]*>)? \{/g)) {
        const [, name, base] = m as unknown as [string, string, string];
        if (!/(Error|Exception)$/.test(name) && !/(Error|Exception)$/.test(base)) continue;
        classes += 1;
        const body = text.slice(m.index! + m[0].length, m.index! + m[0].length + 400);
        if (!body.includes(`name = '${name}'`)) missing.push(`${file.slice(repoRoot.length + 1)}: ${name}`);
      }
    }
    expect(classes).toBeGreaterThan(50);
    expect(missing).toEqual([]);
  });
});
