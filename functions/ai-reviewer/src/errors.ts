/** Base of the ai-reviewer's typed failures. */
export class AiReviewerError extends Error {
  override name = 'AiReviewerError';
  constructor(message: string, opts: { cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
  }
}

/** A configuration value (environment variable) is missing or out of range; the function cannot start. */
export class AiReviewerConfigError extends AiReviewerError {
  override name = 'AiReviewerConfigError';
}

/** The invocation event is not a well-formed ReviewRequested event (permanent: never retried). */
export class ReviewEventInvalidError extends AiReviewerError {
  override name = 'ReviewEventInvalidError';
  constructor(readonly problems: readonly string[]) {
    super(`not a ReviewRequested event: ${problems.join('; ')}`);
  }
}
