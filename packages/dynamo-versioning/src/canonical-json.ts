import { ValidationError } from './errors';

/**
 * Canonical JSON (RFC 8785 style): object keys sorted by UTF-16 code units, no whitespace,
 * numbers in ECMAScript shortest form. Object properties whose value is undefined are dropped
 * (as JSON.stringify does); anything JSON cannot represent exactly is refused rather than
 * silently changed, because the bytes are what gets hashed.
 */
export const canonicalJson = (value: unknown): string => {
  const out: string[] = [];
  write(value, out, '$', new Set());
  return out.join('');
};

const write = (value: unknown, out: string[], path: string, seen: Set<object>): void => {
  if (value === null) {
    out.push('null');
    return;
  }
  switch (typeof value) {
    case 'string':
      out.push(JSON.stringify(value));
      return;
    case 'boolean':
      out.push(value ? 'true' : 'false');
      return;
    case 'number':
      if (!Number.isFinite(value)) throw new ValidationError(`Content at ${path} is not a finite number.`);
      out.push(JSON.stringify(value));
      return;
    case 'object':
      break;
    default:
      throw new ValidationError(`Content at ${path} is a ${typeof value}, which JSON cannot represent.`);
  }
  const obj = value as object;
  if (seen.has(obj)) throw new ValidationError(`Content at ${path} is circular.`);
  seen.add(obj);
  if (Array.isArray(obj)) {
    out.push('[');
    obj.forEach((item, i) => {
      if (i > 0) out.push(',');
      if (item === undefined) throw new ValidationError(`Content at ${path}[${i}] is undefined.`);
      write(item, out, `${path}[${i}]`, seen);
    });
    out.push(']');
  } else {
    const proto = Object.getPrototypeOf(obj) as unknown;
    if (proto !== Object.prototype && proto !== null) {
      throw new ValidationError(`Content at ${path} is not a plain object (convert dates and class instances to strings or plain data).`);
    }
    const record = obj as Record<string, unknown>;
    const keys = Object.keys(record)
      .filter((k) => record[k] !== undefined)
      .sort();
    out.push('{');
    keys.forEach((k, i) => {
      if (i > 0) out.push(',');
      out.push(JSON.stringify(k), ':');
      write(record[k], out, `${path}.${k}`, seen);
    });
    out.push('}');
  }
  seen.delete(obj);
};
