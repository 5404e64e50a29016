/**
 * Log redaction with and without the per-key decision cache, in the same run: the redactor alone on
 * the fields functions log (request lines, webhook refusals, errors with a cause, EMF metrics), and
 * one whole log line through createLogger (pino, the cached redactor) to show what share of a line
 * the saving is. Rounds alternate cached / uncached; medians of the rounds.
 * Usage: npx tsx scripts/src/bench/logger-redaction.ts [--rounds N] [--lines N] [--write]
 */
import { cpus, loadavg } from 'node:os';
import { Writable } from 'node:stream';
import { createLogger, createRedactor } from '@iac-review/logger';
import { machineLine, median, writeBenchmarkSection } from '../lib/bench';

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) || fallback : fallback;
};
const ROUNDS = arg('--rounds', 15);
const LINES = arg('--lines', 20_000);
const write = process.argv.includes('--write');

/** Field sets shaped like the lines the functions write (the mixin's context included). */
const fieldSets = (i: number): Array<Record<string, unknown>> => [
  {
    level: 'info',
    time: '2026-11-29T23:00:00.000Z',
    service: 'iac-review',
    function: 'api-handler',
    requestId: `req-${i}`,
    traceId: `1-67890abc-${i}`,
    message: 'request completed',
    method: 'POST',
    route: '/reviews',
    statusCode: 202,
    durationMs: 12.5,
    reviewId: `review-${i}`,
    version: 1,
    actor: 'api:ci',
  },
  {
    level: 'info',
    time: '2026-11-29T23:00:00.000Z',
    service: 'iac-review',
    function: 'github-webhook-handler',
    requestId: `req-${i}`,
    webhook: 'github',
    message: 'webhook refused',
    statusCode: 400,
    reason: 'The pull_request payload is not valid: pull_request.head.sha is required.',
    deliveryKey: `delivery-${i}`,
    signatureHeader: 'X-Hub-Signature-256',
    userAgent: 'GitHub-Hookshot/abc123',
    bodyBytes: 5120,
  },
  {
    level: 'error',
    time: '2026-11-29T23:00:00.000Z',
    service: 'iac-review',
    function: 'ai-reviewer',
    requestId: `req-${i}`,
    message: 'review failed',
    reviewId: `review-${i}`,
    inputTokens: 1200,
    outputTokens: 300,
    modelId: 'anthropic.claude',
    error: { type: 'ThrottlingException', message: 'Rate exceeded', code: 'ThrottlingException', retryable: true, cause: { type: 'Error', message: 'socket hang up' } },
  },
  {
    _aws: { Timestamp: 1764457200000, CloudWatchMetrics: [{ Namespace: 'IacReview', Dimensions: [['service', 'function']], Metrics: [{ Name: 'ReviewLatency', Unit: 'Milliseconds' }] }] },
    service: 'iac-review',
    function: 'ai-reviewer',
    ReviewLatency: 812,
    type: 'metric',
  },
];

const timeRedactor = (redact: (v: unknown) => unknown, sets: Array<Array<Record<string, unknown>>>): number => {
  const t0 = performance.now();
  for (const s of sets) for (const fields of s) redact(fields);
  return performance.now() - t0;
};

const main = () => {
  const load = loadavg()[0] ?? 0;
  const sets = Array.from({ length: LINES / 4 }, (_, i) => fieldSets(i));
  const cached = createRedactor();
  const uncached = createRedactor([], { keyCacheSize: 0 });
  // The two must agree, line for line.
  for (const s of sets.slice(0, 50)) for (const f of s) if (JSON.stringify(cached(f)) !== JSON.stringify(uncached(f))) throw new Error('cached and uncached redaction differ');
  // Warm-up (JIT) of both.
  for (let r = 0; r < 3; r++) {
    timeRedactor(cached, sets);
    timeRedactor(uncached, sets);
  }
  const a: number[] = [];
  const b: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    if (r % 2) {
      a.push(timeRedactor(cached, sets));
      b.push(timeRedactor(uncached, sets));
    } else {
      b.push(timeRedactor(uncached, sets));
      a.push(timeRedactor(cached, sets));
    }
  }
  // A whole line: pino + redaction (cached) + serialisation, written to a sink.
  const sink = new Writable({ write: (_c, _e, cb) => cb() });
  const log = createLogger({ service: 'iac-review', functionName: 'api-handler', destination: sink, level: 'info' });
  const lineRounds: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const t0 = performance.now();
    for (let i = 0; i < LINES; i++) log.info('request completed', sets[i % sets.length]![i % 4]!);
    lineRounds.push(performance.now() - t0);
  }
  const perLine = (ms: number) => (ms * 1000) / LINES;
  const cachedUs = perLine(median(a));
  const uncachedUs = perLine(median(b));
  const lineUs = perLine(median(lineRounds));
  const rows = [
    `| redactor, keys judged every time (baseline) | ${uncachedUs.toFixed(2)} µs | 1.00x |`,
    `| redactor, per-key decisions cached | ${cachedUs.toFixed(2)} µs | ${(cachedUs / uncachedUs).toFixed(2)}x |`,
    `| whole log line (pino, cached redactor, serialised to a sink) | ${lineUs.toFixed(2)} µs | — |`,
  ];
  const saving = uncachedUs - cachedUs;
  const md = `## logger: redaction per log line, per-key decisions cached

Command: \`npx tsx scripts/src/bench/logger-redaction.ts --rounds ${ROUNDS} --lines ${LINES} --write\` (${LINES.toLocaleString('en')} lines of four shapes the functions write; ${ROUNDS} rounds alternating the two redactors, medians). Machine: ${machineLine()}${load > cpus().length ? `; load average ${load.toFixed(1)} at the start (loaded: the ratio varies by about ±0.1 from run to run)` : ''}.

| what | per line | vs baseline |
| --- | ---: | ---: |
${rows.join('\n')}

The cache saves ${saving.toFixed(2)} µs per line, ${((saving / (lineUs + saving)) * 100).toFixed(0)} % of what a whole line costs without it. Every string value is still scrubbed on every line; only the judgement of each key is remembered (at most 512 keys per logger).`;
  process.stdout.write(`${md}\n`);
  if (write) writeBenchmarkSection('logger-redaction', md);
};

main();
