import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleFunction } from '../src/bundle/bundle';
import { loadManifest, repoRoot } from '../src/lib/repo';

const sha = (p: string) => createHash('sha256').update(readFileSync(p)).digest('hex');

describe('bundler', () => {
  const dirs: string[] = [];
  const tmp = () => {
    const d = mkdtempSync(join(tmpdir(), 'bundle-'));
    dirs.push(d);
    return d;
  };
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('should produce byte-for-byte identical zips from two builds of every function', async () => {
    for (const spec of loadManifest()) {
      const a = await bundleFunction(repoRoot, spec, tmp());
      await new Promise((r) => setTimeout(r, 1100)); // a different wall-clock second must not change the bytes
      const b = await bundleFunction(repoRoot, spec, tmp());
      expect(sha(a.zipPath)).toBe(sha(b.zipPath));
      expect(a.sha256).toBe(b.sha256);
      expect(a.overBudget).toBe(false);
    }
  });

  it('should flag a zip over its size budget', async () => {
    const [spec] = loadManifest();
    if (!spec) throw new Error('manifest has no function');
    const r = await bundleFunction(repoRoot, { ...spec, sizeBudgetKb: 1 }, tmp());
    expect(r.overBudget).toBe(true);
  });

  it('should bundle a handler that answers an invocation from the zip alone', async () => {
    const spec = loadManifest().find((s) => s.name === 'api-handler');
    if (!spec) throw new Error('api-handler missing from the manifest');
    const dir = tmp();
    await bundleFunction(repoRoot, spec, dir);
    // What Terraform sets; /health touches none of them.
    Object.assign(process.env, { TABLE_NAME: 't', INPUTS_BUCKET: 'b', EVENT_BUS_NAME: 'e', LOG_LEVEL: 'silent' });
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require(join(dir, 'api-handler', 'index.js')) as { handler: (e: unknown, c: unknown) => Promise<{ statusCode: number }> };
    const res = await mod.handler({ httpMethod: 'GET', path: '/health', headers: {} }, { awsRequestId: 'test' });
    expect(res.statusCode).toBe(200);
  });
});

describe('functions manifest', () => {
  it('should give every function an existing entry, a budget and valid triggers', () => {
    for (const f of loadManifest()) {
      expect(() => readFileSync(join(repoRoot, f.entry))).not.toThrow();
      expect(f.sizeBudgetKb).toBeGreaterThan(0);
      expect(f.timeoutSeconds).toBeGreaterThan(0);
      for (const t of f.triggers) expect(['api', 'event', 'schedule']).toContain(t.type);
    }
  });
});
