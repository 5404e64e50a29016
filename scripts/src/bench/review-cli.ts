/**
 * The review CLI's start-up: reviewing a 5000-change plan through the `iac-review` bin against a bare
 * `node -e` that only reads and JSON.parses the same file, in the same run (interleaved), plus the
 * ways people start it (npm run, npx) for comparison, the start-up alone (`--help` against
 * `node -e 0`), and what the review itself costs in one process once the JIT has warmed up (the
 * floor under any start-up work).
 * Usage: npx tsx scripts/src/bench/review-cli.ts [--runs N] [--changes N] [--against OTHER_BIN [--against-label TEXT]] [--profile N] [--write]
 * The bin also runs once more per round under `node --turbofan`: V8's default tiering, which the CLI turns off
 * for its own process (src/cli/v8-tiering.ts), so the effect of that choice is measured in the same run.
 * `--profile N` runs the bin N more times under `node --cpu-prof` and reports where the time goes, by source file.
 * `--against` adds another checkout's bin (e.g. an older commit's packages/risk-scoring/bin/iac-review.mjs)
 * to the same interleaved runs, for a before/after in one run.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fmtMs, machineLine, median, writeBenchmarkSection } from '../lib/bench';
import { repoRoot } from '../lib/repo';
import { normalisePlan, reviewChanges, rules } from '../../../packages/risk-scoring/src/engine';

const args = process.argv.slice(2);
if (args.includes('--help') || args.includes('-h')) {
  process.stdout.write(`Usage: npx tsx scripts/src/bench/review-cli.ts [--runs N] [--changes N] [--against OTHER_BIN [--against-label TEXT]] [--profile N] [--write]

  --runs N         interleaved rounds of fresh processes (default 9)
  --changes N      resource changes in the generated plan (default 5000)
  --against BIN    also time another checkout's packages/risk-scoring/bin/iac-review.mjs in the same rounds
  --against-label  how the table names that bin
  --profile N      N more runs of the bin under node --cpu-prof: self time by source file
  --write          replace the review-cli section of docs/BENCHMARKS.md with the result
`);
  process.exit(0);
}
const num = (name: string, fallback: number) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) || fallback : fallback);
const runs = num('--runs', 9);
const changes = num('--changes', 5000);
const write = args.includes('--write');
const profileRuns = num('--profile', 0);
const against = args.includes('--against') ? args[args.indexOf('--against') + 1] : undefined;
const againstLabel = args.includes('--against-label') ? args[args.indexOf('--against-label') + 1] : "another checkout's bin";
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

/** The bundle's entry and the chunks it imports statically (transitively): what a plan review loads. */
const entryClosure = (entry: string): string[] => {
  const seen = new Set<string>();
  const visit = (file: string): void => {
    if (seen.has(file) || !existsSync(file)) return;
    seen.add(file);
    for (const m of readFileSync(file, 'utf8').matchAll(/^import\s[^;]*?from\s*"(\.\/[^"]+)"/gm)) visit(join(file, '..', m[1]!));
  };
  visit(entry);
  return [...seen];
};

type CpuProfile = { nodes: Array<{ id: number; callFrame: { functionName: string; url: string; lineNumber: number } }>; samples: number[]; timeDeltas: number[] };

/**
 * Runs the bin under `node --cpu-prof` and adds up self time by where the code comes from: the
 * bundle's source files (from esbuild's `// path` comments), Node.js itself, the garbage collector.
 */
const profile = (file: string, times: number): Array<{ where: string; ms: number; share: number }> => {
  const dir = mkdtempSync(join(tmpdir(), 'review-cli-prof-'));
  try {
    for (let i = 0; i < times; i++) time(process.execPath, ['--cpu-prof', '--cpu-prof-dir', dir, '--cpu-prof-interval', '250', bin, 'review', '--format', 'json', file]);
    const marks = new Map<string, Array<[number, string]>>();
    const sourceOf = (url: string, line: number): string => {
      if (!url) return '';
      if (!url.startsWith('file://')) return 'Node.js (start-up, module loader, fs, streams)';
      const path = url.slice('file://'.length);
      if (!path.startsWith(join(pkg, 'dist'))) return path.endsWith('iac-review.mjs') ? 'bin/iac-review.mjs' : path;
      let m = marks.get(path);
      if (!m) {
        m = [];
        const lines = readFileSync(path, 'utf8').split('\n');
        for (let l = 0; l < lines.length; l++) {
          const c = /^\/\/ (\S+)$/.exec(lines[l]!);
          if (c) m.push([l, c[1]!]);
        }
        marks.set(path, m);
      }
      let src = 'bundle runtime';
      for (const [l, name] of m) if (l <= line) src = name;
      return src;
    };
    const totals = new Map<string, number>();
    let all = 0;
    const profiles = readdirSync(dir);
    for (const f of profiles) {
      const p = JSON.parse(readFileSync(join(dir, f), 'utf8')) as CpuProfile;
      const nodes = new Map(p.nodes.map((n) => [n.id, n]));
      for (let i = 0; i < p.samples.length; i++) {
        const n = nodes.get(p.samples[i]!)!;
        const us = p.timeDeltas[i] ?? 0;
        all += us;
        const fn = n.callFrame.functionName;
        let where = sourceOf(n.callFrame.url, n.callFrame.lineNumber);
        if (!where) where = fn === '(garbage collector)' ? 'garbage collector' : fn.startsWith('RegExp:') ? 'regular expressions' : fn === '(program)' || fn === '(idle)' ? 'V8 / idle (compiling, waiting)' : `Node.js native (${fn})`;
        if (where === 'src/cli/run-cli.ts') where = 'src/cli/run-cli.ts (JSON.parse of the plan)';
        totals.set(where, (totals.get(where) ?? 0) + us);
      }
    }
    return [...totals].map(([where, us]) => ({ where, ms: us / 1000 / profiles.length, share: us / all })).sort((a, b) => b.ms - a.ms);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};

/** One process, the same work as the CLI after reading the file: JSON.parse, normalise, review (with the CLI's empty policy), JSON.stringify. */
const inProcess = (file: string, rounds: number) => {
  const text = readFileSync(file, 'utf8');
  const phases: Array<{ parse: number; engine: number }> = [];
  for (let i = 0; i < rounds; i++) {
    const t0 = performance.now();
    const plan: unknown = JSON.parse(text);
    const t1 = performance.now();
    const result = reviewChanges(normalisePlan(plan), { inputKind: 'plan', source: { kind: 'plan', plan }, policy: {} });
    JSON.stringify(result);
    phases.push({ parse: t1 - t0, engine: performance.now() - t1 });
  }
  return { first: phases[0]!, warm: { parse: Math.min(...phases.map((p) => p.parse)), engine: Math.min(...phases.map((p) => p.engine)) } };
};

const main = () => {
  const dir = mkdtempSync(join(tmpdir(), 'review-cli-bench-'));
  const loadAtStart = loadavg()[0]!;
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
      { name: 'the bin under `node --turbofan` (V8\'s default tiering, which the CLI otherwise turns off)', run: () => time(process.execPath, ['--turbofan', bin, 'review', '--format', 'json', file]), every: 1 },
      ...(against ? [{ name: `the same with ${againstLabel} (\`--against\`)`, run: () => time(process.execPath, [against, 'review', '--format', 'json', file]), every: 1 }] : []),
      { name: 'start-up alone: `node -e 0`', run: () => time(process.execPath, ['-e', '0']), every: 1 },
      { name: 'start-up alone: `iac-review review --help`', run: () => time(process.execPath, [bin, 'review', '--help']), every: 1 },
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
    const med = (i: number) => median(samples.get(ways[i]?.name ?? '') ?? []);
    const base = med(0);
    const binMs = med(1);
    const startAt = ways.findIndex((w) => w.name.startsWith('start-up alone'));
    const rows = ways.slice(0, startAt).map((w) => {
      const m = median(samples.get(w.name) ?? []);
      return `| ${w.name} | ${samples.get(w.name)?.length} | ${fmtMs(m)} | ${(m / base).toFixed(2)}× |`;
    });
    const nodeStart = med(startAt);
    const binStart = med(startAt + 1);
    const ratio = binMs / base;
    const loaded = entryClosure(join(pkg, 'dist', 'review.mjs'));
    const loadedKb = loaded.reduce((n, f) => n + statSync(f).size, 0) / 1024;
    const inproc = inProcess(file, 10);
    const where = profileRuns > 0 ? profile(file, profileRuns) : [];
    const budget = (GOAL - 1) * base;
    const md = [
      '## review CLI: start-up and a 5000-change review',
      '',
      `Command: \`npx tsx scripts/src/bench/review-cli.ts --runs ${runs}${against ? ` --against <checkout>/packages/risk-scoring/bin/iac-review.mjs --against-label '${againstLabel}'` : ''}${profileRuns > 0 ? ` --profile ${profileRuns}` : ''}${write ? ' --write' : ''}\` — ${machineLine()}.`,
      `A generated plan of **${changes} resource changes** (${mb.toFixed(1)} MB; copies of the real fixture plans' changes), ${findings} findings.`,
      'Medians of fresh processes, interleaved in one run (npm and npx every third round: they are slow).',
      '',
      '| command | runs | median | vs baseline |',
      '|---|---:|---:|---:|',
      ...rows,
      '',
      `Goal: the bin ≤ ${GOAL}× the baseline — this run: **${ratio.toFixed(2)}×** (${ratio <= GOAL ? 'met' : 'not met'}).`,
      '',
      `- **Start-up alone** (same run): \`node -e 0\` ${fmtMs(nodeStart)}, \`iac-review review --help\` ${fmtMs(binStart)}: the bin, its staleness check`,
      `  (a stat of each of the ${(JSON.parse(readFileSync(join(pkg, 'dist', 'review.sources.json'), 'utf8')) as { paths: unknown[] }).paths.length} files and directories the bundle was built from, listed in dist/review.sources.json) and loading the CLI cost`,
      `  ${fmtMs(binStart - nodeStart)}. A plan review loads the entry and the chunks it imports, ${loaded.length} files, ${loadedKb.toFixed(0)} KB;`,
      '  the HCL parser/evaluator, the policy file reader (YAML, JSON Schema) and `submit` are chunks loaded only when used.',
      `- **The review itself, in one process** (parse excluded; normalise, ${rules.length} rules, score, JSON.stringify): ${fmtMs(inproc.first.engine)} the first time,`,
      `  ${fmtMs(inproc.warm.engine)} at best once the JIT has optimised it (JSON.parse: ${fmtMs(inproc.first.parse)} first, ${fmtMs(inproc.warm.parse)} warm).`,
      `  ${GOAL}× leaves ${fmtMs(budget)} above the baseline for loading the CLI and doing the whole review; the warm review alone takes`,
      `  ${((inproc.warm.engine / budget) * 100).toFixed(0)} % of that, the first (cold) one ${((inproc.first.engine / budget) * 100).toFixed(0)} % (this bench process, V8's default tiering). A fresh process always`,
      '  runs it cold, in the interpreter and the baseline compiler (Sparkplug): the CLI turns the optimising compiler (TurboFan) off for its',
      "  own process, because its background compiles cost more CPU than they save before the process exits (the `node --turbofan` row).",
      `  Start-up plus the warm review alone: ${fmtMs(binStart - nodeStart + inproc.warm.engine)} = ${(((binStart - nodeStart + inproc.warm.engine) / budget) * 100).toFixed(0)} % of the ${fmtMs(budget)} the goal leaves.`,
      `- Load average (1 min) at start / end: ${loadAtStart.toFixed(1)} / ${loadavg()[0]!.toFixed(1)} on ${cpus().length} CPUs${Math.max(loadAtStart, loadavg()[0]!) > cpus().length ? ' (above the CPU count: other work competed; ratios are noisier)' : ''}.`,
      ...(where.length > 0
        ? [
            '',
            `Where the bin's time goes (\`--profile ${profileRuns}\`: \`node --cpu-prof\`, 250 µs samples, self time averaged over ${profileRuns} runs; the profiler itself adds some):`,
            '',
            '| where | self time | share |',
            '|---|---:|---:|',
            ...where.slice(0, 16).map((w) => `| ${w.where} | ${fmtMs(w.ms)} | ${(w.share * 100).toFixed(1)} % |`),
            `| everything else (${where.length - 16 > 0 ? where.length - 16 : 0} more) | ${fmtMs(where.slice(16).reduce((n, w) => n + w.ms, 0))} | ${(where.slice(16).reduce((n, w) => n + w.share, 0) * 100).toFixed(1)} % |`,
            '',
            ((engine) =>
              `The engine's own code (\`src/\` and \`../core/src/\` without the CLI): ${fmtMs(engine.reduce((n, w) => n + w.ms, 0))}, ${(engine.reduce((n, w) => n + w.share, 0) * 100).toFixed(0)} %, spread over ${engine.length} files; the largest is ${engine[0]?.where ?? '-'} with ${((engine[0]?.share ?? 0) * 100).toFixed(1)} %${(engine[0]?.share ?? 0) < 0.1 ? ': no single file holds a tenth of the time' : ''}.`)(
              where.filter((w) => /^(src|\.\.\/core\/src)\//.test(w.where) && !w.where.startsWith('src/cli/')),
            ),
          ]
        : []),
      '',
      'The bin runs the pre-bundled CLI in its own process (no package manager, no second node process). `npm run` and `npx` add their',
      'own start-up on top of the same work.',
    ].join('\n');
    process.stdout.write(`${md}\n`);
    if (write) writeBenchmarkSection('review-cli', md);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};

main();
