import type { Problem } from './api';

/** "2026-11-29 14:03 UTC": the same for every viewer, whatever their time zone. */
export const formatTime = (iso: string): string => {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return iso;
  return `${new Date(t).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
};

export const formatConfidence = (c: number | undefined): string => (typeof c === 'number' && Number.isFinite(c) ? `${Math.round(c * 100)}%` : '—');

/** Confidence as a word people can compare at a glance. */
export const confidenceBand = (c: number | undefined): 'high' | 'medium' | 'low' | 'unknown' =>
  typeof c !== 'number' || !Number.isFinite(c) ? 'unknown' : c >= 0.8 ? 'high' : c >= 0.5 ? 'medium' : 'low';

export const formatPoints = (p: number): string => `${p > 0 ? '+' : ''}${Math.round(p * 10) / 10}`;

/** The input of a date field (YYYY-MM-DD, a UTC day) as the API's from/to bounds: from = start of day, to = start of the next day. */
export const dayBound = (day: string, edge: 'from' | 'to'): string | undefined => {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return undefined;
  const t = Date.parse(`${day}T00:00:00Z`);
  if (Number.isNaN(t)) return undefined;
  return new Date(edge === 'from' ? t : t + 86_400_000).toISOString();
};

/** One line that says what went wrong and what to do, from a problem+json. */
export const problemText = (p: Problem): string => {
  const lead = p.status === 0 ? p.title : `${p.title} (${p.status})`;
  return p.detail ? `${lead}: ${p.detail}` : lead;
};
