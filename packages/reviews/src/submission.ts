import type { BlobKey, BlobStore, Version, VersionedStore } from '@iac-review/dynamo-versioning';
import { nodeCrypto } from '@iac-review/core';
import { createOrAppend } from './create-or-append';
import { EventPublishError } from './errors';
import { REVIEW_REQUESTED, type EventPublisher, type ReviewRequestedDetail } from './events';
import type { ReviewContent, ReviewInputRef } from './model';

/**
 * What every submission path (API, pull request, Spacelift run) does the same way: store the input,
 * write the pending version, ask for the review, and record a refusal of the bus.
 */

export interface SubmissionDeps {
  store: VersionedStore<ReviewContent>;
  events: EventPublisher;
}

/**
 * Stores a submission's input (claim check), serialised once and hashed once: by the blob store,
 * whose digest and size the returned reference records. `key` may be built from that digest, so
 * two submissions racing for one review cannot overwrite each other's input.
 */
export const storeInput = async <I extends { kind: ReviewInputRef['kind'] }>(blobs: BlobStore, key: BlobKey, input: I): Promise<ReviewInputRef> => {
  const ref = await blobs.put(key, Buffer.from(JSON.stringify(input), 'utf8'), 'application/json');
  return { kind: input.kind, key: ref.key, sha256: ref.sha256, size: ref.size };
};

/** Reads back an input storeInput stored, refusing bytes that do not match the digest it recorded. */
export const loadStoredInput = async (blobs: BlobStore, ref: ReviewInputRef): Promise<unknown> => {
  const bytes = await blobs.get(ref.key);
  if (nodeCrypto().createHash('sha256').update(bytes).digest('hex') !== ref.sha256) throw new Error(`stored input ${ref.key} does not match its recorded sha256`);
  return JSON.parse(bytes.toString('utf8')) as unknown;
};

/** What happens when the bus refuses ReviewRequested. */
export interface QueueFailure {
  /**
   * Recorded as the review's failure, so it is not left pending forever and a retry of the same
   * submission may submit it again. Without one the review stays pending (a redelivery of the
   * event or the pending sweep asks again).
   */
  reason?: string;
  /** The message of the retryable EventPublishError the caller gets. */
  message: string;
}

/** Publishes ReviewRequested for `version`; if the bus refuses it, applies `failure` and throws EventPublishError. */
export const requestReview = async (deps: SubmissionDeps, version: Version<ReviewContent>, failure: QueueFailure): Promise<void> => {
  const c = version.content;
  const detail: ReviewRequestedDetail = { reviewId: version.id, version: version.version, source: c.source, inputKind: c.input.kind };
  try {
    await deps.events.publish([{ detailType: REVIEW_REQUESTED, detail }]);
  } catch (cause) {
    const reason = failure.reason;
    if (reason !== undefined) {
      await deps.store
        .append(version.id, (latest) => ({ ...latest.content, status: 'failed', failure: { reason } }), { actor: 'system', reason: 'queueing failed', latest: version })
        .catch(() => undefined);
    }
    throw new EventPublishError(failure.message, { cause });
  }
};

/** Thrown inside an updater or a submission's build: nothing to write, answer with this version. */
export class Stop<W extends string = string> extends Error {
  override name = 'Stop';
  constructor(
    readonly version: Version<ReviewContent>,
    readonly why: W,
    /** Why, for the caller's answer (defaults to `why`). */
    readonly reason: string = why,
  ) {
    super(why);
  }
}

/**
 * A submission to a review with a stable id (a pull request's, a Spacelift run's): creates or
 * appends what `build` makes of the latest version, then asks for the review (see requestReview).
 * A build that throws Stop writes and requests nothing: the Stop is returned.
 */
export const submitStable = async <W extends string>(
  deps: SubmissionDeps,
  id: string,
  build: (latest: Version<ReviewContent> | undefined) => ReviewContent,
  meta: { actor: string; reason: string },
  failure: QueueFailure,
): Promise<{ version: Version<ReviewContent> } | { stop: Stop<W> }> => {
  let version: Version<ReviewContent>;
  try {
    version = await createOrAppend(deps.store, id, build, meta);
  } catch (err) {
    if (err instanceof Stop) return { stop: err as Stop<W> };
    throw err;
  }
  await requestReview(deps, version, failure);
  return { version };
};
