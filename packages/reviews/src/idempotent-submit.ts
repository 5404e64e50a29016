import { nodeCrypto } from '@iac-review/core';
import { VersionConflictError, VersionNotFoundError, type Version } from '@iac-review/dynamo-versioning';
import { ReviewError } from './errors';
import type { ReviewContent } from './model';
import type { ReviewService, SubmitRequest } from './review-service';

/** Longest Idempotency-Key accepted (printable ASCII, no spaces). */
export const MAX_IDEMPOTENCY_KEY_LENGTH = 255;
const KEY = /^[\x21-\x7e]{1,255}$/;

/** The same Idempotency-Key was sent with a different body (HTTP 422). */
export class IdempotencyKeyReusedError extends ReviewError {
  override readonly name = 'IdempotencyKeyReusedError';
  constructor(readonly reviewId: string) {
    super(`This Idempotency-Key was already used for review ${reviewId} with a different body. Use a new key for a new submission.`);
  }
}

/** The Idempotency-Key header is not usable (HTTP 400). */
export class InvalidIdempotencyKeyError extends ReviewError {
  override readonly name = 'InvalidIdempotencyKeyError';
}

export const isValidIdempotencyKey = (key: string): boolean => KEY.test(key);

/**
 * The review id an Idempotency-Key maps to: per caller (two API clients using the same key get two
 * reviews), and not guessable from the key alone.
 */
export const idempotentReviewId = (caller: string, key: string): string =>
  `idem-${nodeCrypto().createHash('sha256').update(`${caller}\n${key}`).digest('base64url').slice(0, 40)}`;

const sha256 = (s: string) => nodeCrypto().createHash('sha256').update(s, 'utf8').digest('hex');

/** Whether a stored submission (version 1) is the one `req` asks for: same input and metadata. */
const sameSubmission = (v1: ReviewContent, req: SubmitRequest): boolean =>
  v1.input.sha256 === sha256(JSON.stringify(req.input)) &&
  v1.input.kind === req.input.kind &&
  v1.source === req.source &&
  (v1.title ?? null) === (req.title ?? null) &&
  (v1.repository ?? null) === (req.repository ?? null) &&
  (v1.stack ?? null) === (req.stack ?? null) &&
  (v1.ref ?? null) === (req.ref ?? null);

export interface IdempotentSubmitResult {
  /** Version 1 of the review (the same one on every replay). */
  version: Version<ReviewContent>;
  /** True when the key had been seen: nothing new was stored. */
  replayed: boolean;
}

/**
 * Submits once per (caller, Idempotency-Key): the first request stores and queues the review; the
 * same key with the same body returns the same version 1 (and, if the review is still pending,
 * asks for it again — the reviewer dedupes, so a request lost after the store is not lost); the same
 * key with another body is refused. A publish failure leaves the review pending (the sweep or a
 * retry with the same key queues it), so retrying with the key is safe.
 */
export const submitIdempotent = async (
  service: Pick<ReviewService, 'submit' | 'getVersion' | 'get' | 'requestReview'>,
  req: SubmitRequest,
  idempotency: { caller: string; key: string },
): Promise<IdempotentSubmitResult> => {
  if (!isValidIdempotencyKey(idempotency.key)) {
    throw new InvalidIdempotencyKeyError(`Idempotency-Key must be 1–${MAX_IDEMPOTENCY_KEY_LENGTH} printable ASCII characters without spaces (a UUID is ideal).`);
  }
  const id = idempotentReviewId(idempotency.caller, idempotency.key);
  const replay = async (): Promise<IdempotentSubmitResult> => {
    const v1 = await service.getVersion(id, 1);
    if (!sameSubmission(v1.content, req)) throw new IdempotencyKeyReusedError(id);
    const latest = await service.get(id);
    if (latest.content.status === 'pending') await service.requestReview(latest);
    return { version: v1, replayed: true };
  };
  try {
    return await replay();
  } catch (err) {
    if (!(err instanceof VersionNotFoundError)) throw err;
  }
  try {
    return { version: await service.submit({ ...req, id, onPublishFailure: 'keep-pending' }), replayed: false };
  } catch (err) {
    // A concurrent request with the same key stored it first.
    if (err instanceof VersionConflictError) return replay();
    throw err;
  }
};
