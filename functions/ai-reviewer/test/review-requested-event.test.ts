import fc from 'fast-check';
import { parseReviewRequestedEvent } from '../src/review-requested-event';
import { reviewRequested } from './support/events';

describe('parseReviewRequestedEvent', () => {
  it('should accept a ReviewRequested event from iac-review and keep its detail', () => {
    const parsed = parseReviewRequestedEvent(reviewRequested({ reviewId: 'r-1', version: 1, source: 'github', inputKind: 'hcl' }));
    expect(parsed).toMatchObject({ ok: true, event: { id: 'evt-0001', detail: { reviewId: 'r-1', version: 1, source: 'github', inputKind: 'hcl' } } });
  });

  it('should list every problem of a malformed event', () => {
    const parsed = parseReviewRequestedEvent({ source: 'aws.s3', 'detail-type': 'ReviewCompleted', detail: { reviewId: '../x', version: 1.5, inputKind: 'zip' } });
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.problems).toEqual([
      'source must be "iac-review"',
      'detail-type must be "ReviewRequested"',
      'id must be a non-empty string',
      'detail.reviewId must be 1-128 characters [A-Za-z0-9._:-]',
      'detail.version must be a positive integer',
      'detail.source must be a non-empty string',
      'detail.inputKind must be "plan", "hcl", "spacelift-changes" or "spacelift-run"',
    ]);
  });

  it('should never throw, and accept exactly the well-formed events (property)', () => {
    const validDetail = fc.record({
      reviewId: fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,40}$/),
      version: fc.integer({ min: 1, max: 1_000_000 }),
      source: fc.constantFrom('api', 'github', 'spacelift'),
      inputKind: fc.constantFrom('plan' as const, 'hcl' as const),
    });
    fc.assert(
      fc.property(validDetail, (detail) => {
        const parsed = parseReviewRequestedEvent(reviewRequested(detail));
        return parsed.ok && JSON.stringify(parsed.event.detail) === JSON.stringify(detail);
      }),
    );
    fc.assert(
      fc.property(fc.anything(), (value) => {
        const parsed = parseReviewRequestedEvent(value);
        return parsed.ok === false || (typeof value === 'object' && value !== null);
      }),
    );
    // dropping any required field makes it invalid
    fc.assert(
      fc.property(validDetail, fc.constantFrom('reviewId', 'version', 'source', 'inputKind'), (detail, drop) => {
        const broken: Record<string, unknown> = { ...detail };
        delete broken[drop];
        return !parseReviewRequestedEvent({ ...reviewRequested(detail), detail: broken }).ok;
      }),
    );
  });
});
