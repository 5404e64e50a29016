/**
 * EventBridge event-pattern matching for the patterns this project uses: exact values (arrays are
 * "any of"), nested fields, and the content filters prefix, suffix, anything-but, exists and numeric.
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns.html
 */
export type EventPattern = { [key: string]: EventPattern | unknown[] };

const matchFilter = (filter: unknown, value: unknown, present: boolean): boolean => {
  if (filter === null || typeof filter !== 'object') return present && (Array.isArray(value) ? value.includes(filter) : value === filter);
  const f = filter as Record<string, unknown>;
  if ('exists' in f) return f.exists === present;
  if (!present) return false;
  const values = Array.isArray(value) ? value : [value];
  if ('prefix' in f) return values.some((v) => typeof v === 'string' && v.startsWith(String(f.prefix)));
  if ('suffix' in f) return values.some((v) => typeof v === 'string' && v.endsWith(String(f.suffix)));
  if ('anything-but' in f) {
    const but = Array.isArray(f['anything-but']) ? (f['anything-but'] as unknown[]) : [f['anything-but']];
    return values.every((v) => !but.includes(v));
  }
  if ('numeric' in f) {
    const ops = f.numeric as unknown[];
    return values.some((v) => {
      if (typeof v !== 'number') return false;
      for (let i = 0; i < ops.length; i += 2) {
        const op = ops[i];
        const n = ops[i + 1] as number;
        const ok = op === '=' ? v === n : op === '>' ? v > n : op === '>=' ? v >= n : op === '<' ? v < n : op === '<=' ? v <= n : false;
        if (!ok) return false;
      }
      return true;
    });
  }
  return false;
};

/** Whether `event` matches `pattern` (every field of the pattern must match; arrays are OR). */
export const matchesPattern = (pattern: EventPattern, event: unknown): boolean => {
  const obj = (event ?? {}) as Record<string, unknown>;
  return Object.entries(pattern).every(([key, sub]) => {
    const present = Object.prototype.hasOwnProperty.call(obj, key);
    const value = obj[key];
    if (Array.isArray(sub)) return sub.some((filter) => matchFilter(filter, value, present));
    if (!present || value === null || typeof value !== 'object') return false;
    return matchesPattern(sub as EventPattern, value);
  });
};
