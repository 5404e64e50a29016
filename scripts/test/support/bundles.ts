import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Metafile } from 'esbuild';
import { bundleFunction } from '../../src/bundle/bundle';
import { loadManifest, repoRoot } from '../../src/lib/repo';

type Bundled = Awaited<ReturnType<typeof bundleFunction>>;

/**
 * Bundles of the manifest's functions for tests about what a zip holds: each built once per test
 * file (several tests look at the same function), with zlib (the tests are not about the smallest
 * deflate: bundle-zip.test.ts and the determinism test are). `afterAll(removeBundles)` cleans up.
 */
let root: string | undefined;
const built = new Map<string, Promise<Bundled>>();

export const bundled = (name: string): Promise<Bundled> => {
  let b = built.get(name);
  if (!b) {
    const spec = loadManifest().find((s) => s.name === name);
    if (!spec) throw new Error(`${name} is not in the manifest`);
    root ??= mkdtempSync(join(tmpdir(), 'bundles-'));
    b = bundleFunction(repoRoot, spec, root, { deflate: 'zlib' });
    built.set(name, b);
  }
  return b;
};

export const removeBundles = (): void => {
  if (root) rmSync(root, { recursive: true, force: true });
  root = undefined;
  built.clear();
};

/**
 * What a cold start of `name` loads: its index.mjs and every chunk reachable through static imports
 * (`atStart`, their inputs), and the inputs of the chunks only import() reaches (`lazy`).
 */
export const coldStartInputs = (metafile: Metafile, name: string): { atStart: string[]; lazy: string[] } => {
  const outputs = metafile.outputs;
  const entry = Object.keys(outputs).find((p) => p.endsWith(`/${name}/index.mjs`));
  if (!entry) throw new Error(`no index.mjs for ${name}`);
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
  const inputsOf = (outs: string[]) => outs.flatMap((o) => Object.keys(outputs[o]?.inputs ?? {}));
  return { atStart: inputsOf([...loaded]), lazy: inputsOf(Object.keys(outputs).filter((o) => !loaded.has(o) && o.endsWith('.mjs'))) };
};
