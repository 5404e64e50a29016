import {
  describeSchemaErrors as describeCoreSchemaErrors,
  HttpProblemError,
  RequestValidationError,
  ServiceUnavailableError,
  summariseFieldErrors,
  type FieldError,
  type SchemaError,
} from '@iac-review/core';
import { toHttpProblem, VersioningError } from '@iac-review/dynamo-versioning';
import type { SignatureFailureReason } from './signature';
import { SecretUnavailableError } from './secrets';

const SIGNATURE_ADVICE: Record<SignatureFailureReason, string> = {
  'missing-signature': 'The request has no {header} header.',
  'malformed-signature': 'The {header} header is not of the form sha256=<64 lowercase hex digits>.',
  'unsupported-algorithm': 'The {header} header must use sha256=; other algorithms (such as sha1) are not accepted.',
  'signature-mismatch': 'The {header} signature does not match the body for the configured webhook secret.',
  'body-not-utf8': 'The body is not UTF-8, so it is not a payload this endpoint signs or accepts.',
  'no-secret-configured': 'This endpoint has no webhook secret configured yet, so no delivery can be verified.',
};

/** 401: the delivery is not authenticated. The detail says why, never what was expected. */
export class InvalidSignatureError extends HttpProblemError {
  override name = 'InvalidSignatureError';
  readonly reason: SignatureFailureReason;
  constructor(reason: SignatureFailureReason, headerName: string) {
    super(
      401,
      'invalid-signature',
      'Webhook signature rejected',
      `${SIGNATURE_ADVICE[reason].replace('{header}', headerName)} Sign the raw body with HMAC-SHA256 using the webhook secret and send it as ${headerName}: sha256=<hex>.`,
      { extensions: { reason }, headers: { 'www-authenticate': `HMAC-SHA256 header="${headerName}"` } },
    );
    this.reason = reason;
  }
}

/** The shape of an ajv error object (ajv's ErrorObject satisfies it), so this package needs no ajv at run time. */
export type { SchemaError };

/** A validate function as ajv compiles it (`ajv.compile(schema)` or ajv's standalone output). */
export interface PayloadValidator {
  (data: unknown): boolean;
  errors?: SchemaError[] | null;
}

/**
 * ajv errors → fields named as `body:run.stateVersion` with a reason a sender can act on (core's
 * wording; a webhook sender is not pointed at our OpenAPI document for an unknown field).
 */
export const describeSchemaErrors = (errors: readonly SchemaError[]): FieldError[] => describeCoreSchemaErrors(errors, { unknownField: 'is not a known field' });

/** 400 naming every failing field (the first three in the detail). */
export const payloadValidationError = (errors: FieldError[], what = 'webhook payload'): RequestValidationError =>
  new RequestValidationError(`The ${what} is not valid: ${summariseFieldErrors(errors)}`, errors);

/** Whether an error is a dependency being briefly unavailable (store, bus, secrets), and for how long. */
export const transientRetryAfter = (err: unknown): number | undefined => {
  if (err instanceof ServiceUnavailableError) return Number(err.headers['retry-after'] ?? 5);
  if (err instanceof SecretUnavailableError) return err.retryAfterSeconds;
  if (err instanceof VersioningError) {
    const problem = toHttpProblem(err);
    // Validation, conflicts and missing items are answers, not outages; every other store fault is.
    if (problem && problem.status < 500) return undefined;
    return err.retryable ? Number(problem?.headers['retry-after'] ?? 2) : 5;
  }
  const retryAfter = (err as { retryAfterSeconds?: unknown } | null)?.retryAfterSeconds;
  if (err instanceof Error && typeof retryAfter === 'number' && Number.isFinite(retryAfter)) return retryAfter;
  return undefined;
};

/**
 * The problem a webhook answers with for a thrown error: our problems keep their status; store,
 * bus and secret outages become 503 with Retry-After (the sender retries and we process the
 * redelivery); the store's own answers (validation, conflict, not found) keep their 4xx; anything
 * else stays unknown (the caller answers a generic 500).
 */
export const toWebhookProblem = (err: unknown): unknown => {
  if (err instanceof HttpProblemError) return err;
  const retryAfter = transientRetryAfter(err);
  if (retryAfter !== undefined) return new ServiceUnavailableError(retryAfter, 'A dependency is briefly unavailable; the delivery was not processed. Redeliver it shortly.', err);
  return toHttpProblem(err) ?? err;
};
