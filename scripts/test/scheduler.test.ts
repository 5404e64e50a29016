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
