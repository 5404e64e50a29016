/**
 * Cold start of every bundle: a fresh `node` process loads dist/functions/<name>/index.js and
 * answers one invocation, against a bare `node -e ''` started in the same run (interleaved).
 * Usage: npx tsx scripts/src/bench/cold-start.ts [--runs N] [--write]
 * Needs the bundles: npm run bundle.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fmtMs, machineLine, median, writeBenchmarkSection } from '../lib/bench';
import { loadManifest, repoRoot } from '../lib/repo';

/** One representative invocation per function. */
const EVENTS: Record<string, unknown> = {
  'api-handler': { httpMethod: 'GET', path: '/health', resource: '/health', headers: {}, requestContext: { requestId: 'bench' } },
  'ai-reviewer': {
    version: '0',
    id: 'bench-event',
    'detail-type': 'ReviewRequested',
    source: 'iac-review',
    account: '123456789012',
    time: '2026-01-01T00:00:00Z',
    region: 'us-east-1',
    resources: [],
    detail: { reviewId: 'bench-review', version: 1, source: 'api', inputKind: 'plan' },
  },
};

const runs = Number(process.argv[process.argv.indexOf('--runs') + 1]) || 15;
const write = process.argv.includes('--write');

const time = (args: string[], env: NodeJS.ProcessEnv): number => {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`node ${args.join(' ').slice(0, 80)} failed: ${r.stderr.toString().slice(0, 400)}`);
  return ms;
};

const main = () => {
  const env = { PATH: process.env.PATH, LOG_LEVEL: 'silent', AWS_REGION: 'us-east-1', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', TABLE_NAME: 'bench', INPUTS_BUCKET: 'bench', EVENT_BUS_NAME: 'bench' };
  const specs = loadManifest();
  const rows: string[] = [];
  const baseline: number[] = [];
  const perFn = new Map<string, number[]>();
  process.stderr.write(`cold start: ${runs} runs each, interleaved with a bare node baseline\n`);
  for (let i = 0; i < runs; i++) {
    baseline.push(time(['-e', ''], env));
    for (const spec of specs) {
      const file = join(repoRoot, 'dist', 'functions', spec.name, 'index.js');
      if (!existsSync(file)) throw new Error(`${file} is missing: run \`npm run bundle\` first`);
      const event = EVENTS[spec.name] ?? {};
      const script = `require(${JSON.stringify(file)}).handler(${JSON.stringify(event)},{awsRequestId:'bench',getRemainingTimeInMillis:()=>10000}).then(()=>process.exit(0),()=>process.exit(0))`;
      const list = perFn.get(spec.name) ?? [];
      list.push(time(['-e', script], env));
      perFn.set(spec.name, list);
    }
    process.stderr.write('.');
  }
  process.stderr.write('\n');
  const base = median(baseline);
  for (const spec of specs) {
    const m = median(perFn.get(spec.name) ?? []);
    const zip = statSync(join(repoRoot, 'dist', 'functions', `${spec.name}.zip`)).size;
    rows.push(`| ${spec.name} | ${(zip / 1024).toFixed(1)} KB | ${spec.sizeBudgetKb} KB | ${fmtMs(m)} | ${fmtMs(m - base)} | ${(m / base).toFixed(2)}× |`);
  }
  const md = [
    '## Bundle sizes and cold start',
    '',
    `Command: \`npm run bundle && npx tsx scripts/src/bench/cold-start.ts --runs ${runs} --write\` — ${machineLine()}.`,
    `Each figure is the median of ${runs} fresh \`node\` processes that load the bundle and answer one invocation;`,
    `the baseline is a bare \`node -e ''\` in the same run, interleaved: **${fmtMs(base)}**.`,
    '',
    '| function | zip | budget | load + 1 invocation | over baseline | ratio |',
    '|---|---:|---:|---:|---:|---:|',
    ...rows,
  ].join('\n');
  process.stdout.write(`${md}\n`);
  if (write) writeBenchmarkSection('bundles', md);
};

main();
