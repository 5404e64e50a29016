import { dayCount, dayOf, isDay, MAX_BACKFILL_DAYS, previousUtcDay } from '@iac-review/analytics';

/** What one run rolls up: the days `from`..`to` (inclusive). */
export interface AggregationRequest {
  from: string;
  to: string;
  /** Recorded as the reason on every rollup version it writes. */
  reason: string;
}

export type ParsedAggregationEvent = { ok: true; request: AggregationRequest } | { ok: false; problems: string[] };

const USAGE = 'Send an EventBridge scheduled event (rolls up the previous UTC day), {"day": "YYYY-MM-DD"}, or {"from": "YYYY-MM-DD", "to": "YYYY-MM-DD"} for a backfill.';

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Reads what to roll up from the invocation event. The schedule's day comes from the event's own
 * `time`, not the clock, so a retried or late delivery still rolls up the day it was meant for.
 */
export const parseAggregationEvent = (event: unknown, now: Date): ParsedAggregationEvent => {
  if (!isRecord(event)) return { ok: false, problems: [`The event must be a JSON object. ${USAGE}`] };
  const today = dayOf(now);
  if (event['detail-type'] === 'Scheduled Event' || event.source === 'aws.events') {
    const time = typeof event.time === 'string' ? new Date(event.time) : undefined;
    if (!time || Number.isNaN(time.getTime())) return { ok: false, problems: ['The scheduled event has no valid time.'] };
    const day = previousUtcDay(time);
    return { ok: true, request: { from: day, to: day, reason: 'nightly rollup' } };
  }
  const problems: string[] = [];
  let from: unknown;
  let to: unknown;
  if (event.day !== undefined) {
    if (event.from !== undefined || event.to !== undefined) problems.push('Give day, or from and to, not both.');
    from = to = event.day;
  } else if (event.from !== undefined || event.to !== undefined) {
    from = event.from ?? event.to;
    to = event.to ?? event.from;
  } else {
    return { ok: false, problems: [`Nothing to roll up. ${USAGE}`] };
  }
  const given = event.day !== undefined ? [['day', from]] : event.to === undefined || event.from === undefined ? [[event.from === undefined ? 'to' : 'from', from]] : [['from', from], ['to', to]];
  for (const [name, v] of given) if (!isDay(v)) problems.push(`${name as string} must be a calendar day YYYY-MM-DD (got ${JSON.stringify(v)}).`);
  if (problems.length) return { ok: false, problems };
  const f = from as string;
  const t = to as string;
  if (f > t) problems.push(`from (${f}) is after to (${t}).`);
  else if (dayCount(f, t) > MAX_BACKFILL_DAYS) problems.push(`A run covers at most ${MAX_BACKFILL_DAYS} days; ${f}..${t} is ${dayCount(f, t)}. Split the backfill.`);
  if (t > today) problems.push(`to (${t}) is in the future (today is ${today} UTC).`);
  if (problems.length) return { ok: false, problems };
  return { ok: true, request: { from: f, to: t, reason: f === t && event.day !== undefined ? `rollup of ${f} (on request)` : `backfill ${f}..${t}` } };
};
