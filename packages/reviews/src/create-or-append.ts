import { VersionConflictError, VersionNotFoundError, type Version, type VersionedStore } from '@iac-review/dynamo-versioning';
import type { ReviewContent } from './model';

/**
 * Appends to a review with a stable id (a pull request's, a Spacelift run's), or creates it when
 * this is its first submission — also when two deliveries race to create it: the loser appends on
 * top of the winner's version 1.
 */
export const createOrAppend = async (
  store: VersionedStore<ReviewContent>,
  id: string,
  build: (latest: Version<ReviewContent> | undefined) => ReviewContent,
  meta: { actor: string; reason: string },
): Promise<Version<ReviewContent>> => {
  for (let attempt = 1; ; attempt++) {
    try {
      return await store.append(id, (latest) => build(latest), meta);
    } catch (err) {
      if (!(err instanceof VersionNotFoundError)) throw err;
    }
    try {
      return await store.create(id, build(undefined), meta);
    } catch (err) {
      // Someone else created it first: append on top of theirs.
      if (!(err instanceof VersionConflictError) || attempt >= 3) throw err;
    }
  }
};
