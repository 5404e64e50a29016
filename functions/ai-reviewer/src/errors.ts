/** Base of the ai-reviewer's typed failures. */
export class AiReviewerError extends Error {
  constructor(message: string, opts: { cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = new.target.name;
  }
}

/** A configuration value (environment variable) is missing or out of range; the function cannot start. */
export class AiReviewerConfigError extends AiReviewerError {}

/** The invocation event is not a well-formed ReviewRequested event (permanent: never retried). */
export class ReviewEventInvalidError extends AiReviewerError {
  constructor(readonly problems: readonly string[]) {
    super(`not a ReviewRequested event: ${problems.join('; ')}`);
  }
}
