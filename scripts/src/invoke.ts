/**
 * `npm run invoke -- <function> --event <file>`: runs one function of functions/manifest.json once,
 * with the given event, against the running local stack (same table, bucket and bus), and prints
 * the handler's result as JSON on stdout. The function's own log lines go to stderr.
 */
import { spawn } from 'node:child_process';
import { readFileSync, write } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadManifest, repoRoot, type FunctionSpec } from './lib/repo';
import { invokeWithTimeout, lambdaContext, type LambdaLikeHandler } from './local/http-gateway';
import { DEFAULT_STATE_FILE, readStateFile } from './local/state-file';

const HELP = `Usage: npm run invoke -- <function> [--event FILE|-] [--state FILE]

Runs one function from functions/manifest.json once, in a fresh process, with the given event,
against the running local stack (start it first with \`npm start\`): the same table, bucket and bus.
Prints the handler's result as JSON on stdout; the function's log lines go to stderr.
Exit status: 0 when the handler returned, 1 when it threw (the error is printed), 2 on bad usage.

  --event FILE   the event as JSON (- reads stdin); default {}
  --state FILE   the local stack's state file (default ${DEFAULT_STATE_FILE.replace(repoRoot + '/', '')})

Examples:
  npm run invoke -- trend-aggregation-handler --event event.json
      with event.json = {"day": "2026-11-28"}, or {"from": "2026-11-01", "to": "2026-11-28"} to backfill
  echo '{"detail-type":"Scheduled Event","source":"aws.events","time":"2026-11-29T00:15:00Z"}' | npm run invoke -- trend-aggregation-handler --event -`;

const arg = (argv: string[], name: string): string | undefined => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
};

const fail = (message: string, code = 2): never => {
  process.stderr.write(`invoke: ${message}\n`);
  process.exit(code);
};

/** In the child: run the handler; logs on fd 1 (the parent's stderr), the outcome on fd 3. */
const child = async (name: string, eventJson: string) => {
  const spec = loadManifest().find((f) => f.name === name) as FunctionSpec;
  const event = JSON.parse(eventJson) as unknown;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = require(join(repoRoot, spec.entry)) as { handler?: LambdaLikeHandler };
  const out = (v: unknown) => new Promise<void>((r) => write(3, `${JSON.stringify(v)}\n`, () => r()));
  if (typeof mod.handler !== 'function') return out({ error: `${spec.entry} does not export a handler` });
  try {
    const result = await invokeWithTimeout({ name, timeoutSeconds: spec.timeoutSeconds, memoryMb: spec.memoryMb, handler: mod.handler }, event, lambdaContext({ name, timeoutSeconds: spec.timeoutSeconds, memoryMb: spec.memoryMb }));
    await out({ result: result ?? null });
  } catch (err) {
    await out({ error: err instanceof Error ? `${err.name}: ${err.message}` : String(err) });
  }
};

const main = async () => {
  const argv = process.argv.slice(2);
  if (argv[0] === '--child') {
    await child(argv[1] as string, argv[2] as string);
    process.exit(0);
  }
  if (argv.length === 0 || argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`${HELP}\n`);
    return;
  }
  const name = argv[0] as string;
  const specs = loadManifest();
  if (!specs.some((f) => f.name === name)) fail(`unknown function "${name}"; functions/manifest.json has: ${specs.map((f) => f.name).join(', ')}`);
  // npm runs scripts from the repository root; paths are the caller's, relative to where npm was run.
  const cwd = process.env.INIT_CWD ?? process.cwd();
  const eventFile = arg(argv, '--event');
  let eventJson = '{}';
  if (eventFile !== undefined) {
    try {
      eventJson = eventFile === '-' ? readFileSync(0, 'utf8') : readFileSync(resolve(cwd, eventFile), 'utf8');
    } catch (err) {
      fail(`cannot read the event file ${eventFile}: ${(err as Error).message}`);
    }
  }
  try {
    JSON.parse(eventJson);
  } catch (err) {
    fail(`the event is not JSON: ${(err as Error).message}`);
  }
  const state = readStateFile(arg(argv, '--state') ? resolve(cwd, arg(argv, '--state') as string) : undefined);
  if (typeof state === 'string') return fail(state, 1);

  // A fresh process with the stack's function environment: fd 1 → our stderr, fd 3 → the outcome.
  const proc = spawn(process.execPath, [...process.execArgv, __filename, '--child', name, eventJson], {
    cwd: repoRoot,
    env: { ...process.env, ...state.env, AWS_LAMBDA_FUNCTION_NAME: name },
    stdio: ['ignore', 2, 2, 'pipe'],
  });
  let outcome = '';
  (proc.stdio[3] as NodeJS.ReadableStream).on('data', (c: Buffer) => (outcome += c.toString('utf8')));
  const code = await new Promise<number>((r) => proc.on('close', (c) => r(c ?? 1)));
  let parsed: { result?: unknown; error?: string };
  try {
    parsed = JSON.parse(outcome) as typeof parsed;
  } catch {
    return fail(`the function process exited (${code}) without a result`, 1);
  }
  if (parsed.error !== undefined) return fail(`${name} failed: ${parsed.error}`, 1);
  process.stdout.write(`${JSON.stringify(parsed.result, null, 2)}\n`);
};

main().catch((err: unknown) => fail(err instanceof Error ? err.message : String(err), 1));
