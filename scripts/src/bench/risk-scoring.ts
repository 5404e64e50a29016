/**
 * risk-scoring: `review --format json` against a bare `node -e` that only reads and JSON.parses the
 * same file, in the same run, on generated plans of 500 and 5000 resource changes (plus one ~50 MB
 * plan to show large inputs work). Plans are built at run time from the committed real fixture
 * plans: each copy becomes a module instance (`module.copy[i].…`) so addresses stay unique and the
 * configuration still matches.
 *
 * Usage: npx tsx scripts/src/bench/risk-scoring.ts [--runs N] [--write]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fmtMs, machineLine, median, writeBenchmarkSection } from '../lib/bench';
import { repoRoot } from '../lib/repo';
import { rules } from '../../../packages/risk-scoring/src/index';

const write = process.argv.includes('--write');
const runsArg = process.argv.indexOf('--runs');
const RUNS = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 7;
const pkg = join(repoRoot, 'packages', 'risk-scoring');
const fixtures = ['iam-network', 'public-encryption', 'data-logging-secrets', 'deletes', 'clean', 'modules', 'gaps-encryption', 'gaps-iam', 'cross-resource', 'source-secrets'];

type Plan = { format_version: string; terraform_version: string; resource_changes: Record<string, unknown>[]; configuration: { root_module: Record<string, unknown> } };
const sources = fixtures.map((f) => JSON.parse(readFileSync(join(pkg, 'test', 'fixtures', 'plans', `${f}.json`), 'utf8')) as Plan);

type Mix = 'fixtures' | 'clean';
function generate(n: number, mix: Mix = 'fixtures'): Plan {
  const pool = mix === 'clean' ? sources[fixtures.indexOf('clean')]!.resource_changes : sources.flatMap((p) => p.resource_changes);
  // The fixtures mix carries every fixture's resource configuration, so literal attributes and the
  // references the cross-resource rules follow resolve as in a real plan.
  const root =
    mix === 'clean'
      ? sources[fixtures.indexOf('clean')]!.configuration.root_module
      : { ...sources[0]!.configuration.root_module, resources: sources.flatMap((p) => (p.configuration.root_module.resources as unknown[] | undefined) ?? []) };
  const changes: Record<string, unknown>[] = [];
  for (let i = 0; changes.length < n; i++) {
    const rc = pool[i % pool.length]!;
    const copy = Math.floor(i / pool.length);
    const moduleAddress = `module.copy[${copy}]${typeof rc.module_address === 'string' ? `.${rc.module_address.replace(/^module\./, 'module.')}` : ''}`;
    changes.push({ ...rc, address: `module.copy[${copy}].${rc.address as string}`, module_address: moduleAddress });
  }
  return {
    format_version: '1.2',
    terraform_version: sources[0]!.terraform_version,
    resource_changes: changes,
    configuration: { root_module: { module_calls: { copy: { source: './copy', module: root } } } },
  };
}

function time(cmd: string, args: string[]): { ms: number; stdout: string } {
  const t = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 512 * 1024 * 1024, cwd: repoRoot });
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  if (r.status !== 0 && r.status !== 1) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return { ms, stdout: r.stdout };
}

const bundle = join(pkg, 'dist', 'review.mjs');
/** The bundle's entry and the chunks it imports statically (transitively): what a plan review loads. */
const entryClosure = (entry: string): string[] => {
  const seen = new Set<string>();
  const visit = (file: string): void => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const m of readFileSync(file, 'utf8').matchAll(/^import\s[^;]*?from\s*"(\.\/[^"]+)"/gm)) visit(join(file, '..', m[1]!));
  };
  visit(entry);
  return [...seen];
};
const build = spawnSync(process.execPath, [join(pkg, 'scripts', 'build-cli.mjs'), '--if-stale'], { stdio: ['ignore', 2, 2] });
if (build.status !== 0) throw new Error('building the review CLI failed');

const loadAtStart = loadavg()[0]!;
const dir = mkdtempSync(join(tmpdir(), 'risk-bench-'));
const rows: string[] = [];
const ratios: Array<{ n: number; mix: Mix; ratio: number }> = [];
try {
  for (const [n, mix] of [[500, 'fixtures'], [5000, 'fixtures'], [500, 'clean'], [5000, 'clean']] as [number, Mix][]) {
    const file = join(dir, `plan-${n}-${mix}.json`);
    writeFileSync(file, JSON.stringify(generate(n, mix)));
    const mb = statSync(file).size / 2 ** 20;
    const parse: number[] = [];
    const review: number[] = [];
    let findings = 0;
    for (let i = 0; i < RUNS; i++) {
      // interleave so both see the same machine state
      parse.push(time(process.execPath, ['-e', `JSON.parse(require('fs').readFileSync(${JSON.stringify(file)}, 'utf8'))`]).ms);
      const r = time(process.execPath, [bundle, '--format', 'json', file]);
      review.push(r.ms);
      findings = (JSON.parse(r.stdout) as { findings: unknown[] }).findings.length;
    }
    const p = median(parse);
    const v = median(review);
    process.stderr.write(`${n} ${mix}: parse ${fmtMs(p)}, review ${fmtMs(v)} (${(v / p).toFixed(2)}×)\n`);
    rows.push(`| ${n} | ${mix} | ${mb.toFixed(1)} MB | ${findings} | ${fmtMs(p)} | ${fmtMs(v)} | **${(v / p).toFixed(2)}×** |`);
    ratios.push({ n, mix, ratio: v / p });
  }
  // One large plan: correctness and memory headroom for ~50 MB inputs (one run each).
  const big = join(dir, 'plan-big.json');
  let n = 5000;
  writeFileSync(big, JSON.stringify(generate(n)));
  n = Math.ceil((n * 50 * 2 ** 20) / statSync(big).size);
  writeFileSync(big, JSON.stringify(generate(n)));
  const bigMb = statSync(big).size / 2 ** 20;
  const bp = time(process.execPath, ['-e', `JSON.parse(require('fs').readFileSync(${JSON.stringify(big)}, 'utf8'))`]).ms;
  const br = time(process.execPath, [bundle, '--format', 'json', big]);
  const bigFindings = (JSON.parse(br.stdout) as { findings: unknown[] }).findings.length;
  process.stderr.write(`${n} (${bigMb.toFixed(1)} MB): parse ${fmtMs(bp)}, review ${fmtMs(br.ms)}\n`);
  rows.push(`| ${n} | fixtures | ${bigMb.toFixed(1)} MB | ${bigFindings} | ${fmtMs(bp)} | ${fmtMs(br.ms)} | ${(br.ms / bp).toFixed(2)}× (1 run) |`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}

function status(): string {
  const over = ratios.filter((r) => r.ratio > 2);
  if (over.length === 0) return `the 2× target holds for every generated plan (worst ${Math.max(...ratios.map((r) => r.ratio)).toFixed(2)}×)`;
  return `the 2× target is missed for ${over.map((r) => `${r.n} ${r.mix} (${r.ratio.toFixed(2)}×)`).join(', ')}`;
}

const markdown = `## risk-scoring: review vs bare JSON.parse

Command: \`npx tsx scripts/src/bench/risk-scoring.ts --runs ${RUNS}${write ? ' --write' : ''}\`. Machine: ${machineLine()}.

Each row is the median wall time of ${RUNS} interleaved runs of two fresh processes on the same
generated plan file: the baseline \`node -e "JSON.parse(require('fs').readFileSync(f,'utf8'))"\` and the
review \`node packages/risk-scoring/dist/review.mjs --format json f\` (what the \`iac-review\` bin runs after
its staleness check; the bundle is built by \`packages/risk-scoring/scripts/build-cli.mjs\`).
Plans are copies of the committed real fixture plans as module instances (with their configuration):
\`fixtures\` mixes all fixture plans, including the issue-11 ones (new service types, IAM escalation,
cross-resource subnet/route/log-group links, provider and variable secrets); about half the resources
are deliberately misconfigured, so about one finding per two changes: a worst case. \`clean\` repeats
the well-configured stack (no findings). Target: review within 2× of bare parsing.

| resource changes | mix | plan size | findings | bare JSON.parse | review --format json | ratio |
|---:|---|---:|---:|---:|---:|---:|
${rows.join('\n')}

Load average (1 min) at start / end of the run: ${loadAtStart.toFixed(1)} / ${loadavg()[0]!.toFixed(1)} on ${cpus().length} CPUs${Math.max(loadAtStart, loadavg()[0]!) > cpus().length ? ' (above the CPU count: other work competes and ratios get noisier)' : ''}.
Catalogue: ${rules.length} rules; a plan review loads ${entryClosure(bundle).reduce((n, f) => n + statSync(f).size, 0) >> 10} KB of the CLI bundle (its entry and the chunks that imports; parsed and
compiled by every fresh process); the HCL parser/evaluator and the policy file reader are chunks loaded only when used.

Status (this run): ${status()}. The 5000-change worst case was about 3.4× before the allocation
work (lazy unknown/sensitive path lists, one-pass flag and value lookups, closure- and iterator-free
rule helpers, one string walk per change for SEC-009, lazy \`node:crypto\`, synchronous stdout); since then the
CLI's process runs without V8's optimising compiler (TurboFan: its background compiles cost more CPU than they save
in one short run) and decodes the plan file through a Buffer (twice as fast as \`readFileSync(f, 'utf8')\` on Node.js 20).
What remains above bare parsing is mostly the fixed cost of a fresh process running this code cold:
the ESM entry, evacuating the parsed plan from the young generation, ~20,000 rule checks, and
~2,600 findings (1 MB of JSON) serialised and piped out. The machine is shared with other work, so
single runs vary by ±10–30 %; compare ratios from the same run only. Small plans show the start-up
cost most. The review-cli section below measures the bin itself, its start-up, and what the review
costs once warm (the floor under these ratios).
`;
process.stdout.write(`${markdown}\n`);
if (write) writeBenchmarkSection('risk-scoring', markdown);
