import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleFunction } from '../src/bundle/bundle';
import { loadManifest, repoRoot } from '../src/lib/repo';

/**
 * The reviewer's HCL half (parser, evaluator, policy file reader with YAML and JSON Schema) is a
 * chunk loaded on the first review of Terraform source (risk-scoring's loadHcl), not part of what
 * a cold start loads. Checked in esbuild's metafile.
 */
describe('ai-reviewer bundle: the HCL half is loaded on demand', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bundle-lazy-hcl-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('should keep the HCL parser/evaluator, YAML and the JSON Schema compiler out of the entry and the chunks it imports', async () => {
    // Prepare
    const spec = loadManifest().find((s) => s.name === 'ai-reviewer');
    if (!spec) throw new Error('ai-reviewer is not in the manifest');
    // Act
    const r = await bundleFunction(repoRoot, spec, dir, { deflate: 'zlib' });
    // Assert
    const outputs = r.metafile.outputs;
    const entry = Object.keys(outputs).find((p) => p.endsWith('/ai-reviewer/index.mjs'));
    if (!entry) throw new Error('no index.mjs for ai-reviewer');
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
    const HCL_HALF = /packages\/risk-scoring\/src\/(hcl\/(parser|config|evaluate|functions|values)\.ts|policy\/config\.ts)$|node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?(yaml\/|ajv\/dist\/(compile|core|vocabularies)\/)/;
    const atStart = [...loaded].flatMap((o) => Object.keys(outputs[o]?.inputs ?? {}));
    expect(atStart.some((p) => p.endsWith('packages/risk-scoring/src/rules/iam.ts'))).toBe(true);
    expect(atStart.filter((p) => HCL_HALF.test(p))).toEqual([]);
    // …and it is in the zip, in a chunk loaded on demand.
    const lazy = Object.keys(outputs).filter((o) => !loaded.has(o) && o.endsWith('.mjs'));
    const lazyInputs = lazy.flatMap((o) => Object.keys(outputs[o]!.inputs));
    expect(lazyInputs.some((p) => p.endsWith('packages/risk-scoring/src/hcl/parser.ts'))).toBe(true);
    expect(lazyInputs.some((p) => p.endsWith('packages/risk-scoring/src/hcl/config.ts'))).toBe(true);
    expect(lazyInputs.some((p) => p.endsWith('packages/risk-scoring/src/policy/config.ts'))).toBe(true);
  });
});
