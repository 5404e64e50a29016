import fc from 'fast-check';
import { createRedactor, REDACTED } from '../src/index';
import { createKeySecrecy } from '../src/redact';

const KEYS = ['authorization', 'X-Api-Key', 'githubToken', 'DB_PASSWORD', 'inputTokens', 'tokenCount', 'secretArn', 'reviewId', 'message', 'statusCode', 'cookie', 'userPasswd', 'signatureHeader'];

describe('per-key redaction decisions (cache)', () => {
  // inputTokens is 'text': only a number or boolean under it is kept.
  it('should give the same decision on a cached lookup as on the first, and as with no cache', () => {
    // Prepare
    const cached = createKeySecrecy([], 512);
    const uncached = createKeySecrecy([], 0);
    // Act
    const first = KEYS.map((k) => cached.secrecy(k));
    const second = KEYS.map((k) => cached.secrecy(k));
    // Assert
    expect(second).toEqual(first);
    expect(first).toEqual(KEYS.map((k) => uncached.secrecy(k)));
    expect(first).toEqual(['always', 'always', 'text', 'text', 'text', undefined, undefined, undefined, undefined, undefined, 'always', 'text', undefined]);
    expect(cached.cachedKeys()).toBe(KEYS.length);
    expect(uncached.cachedKeys()).toBe(0);
  });

  it('should never hold more keys than its size, and never remember very long keys', () => {
    // Prepare
    const { secrecy, cachedKeys } = createKeySecrecy([], 64);
    let most = 0;
    // Act
    for (let i = 0; i < 5000; i++) {
      secrecy(`key${i}`);
      most = Math.max(most, cachedKeys());
    }
    const before = cachedKeys();
    secrecy(`password${'x'.repeat(200)}`);
    // Assert
    expect(most).toBe(64);
    expect(cachedKeys()).toBe(before);
    // Still answered correctly after many clears.
    expect(secrecy('password')).toBe('always');
    expect(secrecy(`password${'x'.repeat(200)}`)).toBe('text');
  });

  it('should redact exactly as without the cache, on any keys and values, the second time too', () => {
    const cached = createRedactor(['internalSecretThing'], { keyCacheSize: 16 });
    const uncached = createRedactor(['internalSecretThing'], { keyCacheSize: 0 });
    const key = fc.oneof(fc.constantFrom(...KEYS, 'internalSecretThing', 'internal_secret_thing'), fc.string({ maxLength: 12 }));
    const value = fc.oneof(fc.string({ maxLength: 20 }), fc.integer(), fc.boolean(), fc.constant(null));
    fc.assert(
      fc.property(fc.dictionary(key, fc.oneof(value, fc.dictionary(key, value, { maxKeys: 4 })), { maxKeys: 8 }), (obj) => {
        const want = JSON.stringify(uncached(obj));
        expect(JSON.stringify(cached(obj))).toBe(want);
        expect(JSON.stringify(cached(obj))).toBe(want);
      }),
      { numRuns: 200 },
    );
    expect(cached({ internal_secret_thing: 'x', tokenCount: 3, githubToken: 5, password: 5 })).toEqual({ internal_secret_thing: REDACTED, tokenCount: 3, githubToken: 5, password: REDACTED });
  });
});
