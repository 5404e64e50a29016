import { build, type BuildOptions, type Metafile } from 'esbuild';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import yazl from 'yazl';
import type { FunctionSpec } from '../lib/repo';
import { slimOpenApiPlugin } from './slim-openapi';

/** Every entry in every zip gets this timestamp, so identical code gives identical bytes. */
const FIXED_MTIME = new Date('2020-01-01T00:00:00.000Z');

export interface BundleResult {
  name: string;
  zipPath: string;
  zipBytes: number;
  codeBytes: number;
  sha256: string;
  budgetBytes: number;
  overBudget: boolean;
}

/** The one shared esbuild configuration for every function. */
export const esbuildOptions = (entry: string, outfile: string, absWorkingDir: string): BuildOptions & { metafile: true } => ({
    entryPoints: [entry],
    outfile,
    bundle: true,
    minify: true,
    // Error classes name themselves with new.target.name: keep class and function names through
    // minification, so logs say IdempotencyKeyReusedError, not Wi.
    keepNames: true,
    treeShaking: true,
    platform: 'node',
    target: 'node22',
    format: 'cjs',
    mainFields: ['module', 'main'],
    sourcemap: 'external',
    sourcesContent: false,
    metafile: true,
    legalComments: 'none',
    // Lambda gives credentials through the environment: no need for the whole default chain.
    alias: {
      '@aws-sdk/credential-provider-node': join(__dirname, 'shims', 'credential-provider-node.ts'),
      'thread-stream': join(__dirname, 'shims', 'thread-stream.cjs'),
    },
    // The OpenAPI document without its descriptions, examples and schemas (see slim-openapi.ts).
    plugins: [slimOpenApiPlugin],
    logLevel: 'warning',
    // Paths in the output and metafile are relative to the repo, so a clone elsewhere builds the same bytes.
    absWorkingDir,
  });

const zipDeterministic = (files: Array<{ name: string; data: Buffer }>): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    const zip = new yazl.ZipFile();
    for (const f of [...files].sort((a, b) => a.name.localeCompare(b.name))) {
      zip.addBuffer(f.data, f.name, { mtime: FIXED_MTIME, mode: 0o100644, compress: true, forceZip64Format: false });
    }
    zip.end();
    const chunks: Buffer[] = [];
    zip.outputStream.on('data', (c: Buffer) => chunks.push(c));
    zip.outputStream.on('end', () => resolve(Buffer.concat(chunks)));
    zip.outputStream.on('error', reject);
  });

/** Bundles one function into dist/functions/<name>.zip (+ source map and metafile beside it). */
export const bundleFunction = async (root: string, spec: FunctionSpec, outDir: string): Promise<BundleResult & { metafile: Metafile }> => {
  const workDir = join(outDir, spec.name);
  mkdirSync(workDir, { recursive: true });
  const outfile = join(workDir, 'index.js');
  const result = await build(esbuildOptions(join(root, spec.entry), outfile, root));
  const code = readFileSync(outfile);
  writeFileSync(join(outDir, `${spec.name}.meta.json`), JSON.stringify(result.metafile));
  // The source map stays beside the zip (for decoding stack traces), not in it: smaller zips, faster cold starts.
  const zipBytes = await zipDeterministic([{ name: 'index.js', data: code }]);
  const zipPath = join(outDir, `${spec.name}.zip`);
  writeFileSync(zipPath, zipBytes);
  const budgetBytes = spec.sizeBudgetKb * 1024;
  return {
    name: spec.name,
    zipPath,
    zipBytes: zipBytes.length,
    codeBytes: code.length,
    sha256: createHash('sha256').update(zipBytes).digest('base64'),
    budgetBytes,
    overBudget: zipBytes.length > budgetBytes,
    metafile: result.metafile,
  };
};

/** The largest inputs of a bundle, for the size report. */
export const topInputs = (metafile: Metafile, n = 3): Array<{ path: string; bytes: number }> => {
  const out = Object.entries(metafile.outputs).find(([p]) => p.endsWith(".js"))?.[1];
  if (!out) return [];
  const byPackage = new Map<string, number>();
  for (const [path, { bytesInOutput }] of Object.entries(out.inputs)) {
    const m = /node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)/.exec(path);
    const key = m?.[1] ?? path.replace(/^.*?(packages|functions)\//, '$1/').replace(/\/src\/.*$/, '');
    byPackage.set(key, (byPackage.get(key) ?? 0) + bytesInOutput);
  }
  return [...byPackage].map(([path, bytes]) => ({ path, bytes })).sort((a, b) => b.bytes - a.bytes).slice(0, n);
};
