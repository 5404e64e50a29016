import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../src/lib/repo';
import { startLocalStack, type LocalStack } from '../src/local/stack';

process.env.LOG_LEVEL = 'silent';

/** The shell block between `<!-- readme-example:NAME -->` and its closing marker in README.md. */
const readmeExample = (name: string): string => {
  const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
  const m = new RegExp(`<!-- readme-example:${name} -->\\s*\`\`\`sh\\n([\\s\\S]*?)\`\`\`\\s*<!-- /readme-example:${name} -->`).exec(readme);
  if (!m?.[1]) throw new Error(`README.md has no readme-example:${name} block`);
  return m[1];
};

describe("README's API example (run as written, against the local stack)", () => {
  let stack: LocalStack;
  beforeAll(async () => {
    stack = await startLocalStack({ port: 0, env: {}, onError: () => undefined });
  });
  afterAll(async () => {
    await stack.stop();
  });

  it('should submit the sample plan and read the review back', async () => {
    // Prepare: the README's commands, with only the port changed to the stack's
    const script = readmeExample('submit');
    expect(script).toContain('docs/examples/plan.json');
    const port = new URL(stack.url).port;
    const runnable = script.replaceAll('http://127.0.0.1:3000', `http://127.0.0.1:${port}`);
    // Act: bash from the repository root, as a reader would run it (asynchronously: the stack runs in this process)
    const r = await new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
      // A plain non-interactive bash: no BASH_ENV start-up file (some machines point it at a bashrc).
      const env = { ...process.env };
      delete env.BASH_ENV;
      delete env.ENV;
      execFile('bash', ['-c', `set -euo pipefail\n${runnable}`], { cwd: repoRoot, env, encoding: 'utf8', timeout: 20_000 }, (err, stdout, stderr) =>
        resolve({ status: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      );
    });
    // Assert
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const review = JSON.parse(r.stdout) as { id: string; version: number; content?: unknown; status?: string };
    expect(review.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(JSON.stringify(review)).toContain('acme/infra');
  });

  it('should ship a sample plan that is terraform show -json output (format_version, resource_changes)', () => {
    const plan = JSON.parse(readFileSync(join(repoRoot, 'docs', 'examples', 'plan.json'), 'utf8')) as { format_version?: unknown; resource_changes?: unknown[] };
    expect(plan.format_version).toMatch(/^1\.\d+$/);
    expect(plan.resource_changes?.length).toBeGreaterThan(0);
  });
});
