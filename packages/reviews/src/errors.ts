/** Base of the review domain's typed failures. */
export class ReviewError extends Error {
  override name = 'ReviewError';
  constructor(message: string, opts: { cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
  }
}

/** The event bus refused or failed to take events (retryable). */
export class EventPublishError extends ReviewError {
  override name = 'EventPublishError';
  readonly retryAfterSeconds = 2;
}

/** A feedback request that is well-formed but makes no sense for this review (400). */
export class FeedbackRejectedError extends ReviewError {
  override name = 'FeedbackRejectedError';
}
