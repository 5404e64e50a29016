import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import fc from 'fast-check';
import { startEventBus, type LocalEventBus } from '../src/local/event-bus';
import { matchesPattern } from '../src/local/event-pattern';

const reviewRequested = { source: ['iac-review'], 'detail-type': ['ReviewRequested'] };

describe('matchesPattern', () => {
  const event = { source: 'iac-review', 'detail-type': 'ReviewRequested', detail: { reviewId: 'r1', riskScore: 72, source: 'github', tags: ['a', 'b'] } };

  it('should match exact values, nested fields and content filters', () => {
    expect(matchesPattern(reviewRequested, event)).toBe(true);
    expect(matchesPattern({ ...reviewRequested, detail: { source: ['github', 'spacelift'] } }, event)).toBe(true);
    expect(matchesPattern({ detail: { reviewId: [{ prefix: 'r' }], riskScore: [{ numeric: ['>=', 70, '<', 80] }] } }, event)).toBe(true);
    expect(matchesPattern({ detail: { source: [{ 'anything-but': ['api'] }], tags: ['b'] } }, event)).toBe(true);
    expect(matchesPattern({ detail: { missing: [{ exists: false }], reviewId: [{ exists: true }] } }, event)).toBe(true);
  });

  it('should not match other types, absent fields or failed filters', () => {
    expect(matchesPattern({ 'detail-type': ['ReviewCompleted'] }, event)).toBe(false);
    expect(matchesPattern({ detail: { nope: ['x'] } }, event)).toBe(false);
    expect(matchesPattern({ detail: { riskScore: [{ numeric: ['<', 10] }] } }, event)).toBe(false);
    expect(matchesPattern({ detail: { source: [{ 'anything-but': 'github' }] } }, event)).toBe(false);
    expect(matchesPattern({ detail: { reviewId: [{ exists: false }] } }, event)).toBe(false);
  });

  it('should match an event built from the pattern and reject one with a changed source (property)', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), fc.string({ minLength: 1 }), (source, type) => {
        const pattern = { source: [source], 'detail-type': [type] };
        return matchesPattern(pattern, { source, 'detail-type': type }) && !matchesPattern(pattern, { source: `${source}x`, 'detail-type': type });
      }),
    );
  });
});

describe('local event bus', () => {
  let bus: LocalEventBus;
  const received: unknown[] = [];
  let failuresLeft = 0;
  let alwaysFail = false;
  const client = () => new EventBridgeClient({ region: 'us-east-1', endpoint: bus.endpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, maxAttempts: 1 });

  beforeAll(async () => {
    bus = await startEventBus({
      busName: 'b',
      retryDelaysMs: [10, 20],
      rules: [
        {
          name: 'reviewer',
          pattern: reviewRequested,
          target: {
            name: 'reviewer',
            timeoutSeconds: 5,
            memoryMb: 128,
            handler: async (event) => {
              if (alwaysFail) throw new Error('always broken');
              if (failuresLeft > 0) {
                failuresLeft--;
                throw new Error('transient');
              }
              received.push(event);
            },
          },
        },
      ],
    });
  });
  afterAll(async () => {
    await bus.close();
  });
  beforeEach(() => {
    received.length = 0;
    bus.deadLetters.length = 0;
    failuresLeft = 0;
    alwaysFail = false;
  });

  const put = (detailType: string, detail: object) =>
    client().send(new PutEventsCommand({ Entries: [{ EventBusName: 'b', Source: 'iac-review', DetailType: detailType, Detail: JSON.stringify(detail) }] }));

  it('should take PutEvents from the real EventBridge client and deliver matching events asynchronously', async () => {
    const out = await put('ReviewRequested', { reviewId: 'r1', version: 1 });
    expect(out.FailedEntryCount).toBe(0);
    expect(out.Entries?.[0]?.EventId).toMatch(/[0-9a-f-]{36}/);
    await put('ReviewCompleted', { reviewId: 'r1' });
    await bus.idle();
    expect(received).toEqual([expect.objectContaining({ 'detail-type': 'ReviewRequested', source: 'iac-review', detail: { reviewId: 'r1', version: 1 }, version: '0' })]);
  });

  it('should retry a failing target like Lambda (twice) and then succeed', async () => {
    failuresLeft = 2;
    await put('ReviewRequested', { reviewId: 'r2', version: 1 });
    await bus.idle();
    expect(received).toHaveLength(1);
    expect(bus.deadLetters).toHaveLength(0);
  });

  it('should dead-letter an event whose target keeps failing', async () => {
    alwaysFail = true;
    await put('ReviewRequested', { reviewId: 'r3', version: 1 });
    await bus.idle();
    expect(received).toHaveLength(0);
    expect(bus.deadLetters).toEqual([expect.objectContaining({ rule: 'reviewer', attempts: 3, error: 'always broken' })]);
  });

  it('should report malformed entries as failed entries, like EventBridge', async () => {
    const out = await client().send(new PutEventsCommand({ Entries: [{ EventBusName: 'b', Source: 'iac-review', DetailType: 'X', Detail: '{not json' }] }));
    expect(out.FailedEntryCount).toBe(1);
    expect(out.Entries?.[0]?.ErrorCode).toBe('MalformedDetail');
  });
});
