import fc from 'fast-check';
import { validatePullRequestEvent } from '../src/payload';
import { example } from './support/setup';

describe('validatePullRequestEvent (property)', () => {
  it('should never throw on arbitrary JSON, and accept only objects with the fields the handler uses', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        const r = validatePullRequestEvent(v);
        if (r.ok) expect(typeof (r.event.pull_request.head.sha as unknown)).toBe('string');
        else expect(r.errors.length).toBeGreaterThan(0);
      }),
      { numRuns: 300 },
    );
  });

  it('should accept every published pull_request example and refuse it once a head SHA is not a commit SHA', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }).filter((s) => !/^[0-9a-f]{40}$/.test(s)), (sha) => {
        const payload = example('pull_request', 'synchronize');
        expect(validatePullRequestEvent(payload).ok).toBe(true);
        payload.pull_request!.head.sha = sha;
        const r = validatePullRequestEvent(payload);
        expect(r.ok).toBe(false);
        if (!r.ok) expect(r.errors).toContainEqual({ field: 'body:pull_request.head.sha', reason: 'must be a 40-character lowercase hex commit SHA' });
      }),
      { numRuns: 100 },
    );
  });
});
