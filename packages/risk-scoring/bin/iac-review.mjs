#!/usr/bin/env node
// The `iac-review` command: `iac-review review …` reviews a plan / Terraform source locally,
// `iac-review submit …` posts a plan to the API. Runs the pre-bundled CLI (dist/review.mjs) in this
// process: no package manager, no TypeScript compiler, no second node process. In the repository
// the bundle is rebuilt first when a file it was built from changed (esbuild, a few hundred ms).
import { readFileSync, statSync } from 'node:fs';
import module from 'node:module';
import { join } from 'node:path';
import process from 'node:process';
import { fileURLToPath, URL } from 'node:url';

// Node.js ≥ 22.1 keeps the compiled bundle in its on-disk code cache (os.tmpdir()/node-compile-cache,
// or NODE_COMPILE_CACHE): later starts skip compiling it. Older versions have no such cache.
try {
  module.enableCompileCache?.();
} catch {
  // no cache: only slower
}

const dist = new URL('../dist/', import.meta.url);
const bundle = fileURLToPath(new URL('review.mjs', dist));
const builder = fileURLToPath(new URL('../scripts/build-cli.mjs', import.meta.url));
const [command, ...rest] = process.argv.slice(2);

const USAGE = `Usage: iac-review <command> [options]

Commands:
  review [options] <plan.json | file.tf | directory>…
                 review a Terraform plan (terraform show -json output; "-" reads stdin) or
                 Terraform source locally, with the rules only; see: iac-review review --help
  submit [options] <plan.json>
                 post a plan to the IaC Review API (POST /reviews) for a full review;
                 see: iac-review submit --help
  help           this text
`;

if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
  process.stdout.write(USAGE);
  process.exit(0);
}
if (command !== 'review' && command !== 'submit') {
  process.stderr.write(`iac-review: unknown command "${command}"\n\n${USAGE}`);
  process.exit(2);
}

/**
 * In the repository (the build script is there): whether the bundle is older than what it was built
 * from. dist/review.sources.json, written by the build, lists those files and their directories;
 * one of them missing or modified after the build started means rebuild. The same check as the
 * build script's isStale(), made here so that a fresh bundle costs no extra module load.
 */
const stale = () => {
  let manifest;
  try {
    manifest = JSON.parse(readFileSync(new URL('review.sources.json', dist), 'utf8'));
    if (!statSync(bundle, { throwIfNoEntry: false })) return true;
  } catch {
    return true;
  }
  if (typeof manifest.started !== 'number' || !Array.isArray(manifest.paths)) return true;
  const pkg = fileURLToPath(new URL('../', import.meta.url));
  for (const p of manifest.paths) {
    const st = typeof p === 'string' && statSync(join(pkg, p), { throwIfNoEntry: false });
    if (!st || st.mtimeMs > manifest.started) return true;
  }
  return false;
};

if (statSync(builder, { throwIfNoEntry: false })) {
  if (stale()) {
    const t = Date.now();
    const { build } = await import(builder);
    await build();
    process.stderr.write(`[iac-review] rebuilt ${bundle} (sources changed) in ${Date.now() - t} ms\n`);
  }
} else if (!statSync(bundle, { throwIfNoEntry: false })) {
  process.stderr.write(`iac-review: ${bundle} is missing\n`);
  process.exit(2);
}
// The bundled CLI reads its arguments from process.argv: `review` reviews with the rest, `submit` posts.
process.argv = [process.argv[0], bundle, ...(command === 'submit' ? ['submit', ...rest] : rest)];
await import(bundle);
