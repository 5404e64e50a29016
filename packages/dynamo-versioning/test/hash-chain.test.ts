import fc from 'fast-check';
import { versionHash, type HashedFields } from '../src/index';

const hex64 = fc.stringMatching(/^[0-9a-f]{64}$/);

const fields: fc.Arbitrary<HashedFields> = fc.record({
  entity: fc.constantFrom('REVIEW', 'TREND'),
  id: fc.string({ minLength: 1 }),
  version: fc.integer({ min: 1, max: 1e6 }),
  previousVersion: fc.option(fc.integer({ min: 1, max: 1e6 }), { nil: null }),
  createdAt: fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
  firstCreatedAt: fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
  actor: fc.string({ minLength: 1 }),
  reason: fc.string({ minLength: 1 }),
  contentSha256: hex64,
  previousHash: fc.option(hex64, { nil: null }),
});

describe('versionHash', () => {
  it('should be a stable hex SHA-256', () => {
    const f: HashedFields = {
      entity: 'REVIEW',
      id: 'r1',
      version: 1,
      previousVersion: null,
      createdAt: '2025-11-24T10:00:00.000Z',
      firstCreatedAt: '2025-11-24T10:00:00.000Z',
      actor: 'a',
      reason: 'r',
      contentSha256: '0'.repeat(64),
      previousHash: null,
    };
    expect(versionHash(f)).toBe(versionHash({ ...f }));
    expect(versionHash(f)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('should change when any single field changes (property)', () => {
    fc.assert(
      fc.property(fields, fields, fc.constantFrom<keyof HashedFields>('entity', 'id', 'version', 'previousVersion', 'createdAt', 'firstCreatedAt', 'actor', 'reason', 'contentSha256', 'previousHash'), (a, b, key) => {
        fc.pre(a[key] !== b[key]);
        return versionHash(a) !== versionHash({ ...a, [key]: b[key] });
      }),
    );
  });
});
