import { build, type BuildOptions, type Metafile, type Plugin } from 'esbuild';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { basename, join, relative, sep } from 'node:path';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { deflateAsync } from '@gfx/zopfli';
import { Zip, ZipPassThrough } from 'fflate';
import type { FunctionSpec } from '../lib/repo';
import { awsSdkTrimPlugin } from './aws-sdk-trim';
import { slimOpenApiPlugin } from './slim-openapi';

/**
 * Every entry in every zip gets this timestamp, so identical code gives identical bytes. Zip times
 * are local times: midnight of the local 2020-01-01 is written as 2020-01-01 00:00 in any time zone.
 */
const FIXED_MTIME = new Date(2020, 0, 1, 0, 0, 0);

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

/**
 * The JavaScript sha256/sha1/md5 that the SDK's Node hash classes fall back to when node:crypto
 * lacks the algorithm (see shims/js-hash-fallbacks.mjs). Only those importers are redirected.
 */
export const jsHashFallbacksPlugin: Plugin = {
  name: 'js-hash-fallbacks',
  setup(b) {
    b.onResolve({ filter: /^\.\/(Sha256Js|Sha1Js|Md5Js)$/ }, (args) =>
      /[\\/](Sha256Node|Sha1Node|Md5Node)\.js$/.test(args.importer) ? { path: join(__dirname, 'shims', 'js-hash-fallbacks.mjs') } : undefined,
    );
  },
};

/** S3 Express One Zone's session provider, built by every S3 client (see shims/s3-express-identity.mjs). */
export const s3ExpressPlugin: Plugin = {
  name: 's3-express-identity',
  setup(b) {
    b.onResolve({ filter: /[\\/]S3ExpressIdentityProviderImpl$/ }, (args) =>
      /[\\/]middleware-s3-configuration[\\/]s3Configuration\.js$/.test(args.importer) ? { path: join(__dirname, 'shims', 's3-express-identity.mjs') } : undefined,
    );
  },
};

/** What gives an ES-module output file a `require` (CommonJS dependencies require Node built-ins). */
export const REQUIRE_BANNER = "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);";

/**
 * The banner only in the output files that use `require` (esbuild's banner option puts it in every
 * chunk: ~1 KB of every zip, and a createRequire per chunk loaded). A file that never says
 * `require` cannot reference it. The banner is a line of its own, so the file's source map gets one
 * empty line in front (`;` in its mappings) and still points at the right sources.
 */
export const requireWhereUsedPlugin: Plugin = {
  name: 'require-where-used',
  setup(b) {
    b.onEnd((result) => {
      for (const out of Object.keys(result.metafile?.outputs ?? {})) {
        if (!out.endsWith('.mjs')) continue;
        const file = join(b.initialOptions.absWorkingDir ?? process.cwd(), out);
        const code = readFileSync(file, 'utf8');
        if (!/\brequire\b/.test(code)) continue;
        writeFileSync(file, `${REQUIRE_BANNER}\n${code}`);
        const mapFile = `${file}.map`;
        if (existsSync(mapFile)) {
          const map = JSON.parse(readFileSync(mapFile, 'utf8')) as { mappings: string };
          writeFileSync(mapFile, JSON.stringify({ ...map, mappings: `;${map.mappings}` }));
        }
      }
    });
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
    // Beside index.mjs, not in a folder: every name is stored twice in the zip (~0.3 KB).
    chunkNames: '[name]-[hash]',
    // CommonJS dependencies (pino, ajv-formats…) call require() for Node built-ins: the files that
    // use it get one (requireWhereUsedPlugin, not esbuild's banner, which would put it in every chunk).
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
      '@pinojs/redact': join(__dirname, 'shims', 'pino-redact.cjs'),
      '@aws-sdk/token-providers': join(__dirname, 'shims', 'token-providers.mjs'),
    },
    // The OpenAPI document without its descriptions, examples and schemas (see slim-openapi.ts);
    // the AWS SDK clients without the schemas of operations we never call (see aws-sdk-trim.ts).
    plugins: [slimOpenApiPlugin, awsSdkTrimPlugin, pinoTransportsPlugin, jsHashFallbacksPlugin, s3ExpressPlugin, requireWhereUsedPlugin],
    logLevel: 'warning',
    // Paths in the output and metafile are relative to the repo, so a clone elsewhere builds the same bytes.
    absWorkingDir,
  });

/**
 * Zopfli's iterations per file. Zopfli finds a smaller deflate stream than zlib's best level
 * (about 3.5 % smaller zips here; zlib level 9 saves 0.1 %). 15 (zopfli's default) give ~0.2 KB
 * per zip more than 1; all nine functions take ~20 s on 2 cores the first time and ~5 s once their
 * deflated files are kept (deflateWithZopfli).
 */
export const ZOPFLI_ITERATIONS = 15;

/**
 * A zip entry whose data is already deflated (fflate's documented way to plug in another
 * compressor: a ZipPassThrough is fed the original bytes, for the CRC and size, and `process`
 * hands the zip the compressed ones).
 */
class DeflatedEntry extends ZipPassThrough {
  constructor(
    name: string,
    private readonly deflated: Uint8Array<ArrayBuffer>,
  ) {
    super(name);
    this.compression = 8; // deflate: what Lambda, unzip and every zip reader read
    this.mtime = FIXED_MTIME;
    this.os = 3; // Unix, so the mode below is read
    this.attrs = 0o100644 << 16; // a regular file, rw-r--r--
  }

  override process(_original: Uint8Array, final: boolean): void {
    this.ondata?.(null, final ? this.deflated : new Uint8Array(0), final);
  }
}

/**
 * Zopfli takes ~0.5 s per 100 KB of code, and every function's shared SDK chunks are alike from one
 * build to the next: deflated files are kept by the sha256 of their bytes, in memory and (when given)
 * in a folder. A kept stream is used only if it inflates back to exactly those bytes, so a damaged or
 * stale cache file costs a recompression, never a wrong zip.
 */
const deflatedByContent = new Map<string, Buffer>();

export const deflateWithZopfli = async (data: Buffer, cacheDir?: string): Promise<Buffer> => {
  const key = `${createHash('sha256').update(data).digest('hex')}-zopfli-i${ZOPFLI_ITERATIONS}`;
  const file = cacheDir ? join(cacheDir, `${key}.deflate`) : undefined;
  const kept = deflatedByContent.get(key) ?? readIfPresent(file);
  if (kept && inflatesTo(kept, data)) {
    deflatedByContent.set(key, kept);
    if (file) touch(file); // recently used: pruneDeflateCache keeps it
    return kept;
  }
  const fresh = Buffer.from(await deflateAsync(data, { numiterations: ZOPFLI_ITERATIONS }));
  deflatedByContent.set(key, fresh);
  if (cacheDir && file) {
    // Written aside and renamed: parallel builds (jest workers) never read half a file.
    mkdirSync(cacheDir, { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, fresh);
    renameSync(tmp, file);
  }
  return fresh;
};

const touch = (file: string): void => {
  try {
    const now = new Date();
    utimesSync(file, now, now);
  } catch {
    // kept in memory only (the file went away meanwhile): nothing to mark
  }
};

/**
 * Keeps the newest `keep` deflated files (a full build of every function writes ~170; files are
 * marked when used), so the folder does not grow with every change. Returns how many it removed.
 */
export const pruneDeflateCache = (cacheDir: string, keep = 1000): number => {
  let names: string[];
  try {
    names = readdirSync(cacheDir).filter((n) => n.endsWith('.deflate'));
  } catch {
    return 0;
  }
  if (names.length <= keep) return 0;
  const byAge = names
    .map((n) => {
      try {
        return { n, t: statSync(join(cacheDir, n)).mtimeMs };
      } catch {
        return { n, t: 0 };
      }
    })
    .sort((a, b) => b.t - a.t || a.n.localeCompare(b.n));
  const old = byAge.slice(keep);
  for (const { n } of old) rmSync(join(cacheDir, n), { force: true });
  return old.length;
};

const readIfPresent = (file: string | undefined): Buffer | undefined => {
  if (!file) return undefined;
  try {
    return readFileSync(file);
  } catch {
    return undefined;
  }
};

const inflatesTo = (deflated: Buffer, data: Buffer): boolean => {
  try {
    return inflateRawSync(deflated).equals(data);
  } catch {
    return false;
  }
};

/**
 * How zip entries are deflated: `zopfli` (what `npm run bundle` ships: the smallest zips) or `zlib`
 * (level 9: the same kind of zip, 3.5 % larger, built in a fraction of the time), for tests whose
 * subject is what a zip holds or does rather than its size.
 */
export type Deflate = 'zopfli' | 'zlib';

/** Entries sorted by name, fixed times and modes, deflated: the same files give the same bytes. */
export const zipDeterministic = async (files: Array<{ name: string; data: Buffer }>, cacheDir?: string, deflate: Deflate = 'zopfli'): Promise<Buffer> => {
  const sorted = [...files].sort((a, b) => a.name.localeCompare(b.name));
  const deflated = await Promise.all(sorted.map((f) => (deflate === 'zlib' ? deflateRawSync(f.data, { level: 9 }) : deflateWithZopfli(f.data, cacheDir))));
  const parts: Uint8Array[] = [];
  let failure: Error | null = null;
  const zip = new Zip((err, chunk) => {
    if (err) failure = err;
    else parts.push(chunk);
  });
  sorted.forEach((f, i) => {
    const entry = new DeflatedEntry(f.name, new Uint8Array(deflated[i]!));
    zip.add(entry);
    entry.push(f.data, true);
  });
  zip.end();
  if (failure) throw failure;
  return Buffer.concat(parts);
};

/** Where deflated files are kept between builds (see deflateWithZopfli). */
export const deflateCacheDir = (root: string): string => join(root, 'node_modules', '.cache', 'iac-review-zopfli');

/** Bundles one function into dist/functions/<name>.zip (+ source maps and metafile beside it). */

export const bundleFunction = async (root: string, spec: FunctionSpec, outDir: string, opts: { deflate?: Deflate } = {}): Promise<BundleResult & { metafile: Metafile }> => {
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
  const zipBytes = await zipDeterministic(files, deflateCacheDir(root), opts.deflate);
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
