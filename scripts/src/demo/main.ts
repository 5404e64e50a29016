/**
 * `npm run demo`: fills a running local stack (npm start, in another terminal) with sample reviews
 * and prints where to look.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from '../lib/repo';
import { DEFAULT_STATE_FILE, readStateFile } from '../local/state-file';
import { DemoError, seedReviews, seededDays } from './seed';

const HELP = `Usage: npm run demo [-- --url URL] [--key KEY]

Submits sample Terraform plans (made by the offline Terraform) to a running IaC Review API, records a
few decisions on them, sends signed sample GitHub and Spacelift webhooks where the server has those
routes, waits for the reviews to complete, rolls up the days it filled (today, and yesterday across midnight UTC; trend-aggregation-handler, when the
stack is the one npm start recorded in .local-data/local-stack.json), then prints the dashboard's URL
and the key to sign in with.

Start the local stack first, in another terminal: npm start

Options (defaults in brackets):
  --url URL   the API [http://127.0.0.1:$PORT, PORT default 3000]
  --key KEY   an API key with reviews:write [$LOCAL_API_KEY, default local-dev-key]

Environment:
  SPACELIFT_WEBHOOK_SECRET  the secret the stack verifies Spacelift deliveries with (start both with the
                            same value); unset: no Spacelift deliveries
  GITHUB_WEBHOOK_SECRET, GITHUB_API_URL
                            the same values as the stack's, with GITHUB_API_URL=http://127.0.0.1:<free port>:
                            the demo serves the pull requests' files there and sends signed pull_request
                            deliveries; unset: no GitHub deliveries

Everything, in two terminals:
  export SPACELIFT_WEBHOOK_SECRET=demo GITHUB_WEBHOOK_SECRET=demo GITHUB_TOKEN=demo GITHUB_API_URL=http://127.0.0.1:3001
  npm start        # first terminal
  npm run demo     # second terminal (same variables)`;

/**
 * Rolls up the days the demo's reviews fell on (today; also yesterday when the demo ran across
 * midnight UTC) with trend-aggregation-handler through `npm run invoke`, against the stack the state
 * file names, so the dashboard's trends come from GET /analytics/trends at once, not only after the
 * nightly run. A stack that is not the one the state file describes is left alone.
 */
const rollUp = (url: string, days: readonly string[], stateFile = DEFAULT_STATE_FILE): string => {
  const state = readStateFile(stateFile);
  if (typeof state === 'string' || state.url.replace(/\/+$/, '') !== url) return 'trends: not rolled up (not the stack npm start recorded); the dashboard computes them until the nightly rollup';
  for (const day of days) {
    const r = spawnSync(process.execPath, [join(repoRoot, 'node_modules', 'tsx', 'dist', 'cli.mjs'), join(repoRoot, 'scripts', 'src', 'invoke.ts'), 'trend-aggregation-handler', '--event', '-', '--state', stateFile], {
      input: JSON.stringify({ day }),
      encoding: 'utf8',
      timeout: 120_000,
      env: { ...process.env, LOG_LEVEL: 'warn' },
    });
    if (r.status !== 0) return `trends: rolling up ${day} failed (${(r.stderr || r.error?.message || '').trim().split('\n').pop()}); the dashboard computes them until the nightly rollup`;
  }
  return `trends: rolled up ${days.join(' and ')} (trend-aggregation-handler)`;
};

const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
};

const main = async (): Promise<number> => {
  if (process.argv.includes('--help') || process.argv.includes('-h')) {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  const url = (arg('--url') ?? `http://127.0.0.1:${process.env.PORT || 3000}`).replace(/\/+$/, '');
  const key = arg('--key') ?? (process.env.LOCAL_API_KEY || 'local-dev-key');
  const started = Date.now();
  const out = (line: string) => process.stderr.write(`${line}\n`);
  out(`demo: filling ${url}`);
  const firstSecret = (v: string | undefined) => v?.split(',').map((x) => x.trim()).find(Boolean);
  const result = await seedReviews({ baseUrl: url, apiKey: key, spaceliftSecret: firstSecret(process.env.SPACELIFT_WEBHOOK_SECRET),
    githubSecret: firstSecret(process.env.GITHUB_WEBHOOK_SECRET),
    githubApiUrl: process.env.GITHUB_API_URL,
    log: (l) => out(`  ${l}`) });
  out(`  ${rollUp(url, seededDays(started))}`);
  out('');
  out(`demo: ${result.reviews.length} reviews and ${result.decisions} decisions in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  for (const w of result.webhooks) out(`  ${w.source}: ${w.note}`);
  for (const r of result.reviews) out(`  ${r.riskLevel?.padEnd(8) ?? r.status.padEnd(8)} ${String(r.findings).padStart(3)} findings  v${r.version}  ${r.title}`);
  out('');
  // The two lines people need go to stdout.
  process.stdout.write(`Dashboard: ${url}/\nAPI key:   ${key}${key === 'local-dev-key' ? ' (the local stack\'s default key, all scopes)' : ''}\n`);
  return 0;
};

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`demo failed: ${err instanceof DemoError ? err.message : err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
