/** Value written in place of anything secret. */
export const REDACTED = '[REDACTED]';

/**
 * Keys whose values are always secret, whatever object they appear in: credentials, tokens,
 * signatures and the HTTP headers that carry them. Matched case-insensitively on the whole key
 * after removing `-`, `_`, `.` and spaces, so `x-api-key`, `X_Api_Key` and `apiKey` all match.
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
  'pwd',
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
  'connectionstring',
];

/**
 * Fragments that make a key secret wherever they appear in it (`githubToken`, `DB_PASSWORD`,
 * `stripe_api_key`, `jwtSecretValue`, `sqlConnectionString`…). A key naming something *about* a
 * secret rather than the secret — ending in id, name, arn, type, count, length, size, expiry, usage,
 * limit, stats — is
 * not redacted for the fragment alone, nor is a number or boolean under such a key (`inputTokens`).
 */
const SECRET_FRAGMENTS = ['token', 'secret', 'password', 'passwd', 'pwd', 'apikey', 'privatekey', 'credential', 'connectionstring', 'connstr', 'signature', 'authorization', 'cookie'];
const ABOUT_A_SECRET = /(id|ids|name|names|arn|arns|type|count|counts|length|size|expiry|expiresat|expiresin|version|stage|prefix|header|headers|usage|used|limit|limits|budget|stats|metrics)$/;

const normalise = (key: string): string => key.toLowerCase().replace(/[-_.\s]/g, '');

/**
 * Patterns of secret values, found anywhere in a string (messages, error messages, stacks, field
 * values): each match is replaced, keeping what is needed to read the line (the scheme, the user,
 * the parameter name).
 */
const VALUE_PATTERNS: Array<[RegExp, string]> = [
  // PEM blocks (private keys, certificates), also cut off without their END line.
  [/-----BEGIN [A-Z0-9 ]+-----[\s\S]*?(?:-----END [A-Z0-9 ]+-----|$)/g, REDACTED],
  // JSON Web Tokens: three base64url parts, the first two JSON objects.
  [/\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g, REDACTED],
  // Authorization schemes followed by a credential.
  [/\b(Bearer|Basic|Digest|token)(\s+)[A-Za-z0-9._~+/=-]{8,}/gi, `$1$2${REDACTED}`],
  // user:password@ in URLs (any scheme: https, postgres, redis, mongodb+srv…).
  [/\b([a-z][a-z0-9+.-]*:\/\/[^\s/:@'"]*):[^\s/@'"]+@/gi, `$1:${REDACTED}@`],
  // Secret-looking parameters in query strings and key=value text.
  [
    /((?:^|[?&;\s,"'(])(?:[a-z0-9_.-]*(?:token|secret|password|passwd|pwd|api[_-]?key|apikey|signature|credential|session)[a-z0-9_.-]*|key|sig|code|X-Amz-Signature|X-Amz-Credential|X-Amz-Security-Token)=)[^&#\s"';,)]+/gi,
    `$1${REDACTED}`,
  ],
  // AWS access key ids.
  [/\b(?:AKIA|ASIA|ABIA|ACCA|AROA|AIDA)[A-Z0-9]{16}\b/g, REDACTED],
  // GitHub tokens (classic, fine-grained, app installation, OAuth, refresh).
  [/\b(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})\b/g, REDACTED],
  // Slack and generic "sk-" style API keys.
  [/\b(?:xox[abprs]-[A-Za-z0-9-]{10,}|sk-[A-Za-z0-9_-]{20,})\b/g, REDACTED],
  // AWS secret access keys: 40 base64 characters mixing upper, lower and digits (a hex SHA-1 does not).
  [/(?<![A-Za-z0-9/+=])(?=[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=]))(?=[^\s]{0,39}[A-Z])(?=[^\s]{0,39}[a-z])(?=[^\s]{0,39}[0-9])[A-Za-z0-9/+]{40}/g, REDACTED],
];

/** Replaces every secret-looking value inside a string (see VALUE_PATTERNS). */
export const scrubString = (s: string): string => {
  if (s.length < 8) return s;
  let out = s;
  for (const [re, replacement] of VALUE_PATTERNS) {
    re.lastIndex = 0;
    out = out.replace(re, replacement);
  }
  return out;
};

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

export interface RedactorOptions {
  /**
   * How many distinct keys' decisions (secret or not) are remembered. A function logs the same few
   * dozen keys over and over, so each is judged once; the cache is emptied when it is full (keys
   * from data, such as map keys, cannot grow it without bound). Default 512; 0 judges every key anew.
   */
  keyCacheSize?: number;
}

/** Keys longer than this are judged every time, never remembered. */
const MAX_CACHED_KEY_LENGTH = 128;

type Secrecy = 'always' | 'text' | undefined;

/**
 * Whether a key is secret — 'always': redact whatever the value; 'text': redact unless a number or
 * boolean; undefined: keep — remembered per key, at most `size` keys (see RedactorOptions).
 */
export const createKeySecrecy = (extraKeys: readonly string[] = [], size = 512): { secrecy: (key: string) => Secrecy; cachedKeys: () => number } => {
  const secretKeys = new Set([...DEFAULT_SECRET_KEYS, ...extraKeys].map(normalise));
  const judge = (key: string): Secrecy => {
    const k = normalise(key);
    if (secretKeys.has(k)) return 'always';
    if (ABOUT_A_SECRET.test(k)) return undefined;
    return SECRET_FRAGMENTS.some((f) => k.includes(f)) ? 'text' : undefined;
  };
  // 'keep' stands for undefined, so a hit is one lookup.
  const cache = new Map<string, Exclude<Secrecy, undefined> | 'keep'>();
  const secrecy = (key: string): Secrecy => {
    const known = cache.get(key);
    if (known !== undefined) return known === 'keep' ? undefined : known;
    const decision = judge(key);
    if (size > 0 && key.length <= MAX_CACHED_KEY_LENGTH) {
      if (cache.size >= size) cache.clear();
      cache.set(key, decision ?? 'keep');
    }
    return decision;
  };
  return { secrecy, cachedKeys: () => cache.size };
};

/**
 * Builds a deep redactor: returns a copy of `value` in which every property whose key is secret
 * (defaults, key fragments, plus `extraKeys`), every {@link Sensitive} value, the value of every
 * `[name, value]` header pair with a secret name, and every secret-looking substring of every
 * string (see {@link scrubString}) is replaced by `[REDACTED]`. Cycles are cut, depth is bounded,
 * and Error objects are kept as {type,message,stack,…} with message and stack scrubbed.
 */
export const createRedactor = (extraKeys: readonly string[] = [], opts: RedactorOptions = {}): Redactor => {
  const { secrecy } = createKeySecrecy(extraKeys, opts.keyCacheSize ?? 512);
  const redactProperty = (key: string, v: unknown, walkValue: (v: unknown) => unknown): unknown => {
    const s = secrecy(key);
    if (s === 'always') return REDACTED;
    if (s === 'text' && v !== null && v !== undefined && typeof v !== 'number' && typeof v !== 'boolean') return REDACTED;
    return walkValue(v);
  };

  const walk = (value: unknown, depth: number, seen: WeakSet<object>): unknown => {
    if (value instanceof Sensitive) return REDACTED;
    if (typeof value === 'string') return scrubString(value);
    if (value === null || typeof value !== 'object') return value;
    if (seen.has(value)) return '[Circular]';
    if (depth > 12) return '[Truncated]';
    seen.add(value);
    const next = (v: unknown) => walk(v, depth + 1, seen);
    try {
      if (Array.isArray(value)) {
        // `[name, value]` pairs and flat raw-header lists: a secret name redacts the value after it.
        return value.map((v, i) => {
          const prev = i > 0 ? value[i - 1] : undefined;
          if (typeof prev === 'string' && prev.length <= 64 && (typeof v === 'string' || v instanceof Sensitive) && secrecy(prev) !== undefined) return REDACTED;
          return next(v);
        });
      }
      if (value instanceof Error) {
        const out: Record<string, unknown> = { type: value.name, message: scrubString(value.message), stack: value.stack === undefined ? undefined : scrubString(value.stack) };
        // `type` is the class name; an error's own `type` (a problem type URI) is kept as problemType.
        for (const [k, v] of Object.entries(value)) out[k === 'type' ? 'problemType' : k] = redactProperty(k, v, next);
        if (value.cause !== undefined) out.cause = next(value.cause);
        return out;
      }
      if (value instanceof Date) return value.toISOString();
      if (Buffer.isBuffer(value)) return `[Buffer ${value.length} bytes]`;
      if (value instanceof Map) return next(Object.fromEntries([...value].map(([k, v]) => [String(k), v])));
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) out[k] = redactProperty(k, v, next);
      return out;
    } finally {
      seen.delete(value);
    }
  };
  return (value: unknown) => walk(value, 0, new WeakSet());
};
