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
    const outputs = Object.entries(r.metafile.outputs).filter(([p]) => p.endsWith('.mjs'));
    const inputs = outputs.flatMap(([, o]) => Object.keys(o.inputs));
    expect(inputs.some((p) => p.includes('node_modules/pino/'))).toBe(true);
    expect(inputs.filter((p) => /node_modules\/thread-stream\//.test(p))).toEqual([]);
    expect(inputs.some((p) => p.endsWith('shims/thread-stream.cjs'))).toBe(true);
    expect(inputs.filter((p) => /credential-provider-(sso|ini|process|web-identity|imds)|token-providers|client-sso/.test(p))).toEqual([]);
    const openapi = outputs.reduce((n, [, o]) => n + (o.inputs['packages/core/src/openapi.json']?.bytesInOutput ?? 0), 0);
    expect(openapi).toBeGreaterThan(0);
    expect(openapi).toBeLessThan(15_000);
    // The browser user-agent parser the SDK would load with import() is a stub, not bowser.
    expect(inputs.filter((p) => /node_modules\/bowser\//.test(p))).toEqual([]);
  });
});

/**
 * What a cold start loads: the entry file and the chunks it imports statically. The AWS SDK and
 * jose sit in chunks loaded with import() on the first request that needs them.
 */
describe('bundle entry (what a cold start loads)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bundle-entry-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each(['api-handler', 'github-webhook-handler', 'spacelift-webhook-handler', 'historical-analysis-handler'])('should keep the AWS SDK and jose out of what %s loads at start', async (name) => {
    const spec = loadManifest().find((s) => s.name === name);
    if (!spec) throw new Error(`${name} is not in the manifest`);
    const r = await bundleFunction(repoRoot, spec, dir);
    const outputs = r.metafile.outputs;
    const entry = Object.keys(outputs).find((p) => p.endsWith(`/${name}/index.mjs`));
    if (!entry) throw new Error(`no index.mjs for ${name}`);
    // Everything reachable from the entry through static imports (chunks included).
    const loaded = new Set<string>([entry]);
    const queue = [entry];
    while (queue.length > 0) {
      const next = queue.pop()!;
      for (const i of outputs[next]?.imports ?? []) {
        if (i.kind === 'import-statement' && !i.external && !loaded.has(i.path)) {
          loaded.add(i.path);
          queue.push(i.path);
        }
      }
    }
    const atStart = [...loaded].flatMap((o) => Object.keys(outputs[o]?.inputs ?? {}));
    expect(atStart.filter((p) => /node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?(@aws-sdk|@smithy|jose)\//.test(p))).toEqual([]);
    // …and they are in the zip, in chunks loaded on demand.
    const lazy = Object.keys(outputs).filter((o) => !loaded.has(o) && o.endsWith('.mjs'));
    expect(lazy.flatMap((o) => Object.keys(outputs[o]!.inputs)).some((p) => p.includes('@aws-sdk/client-dynamodb'))).toBe(true);
  });
});
