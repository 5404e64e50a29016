import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { loadManifest, repoRoot } from '../lib/repo';
import { bundleFunction, deflateCacheDir, pruneDeflateCache, topInputs } from './bundle';

const HELP = `Usage: npm run bundle [-- --only NAME[,NAME]] [--out DIR]

Bundles every function in functions/manifest.json with esbuild into dist/functions/<name>.zip,
prints a size table and how long it took, and fails (exit 1) when a zip exceeds its sizeBudgetKb. Zips are byte-for-byte
reproducible: the same code gives the same sha256 (Terraform's source_code_hash). Files are
deflated with zopfli; deflated files are kept in node_modules/.cache/iac-review-zopfli.`;

const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;

const main = async () => {
  const args = process.argv.slice(2);
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  const onlyIdx = args.indexOf('--only');
  const only = onlyIdx >= 0 ? new Set((args[onlyIdx + 1] ?? '').split(',')) : undefined;
  const outIdx = args.indexOf('--out');
  const outDir = outIdx >= 0 ? (args[outIdx + 1] ?? '') : join(repoRoot, 'dist', 'functions');
  mkdirSync(outDir, { recursive: true });

  const specs = loadManifest().filter((s) => !only || only.has(s.name));
  if (specs.length === 0) {
    process.stderr.write(`no function matches --only ${[...(only ?? [])].join(',')}\n`);
    return 2;
  }
  const started = Date.now();
  const rows = [];
  for (const spec of specs) {
    process.stderr.write(`bundling ${spec.name} (${spec.entry})…\n`);
    rows.push(await bundleFunction(repoRoot, spec, outDir));
  }
  pruneDeflateCache(deflateCacheDir(repoRoot));
  const lines = [
    '| function | zip | budget | JavaScript | index.mjs (loaded at cold start) | largest inputs | sha256 |',
    '|---|---:|---:|---:|---:|---|---|',
    ...rows.map(
      (r) =>
        `| ${r.name} | ${kb(r.zipBytes)}${r.overBudget ? ' ❌' : ''} | ${kb(r.budgetBytes)} | ${kb(r.codeBytes)} | ${kb(r.entryBytes)} | ${topInputs(r.metafile)
          .map((i) => `${i.path} ${kb(i.bytes)}`)
          .join(', ')} | \`${r.sha256.slice(0, 12)}…\` |`,
    ),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  // Kept with the zips (a turbo output), so `npm run bundle` and `npm test` show it even when turbo replays a cached bundle.
  writeFileSync(join(outDir, 'sizes.md'), `${lines.join('\n')}\n`);
  // Zopfli makes the zips smaller and the step slower (deflated files are kept between builds).
  process.stderr.write(`zips in ${relative(process.cwd(), outDir) || '.'} (${specs.length} functions in ${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
  const over = rows.filter((r) => r.overBudget);
  if (over.length > 0) {
    process.stderr.write(`over budget: ${over.map((r) => `${r.name} ${kb(r.zipBytes)} > ${kb(r.budgetBytes)}`).join('; ')}\n`);
    return 1;
  }
  return 0;
};

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`bundle failed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
