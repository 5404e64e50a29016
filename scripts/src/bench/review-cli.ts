/**
 * The review CLI's start-up: reviewing a 5000-change plan through the `iac-review` bin against a bare
 * `node -e` that only reads and JSON.parses the same file, in the same run (interleaved), plus the
 * ways people start it (npm run, npx) for comparison.
 * Usage: npx tsx scripts/src/bench/review-cli.ts [--runs N] [--changes N] [--write]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fmtMs, machineLine, median, writeBenchmarkSection } from '../lib/bench';
import { repoRoot } from '../lib/repo';

const args = process.argv.slice(2);
const num = (name: string, fallback: number) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) || fallback : fallback);
const runs = num('--runs', 9);
const changes = num('--changes', 5000);
const write = args.includes('--write');
const GOAL = 1.5;

const pkg = join(repoRoot, 'packages', 'risk-scoring');
const bin = join(pkg, 'bin', 'iac-review.mjs');
const fixtures = ['gaps-iam', 'iam-network', 'public-encryption', 'deletes', 'data-logging-secrets'];

/** A plan of `changes` resource changes: the real fixture plans' changes, copied under new names. */
const makePlan = (file: string) => {
  const pool = fixtures.flatMap((f) => (JSON.parse(readFileSync(join(pkg, 'test', 'fixtures', 'plans', `${f}.json`), 'utf8')) as { resource_changes: Array<Record<string, unknown>> }).resource_changes);
  const out = Array.from({ length: changes }, (_, i) => {
    const rc = pool[i % pool.length] as { address: string; name: string } & Record<string, unknown>;
    const copy = Math.floor(i / pool.length);
    return { ...rc, address: `${rc.address}_c${copy}`, name: `${rc.name}_c${copy}` };
  });
  writeFileSync(file, JSON.stringify({ format_version: '1.2', terraform_version: '1.11.4', resource_changes: out }));
};

const time = (cmd: string, argv: string[], env: NodeJS.ProcessEnv = process.env): { ms: number; stdout: string } => {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, argv, { encoding: 'utf8', maxBuffer: 512 * 1024 * 1024, cwd: repoRoot, env });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0 && r.status !== 1) throw new Error(`${cmd} ${argv.join(' ')} exited ${r.status}: ${r.stderr.slice(0, 400)}`);
  return { ms, stdout: r.stdout };
};

const main = () => {
  const dir = mkdtempSync(join(tmpdir(), 'review-cli-bench-'));
  try {
    const file = join(dir, 'plan.json');
    makePlan(file);
    const mb = statSync(file).size / 2 ** 20;
    // Build (or confirm) the bundle once, outside the timings.
    time(process.execPath, [bin, 'review', '--help']);
    const ways: Array<{ name: string; run: () => { ms: number; stdout: string }; every: number }> = [
      { name: 'baseline: `node -e` reading and JSON.parse-ing the file', run: () => time(process.execPath, ['-e', `JSON.parse(require('fs').readFileSync(${JSON.stringify(file)}, 'utf8'))`]), every: 1 },
      { name: '`iac-review review --format json FILE` (the bin: node_modules/.bin/iac-review)', run: () => time(process.execPath, [bin, 'review', '--format', 'json', file]), every: 1 },
      { name: '`npm run --silent review -- --format json FILE`', run: () => time('npm', ['run', '--silent', 'review', '--', '--format', 'json', file]), every: 3 },
      { name: '`npx iac-review review --format json FILE`', run: () => time('npx', ['iac-review', 'review', '--format', 'json', file]), every: 3 },
    ];
    const samples = new Map<string, number[]>(ways.map((w) => [w.name, []]));
    let findings = -1;
    process.stderr.write(`review CLI: ${changes} changes (${mb.toFixed(1)} MB), ${runs} interleaved runs\n`);
    for (let i = 0; i < runs; i++) {
      for (const w of ways) {
        if (i % w.every !== 0) continue;
        const r = w.run();
        samples.get(w.name)?.push(r.ms);
        if (w.name.includes('the bin')) findings = (JSON.parse(r.stdout) as { findings: unknown[] }).findings.length;
      }
      process.stderr.write('.');
    }
    process.stderr.write('\n');
    const base = median(samples.get(ways[0]?.name ?? '') ?? []);
    const binMs = median(samples.get(ways[1]?.name ?? '') ?? []);
    const rows = ways.map((w) => {
      const m = median(samples.get(w.name) ?? []);
      return `| ${w.name} | ${samples.get(w.name)?.length} | ${fmtMs(m)} | ${(m / base).toFixed(2)}× |`;
    });
    const ratio = binMs / base;
    const md = [
      '## review CLI: start-up and a 5000-change review',
      '',
      `Command: \`npx tsx scripts/src/bench/review-cli.ts --runs ${runs}${write ? ' --write' : ''}\` — ${machineLine()}.`,
      `A generated plan of **${changes} resource changes** (${mb.toFixed(1)} MB; copies of the real fixture plans' changes), ${findings} findings.`,
      'Medians of fresh processes, interleaved in one run (npm and npx every third round: they are slow).',
      '',
      '| command | runs | median | vs baseline |',
      '|---|---:|---:|---:|',
      ...rows,
      '',
      `Goal: the bin ≤ ${GOAL}× the baseline — this run: **${ratio.toFixed(2)}×** (${ratio <= GOAL ? 'met' : 'not met'}). The bin runs the pre-bundled CLI`,
      'in its own process (no package manager; in the repository it checks the bundle against its sources first,',
      'a stat of each source file). `npm run` and `npx` add their own start-up on top of the same work.',
    ].join('\n');
    process.stdout.write(`${md}\n`);
    if (write) writeBenchmarkSection('review-cli', md);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};

main();
