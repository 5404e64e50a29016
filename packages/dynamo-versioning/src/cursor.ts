import { ValidationError } from './errors';

/** Opaque pagination cursors: base64url JSON, checked on the way back in. */
export const encodeCursor = (value: Record<string, unknown>): string => Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');

export const decodeCursor = (cursor: string): Record<string, unknown> => {
  if (typeof cursor !== 'string' || cursor.length === 0 || cursor.length > 4096 || !/^[A-Za-z0-9_-]+$/.test(cursor)) {
    throw new ValidationError('The cursor is not valid.');
  }
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new Error('not an object');
    return value as Record<string, unknown>;
  } catch (err) {
    throw new ValidationError('The cursor is not valid.', err);
  }
};

export const clampLimit = (limit: number | undefined, max = 100, fallback = 20): number => {
  if (limit === undefined) return fallback;
  if (!Number.isInteger(limit) || limit < 1 || limit > max) throw new ValidationError(`limit must be an integer from 1 to ${max}.`);
  return limit;
};
