/** Base of the review domain's typed failures. */
export class ReviewError extends Error {
  constructor(message: string, opts: { cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = new.target.name;
  }
}

/** The event bus refused or failed to take events (retryable). */
export class EventPublishError extends ReviewError {
  readonly retryAfterSeconds = 2;
}

/** A feedback request that is well-formed but makes no sense for this review (400). */
export class FeedbackRejectedError extends ReviewError {}
