import type { FailureReason } from './types';

/** Base of every error this package raises. */
export class BedrockError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
  }
}

/** The configuration given to the reviewer or the client factory is not usable (a programming error). */
export class BedrockConfigError extends BedrockError {}

/** Base of the failures of one Converse call; `reason` is what the review reports. */
export class BedrockCallError extends BedrockError {
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
  constructor(message: string, options?: { cause?: unknown; errorType?: string }) {
    super('throttled', message, options);
  }
}

/** The call did not answer within its per-call timeout (or the model timed out). */
export class BedrockTimeoutError extends BedrockCallError {
  constructor(message: string, options?: { cause?: unknown; errorType?: string }) {
    super('timeout', message, options);
  }
}

/** The review's overall deadline (the Lambda's remaining time) ran out. */
export class BedrockDeadlineExceededError extends BedrockCallError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('deadline', message, options);
  }
}

/** 5xx, access denied, validation or any other service-side failure. */
export class BedrockUnavailableError extends BedrockCallError {
  constructor(message: string, options?: { cause?: unknown; errorType?: string }) {
    super('service-error', message, options);
  }
}

/** The model's answer did not match the findings schema, even after the repair attempt. */
export class BedrockInvalidOutputError extends BedrockCallError {
  readonly validationErrors: readonly string[];
  constructor(message: string, validationErrors: readonly string[] = [], options?: { cause?: unknown }) {
    super('invalid-output', message, options);
    this.validationErrors = validationErrors;
  }
}
