#!/usr/bin/env node
// Entry point behind `npm start`, `npm test`, `npm run bundle|review|bench`.
// Works on a fresh clone with only Node.js >= 20 and npm: installs the pinned pnpm through npm
// (never corepack), installs the workspace from the committed lockfile when it changed, then runs
// the requested task with node_modules/.bin on PATH.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { delimiter, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const rootPkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const pnpmSpec = rootPkg.packageManager; // e.g. pnpm@9.15.9
const binDir = join(root, 'node_modules', '.bin');
const bin = join(root, 'packages', 'risk-scoring', 'bin', 'iac-review.mjs');
const env = { ...process.env, PATH: `${binDir}${delimiter}${process.env.PATH ?? ''}`, FORCE_COLOR: process.env.FORCE_COLOR ?? '0',
  // This machine has Node 20; Lambda runs nodejs22.x. The SDK's Node-version notice is noise here.
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  TURBO_TELEMETRY_DISABLED: '1',
  DO_NOT_TRACK: '1',
};

const [, , command = 'help', ...rest] = process.argv;

const say = (msg) => process.stderr.write(`[iac-review] ${msg}\n`);

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env, ...opts });
  if (r.error) throw r.error;
  return r.status ?? 1;
}

function lockHash() {
  const lock = join(root, 'pnpm-lock.yaml');
  if (!existsSync(lock)) return 'no-lock';
  const h = createHash('sha256');
  h.update(readFileSync(lock));
  h.update(readFileSync(join(root, 'package.json')));
  return h.digest('hex');
}

function ensureDeps() {
  const marker = join(root, 'node_modules', '.iac-review-install');
  const want = lockHash();
  if (existsSync(marker) && readFileSync(marker, 'utf8') === want && existsSync(join(binDir, 'pnpm'))) return;
  say(`installing dependencies with ${pnpmSpec} (first run or lockfile changed)…`);
  const frozen = process.env.CI ? ['--frozen-lockfile'] : [];
  // stdout goes to stderr so commands whose stdout is data (review --format json) stay clean.
  const status = run('npx', ['--yes', pnpmSpec, 'install', ...frozen, '--reporter=append-only'], {
    env: { ...env, npm_config_update_notifier: 'false' },
    stdio: ['ignore', 2, 2],
  });
  if (status !== 0) {
    say('dependency installation failed (see above)');
    process.exit(status);
  }
  writeFileSync(marker, lockHash());
}

/** Every workspace package with a test script (packages/*, functions/*, scripts). */
function testedPackages() {
  const dirs = [];
  for (const group of ['packages', 'functions', 'scripts']) {
    const base = join(root, group);
    const candidates = group === 'scripts' ? [base] : existsSync(base) ? readdirSync(base).map((d) => join(base, d)) : [];
    for (const dir of candidates) {
      const pkg = join(dir, 'package.json');
      if (existsSync(pkg) && JSON.parse(readFileSync(pkg, 'utf8')).scripts?.test) dirs.push(dir);
    }
  }
  return dirs;
}

/** Old summaries must not be counted as this run's (turbo restores the cached ones it replays). */
function clearTestSummaries() {
  for (const dir of testedPackages()) rmSync(join(dir, '.test-results', 'summary.json'), { force: true });
}

/** Adds up the per-package jest counts (each package's .test-results/summary.json). */
function testTotals() {
  const totals = { passed: 0, failed: 0, missing: [], slow: [] };
  for (const dir of testedPackages()) {
    const file = join(dir, '.test-results', 'summary.json');
    if (!existsSync(file)) {
      totals.missing.push(relative(root, dir));
      continue;
    }
    const s = JSON.parse(readFileSync(file, 'utf8'));
    totals.passed += s.passed;
    totals.failed += s.failed;
    for (const t of s.slowest ?? []) if (s.timeoutMs && t.ms > s.timeoutMs / 2) totals.slow.push(`${relative(root, dir)}/${t.file} "${t.name}" ${(t.ms / 1000).toFixed(1)} s`);
  }
  return totals;
}

/** The size table of the last bundle (turbo hides a cached task's output; the table is kept with the zips). */
function printSizes() {
  const file = join(root, 'dist', 'functions', 'sizes.md');
  if (existsSync(file)) process.stdout.write(readFileSync(file, 'utf8'));
}

function exitWith(status) {
  process.exit(status);
}

function forward(cmd, args) {
  // Long-running child (local stack): forward signals so Ctrl-C stops everything cleanly.
  const child = spawn(cmd, args, { cwd: root, stdio: 'inherit', env });
  const stop = (sig) => child.kill(sig);
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  child.on('exit', (code, signal) => exitWith(code ?? (signal ? 0 : 1)));
}

const tasks = {
  help() {
    process.stdout.write(`Usage: npm <command>

  npm start            install if needed, then run the local stack (PORT, default 3000)
  npm test             install if needed, then lint, typecheck, test, bundle and check Terraform
  npm run bundle       bundle every function in functions/manifest.json into dist/functions/<name>.zip
  npm run review -- …  review a plan JSON / .tf file / directory (see: npm run review -- --help);
                       the same as npx iac-review review … (no package manager: iac-review review …)
  npm run bench        run the benchmarks and print their figures
  npm run demo         fill the running local stack with sample reviews; prints the dashboard URL and key
  npm run invoke -- F --event E.json
                       run function F once with event E against the running local stack
  npm run plan -- --out FILE   offline plan of terraform/ as JSON (terraform show -json), for review
`);
    return 0;
  },
  start() {
    if (rest.includes('--help') || rest.includes('-h')) {
      // Answered at once: nothing is installed, built or compiled for the help text.
      process.stdout.write(readFileSync(join(root, 'scripts', 'src', 'local', 'start-help.txt'), 'utf8'));
      return 0;
    }
    ensureDeps();
    {
      // The dashboard the stack serves at / (turbo skips the build when its sources are unchanged).
      const built = run('turbo', ['run', 'build', '--filter=@iac-review/dashboard', '--output-logs=errors-only'], { stdio: ['ignore', 2, 2] });
      if (built !== 0) say('the dashboard did not build (see above); starting the API without it');
    }
    forward('tsx', ['scripts/src/local-stack.ts', ...rest]);
    return undefined;
  },
  test() {
    ensureDeps();
    const started = Date.now();
    // Every step runs, and every package's tests run (--continue), so one failure does not hide others.
    // The bundle's size table is printed from dist/functions/sizes.md after it (once, cached or not).
    const steps = [
      ['turbo', ['run', 'lint', 'typecheck', '--continue', '--output-logs=errors-only']],
      ['turbo', ['run', 'test', '--concurrency=2', '--continue', '--output-logs=full']],
      ['turbo', ['run', 'bundle', '--output-logs=errors-only']],
    ];
    clearTestSummaries();
    const failed = [];
    for (const [cmd, args] of steps) {
      say(`$ ${cmd} ${args.join(' ')}`);
      const status = run(cmd, args);
      if (status !== 0) {
        failed.push(`${cmd} ${args.join(' ')} (exit ${status})`);
        say(`FAILED: ${cmd} ${args.join(' ')} (exit ${status})`);
      }
      if (cmd === 'turbo' && args[1] === 'bundle') printSizes();
    }
    const totals = testTotals();
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    if (failed.length > 0) say(`${failed.length} step(s) failed in ${seconds} s: ${failed.join('; ')}`);
    else say(`all checks passed in ${seconds} s`);
    for (const t of totals.slow) say(`slow: ${t} (over half the default test timeout)`);
    if (totals.missing.length > 0) say(`no test results from: ${totals.missing.join(', ')} (their tests did not run or did not finish)`);
    process.stdout.write(`tests: ${totals.passed} passed, ${totals.failed} failed${totals.missing.length > 0 ? `, ${totals.missing.length} package(s) without results` : ''}\n`);
    return failed.length > 0 || totals.failed > 0 || totals.passed === 0 || totals.missing.length > 0 ? 1 : 0;
  },
  bundle() {
    ensureDeps();
    const status = run('turbo', ['run', 'bundle', '--output-logs=errors-only', ...rest]);
    printSizes();
    return status;
  },
  review() {
    // The package bin in this process: the pre-bundled CLI (rebuilt first only when its sources changed).
    ensureDeps();
    process.argv = [process.argv[0], bin, 'review', ...rest];
    import(pathToFileURL(bin).href).catch((err) => {
      say(`review failed to start: ${err?.message ?? err}`);
      process.exit(2);
    });
    return undefined;
  },
  demo() {
    ensureDeps();
    return run('tsx', ['scripts/src/demo/main.ts', ...rest]);
  },
  plan() {
    ensureDeps();
    return run('tsx', ['scripts/src/terraform/plan.ts', ...rest]);
  },
  invoke() {
    ensureDeps();
    return run('tsx', ['scripts/src/invoke.ts', ...rest]);
  },
  bench() {
    if (rest.includes('--help') || rest.includes('-h')) {
      // Answered at once: no install, no bundle, no benchmark run.
      const benches = readdirSync(join(root, 'scripts', 'src', 'bench')).filter((f) => f.endsWith('.ts') && f !== 'index.ts').sort();
      process.stdout.write(`Usage: npm run bench [-- --write]

Bundles every function, then runs each benchmark in scripts/src/bench/ in turn and prints its
figures next to a baseline measured in the same run (takes minutes; the machine's load is printed).

  --write      record the figures in docs/BENCHMARKS.md
  --help, -h   this text

Benchmarks: ${benches.join(', ')}
`);
      return 0;
    }
    ensureDeps();
    const status = run('turbo', ['run', 'bundle', '--output-logs=errors-only']);
    if (status !== 0) return status;
    return run('tsx', ['scripts/src/bench/index.ts', ...rest]);
  },
};

const task = tasks[command];
if (!task) {
  say(`unknown command "${command}"`);
  tasks.help();
  process.exit(2);
}
const status = task();
if (typeof status === 'number') exitWith(status);
