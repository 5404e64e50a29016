import type { ServiceConfig } from '@iac-review/core';
import { createS3BlobStore, createVersionedStore, lazyDynamoDbTablePort, lazyS3Client, type DynamoRequestMetric, type IntegrityFailure, type MacKeyProvider, type StoreLogger } from '@iac-review/dynamo-versioning';
import { reviewHead, type ReviewContent } from '@iac-review/reviews';
import { createTrendStore } from '../trend-store';

export interface AwsAnalyticsOptions {
  logger?: StoreLogger;
  /** Every DynamoDB request (with the capacity it consumed): the aggregation's read meter. */
  onRequest?: (metric: DynamoRequestMetric) => void;
  clock?: () => Date;
  /** The key that seals review history (the same provider the review writers use): reads verify each version's MAC. */
  macKeys?: MacKeyProvider;
  /** Called on every history integrity failure a read finds. */
  onIntegrityFailure?: (failure: IntegrityFailure) => void;
}

/**
 * The review store (read side) and the rollup store over DynamoDB and S3, as the functions use
 * them. Call once per container. Endpoints follow the SDK's AWS_ENDPOINT_URL_<SERVICE> variables.
 */
export const createAwsAnalytics = (config: ServiceConfig, opts: AwsAnalyticsOptions = {}) => {
  // Each client is loaded and built on its first request, not at cold start.
  const table = lazyDynamoDbTablePort({ region: config.region, maxAttempts: 3 }, opts.onRequest ? { onRequest: opts.onRequest } : {});
  const s3 = lazyS3Client({ region: config.region, forcePathStyle: config.s3ForcePathStyle });
  const reviews = createVersionedStore<ReviewContent>({
    table,
    tableName: config.tableName,
    entity: 'REVIEW',
    head: reviewHead,
    // Large review versions keep their content in the inputs bucket (as packages/reviews writes them).
    blobStore: createS3BlobStore({ client: s3, bucket: config.inputsBucket, prefix: 'versions/' }),
    ...(opts.logger ? { logger: opts.logger } : {}),
    ...(opts.macKeys ? { mac: opts.macKeys } : {}),
    ...(opts.onIntegrityFailure ? { onIntegrityFailure: opts.onIntegrityFailure } : {}),
  });
  const trends = createTrendStore({
    table,
    tableName: config.tableName,
    blobStore: createS3BlobStore({ client: s3, bucket: config.inputsBucket, prefix: 'trends/' }),
    ...(opts.clock ? { clock: opts.clock } : {}),
    ...(opts.macKeys ? { mac: opts.macKeys } : {}),
    ...(opts.onIntegrityFailure ? { onIntegrityFailure: opts.onIntegrityFailure } : {}),
  });
  return { reviews, trends, table };
};
