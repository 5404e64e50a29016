import { resolve } from 'node:path';
import { repoRoot } from './lib/repo';
import { startLocalStack } from './local/stack';
import { functionEnvironment, removeStateFile, writeStateFile } from './local/state-file';

const HELP = `Usage: npm start [-- --port N] [--host H] [--in-memory] [--data-dir DIR]

Runs IaC Review on this machine with no AWS account: DynamoDB (dynalite), the HTTP API routed from
the OpenAPI document into the same handler code that runs in Lambda.

Environment:
  PORT                 HTTP port (default 3000)
  HOST                 bind address (default 127.0.0.1)
  IAC_REVIEW_DATA_DIR  where data lives (default .local-data/); ":memory:" keeps nothing
  LOCAL_API_KEY        API key with every scope (default local-dev-key)
  LOCAL_READONLY_API_KEY  API key with read scopes only (default local-readonly-key)
  CORS_ALLOWED_ORIGINS comma-separated browser origins allowed to call the API
  GITHUB_WEBHOOK_SECRET  secret of POST /webhook/github (current[,previous]); unset: every delivery gets 401
  GITHUB_TOKEN, GITHUB_API_URL
                       publish PR reviews (sticky comment, iac-review check) to GitHub / GHES / a stub;
                       without GITHUB_TOKEN pull requests are reviewed but nothing is published
  SPACELIFT_WEBHOOK_SECRET  secret of POST /webhook/spacelift (current[,previous]); unset: every delivery gets 401
  SPACELIFT_API_URL, SPACELIFT_API_KEY_ID, SPACELIFT_API_KEY_SECRET
                       fetch a run's changes when its webhook carried none (Spacelift GraphQL API);
                       without them such runs are reviewed degraded, saying why
  AWS_ENDPOINT_URL_BEDROCK_RUNTIME / AWS credentials
                       enable the LLM reviewer; without them the reviewer uses rules only
Stop with Ctrl-C (SIGINT) or SIGTERM.`;

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
    `  Dashboard:  ${stack.url}/   (sign in with the API key below; fill it with sample reviews: npm run demo)`,
    `  Reviewer:   ${stack.reviewer.mode} (${stack.reviewer.reason})`,
    `  GitHub:     ${stack.github.summary}`,
    `  Spacelift:  ${stack.spacelift.summary}`,
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
  writeStateFile({ pid: process.pid, url: stack.url, startedAt: new Date(started).toISOString(), env: functionEnvironment(envBefore, process.env) });

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
