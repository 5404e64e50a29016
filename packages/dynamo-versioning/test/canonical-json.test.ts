import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { canonicalJson, ValidationError } from '../src/index';

describe('canonicalJson', () => {
  it('should sort keys and drop whitespace', () => {
    expect(canonicalJson({ b: 1, a: [true, null, 'x'], c: { z: 1, y: 2 } })).toBe('{"a":[true,null,"x"],"b":1,"c":{"y":2,"z":1}}');
  });

  it('should drop undefined properties like JSON but refuse values JSON would change', () => {
    expect(canonicalJson({ a: undefined, b: 1 })).toBe('{"b":1}');
    for (const bad of [Number.NaN, Infinity, [undefined], new Date(0), () => 1, 1n]) {
      expect(() => canonicalJson({ x: bad })).toThrow(ValidationError);
    }
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    expect(() => canonicalJson(circular)).toThrow(ValidationError);
  });

  it('should not depend on key insertion order (property)', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (obj) => {
        const reversed = Object.fromEntries(Object.entries(obj).reverse());
        return canonicalJson(obj) === canonicalJson(reversed);
      }),
    );
  });

  it('should be valid JSON that parses back to the same canonical form (property)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = canonicalJson(value);
        return canonicalJson(JSON.parse(text)) === text && isDeepStrictEqual(JSON.parse(text), JSON.parse(JSON.stringify(value)));
      }),
    );
  });
});
