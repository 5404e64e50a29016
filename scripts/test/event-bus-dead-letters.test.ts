import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEventBus, type DeadLetter, type LocalEventBus } from '../src/local/event-bus';

const pattern = { source: ['iac-review'], 'detail-type': ['ReviewRequested'] };
const failing = { name: 'reviewer', timeoutSeconds: 5, memoryMb: 128, handler: async () => Promise.reject(new Error('reviewer down')) };

const put = async (bus: LocalEventBus, reviewId: string) => {
  const client = new EventBridgeClient({ region: 'us-east-1', endpoint: bus.endpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, maxAttempts: 1 });
  await client.send(new PutEventsCommand({ Entries: [{ EventBusName: 'b', Source: 'iac-review', DetailType: 'ReviewRequested', Detail: JSON.stringify({ reviewId }) }] }));
  client.destroy();
};

describe('local event bus dead letters', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'dead-letters-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('should persist each dead letter under the data dir, report it, and load it again on the next start', async () => {
    const reported: DeadLetter[] = [];
    const bus = await startEventBus({ busName: 'b', retryDelaysMs: [5, 5], rules: [{ name: 'reviewer', pattern, target: failing }], deadLetterDir: dir, onDeadLetter: (l) => reported.push(l) });
    await put(bus, 'r-1');
    await bus.idle();
    await bus.close();

    expect(reported).toEqual([expect.objectContaining({ rule: 'reviewer', attempts: 3, cause: 'retries-exhausted', error: 'reviewer down' })]);
    const files = readdirSync(dir);
    expect(files).toHaveLength(1);
    expect(statSync(join(dir, files[0] as string)).mode & 0o777).toBe(0o600);
    const stored = JSON.parse(readFileSync(join(dir, files[0] as string), 'utf8')) as DeadLetter;
    expect(stored).toMatchObject({ rule: 'reviewer', cause: 'retries-exhausted', event: { detail: { reviewId: 'r-1' } } });

    const again = await startEventBus({ busName: 'b', rules: [], deadLetterDir: dir });
    expect(again.deadLetters).toEqual([stored]);
    await again.close();
  });

  it('should dead-letter a retry still pending at shutdown instead of losing it', async () => {
    const reported: DeadLetter[] = [];
    let firstAttemptFailed!: () => void;
    const failed = new Promise<void>((r) => (firstAttemptFailed = r));
    const bus = await startEventBus({
      busName: 'b',
      retryDelaysMs: [60_000],
      drainTimeoutMs: 50,
      rules: [{ name: 'reviewer', pattern, target: failing }],
      deadLetterDir: dir,
      onDeadLetter: (l) => reported.push(l),
      onDelivery: (d) => {
        if (!d.ok && d.attempt === 1) firstAttemptFailed();
      },
    });
    await put(bus, 'r-2');
    // The first attempt has failed and the retry waits a minute when the stack is stopped.
    await failed;
    expect(reported).toEqual([]);
    await bus.close();

    expect(reported).toEqual([expect.objectContaining({ rule: 'reviewer', attempts: 1, cause: 'shutdown' })]);
    expect(reported[0]?.error).toMatch(/retry still pending at shutdown/);
    const files = readdirSync(dir);
    expect(files).toHaveLength(1);
    expect(JSON.parse(readFileSync(join(dir, files[0] as string), 'utf8'))).toMatchObject({ cause: 'shutdown', event: { detail: { reviewId: 'r-2' } } });
  });
});
