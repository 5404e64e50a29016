/**
 * Cold start of every bundle, against a bare `node -e ''` started in the same run (interleaved).
 * Functions that answer HTTP (an `api` trigger in functions/manifest.json) load their bundle and
 * answer one request (checked: the status must be the expected one, so nothing is timed that failed
 * early); the others are timed loading their bundle (`require`), since their first invocation needs
 * the AWS services.
 * Usage: npx tsx scripts/src/bench/cold-start.ts [--runs N] [--write]
 * Needs the bundles: npm run bundle.
 */
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { deflateCacheDir, deflateWithZopfli, ENTRY_FILE, esbuildOptions } from '../bundle/bundle';
import { fmtMs, machineLine, median, writeBenchmarkSection } from '../lib/bench';
import { loadManifest, repoRoot } from '../lib/repo';

const apiEvent = (method: string, path: string, headers: Record<string, string> = {}, body?: string) => ({
  httpMethod: method,
  path,
  resource: path,
  headers,
  multiValueHeaders: {},
  queryStringParameters: null,
  pathParameters: null,
  body: body ?? null,
  isBase64Encoded: false,
  requestContext: { requestId: 'bench', identity: { sourceIp: '127.0.0.1' } },
});

/** One representative first request per HTTP function, answered without any AWS call, and its status. */
const HTTP: Record<string, { event: unknown; status: number; what: string }> = {
  'api-handler': { event: apiEvent('GET', '/health'), status: 200, what: 'GET /health' },
  'historical-analysis-handler': { event: apiEvent('GET', '/analytics/trends'), status: 401, what: 'GET /analytics/trends without a key' },
  'github-webhook-handler': {
    event: apiEvent('POST', '/webhook/github', { 'content-type': 'application/json', 'x-github-event': 'pull_request', 'x-github-delivery': 'bench', 'x-hub-signature-256': `sha256=${'0'.repeat(64)}` }, '{"action":"opened"}'),
    status: 401,
    what: 'POST /webhook/github, wrong signature',
  },
  'spacelift-webhook-handler': {
    event: apiEvent('POST', '/webhook/spacelift', { 'content-type': 'application/json', 'x-signature-256': `sha256=${'0'.repeat(64)}` }, '{"state":"FINISHED"}'),
    status: 401,
    what: 'POST /webhook/spacelift, wrong signature',
  },
};

/** Minified bytes of a function's zip by origin, from its esbuild metafile (all .mjs outputs). */
const codeShares = (metaFile: string) => {
  const meta = JSON.parse(readFileSync(metaFile, 'utf8')) as { outputs: Record<string, { inputs: Record<string, { bytesInOutput: number }> }> };
  const share = { total: 0, sdk: 0, pino: 0, own: 0, validators: 0 };
  for (const [out, { inputs }] of Object.entries(meta.outputs)) {
    if (!out.endsWith('.mjs')) continue;
    for (const [path, { bytesInOutput: n }] of Object.entries(inputs)) {
      share.total += n;
      if (/node_modules\/.*(@aws-sdk|@smithy|@aws\/|fast-xml-parser|strnum)\//.test(path)) share.sdk += n;
      else if (/node_modules\/.*(pino|sonic-boom|safe-stable-stringify|quick-format-unescaped|on-exit-leak-free|atomic-sleep|@pinojs)/.test(path)) share.pino += n;
      else if (/^(packages|functions)\//.test(path)) {
        share.own += n;
        if (path.includes('request-validators')) share.validators += n;
      }
    }
  }
  return share;
};

/**
 * Deflated size of a function's chunks, leaving out those reachable only through the import() of
 * a chunk whose name matches `lazy` (the reviewer's HCL half, loaded on its first HCL review).
 */
/** Compressed as in the zip (zopfli, with the bundler's kept deflated files), entry and chunks, with and without the lazy ones. */
const zippedWithout = async (fn: string, lazy: RegExp) => {
  const dir = join(repoRoot, 'dist', 'functions');
  const meta = JSON.parse(readFileSync(join(dir, `${fn}.meta.json`), 'utf8')) as { outputs: Record<string, { imports: Array<{ path: string; external?: boolean }> }> };
  const entry = Object.keys(meta.outputs).find((p) => p.endsWith(`/${fn}/${ENTRY_FILE}`));
  if (!entry) throw new Error(`no ${ENTRY_FILE} in ${fn}.meta.json`);
  const reached = new Set<string>();
  const visit = (out: string): void => {
    if (reached.has(out)) return;
    reached.add(out);
    for (const i of meta.outputs[out]?.imports ?? []) if (!i.external && !lazy.test(i.path)) visit(i.path);
  };
  visit(entry);
  const size = async (outs: string[]) => {
    let n = 0;
    for (const o of outs.filter((p) => p.endsWith('.mjs'))) n += (await deflateWithZopfli(readFileSync(join(repoRoot, o)), deflateCacheDir(repoRoot))).length;
    return n;
  };
  return { all: await size(Object.keys(meta.outputs)), without: await size([...reached]) };
};

const args = process.argv.slice(2);
const runs = Number(args[args.indexOf('--runs') + 1]) || 15;
const write = args.includes('--write');
const RATIO_GOAL = 2.5;
/** Zip size goal for the functions that answer HTTP (issue 15). */
const ZIP_GOAL_KB = 150;

const env = {
  PATH: process.env.PATH,
  LOG_LEVEL: 'silent',
  AWS_REGION: 'us-east-1',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  TABLE_NAME: 'bench',
  INPUTS_BUCKET: 'bench',
  EVENT_BUS_NAME: 'bench',
  SECRETS_PREFIX: 'bench/',
  GITHUB_WEBHOOK_SECRET: 'bench-secret-not-used-for-anything-else',
  SPACELIFT_WEBHOOK_SECRET: 'bench-secret-not-used-for-anything-else',
};

const time = (args: string[]): { ms: number; out: string } => {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`node ${args.join(' ').slice(0, 80)}… failed: ${r.stderr.toString().slice(0, 400)}`);
  return { ms, out: r.stdout.toString().trim() };
};

const main = async () => {
  const specs = loadManifest();
  const baseline: number[] = [];
  const perFn = new Map<string, number[]>();
  // The floor: a bundle (same esbuild settings) of nothing but one DynamoDB client answering 200.
  const floorDir = mkdtempSync(join(tmpdir(), 'cold-start-floor-'));
  await build({ ...esbuildOptions(join(__dirname, 'fixtures', 'dynamodb-client-only.ts'), floorDir, repoRoot), sourcemap: false });
  const floorFile = join(floorDir, ENTRY_FILE);
  const floor: number[] = [];
  const allChunks: number[] = [];
  // The bundles are ES modules: loaded with import(), as the Lambda runtime loads index.mjs.
  const load = (file: string) => `import(${JSON.stringify(pathToFileURL(file).href)})`;
  const floorScript = `${load(floorFile)}.then((m)=>m.handler()).then((r)=>{process.stdout.write(String(r.statusCode));process.exit(0)})`;
  process.stderr.write(`cold start: ${runs} runs each, interleaved with a bare node baseline\n`);
  for (let i = 0; i < runs; i++) {
    baseline.push(time(['-e', '']).ms);
    const f = time(['-e', floorScript]);
    if (f.out !== '200') throw new Error(`the floor bundle answered ${f.out}`);
    floor.push(f.ms);
    for (const spec of specs) {
      const file = join(repoRoot, 'dist', 'functions', spec.name, ENTRY_FILE);
      if (!existsSync(file)) throw new Error(`${file} is missing: run \`npm run bundle\` first`);
      const http = HTTP[spec.name];
      const script = http
        ? `${load(file)}.then((m)=>m.handler(${JSON.stringify(http.event)},{awsRequestId:'bench',functionName:${JSON.stringify(spec.name)},getRemainingTimeInMillis:()=>10000})).then((r)=>{process.stdout.write(String(r&&r.statusCode));process.exit(0)},(e)=>{process.stderr.write(String(e&&e.stack));process.exit(1)})`
        : `${load(file)}.then(()=>process.exit(0))`;
      const { ms, out } = time(['-e', script]);
      if (http && out !== String(http.status)) throw new Error(`${spec.name}: ${http.what} answered ${out}, expected ${http.status}`);
      const list = perFn.get(spec.name) ?? [];
      list.push(ms);
      perFn.set(spec.name, list);
    }
    // What the deferral moves, not removes: api-handler answering, then loading every chunk of its zip
    // (each SDK client), as its first requests that touch AWS will.
    const dir = join(repoRoot, 'dist', 'functions', 'api-handler');
    const chunks = readdirSync(dir).filter((f) => f.endsWith('.mjs') && f !== ENTRY_FILE).map((f) => join(dir, f));
    const all = `${load(join(dir, ENTRY_FILE))}.then((m)=>m.handler(${JSON.stringify(HTTP['api-handler']!.event)},{awsRequestId:'bench'})).then((r)=>Promise.all(${JSON.stringify(chunks.map((c) => pathToFileURL(c).href))}.map((c)=>import(c))).then(()=>{process.stdout.write(String(r.statusCode));process.exit(0)}))`;
    const everything = time(['-e', all]);
    if (everything.out !== '200') throw new Error(`api-handler with every chunk answered ${everything.out}`);
    allChunks.push(everything.ms);
    process.stderr.write('.');
  }
  process.stderr.write('\n');
  rmSync(floorDir, { recursive: true, force: true });
  const base = median(baseline);
  const floorMs = median(floor);
  const rows = specs.map((spec) => {
    const m = median(perFn.get(spec.name) ?? []);
    const zip = statSync(join(repoRoot, 'dist', 'functions', `${spec.name}.zip`)).size;
    const http = HTTP[spec.name];
    const ratio = m / base;
    const goal = http ? (ratio <= RATIO_GOAL ? `≤ ${RATIO_GOAL}× ✓` : `≤ ${RATIO_GOAL}× ✗`) : '—';
    const zipGoal = http ? (zip <= ZIP_GOAL_KB * 1024 ? `≤ ${ZIP_GOAL_KB} KB ✓` : `≤ ${ZIP_GOAL_KB} KB ✗`) : '—';
    return `| ${spec.name} | ${http ? http.what : 'load only'} | ${(zip / 1024).toFixed(1)} KB | ${zipGoal} | ${fmtMs(m)} | ${fmtMs(m - base)} | ${ratio.toFixed(2)}× | ${goal} |`;
  });
  const share = codeShares(join(repoRoot, 'dist', 'functions', 'api-handler.meta.json'));
  const reviewer = await zippedWithout('ai-reviewer', /[\\/]hcl-api-[^/\\]+\.mjs$/);
  const kb = (n: number) => `${Math.round(n / 1024)} KB`;
  const kb1 = (n: number) => `${(n / 1024).toFixed(1)} KB`;
  // What api-handler's zip would need to lose to meet the goal, beside its two largest optional-looking chunks.
  const apiDir = join(repoRoot, 'dist', 'functions', 'api-handler');
  const apiOver = statSync(join(repoRoot, 'dist', 'functions', 'api-handler.zip')).size - ZIP_GOAL_KB * 1024;
  const deflatedChunks = async (name: RegExp) => {
    let n = 0;
    for (const f of readdirSync(apiDir).filter((x) => name.test(x))) n += (await deflateWithZopfli(readFileSync(join(apiDir, f)), deflateCacheDir(repoRoot))).length;
    return n;
  };
  const apiValidators = await deflatedChunks(/^request-validators-.*\.mjs$/);
  // jose now ships only in request-authorizer, which alone verifies people's bearer tokens.
  const authorizerDir = join(repoRoot, 'dist', 'functions', 'request-authorizer');
  let authorizerJose = 0;
  for (const f of existsSync(authorizerDir) ? readdirSync(authorizerDir).filter((x) => /^jose-parts-.*\.mjs$/.test(x)) : []) authorizerJose += (await deflateWithZopfli(readFileSync(join(authorizerDir, f)), deflateCacheDir(repoRoot))).length;
  const apiGap =
    apiOver > 0
      ? [
          `api-handler is ${kb1(apiOver)} over the goal. Of its zip, the request validators with ajv-formats are ${kb1(apiValidators)}; the rest is`,
          'the four SDK clients, pino and our own code. Cuts measured and not made, together about 2 KB: the formats of',
          'ajv-formats other than date and date-time (~1.4 KB; one CommonJS object esbuild cannot split) and the SDK\'s shared',
          'config file reader (~0.8 KB; Lambda has no such files, but a stand-in would change what the clients read rather',
          'than refuse).',
        ]
      : [
          `api-handler meets the zip goal with ${kb1(-apiOver)} to spare: people's bearer tokens are verified once, by request-authorizer,`,
          `whose context carries the person to the function, so the API functions no longer ship jose (${kb1(authorizerJose)} zipped; only`,
          `request-authorizer's zip has it). Of api-handler's zip, the request validators with ajv-formats are ${kb1(apiValidators)}; the rest`,
          'is the four SDK clients, pino and our own code.',
        ];
  const md = [
    '## Bundle sizes and cold start',
    '',
    `Command: \`npm run bundle && npx tsx scripts/src/bench/cold-start.ts --runs ${runs} --write\` — ${machineLine()}.`,
    `Each figure is the median of ${runs} fresh \`node\` processes. Functions that answer HTTP load the bundle and answer`,
    'one request (its status is checked); the others only load the bundle. The baseline is a bare `node -e \'\'` in the',
    `same run, interleaved: **${fmtMs(base)}**. The goal for HTTP functions is load + first response ≤ ${RATIO_GOAL}× the baseline.`,
    '',
    '| function | measured | zip | zip goal | time | over baseline | ratio | goal |',
    '|---|---|---:|---:|---:|---:|---:|---|',
    ...rows,
    `| (floor) one DynamoDB client, nothing else | load + answer 200 | — | — | ${fmtMs(floorMs)} | ${fmtMs(floorMs - base)} | ${(floorMs / base).toFixed(2)}× | — |`,
    `| api-handler, then every chunk of its zip | GET /health + import() of each SDK chunk | — | — | ${fmtMs(median(allChunks))} | ${fmtMs(median(allChunks) - base)} | ${(median(allChunks) / base).toFixed(2)}× | — |`,
    '',
    'How: each zip is an ES module split into chunks (see docs/ARCHITECTURE.md, Bundles and cold start). The entry',
    'holds the handler, router, logger (pino) and store logic; every AWS SDK client, the request and payload',
    'validators and `node:crypto` are chunks loaded on the first request that needs them, so these first responses',
    'load none of them. The row "then every chunk" shows what that moves to the first request touching AWS rather',
    'than removes. The floor row bundles one DynamoDB client and nothing else.',
    '',
    `The reviewer (goal: its JavaScript ≤ 250 KB zipped, the HCL parser loaded only on the first HCL review): ${kb(reviewer.all)} of`,
    `compressed JavaScript in all, ${kb(reviewer.without)} without the HCL chunk (parser, evaluator, policy file reader with yaml) that`,
    'only a review of Terraform source loads; a plan review never reads it.',
    '',
    `Zip sizes (goal ≤ ${ZIP_GOAL_KB} KB for the functions that answer HTTP; each function's hard budget is its sizeBudgetKb in`,
    'functions/manifest.json, checked by `npm run bundle`): each file is deflated with zopfli (3.5 % smaller than',
    'zlib\'s default, which zlib\'s best level beats by 0.1 %). What remains is mostly the AWS SDK. In api-handler\'s',
    `${kb(share.total)} of minified JavaScript, four clients (DynamoDB, S3, EventBridge, Secrets Manager) and their shared smithy core`,
    `are ${kb(share.sdk)}, pino ${kb(share.pino)}, our own packages ${kb(share.own)} (${kb(share.validators)} of it compiled request validators),`,
    `the rest ${kb(share.total - share.sdk - share.pino - share.own)} (mostly ajv-formats). Already left out: the SDK's SSO/ini/process/web-identity credential`,
    'chain (Lambda gives credentials in the environment), pino\'s worker-thread transports, the OpenAPI document\'s',
    'descriptions and schemas, the schemas of every SDK operation we never call and the classes of the service',
    'errors our adapters tell apart by name (aws-sdk-trim.ts; they arrive as the client\'s service exception with the',
    'same name, message and status), the SDK\'s browser user-agent parser, its event-stream codec, bearer-token (SSO)',
    'providers and JavaScript sha256/sha1/md5 (node:crypto hashes), the DynamoDB endpoint cache\'s LRU library,',
    'pino\'s transport, multistream and redact modules (each a shim under scripts/src/bundle/shims that fails loudly',
    'if ever called), esbuild\'s keepNames (error classes name themselves) and the createRequire banner in chunks',
    'that never require, and S3 Express One Zone\'s session provider (directory buckets). api-handler and',
    'historical-analysis-handler also carry the compiled request validators, and no jose: they read the person the',
    'request authorizer verified from its context (scripts/test/bundle-contents.test.ts checks their zips hold no jose code).',
    '',
    ...apiGap,
  ].join('\n');
  process.stdout.write(`${md}\n`);
  if (write) writeBenchmarkSection('bundles', md);
};

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
