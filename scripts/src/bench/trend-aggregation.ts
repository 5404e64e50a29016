/**
 * The nightly rollup's reads for one day, in a table of 10,000 reviews: it reads through the by-day
 * index (gsi2), so items read and capacity consumed follow that day's reviews, not the table. The
 * baseline in the same run is what a Scan of the same table would read.
 * Usage: npx tsx scripts/src/bench/trend-aggregation.ts [--reviews N] [--write]
 */
import { BatchWriteItemCommand, ScanCommand, type WriteRequest } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { createTrendAggregator, createTrendStore, silentLogger } from '../../../packages/analytics/src/index';
import { createDynamoDbTablePort, createInMemoryTablePort, createVersionedStore, type DynamoRequestMetric, type StoredItem } from '../../../packages/dynamo-versioning/src/index';
import { reviewHead, type ReviewContent } from '../../../packages/reviews/src/index';
import { machineLine, writeBenchmarkSection } from '../lib/bench';
import { ensureTable, startDynalite } from '../local/dynamodb';

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) || fallback : fallback;
};
const TOTAL = arg('--reviews', 10_000);
const write = process.argv.includes('--write');
/** Days measured, with how many of the table's reviews each holds; the rest spread over other days. */
const MEASURED = [
  { day: '2026-11-10', reviews: Math.round(TOTAL * 0.01) },
  { day: '2026-11-11', reviews: Math.round(TOTAL * 0.05) },
  { day: '2026-11-12', reviews: Math.round(TOTAL * 0.2) },
];
const FILLER_DAYS = 30;

const content = (i: number): ReviewContent => ({
  status: i % 10 === 0 ? 'completed-degraded' : 'completed',
  source: (['api', 'github', 'spacelift'] as const)[i % 3]!,
  repository: `acme/repo-${i % 40}`,
  ...(i % 3 === 2 ? { stack: `stack-${i % 7}` } : {}),
  submittedBy: 'bench',
  input: { kind: 'plan', key: `inputs/r${i}.json`, sha256: '0'.repeat(64), size: 1000 },
  acknowledged: false,
  dismissedFindings: i % 5 === 0 ? [`NET-001@aws_security_group.web`] : [],
  feedback: [],
  result: {
    riskScore: (i * 37) % 101,
    riskLevel: (['low', 'medium', 'high', 'critical'] as const)[i % 4]!,
    confidence: 0.5 + (i % 50) / 100,
    summary: 'Risk high: security group opens 22 to the world.',
    findings: [{ ruleId: 'NET-001', severity: 'high', category: 'network-exposure', resourceAddress: 'aws_security_group.web', message: 'SSH open to the internet.', remediation: 'Restrict the CIDR.' }],
    contributions: [],
    stats: { changedResources: ['aws_security_group.web'] },
    reviewer: { mode: 'rules-only' },
    reviewedVersion: 1,
    reviewedAt: '2026-11-10T00:00:00.000Z',
  },
});

/** Real version + head items, made by the store itself (in memory), then batch-written to dynalite. */
const makeItems = async (): Promise<{ items: StoredItem[]; perDay: Map<string, number> }> => {
  const mem = createInMemoryTablePort();
  const clock = { now: new Date() };
  const store = createVersionedStore<ReviewContent>({ table: mem, tableName: 'm', entity: 'REVIEW', head: reviewHead, clock: () => clock.now });
  const perDay = new Map<string, number>();
  const fillers = TOTAL - MEASURED.reduce((s, m) => s + m.reviews, 0);
  const days = [...MEASURED.flatMap((m) => Array<string>(m.reviews).fill(m.day)), ...Array.from({ length: fillers }, (_, i) => `2026-10-${String(1 + (i % FILLER_DAYS)).padStart(2, '0')}`)];
  for (const [i, day] of days.entries()) {
    clock.now = new Date(Date.parse(`${day}T00:00:00.000Z`) + (i % 86_000) * 1000);
    await store.create(`bench-${String(i).padStart(6, '0')}`, content(i), { actor: 'bench', reason: 'seed' });
    perDay.set(day, (perDay.get(day) ?? 0) + 1);
  }
  return { items: mem.dump('m'), perDay };
};

const main = async () => {
  const t0 = performance.now();
  const dynamo = await startDynalite();
  const tableName = 'bench-trends';
  await ensureTable(dynamo.client, tableName);
  const { items, perDay } = await makeItems();
  for (let i = 0; i < items.length; i += 25) {
    let request: Record<string, WriteRequest[]> | undefined = {
      [tableName]: items.slice(i, i + 25).map((item) => ({ PutRequest: { Item: marshall(item, { removeUndefinedValues: true }) } }) as WriteRequest),
    };
    while (request && Object.keys(request).length > 0) {
      const r = await dynamo.client.send(new BatchWriteItemCommand({ RequestItems: request }));
      request = r.UnprocessedItems as typeof request;
    }
  }
  const seededMs = performance.now() - t0;

  // Reading the reviews and keeping the rollups go through separate ports, so each is metered on its own.
  const metrics: DynamoRequestMetric[] = [];
  const rollupMetrics: DynamoRequestMetric[] = [];
  const port = createDynamoDbTablePort({ client: dynamo.client, onRequest: (m) => metrics.push(m) });
  const rollupPort = createDynamoDbTablePort({ client: dynamo.client, onRequest: (m) => rollupMetrics.push(m) });
  // Count index items read per Query (the port reports requests and capacity; items come from the pages).
  let indexItems = 0;
  const counted = {
    ...port,
    query: async (t: string, q: Parameters<typeof port.query>[1]) => {
      const page = await port.query(t, q);
      if (q.index === 'gsi2') indexItems += page.items.length;
      return page;
    },
  };
  const reviews = createVersionedStore<ReviewContent>({ table: counted, tableName, entity: 'REVIEW', head: reviewHead });
  const trends = createTrendStore({ table: rollupPort, tableName });
  const aggregator = createTrendAggregator({ reviews, trends, logger: silentLogger, actor: 'bench' });

  const rows: string[][] = [];
  const ratios: number[] = [];
  for (const m of MEASURED) {
    metrics.length = 0;
    rollupMetrics.length = 0;
    indexItems = 0;
    const started = performance.now();
    const r = await aggregator.aggregateDay(m.day);
    const ms = performance.now() - started;
    const readCu = metrics.reduce((s, x) => s + (x.capacityUnits ?? 0), 0);
    const gsiQueries = metrics.filter((x) => x.operation === 'Query').length;
    const gets = metrics.filter((x) => x.operation === 'GetItem').length;
    const rollupCu = rollupMetrics.reduce((s, x) => s + (x.capacityUnits ?? 0), 0);
    if (r.reviews !== perDay.get(m.day)) throw new Error(`${m.day}: rolled up ${r.reviews} reviews, seeded ${perDay.get(m.day)}`);
    ratios.push(readCu / r.reviews);
    rows.push([m.day, String(r.reviews), String(indexItems), (indexItems / r.reviews).toFixed(3), String(gsiQueries), String(gets), readCu.toFixed(1), (readCu / r.reviews).toFixed(3), `${r.rollups} / ${rollupCu.toFixed(1)}`, ms.toFixed(0)]);
  }

  // Baseline: what reading the same day by scanning the whole table would cost.
  let scanned = 0;
  let scanCu = 0;
  let start: Record<string, unknown> | undefined;
  do {
    const r = await dynamo.client.send(new ScanCommand({ TableName: tableName, ReturnConsumedCapacity: 'TOTAL', ...(start ? { ExclusiveStartKey: start as never } : {}) }));
    scanned += r.ScannedCount ?? 0;
    scanCu += r.ConsumedCapacity?.CapacityUnits ?? 0;
    start = r.LastEvaluatedKey;
  } while (start);
  await dynamo.close();

  const spread = Math.max(...ratios) / Math.min(...ratios);
  const status = spread < 1.5 ? `read capacity per review stays within ${spread.toFixed(2)}× across a ${MEASURED[2]!.reviews / MEASURED[0]!.reviews}× range of day sizes: proportional to the day's reviews` : `read capacity per review varies ${spread.toFixed(2)}× across day sizes: NOT proportional`;
  const md = [
    `### Trend aggregation: reads for one day (\`npx tsx scripts/src/bench/trend-aggregation.ts --write\`)`,
    '',
    `${machineLine()}. dynalite in process; ${TOTAL.toLocaleString('en')} reviews in the table (${items.length.toLocaleString('en')} items: one version and one head each), seeded by BatchWriteItem in ${(seededMs / 1000).toFixed(1)} s. Each day is rolled up with \`aggregateDay\`: gsi2 Query pages of 100 heads, then one consistent GetItem per review's latest version (the read columns); writing the rollups (one per scope that had reviews: overall, ~40 repositories, ~7 stacks) is metered apart, as it grows with the scopes, not the reviews.`,
    '',
    '| day | its reviews | gsi2 items read | items / review | gsi2 Query calls | GetItem calls | read capacity (units) | capacity / review | rollups / their capacity | time (ms) |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...rows.map((r) => `| ${r.join(' | ')} |`),
    `| baseline: Scan of the whole table | — | ${scanned.toLocaleString('en')} | — | — | — | ${scanCu.toFixed(1)} | — | — | — |`,
    '',
    `Result: ${status}; the smallest day reads ${((Number(rows[0]![6]) / scanCu) * 100).toFixed(1)} % of the capacity a Scan of the table would (a Scan's cost grows with the table; these do not).`,
  ].join('\n');
  process.stdout.write(`${md}\n`);
  if (write) writeBenchmarkSection('trend-aggregation', md);
  if (spread >= 1.5) process.exitCode = 1;
};

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
