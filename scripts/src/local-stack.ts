import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { repoRoot } from './lib/repo';
import { startLocalStack } from './local/stack';
import { functionEnvironment, removeStateFile, writeStateFile } from './local/state-file';

// The --help text lives in a plain file so scripts/run.mjs can print it at once, before installing or
// building anything. Add every new option or variable there (a test checks the pass-through lists).
const HELP = readFileSync(join(__dirname, 'local', 'start-help.txt'), 'utf8').trimEnd();

const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
};

const main = async () => {
  if (process.argv.includes('--help') || process.argv.includes('-h')) {
    process.stdout.write(`${HELP}\n`);
    return;
  }
  const port = Number(arg('--port') ?? process.env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be an integer 0-65535, got "${arg('--port') ?? process.env.PORT}"`);
  const dataSetting = process.argv.includes('--in-memory') ? ':memory:' : (arg('--data-dir') ?? process.env.IAC_REVIEW_DATA_DIR ?? resolve(repoRoot, '.local-data'));
  const dataDir = dataSetting === ':memory:' ? undefined : resolve(dataSetting);
  const started = Date.now();
  const envBefore = { ...process.env };
  const stack = await startLocalStack({ port, host: arg('--host') ?? process.env.HOST ?? '127.0.0.1', dataDir });

  const lines = [
    '',
    `IaC Review local stack is up (${Date.now() - started} ms)`,
    `  API:        ${stack.url}   (try: curl ${stack.url}/health)`,
    `  Dashboard:  ${stack.url}/   (${stack.identity.users.length ? `people: Sign in with the local issuer as ${stack.identity.users.map((u) => u.username).join(' or ')}; ` : ''}machines: the API key below; sample reviews: npm run demo)`,
    `  Reviewer:   ${stack.reviewer.mode} (${stack.reviewer.reason})`,
    `  GitHub:     ${stack.github.summary}`,
    `  Spacelift:  ${stack.spacelift.summary}`,
    `  Sign-in:    ${stack.identity.summary}`,
    `              curl -H "Authorization: Bearer $(npm run -s token -- reader)" ${stack.url}/reviews`,
    `  API keys:   x-api-key: ${stack.apiKeys.adminIsDefault ? stack.apiKeys.admin : '$LOCAL_API_KEY'} (all scopes), ${stack.apiKeys.readonlyIsDefault ? stack.apiKeys.readonly : '$LOCAL_READONLY_API_KEY'} (read-only)`,
    `  DynamoDB:   dynalite at ${stack.dynamo.endpoint}, table ${stack.tableName}`,
    `  S3:         s3rver at ${stack.s3.endpoint}, bucket ${stack.s3.bucket}`,
    `  EventBridge: in-process bus at ${stack.bus.endpoint} (rules from functions/manifest.json)`,
    `  Data:       ${dataDir ? `${dataDir} (persists across restarts; --in-memory to keep nothing)` : 'in memory (lost on exit)'}`,
    `  Functions:  ${stack.functions.map((f) => f.name).join(', ')}`,
    ...stack.schedules().map((s) => `  Schedule:   ${s.rule} ${s.expression}, next ${s.next ?? 'never'} (UTC)`),
    '  Invoke:     npm run invoke -- <function> --event event.json   (runs a function once against this stack)',
    '  Stop:       Ctrl-C',
    '',
  ];
  process.stderr.write(`${lines.join('\n')}\n`);
  // How `npm run invoke` finds this stack (removed again on a clean stop).
  const other = writeStateFile({ pid: process.pid, url: stack.url, startedAt: new Date(started).toISOString(), env: functionEnvironment(envBefore, process.env) });
  if (other !== undefined) process.stderr.write(`Note: another local stack (pid ${other}) is running; npm run invoke and npm run demo's roll-up keep using that one.\n`);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`\n${signal} received: stopping the local stack…\n`);
    const force = setTimeout(() => process.exit(1), 5000);
    force.unref();
    removeStateFile(process.pid);
    stack.stop().then(
      () => {
        process.stderr.write('stopped cleanly.\n');
        process.exit(0);
      },
      (err: unknown) => {
        process.stderr.write(`error while stopping: ${String(err)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
};

main().catch((err: unknown) => {
  const message = err instanceof Error ? err.message : String(err);
  const hint = /EADDRINUSE/.test(message) ? ' (the port is taken: set PORT to a free one)' : '';
  process.stderr.write(`local stack failed to start: ${message}${hint}\n`);
  process.exit(1);
});
