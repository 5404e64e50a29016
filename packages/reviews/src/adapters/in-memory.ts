import { createInMemoryBlobStore, createInMemoryMacKeyProvider, createInMemoryTablePort, createVersionedStore, type IntegrityFailure } from '@iac-review/dynamo-versioning';
import { reviewHead, type ReviewContent } from '../model';
import { createReviewService } from '../review-service';
import { createInMemoryEventPublisher } from './in-memory-events';

/** The review service over in-memory fakes of every port (unit tests of its consumers). */
export const createInMemoryReviewService = (opts: { ids?: () => string; clock?: () => Date; onIntegrityFailure?: (f: IntegrityFailure) => void } = {}) => {
  const table = createInMemoryTablePort();
  const blobs = createInMemoryBlobStore();
  const macKeys = createInMemoryMacKeyProvider();
  const store = createVersionedStore<ReviewContent>({
    table,
    tableName: 'reviews',
    entity: 'REVIEW',
    head: reviewHead,
    blobStore: createInMemoryBlobStore(),
    mac: macKeys,
    ...(opts.onIntegrityFailure ? { onIntegrityFailure: opts.onIntegrityFailure } : {}),
  });
  const events = createInMemoryEventPublisher();
  let n = 0;
  const service = createReviewService({
    store,
    blobs,
    events,
    ids: opts.ids ?? (() => `review-${String(++n).padStart(6, '0')}`),
    clock: opts.clock ?? (() => new Date()),
  });
  return { service, store, events, blobs, table, macKeys };
};
