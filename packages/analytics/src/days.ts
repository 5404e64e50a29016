/** UTC calendar days as `YYYY-MM-DD` strings. */
const DAY = /^\d{4}-\d{2}-\d{2}$/;
const MS_PER_DAY = 86_400_000;

/** Whether `s` is a real calendar day (2026-02-30 is not). */
export const isDay = (s: unknown): s is string => {
  if (typeof s !== 'string' || !DAY.test(s)) return false;
  const d = new Date(`${s}T00:00:00.000Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
};

export const dayOf = (t: Date): string => t.toISOString().slice(0, 10);

export const addDays = (day: string, n: number): string => dayOf(new Date(Date.parse(`${day}T00:00:00.000Z`) + n * MS_PER_DAY));

/** Days from `from` to `to`, both included (empty when from > to). */
export const daysBetween = (from: string, to: string): string[] => {
  const out: string[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) out.push(d);
  return out;
};

export const dayCount = (from: string, to: string): number => Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / MS_PER_DAY) + 1;

/** The UTC day before the one `t` falls on (what a schedule after midnight rolls up). */
export const previousUtcDay = (t: Date): string => addDays(dayOf(t), -1);

/** Monday of the ISO week `day` belongs to. */
export const weekStart = (day: string): string => {
  const weekday = new Date(`${day}T00:00:00.000Z`).getUTCDay(); // 0 = Sunday
  return addDays(day, -((weekday + 6) % 7));
};
