import {
  ConflictError,
  HttpProblemError,
  NotFoundError,
  PayloadTooLargeError as HttpPayloadTooLargeError,
  RequestValidationError,
  ServiceUnavailableError,
} from '@iac-review/core';
import { HistoryTamperedError, PayloadTooLargeError, ThrottledError, ValidationError, VersionConflictError, VersioningError, VersionNotFoundError } from './errors';

/**
 * The problem+json error a handler should answer with for a failure of this package:
 * conflict → 409 (with expected/actual), not found → 404, throttled → 503 with Retry-After,
 * validation → 400, too large → 413, tampered history → 409 `integrity-failed` (the stored data
 * does not prove itself, so it is not served; nothing a retry fixes), anything else (store faults)
 * → 500 with a generic detail. Non-VersioningErrors are returned as undefined so the caller's own mapping applies.
 */
export const toHttpProblem = (err: unknown): HttpProblemError | undefined => {
  if (!(err instanceof VersioningError)) return undefined;
  if (err instanceof VersionConflictError) return new ConflictError(err.message, { id: err.id, expectedVersion: err.expected, latestVersion: err.actual });
  if (err instanceof VersionNotFoundError) return new NotFoundError(err.message);
  if (err instanceof ThrottledError) return new ServiceUnavailableError(err.retryAfterSeconds, err.message, err);
  if (err instanceof ValidationError) return new RequestValidationError(err.message, [], err);
  if (err instanceof PayloadTooLargeError) return new HttpPayloadTooLargeError(err.message);
  if (err instanceof HistoryTamperedError) {
    return new HttpProblemError(
      409,
      'integrity-failed',
      'Integrity check failed',
      `Version ${err.brokenAt} of ${err.id} failed its integrity check, so it is not served. GET /reviews/${err.id}/verify reports every version; operators have been alerted.`,
      { cause: err, extensions: { id: err.id, brokenAt: err.brokenAt } },
    );
  }
  return new HttpProblemError(500, 'internal-error', 'Internal error', 'The review store could not complete the request.', { cause: err });
};
