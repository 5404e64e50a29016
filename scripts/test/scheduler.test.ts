import { nextFireTime, scheduledEvent, startScheduler } from '../src/local/scheduler';

describe('local schedules', () => {
  it('should compute EventBridge cron and rate times in UTC', () => {
    expect(nextFireTime('cron(15 0 * * ? *)', new Date('2026-11-29T20:00:00Z'))?.toISOString()).toBe('2026-11-30T00:15:00.000Z');
    expect(nextFireTime('cron(15 0 * * ? *)', new Date('2026-11-30T00:15:00Z'))?.toISOString()).toBe('2026-12-01T00:15:00.000Z');
    expect(nextFireTime('cron(0 6 ? * MON *)', new Date('2026-11-29T20:00:00Z'))?.toISOString()).toBe('2026-11-30T06:00:00.000Z');
    expect(nextFireTime('rate(5 minutes)', new Date('2026-11-29T20:01:30Z'))?.toISOString()).toBe('2026-11-29T20:05:00.000Z');
    expect(nextFireTime('rate(1 day)', new Date('2026-11-29T20:01:30Z'))?.toISOString()).toBe('2026-11-30T00:00:00.000Z');
  });

  it('should refuse expressions EventBridge refuses', () => {
    expect(() => nextFireTime('0 0 * * *', new Date())).toThrow(/not an EventBridge schedule/);
    expect(() => nextFireTime('cron(0 0 * * *)', new Date())).toThrow(/not an EventBridge schedule/);
    expect(() => nextFireTime('rate(1 minutes)', new Date())).toThrow(/not a valid rate/);
    expect(() => nextFireTime('rate(0 minutes)', new Date())).toThrow(/not a valid rate/);
  });

  it('should fire each rule at its times with a Scheduled Event, and stop', () => {
    jest.useFakeTimers({ now: new Date('2026-11-29T20:04:59Z') });
    try {
      const fired: Array<{ rule: string; time: string; type: string }> = [];
      const s = startScheduler({ rules: [{ name: 'r-0', expression: 'rate(5 minutes)', target: 'fn' }], fire: (r, e) => fired.push({ rule: r.name, time: e.time, type: e['detail-type'] }) });
      expect(s.upcoming()).toEqual([{ rule: 'r-0', expression: 'rate(5 minutes)', next: '2026-11-29T20:05:00.000Z' }]);
      jest.advanceTimersByTime(1000);
      expect(fired).toEqual([{ rule: 'r-0', time: '2026-11-29T20:05:00Z', type: 'Scheduled Event' }]);
      jest.advanceTimersByTime(5 * 60_000);
      expect(fired.map((f) => f.time)).toEqual(['2026-11-29T20:05:00Z', '2026-11-29T20:10:00Z']);
      s.stop();
      jest.advanceTimersByTime(60 * 60_000);
      expect(fired).toHaveLength(2);
    } finally {
      jest.useRealTimers();
    }
  });

  it('should shape the event as EventBridge does for a schedule', () => {
    expect(scheduledEvent('rule-a', new Date('2026-11-30T00:15:00.123Z'))).toMatchObject({ source: 'aws.events', 'detail-type': 'Scheduled Event', time: '2026-11-30T00:15:00Z', resources: ['arn:aws:events:us-east-1:000000000000:rule/rule-a'], detail: {} });
  });
});

describe('local schedules through the local bus', () => {
  it('should deliver the Scheduled Event to the target with the bus’s retries', async () => {
    const { startEventBus } = await import('../src/local/event-bus');
    const bus = await startEventBus({ busName: 'b', rules: [], retryDelaysMs: [10] });
    const seen: Array<{ type: string; time: string }> = [];
    let calls = 0;
    const target = {
      name: 'fn',
      timeoutSeconds: 5,
      memoryMb: 128,
      handler: async (event: unknown) => {
        calls++;
        if (calls === 1) throw new Error('first attempt fails');
        const e = event as { 'detail-type': string; time: string };
        seen.push({ type: e['detail-type'], time: e.time });
        return 'ok';
      },
    };
    // A clock running 5 ms before a minute boundary: the rule fires almost at once.
    const boundary = Math.ceil(Date.now() / 60_000) * 60_000 + 60_000;
    const offset = boundary - 5 - Date.now();
    const s = startScheduler({ rules: [{ name: 'fn-0', expression: 'rate(1 minute)', target }], now: () => new Date(Date.now() + offset), fire: (r, event) => bus.deliver({ name: r.name, pattern: {}, target: r.target }, event) });
    try {
      for (let i = 0; i < 100 && seen.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
      await bus.idle();
      expect(calls).toBe(2);
      expect(seen).toEqual([{ type: 'Scheduled Event', time: new Date(boundary).toISOString().replace(/\.\d{3}Z$/, 'Z') }]);
      expect(bus.deadLetters).toEqual([]);
    } finally {
      s.stop();
      await bus.close();
    }
  });
});
