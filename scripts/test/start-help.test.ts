import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../src/lib/repo';
import { GITHUB_PASS_THROUGH } from '../src/local/github';
import { SPACELIFT_PASS_THROUGH } from '../src/local/spacelift';
import { IDENTITY_PASS_THROUGH } from '../src/local/identity';

const helpFile = join(repoRoot, 'scripts', 'src', 'local', 'start-help.txt');

describe('npm start -- --help', () => {
  it('should print the help from scripts/run.mjs itself, without installing or starting anything', () => {
    // Act: run.mjs with a PATH that has no npx, pnpm, turbo or tsx: it must not need them for --help
    const out = execFileSync(process.execPath, [join(repoRoot, 'scripts', 'run.mjs'), 'start', '--help'], { encoding: 'utf8', env: { PATH: '/nonexistent' }, timeout: 10_000 });
    // Assert
    expect(out).toBe(readFileSync(helpFile, 'utf8'));
  });

  it('should list every option and every variable the local stack reads or passes to the functions', () => {
    const help = readFileSync(helpFile, 'utf8');
    const local = readFileSync(join(repoRoot, 'scripts', 'src', 'local-stack.ts'), 'utf8');
    // The options local-stack.ts parses: arg('--x') and argv.includes('--x').
    const options = [...new Set([...local.matchAll(/(?:arg|includes)\('(--[a-z][a-z-]+)'\)/g)].map((m) => m[1] as string))];
    expect(options.length).toBeGreaterThan(2);
    const variables = ['PORT', 'HOST', 'IAC_REVIEW_DATA_DIR', 'LOG_LEVEL', 'LOCAL_API_KEY', 'LOCAL_READONLY_API_KEY', 'CORS_ALLOWED_ORIGINS', 'AWS_ENDPOINT_URL_BEDROCK_RUNTIME', 'BEDROCK_ENABLED', ...GITHUB_PASS_THROUGH, ...SPACELIFT_PASS_THROUGH, ...IDENTITY_PASS_THROUGH, 'LOCAL_READER_PASSWORD', 'LOCAL_WRITER_PASSWORD', 'LOCAL_OIDC_PORT', 'PR_REVIEW_MAX_FILES', 'PR_REVIEW_MAX_FILE_BYTES', 'PR_REVIEW_MAX_TOTAL_BYTES', 'SWEEP_MIN_AGE_MINUTES', 'SWEEP_REQUEUE_EVERY_MINUTES', 'SWEEP_GIVE_UP_MINUTES'];
    for (const name of [...options, ...variables]) expect({ name, listed: new RegExp(`(^|[\\s,])${name}\\b`, 'm').test(help) }).toEqual({ name, listed: true });
  });
});
