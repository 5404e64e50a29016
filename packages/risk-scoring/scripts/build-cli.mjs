#!/usr/bin/env node
// Bundles the review CLI (src/cli/main.ts + @iac-review/core) into dist/review.mjs with esbuild so
// `review` starts without a TypeScript compiler. `--if-stale` rebuilds only when a source file of
// this package or of packages/core is newer than the bundle. Progress goes to stderr only.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const pkg = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(pkg, 'dist', 'review.mjs');
const sources = [join(pkg, 'src'), join(pkg, 'schema'), join(pkg, '..', 'core', 'src'), join(pkg, 'package.json'), fileURLToPath(import.meta.url)];

function newest(path) {
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let max = st.mtimeMs;
  for (const e of readdirSync(path)) max = Math.max(max, newest(join(path, e)));
  return max;
}

export function isStale() {
  if (!existsSync(out)) return true;
  const built = statSync(out).mtimeMs;
  return sources.some((s) => existsSync(s) && newest(s) > built);
}

export async function build() {
  const { build: esbuild } = await import('esbuild');
  await esbuild({
    entryPoints: [join(pkg, 'src', 'cli', 'main.ts')],
    outfile: out,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    // `require` for bundled code that needs it, created on first call (not on every start).
    banner: { js: "import { createRequire as __cr } from 'node:module'; let __rq; const require = (id) => (__rq ??= __cr(import.meta.url))(id);" },
    mainFields: ['module', 'main'],
    legalComments: 'none',
    logLevel: 'warning',
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (!process.argv.includes('--if-stale') || isStale()) {
    const t = Date.now();
    await build();
    process.stderr.write(`[risk-scoring] built ${out} in ${Date.now() - t} ms\n`);
  }
}
