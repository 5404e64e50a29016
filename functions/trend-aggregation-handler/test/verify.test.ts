import { createTrendAggregator, createTrendStore } from '@iac-review/analytics';
import { canonicalJson, createInMemoryMacKeyProvider, createInMemoryTablePort, createVersionedStore, sha256Hex, verifyTouched, type StoredItem } from '@iac-review/dynamo-versioning';
import { captureLogger } from '@iac-review/logger/testing';
import { reportIntegrityFailures, reviewHead, type ReviewContent } from '@iac-review/reviews';
import { createHandler } from '../src/handler';

const NOW = new Date('2026-11-29T00:15:07Z');
const scheduled = { version: '0', id: 'e1', 'detail-type': 'Scheduled Event', source: 'aws.events', account: '1', time: '2026-11-29T00:15:00Z', region: 'us-east-1', resources: [], detail: {} };

const content = (repository: string): ReviewContent => ({
  status: 'completed',
  source: 'api',
  repository,
  submittedBy: 'x',
  input: { kind: 'plan', key: 'k', sha256: 's', size: 1 },
  acknowledged: false,
  dismissedFindings: [],
  feedback: [],
  result: { riskScore: 60, riskLevel: 'high', confidence: 0.8, summary: '', findings: [], contributions: [], stats: {}, reviewer: { mode: 'rules-only' }, reviewedVersion: 1, reviewedAt: '2026-11-28T10:00:00Z' },
});

describe('nightly verification of review histories', () => {
  it('should verify every review touched that day and report a tampered one as a security event and a metric', async () => {
    const table = createInMemoryTablePort();
    const log = captureLogger();
    const macKeys = createInMemoryMacKeyProvider();
    const reviews = createVersionedStore<ReviewContent>({ table, tableName: 't', entity: 'REVIEW', head: reviewHead, clock: () => new Date('2026-11-28T10:00:00Z'), mac: macKeys, onIntegrityFailure: reportIntegrityFailures(log.logger) });
    await reviews.create('review-1', content('acme/infra'), { actor: 'x', reason: 'seed' });
    await reviews.create('review-2', content('acme/app'), { actor: 'x', reason: 'seed' });
    // Someone with table access rewrites review-2's content (and its digest) without the key.
    const item = table.dump('t').find((i) => i.pk === 'REVIEW#review-2' && i.version === 1) as StoredItem;
    const forged = canonicalJson({ ...content('acme/app'), status: 'failed' });
    table.rawPut('t', { ...item, content: forged, contentSha256: sha256Hex(forged) });

    const handler = createHandler({
      aggregator: createTrendAggregator({ reviews, trends: createTrendStore({ table, tableName: 't', mac: macKeys }), logger: log.logger, actor: 'trend-aggregation-handler' }),
      logger: log.logger,
      clock: () => NOW,
      verifyDay: (day) => verifyTouched(reviews, { day }),
    });
    await handler(scheduled).catch(() => undefined);

    const lines = log.lines();
    expect(lines.find((l) => l.message === 'review histories verified')).toMatchObject({ checked: 2, failed: 1 });
    expect(lines.some((l) => l.type === 'security' && l.event === 'history.integrity-failed' && l.id === 'review-2')).toBe(true);
    expect(lines.some((l) => l.type === 'metric' && l.HistoryVerificationFailures === 1 && l.HistoriesVerified === 2)).toBe(true);
    expect(lines.some((l) => l.message === 'review history failed verification' && l.reviewId === 'review-2')).toBe(true);
  });
});
