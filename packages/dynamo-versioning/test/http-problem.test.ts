import { HttpProblemError } from '@iac-review/core';
import {
  HistoryTamperedError,
  PayloadTooLargeError,
  StoreFailureError,
  ThrottledError,
  toHttpProblem,
  ValidationError,
  VersionConflictError,
  VersionNotFoundError,
} from '../src/index';

describe('toHttpProblem', () => {
  it.each([
    [new VersionConflictError('r1', 1, 3), 409],
    [new VersionNotFoundError('r1'), 404],
    [new ThrottledError(2), 503],
    [new ValidationError('bad id'), 400],
    [new PayloadTooLargeError(500_000, 358_400), 413],
    [new HistoryTamperedError('r1', 2, 'hash-mismatch'), 409],
    [new StoreFailureError('The store failed to answer.', new Error('ResourceNotFoundException: table secret')), 500],
  ])('should map %p to status %i', (err, status) => {
    const problem = toHttpProblem(err);

    expect(problem).toBeInstanceOf(HttpProblemError);
    expect(problem?.status).toBe(status);
    expect(problem?.message).not.toMatch(/secret|ResourceNotFound/);
  });

  it('should carry the versions of a conflict and Retry-After of a throttle', () => {
    expect(toHttpProblem(new VersionConflictError('r1', 1, 3))?.extensions).toEqual({ id: 'r1', expectedVersion: 1, latestVersion: 3 });
    expect(toHttpProblem(new ThrottledError(2))?.headers['retry-after']).toBe('2');
  });

  it('should answer a tampered history with 409 integrity-failed naming the broken version', () => {
    const problem = toHttpProblem(new HistoryTamperedError('r1', 2, 'the MAC does not match'));
    expect(problem?.type).toBe('https://iac-review.dev/problems/integrity-failed');
    expect(problem?.extensions).toEqual({ id: 'r1', brokenAt: 2 });
    expect(problem?.message).toContain('/reviews/r1/verify');
  });

  it('should leave errors of other packages to the caller', () => {
    expect(toHttpProblem(new Error('boom'))).toBeUndefined();
  });
});
