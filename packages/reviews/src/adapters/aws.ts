import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { deferred, type ServiceConfig, nodeCrypto } from '@iac-review/core';
import { createS3BlobStore, createVersionedStore, lazyDynamoDbTablePort, lazyS3Client, type IntegrityFailure, type MacKeyProvider, type StoreLogger } from '@iac-review/dynamo-versioning';
import { reviewHead, type ReviewContent } from '../model';
import { createReviewService } from '../review-service';
import { createEventBridgePublisher } from './eventbridge';
import { historyKeyProviderFromEnv, reportIntegrityFailures, type IntegrityLogger } from './history-key';

/**
 * Wires the review service to DynamoDB, S3 and EventBridge. Call once per container (module
 * scope). Endpoints follow the SDK's standard AWS_ENDPOINT_URL_<SERVICE> variables. Each SDK
 * client is loaded and built on its first request (see `deferred` in @iac-review/core), so a cold
 * start that answers without touching AWS (health, a refused request) loads none of them.
 */
export interface AwsReviewServiceOptions {
  logger?: StoreLogger;
  /** The key that seals review history (historyKeyProviderFromEnv(env, region) in a composition root). */
  macKeys: MacKeyProvider;
  /** Called on every history integrity failure (log a security event, emit a metric). */
  onIntegrityFailure?: (failure: IntegrityFailure) => void;
}

export const createAwsReviewService = (config: ServiceConfig, opts: AwsReviewServiceOptions) => {
  const table = lazyDynamoDbTablePort({ region: config.region, maxAttempts: 3 });
  // Built on first use: requests that touch no blob never load the S3 client.
  const s3 = lazyS3Client({ region: config.region, forcePathStyle: config.s3ForcePathStyle });
  const bus = deferred<Pick<EventBridgeClient, 'send'>>(async () => new (await import('./eventbridge-client')).EventBridgeClient({ region: config.region, maxAttempts: 3 }), { send: true });
  const blobs = createS3BlobStore({ client: s3, bucket: config.inputsBucket });
  const store = createVersionedStore<ReviewContent>({
    table,
    tableName: config.tableName,
    entity: 'REVIEW',
    head: reviewHead,
    blobStore: createS3BlobStore({ client: s3, bucket: config.inputsBucket, prefix: 'versions/' }),
    ...(opts.logger ? { logger: opts.logger } : {}),
    mac: opts.macKeys,
    ...(opts.onIntegrityFailure ? { onIntegrityFailure: opts.onIntegrityFailure } : {}),
  });
  const events = createEventBridgePublisher({ client: bus, busName: config.eventBusName });
  return { service: createReviewService({ store, blobs, events, ids: () => nodeCrypto().randomUUID(), clock: () => new Date() }), store, table, blobs, events };
};

/**
 * What every function that writes reviews builds at start: the review service over AWS, its history
 * sealed with the key named by the environment (historyKeyProviderFromEnv), and integrity failures
 * reported as a security event and a metric (reportIntegrityFailures).
 */
export const awsReviewServiceFromEnv = (config: ServiceConfig, env: Record<string, string | undefined>, logger: StoreLogger & IntegrityLogger) =>
  createAwsReviewService(config, { logger, macKeys: historyKeyProviderFromEnv(env, config.region), onIntegrityFailure: reportIntegrityFailures(logger) });
