import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { esbuildOptions } from '../src/bundle/bundle';
import { repoRoot } from '../src/lib/repo';

/** Error classes of the packages, bundled and minified exactly like a Lambda zip, must keep their names in logs. */
describe('error names in minified bundles', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'error-names-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('should keep the class names of errors through minification', async () => {
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
    const outfile = join(dir, 'out.js');
    await build({ ...esbuildOptions(entry, outfile, repoRoot), sourcemap: false, metafile: true });
    const names = JSON.parse(execFileSync(process.execPath, [outfile], { encoding: 'utf8' })) as string[];
    expect(names).toEqual(['ConflictError', 'RequestValidationError', 'HistoryTamperedError', 'VersionConflictError', 'EventPublishError', 'IdempotencyKeyReusedError']);
  });
});
