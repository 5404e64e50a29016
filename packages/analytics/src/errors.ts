/** Base of this package's typed failures. */
export class AnalyticsError extends Error {
  override name = 'AnalyticsError';
  constructor(message: string, opts: { cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
  }
}

/** A well-formed request that asks for something this package refuses (bad range, foreign cursor): a 400. */
export class AnalyticsRequestError extends AnalyticsError {
  override name = 'AnalyticsRequestError';
  constructor(
    message: string,
    readonly field: string,
  ) {
    super(message);
  }
}
