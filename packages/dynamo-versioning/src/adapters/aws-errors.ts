import { PayloadTooLargeError, StoreFailureError, ThrottledError, ValidationError, type VersioningError } from '../errors';

const THROTTLING = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'LimitExceededException',
  'TransactionConflictException',
  'Throttling',
  'SlowDown',
  'TooManyRequestsException',
]);
const TRANSIENT = new Set([
  'InternalServerError',
  'InternalFailure',
  'InternalError',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'ENOTFOUND',
]);
const INVALID = new Set(['ValidationException', 'SerializationException', 'InvalidParameterValue', 'InvalidArgument']);

interface SdkLike {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  $metadata?: { httpStatusCode?: unknown };
  $retryable?: unknown;
}

/**
 * Maps an AWS SDK (DynamoDB or S3) failure to this package's typed errors. The message is ours:
 * SDK text, table names and request ids stay in `cause`, for logs, never in what a handler shows.
 */
export const mapAwsError = (err: unknown): VersioningError => {
  const e = (err ?? {}) as SdkLike;
  const name = typeof e.name === 'string' ? e.name : '';
  const code = typeof e.code === 'string' ? e.code : '';
  const status = typeof e.$metadata?.httpStatusCode === 'number' ? e.$metadata.httpStatusCode : undefined;
  const message = typeof e.message === 'string' ? e.message : '';
  if (THROTTLING.has(name) || THROTTLING.has(code) || status === 429) {
    return new ThrottledError(2, 'The store is throttling requests; retry shortly.', err);
  }
  // Network failures arrive with a `code`, or (wrapped by the SDK's retry layer when the error comes
  // from another realm) only with the code in the message.
  const network = /\b(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|EAI_AGAIN|ENOTFOUND)\b|socket hang up/.test(message);
  if (TRANSIENT.has(name) || TRANSIENT.has(code) || network || (status !== undefined && status >= 500) || e.$retryable) {
    return new ThrottledError(1, 'The store is briefly unavailable; retry shortly.', err);
  }
  if (INVALID.has(name)) {
    if (/item size|maximum allowed size|size has exceeded/i.test(message)) {
      return new PayloadTooLargeError(0, 400 * 1024, 'The item exceeds the store’s item size limit.');
    }
    return new ValidationError('The request was rejected by the store as invalid.', err);
  }
  return new StoreFailureError('The store failed to answer.', err);
};
