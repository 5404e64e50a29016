import { build, type BuildOptions, type Metafile, type Plugin } from 'esbuild';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join, relative, sep } from 'node:path';
import yazl from 'yazl';
import type { FunctionSpec } from '../lib/repo';
import { awsSdkTrimPlugin } from './aws-sdk-trim';
import { slimOpenApiPlugin } from './slim-openapi';

/** Every entry in every zip gets this timestamp, so identical code gives identical bytes. */
const FIXED_MTIME = new Date('2020-01-01T00:00:00.000Z');

export interface BundleResult {
  name: string;
  zipPath: string;
  zipBytes: number;
  /** All JavaScript in the zip (entry + chunks). */
  codeBytes: number;
  /** The entry alone: what a cold start loads before the first request needs a chunk. */
  entryBytes: number;
  sha256: string;
  budgetBytes: number;
  overBudget: boolean;
}

/** pino's lib/transport.js and lib/multistream.js, never used by the functions (see shims/pino-transport.cjs). */
const pinoTransportsPlugin: Plugin = {
  name: 'pino-transports',
  setup(b) {
    // pino.js requires './lib/transport' and './lib/multistream'; lib/tools.js requires './transport'.
    b.onResolve({ filter: /^\.\/(lib\/)?(transport|multistream)$/ }, (args) =>
      /[\\/]pino[\\/](pino\.js|lib[\\/]tools\.js)$/.test(args.importer) ? { path: join(__dirname, 'shims', 'pino-transport.cjs') } : undefined,
    );
  },
};

/** The entry file Lambda loads (`index.handler` finds index.mjs). */
export const ENTRY_FILE = 'index.mjs';

/**
 * The one shared esbuild configuration for every function: an ES module split into chunks. What
 * the code loads with `import()` (each AWS SDK client behind its adapter, jose, the HCL evaluator)
 * becomes a chunk file that Node reads, compiles and runs only when a request first needs it, and
 * unlike a lazily required CommonJS module it is still tree-shaken: a cold start pays for what the
 * first request uses, and the zip holds only what some request can use.
 */
export const esbuildOptions = (entry: string, outdir: string, absWorkingDir: string): BuildOptions & { metafile: true } => ({
    entryPoints: { index: entry },
    outdir,
    bundle: true,
    splitting: true,
    format: 'esm',
    outExtension: { '.js': '.mjs' },
    chunkNames: 'chunks/[name]-[hash]',
    // CommonJS dependencies (pino, ajv-formats…) call require() for Node built-ins: give the module one.
    banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
    minify: true,
    // No keepNames (~9 KB of every zip, ~5 % of a cold start): every error class says its own name
    // (`override name = '…'`, checked by scripts/test/error-names.test.ts), so logs say
    // IdempotencyKeyReusedError, not Wi.
    keepNames: false,
    treeShaking: true,
    platform: 'node',
    target: 'node22',
    mainFields: ['module', 'main'],
    sourcemap: 'external',
    sourcesContent: false,
    metafile: true,
    legalComments: 'none',
    // Lambda gives credentials through the environment: no need for the whole default chain.
    alias: {
      '@aws-sdk/credential-provider-node': join(__dirname, 'shims', 'credential-provider-node.ts'),
      bowser: join(__dirname, 'shims', 'bowser.mjs'),
      '@smithy/core/event-streams': join(__dirname, 'shims', 'event-streams.mjs'),
      'mnemonist/lru-cache': join(__dirname, 'shims', 'mnemonist-lru-cache.mjs'),
      '@aws-sdk/token-providers': join(__dirname, 'shims', 'token-providers.mjs'),
    },
    // The OpenAPI document without its descriptions, examples and schemas (see slim-openapi.ts);
    // the AWS SDK clients without the schemas of operations we never call (see aws-sdk-trim.ts).
    plugins: [slimOpenApiPlugin, awsSdkTrimPlugin, pinoTransportsPlugin],
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

/** Bundles one function into dist/functions/<name>.zip (+ source maps and metafile beside it). */
export const bundleFunction = async (root: string, spec: FunctionSpec, outDir: string): Promise<BundleResult & { metafile: Metafile }> => {
  const workDir = join(outDir, spec.name);
  // Chunk names carry content hashes: start empty so no chunk of an earlier build ends up in the zip.
  rmSync(workDir, { recursive: true, force: true });
  mkdirSync(workDir, { recursive: true });
  const result = await build(esbuildOptions(join(root, spec.entry), workDir, root));
  writeFileSync(join(outDir, `${spec.name}.meta.json`), JSON.stringify(result.metafile));
  // The source maps stay beside the zip (for decoding stack traces), not in it: smaller zips, faster cold starts.
  const files = Object.keys(result.metafile.outputs)
    .filter((p) => p.endsWith('.mjs'))
    .map((p) => {
      const abs = join(root, p);
      return { name: relative(workDir, abs).split(sep).join('/'), data: readFileSync(abs) };
    });
  const entry = files.find((f) => f.name === ENTRY_FILE);
  if (!entry) throw new Error(`esbuild wrote no ${ENTRY_FILE} for ${spec.name} (outputs: ${files.map((f) => basename(f.name)).join(', ')})`);
  const zipBytes = await zipDeterministic(files);
  const zipPath = join(outDir, `${spec.name}.zip`);
  writeFileSync(zipPath, zipBytes);
  const budgetBytes = spec.sizeBudgetKb * 1024;
  return {
    name: spec.name,
    zipPath,
    zipBytes: zipBytes.length,
    codeBytes: files.reduce((n, f) => n + f.data.length, 0),
    entryBytes: entry.data.length,
    sha256: createHash('sha256').update(zipBytes).digest('base64'),
    budgetBytes,
    overBudget: zipBytes.length > budgetBytes,
    metafile: result.metafile,
  };
};

/** The largest inputs of a bundle, for the size report. */
export const topInputs = (metafile: Metafile, n = 3): Array<{ path: string; bytes: number }> => {
  const byPackage = new Map<string, number>();
  const inputs = Object.entries(metafile.outputs)
    .filter(([p]) => p.endsWith('.mjs'))
    .flatMap(([, out]) => Object.entries(out.inputs));
  for (const [path, { bytesInOutput }] of inputs) {
    const m = /node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)/.exec(path);
    const key = m?.[1] ?? path.replace(/^.*?(packages|functions)\//, '$1/').replace(/\/src\/.*$/, '');
    byPackage.set(key, (byPackage.get(key) ?? 0) + bytesInOutput);
  }
  return [...byPackage].map(([path, bytes]) => ({ path, bytes })).sort((a, b) => b.bytes - a.bytes).slice(0, n);
};
