import awsCronParser from 'aws-cron-parser';
import { randomUUID } from 'node:crypto';

/** One schedule trigger of the functions manifest (`{"type": "schedule", "expression": …}`). */
export interface ScheduleRule<T = unknown> {
  name: string;
  /** EventBridge schedule expression: `cron(min hour day-of-month month day-of-week year)` or `rate(N unit)`. */
  expression: string;
  target: T;
}

const RATE = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/;
const CRON = /^cron\((.+)\)$/;
const UNIT_MS = { minute: 60_000, hour: 3_600_000, day: 86_400_000 } as const;
/** setTimeout's largest delay; a later fire time is reached by re-arming. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** The schedule's next fire time strictly after `after` (UTC, like EventBridge), or null if it never fires again. */
export const nextFireTime = (expression: string, after: Date): Date | null => {
  const rate = RATE.exec(expression);
  if (rate) {
    const n = Number(rate[1]);
    const unit = rate[2]?.replace(/s$/, '') as keyof typeof UNIT_MS;
    // EventBridge: "rate(1 minute)", "rate(5 minutes)": the unit is singular exactly when N is 1.
    if (n < 1 || (n === 1) !== !rate[2]?.endsWith('s')) throw new Error(`"${expression}" is not a valid rate: use rate(1 minute) or rate(N minutes) with N >= 1`);
    const period = n * UNIT_MS[unit];
    return new Date((Math.floor(after.getTime() / period) + 1) * period);
  }
  const cron = CRON.exec(expression);
  if (!cron?.[1] || cron[1].trim().split(/\s+/).length !== 6) throw new Error(`"${expression}" is not an EventBridge schedule expression (cron(m h dom mon dow year) or rate(N unit))`);
  const next = awsCronParser.next(awsCronParser.parse(cron[1]), new Date(after.getTime() + 1000));
  return next && next.getTime() > after.getTime() ? next : null;
};

/** The event EventBridge delivers to a scheduled rule's target. */
export const scheduledEvent = (ruleName: string, time: Date, region = 'us-east-1') => ({
  version: '0',
  id: randomUUID(),
  'detail-type': 'Scheduled Event',
  source: 'aws.events',
  account: '000000000000',
  time: time.toISOString().replace(/\.\d{3}Z$/, 'Z'),
  region,
  resources: [`arn:aws:events:${region}:000000000000:rule/${ruleName}`],
  detail: {},
});

export interface LocalScheduler {
  /** Each rule's next fire time. */
  upcoming(): Array<{ rule: string; expression: string; next: string | null }>;
  stop(): void;
}

/**
 * Fires each schedule rule at its times (UTC), handing the scheduled event to `fire` (the local
 * bus's delivery, with its retries and dead letters). Timers do not keep the process alive.
 */
export const startScheduler = <T>(opts: { rules: ReadonlyArray<ScheduleRule<T>>; fire: (rule: ScheduleRule<T>, event: ReturnType<typeof scheduledEvent>) => void; now?: () => Date; region?: string }): LocalScheduler => {
  const now = opts.now ?? (() => new Date());
  const timers = new Map<string, NodeJS.Timeout>();
  const next = new Map<string, Date | null>();
  let stopped = false;

  const arm = (rule: ScheduleRule<T>, after: Date) => {
    const at = nextFireTime(rule.expression, after);
    next.set(rule.name, at);
    if (!at || stopped) return;
    const wait = () => {
      const delay = at.getTime() - now().getTime();
      const t = setTimeout(
        () => {
          if (stopped) return;
          if (at.getTime() > now().getTime()) return wait();
          opts.fire(rule, scheduledEvent(rule.name, at, opts.region));
          arm(rule, at);
        },
        Math.max(0, Math.min(delay, MAX_TIMER_MS)),
      );
      t.unref();
      timers.set(rule.name, t);
    };
    wait();
  };

  for (const rule of opts.rules) arm(rule, now());
  return {
    upcoming: () => opts.rules.map((r) => ({ rule: r.name, expression: r.expression, next: next.get(r.name)?.toISOString() ?? null })),
    stop: () => {
      stopped = true;
      for (const t of timers.values()) clearTimeout(t);
      timers.clear();
    },
  };
};
