import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleFunction } from '../src/bundle/bundle';
import { loadManifest, repoRoot } from '../src/lib/repo';

/** What the bundles leave out (checked in esbuild's metafile: the inputs that made it into index.js). */
describe('bundle contents (metafile)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bundle-contents-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('should leave out pino transports, SSO/token credential providers and the documentation of the OpenAPI document', async () => {
    // Prepare
    const spec = loadManifest().find((s) => s.name === 'api-handler');
    if (!spec) throw new Error('api-handler is not in the manifest');
    // Act
    const r = await bundleFunction(repoRoot, spec, dir);
    // Assert
    const out = Object.entries(r.metafile.outputs).find(([p]) => p.endsWith('.js'))?.[1];
    const inputs = Object.keys(out?.inputs ?? {});
    expect(inputs.some((p) => p.includes('node_modules/pino/'))).toBe(true);
    expect(inputs.filter((p) => /node_modules\/thread-stream\//.test(p))).toEqual([]);
    expect(inputs.some((p) => p.endsWith('shims/thread-stream.cjs'))).toBe(true);
    expect(inputs.filter((p) => /credential-provider-(sso|ini|process|web-identity|imds)|token-providers|client-sso/.test(p))).toEqual([]);
    expect(out?.inputs['packages/core/src/openapi.json']?.bytesInOutput ?? 0).toBeLessThan(15_000);
  });
});
