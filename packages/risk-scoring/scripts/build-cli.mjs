#!/usr/bin/env node
// Bundles the review CLI (src/cli/main.ts + @iac-review/core) with esbuild into dist/review.mjs
// (ESM) plus chunks in dist/chunks/ that are loaded only when needed: the HCL parser/evaluator (for
// Terraform source), the policy file reader (YAML, JSON Schema) and `submit`. A plan review loads
// the entry only. Next to the bundle, dist/review.sources.json lists the files it was built from:
// the bin compares their mtimes with the build (a few dozen stats) to tell whether to rebuild.
// `--if-stale` rebuilds only when that check says so. Progress goes to stderr only.
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const pkg = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(pkg, 'dist');
const out = join(dist, 'review.mjs');
export const MANIFEST = join(dist, 'review.sources.json');
/** Older chunks are kept this long after a rebuild: a CLI started just before it may still load them. */
const KEEP_OLD_CHUNKS_MS = 10 * 60 * 1000;

/**
 * True when the bundle must be (re)built (bin/iac-review.mjs makes the same check inline, to spare
 * itself loading this module): no bundle or manifest, or a listed file or directory is
 * missing or changed after the build started. The manifest lists every workspace source file the
 * bundle was built from, the directories holding them (a new file changes its directory's mtime),
 * this script and the package.json files (a dependency change edits them).
 */
export function isStale() {
  let manifest;
  try {
    manifest = JSON.parse(readFileSync(MANIFEST, 'utf8'));
  } catch {
    return true;
  }
  if (!existsSync(out) || typeof manifest.started !== 'number' || !Array.isArray(manifest.paths)) return true;
  for (const p of manifest.paths) {
    const st = typeof p === 'string' && statSync(join(pkg, p), { throwIfNoEntry: false });
    if (!st || st.mtimeMs > manifest.started) return true;
  }
  return false;
}

/** Writes a file next to its final name, then renames it: a CLI starting meanwhile sees the old or the new file, never half of one. */
function writeAtomic(file, contents) {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, contents);
  renameSync(tmp, file);
}

export async function build() {
  const { build: esbuild } = await import('esbuild');
  const started = Date.now();
  const result = await esbuild({
    entryPoints: { review: join(pkg, 'src', 'cli', 'main.ts') },
    outdir: dist,
    outExtension: { '.js': '.mjs' },
    chunkNames: 'chunks/[name]-[hash]',
    bundle: true,
    splitting: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    // `require` for bundled code that needs it, created on first call (not on every start).
    banner: { js: "import { createRequire as __cr } from 'node:module'; let __rq; const require = (id) => (__rq ??= __cr(import.meta.url))(id);" },
    mainFields: ['module', 'main'],
    legalComments: 'none',
    logLevel: 'warning',
    // Paths in the bundle's comments and the metafile are relative to the package, wherever it is built from.
    absWorkingDir: pkg,
    metafile: true,
    write: false,
  });
  // Chunks first, the entry last: the new entry never points at a chunk that is not there yet.
  const written = new Set();
  for (const f of result.outputFiles.filter((o) => o.path !== out)) {
    writeAtomic(f.path, f.contents);
    written.add(f.path);
  }
  const entry = result.outputFiles.find((o) => o.path === out);
  if (!entry) throw new Error(`esbuild wrote no ${out}`);
  writeAtomic(out, entry.contents);
  const chunks = join(dist, 'chunks');
  for (const name of existsSync(chunks) ? readdirSync(chunks) : []) {
    const f = join(chunks, name);
    if (written.has(f)) continue;
    // Another build may be renaming or pruning the same directory: a file that is gone is fine.
    const st = statSync(f, { throwIfNoEntry: false });
    if (st && Date.now() - st.mtimeMs > KEEP_OLD_CHUNKS_MS) rmSync(f, { force: true });
  }
  const files = Object.keys(result.metafile.inputs)
    .map((p) => resolve(pkg, p))
    .filter((p) => !p.split(sep).includes('node_modules') && existsSync(p));
  const paths = new Set([...files, ...files.map((f) => dirname(f)), fileURLToPath(import.meta.url), join(pkg, 'package.json'), join(pkg, '..', 'core', 'package.json')]);
  writeAtomic(MANIFEST, `${JSON.stringify({ started, paths: [...paths].map((p) => relative(pkg, p)).sort() }, null, 1)}\n`);
  return result.metafile;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (!process.argv.includes('--if-stale') || isStale()) {
    const t = Date.now();
    await build();
    process.stderr.write(`[risk-scoring] built ${out} in ${Date.now() - t} ms\n`);
  }
}
