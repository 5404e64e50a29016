import type { ReviewFilters } from './api';
import { dayBound } from './format';

export const FIELDS = ['repository', 'stack', 'source', 'riskLevel', 'status', 'from', 'to'] as const;
export type Field = (typeof FIELDS)[number];
export type Form = Record<Field, string>;

export const formFrom = (q: URLSearchParams): Form => Object.fromEntries(FIELDS.map((f) => [f, q.get(f) ?? ''])) as Form;

/** The form (dates are UTC days) as the API's filters. */
export const filtersFrom = (f: Form): ReviewFilters => {
  const out: ReviewFilters = {};
  if (f.repository.trim()) out.repository = f.repository.trim();
  if (f.stack.trim()) out.stack = f.stack.trim();
  if (f.source) out.source = f.source;
  if (f.riskLevel) out.riskLevel = f.riskLevel;
  if (f.status) out.status = f.status;
  const from = dayBound(f.from, 'from');
  const to = dayBound(f.to, 'to');
  if (from) out.from = from;
  if (to) out.to = to;
  return out;
};
