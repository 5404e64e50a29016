/** Value written in place of anything secret. */
export const REDACTED = '[REDACTED]';

/**
 * Keys whose values are always secret, whatever object they appear in: credentials, tokens,
 * signatures and the HTTP headers that carry them. Matched case-insensitively on the whole key
 * after removing `-` and `_`, so `x-api-key`, `X_Api_Key` and `apiKey` all match.
 */
const DEFAULT_SECRET_KEYS = [
  'authorization',
  'proxyauthorization',
  'cookie',
  'setcookie',
  'xapikey',
  'apikey',
  'apikeys',
  'xhubsignature',
  'xhubsignature256',
  'xspaceliftsignature256',
  'signature',
  'secret',
  'secrets',
  'clientsecret',
  'webhooksecret',
  'password',
  'passwd',
  'token',
  'accesstoken',
  'refreshtoken',
  'idtoken',
  'sessiontoken',
  'privatekey',
  'secretaccesskey',
  'awssecretaccesskey',
  'awssessiontoken',
  'credentials',
];

const normalise = (key: string): string => key.toLowerCase().replace(/[-_]/g, '');

/** Marks a value as sensitive wherever it ends up: it serialises as `[REDACTED]`. */
export class Sensitive<T = unknown> {
  readonly #value: T;
  constructor(value: T) {
    this.#value = value;
  }
  /** The real value, for code that must use it (never for logging). */
  reveal(): T {
    return this.#value;
  }
  toJSON(): string {
    return REDACTED;
  }
  toString(): string {
    return REDACTED;
  }
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return REDACTED;
  }
}

/** Wraps a value so that no log line, error or JSON serialisation can show it. */
export const sensitive = <T>(value: T): Sensitive<T> => new Sensitive(value);

export type Redactor = (value: unknown) => unknown;

/**
 * Builds a deep redactor: returns a copy of `value` in which every property whose key is secret
 * (defaults plus `extraKeys`) and every {@link Sensitive} value is replaced by `[REDACTED]`.
 * Cycles are cut, depth is bounded, and Error objects are kept as {type,message,stack,…}.
 */
export const createRedactor = (extraKeys: readonly string[] = []): Redactor => {
  const secretKeys = new Set([...DEFAULT_SECRET_KEYS, ...extraKeys].map(normalise));
  const isSecretKey = (key: string): boolean => secretKeys.has(normalise(key));

  const walk = (value: unknown, depth: number, seen: WeakSet<object>): unknown => {
    if (value instanceof Sensitive) return REDACTED;
    if (value === null || typeof value !== 'object') return value;
    if (seen.has(value)) return '[Circular]';
    if (depth > 12) return '[Truncated]';
    seen.add(value);
    try {
      if (Array.isArray(value)) return value.map((v) => walk(v, depth + 1, seen));
      if (value instanceof Error) {
        const out: Record<string, unknown> = { type: value.name, message: value.message, stack: value.stack };
        for (const [k, v] of Object.entries(value)) out[k] = isSecretKey(k) ? REDACTED : walk(v, depth + 1, seen);
        if (value.cause !== undefined) out.cause = walk(value.cause, depth + 1, seen);
        return out;
      }
      if (value instanceof Date) return value.toISOString();
      if (Buffer.isBuffer(value)) return `[Buffer ${value.length} bytes]`;
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) out[k] = isSecretKey(k) ? REDACTED : walk(v, depth + 1, seen);
      return out;
    } finally {
      seen.delete(value);
    }
  };
  return (value: unknown) => walk(value, 0, new WeakSet());
};
