import type { FailureReason } from './types';

/** Base of every error this package raises. */
export class BedrockError extends Error {
  override name = 'BedrockError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
  }
}

/** The configuration given to the reviewer or the client factory is not usable (a programming error). */
export class BedrockConfigError extends BedrockError {
  override name = 'BedrockConfigError';
}

/** Base of the failures of one Converse call; `reason` is what the review reports. */
export class BedrockCallError extends BedrockError {
  override name = 'BedrockCallError';
  readonly reason: FailureReason;
  /** The service's error name (e.g. ThrottlingException), when known. */
  readonly errorType: string | undefined;
  constructor(reason: FailureReason, message: string, options?: { cause?: unknown; errorType?: string }) {
    super(message, options);
    this.reason = reason;
    this.errorType = options?.errorType;
  }
}

/** Throttled (429 / ThrottlingException / ServiceQuotaExceeded) after the SDK's retries. */
export class BedrockThrottledError extends BedrockCallError {
  override name = 'BedrockThrottledError';
  constructor(message: string, options?: { cause?: unknown; errorType?: string }) {
    super('throttled', message, options);
  }
}

/** The call did not answer within its per-call timeout (or the model timed out). */
export class BedrockTimeoutError extends BedrockCallError {
  override name = 'BedrockTimeoutError';
  constructor(message: string, options?: { cause?: unknown; errorType?: string }) {
    super('timeout', message, options);
  }
}

/** The review's overall deadline (the Lambda's remaining time) ran out. */
export class BedrockDeadlineExceededError extends BedrockCallError {
  override name = 'BedrockDeadlineExceededError';
  constructor(message: string, options?: { cause?: unknown }) {
    super('deadline', message, options);
  }
}

/** 5xx, access denied, validation or any other service-side failure. */
export class BedrockUnavailableError extends BedrockCallError {
  override name = 'BedrockUnavailableError';
  constructor(message: string, options?: { cause?: unknown; errorType?: string }) {
    super('service-error', message, options);
  }
}

/** The model's answer did not match the findings schema, even after the repair attempt. */
export class BedrockInvalidOutputError extends BedrockCallError {
  override name = 'BedrockInvalidOutputError';
  readonly validationErrors: readonly string[];
  constructor(message: string, validationErrors: readonly string[] = [], options?: { cause?: unknown }) {
    super('invalid-output', message, options);
    this.validationErrors = validationErrors;
  }
}
