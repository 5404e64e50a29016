export { createVersionedStore } from './versioned-store';
export type { VersionedStore, VersionedStoreOptions, StoreLogger } from './versioned-store';
export { createIdempotencyStore } from './idempotency-store';
export type { IdempotencyStore, IdempotencyStoreOptions, RecordResult } from './idempotency-store';
export type {
  Version,
  Head,
  HeadAttributes,
  WriteMeta,
  AppendMeta,
  ContentOrUpdater,
  Page,
  ListVersionsOptions,
  ListHeadsOptions,
  VerifyResult,
  VerifyFailureReason,
  IntegrityFailure,
  VersionCheck,
  HistoryReport,
} from './types';
export {
  MAC_SCHEME,
  MIN_MAC_KEY_BYTES,
  versionMac,
  createInMemoryMacKeyProvider,
  createFileMacKeyProvider,
  rotateMacKeyFile,
  createSecretsManagerMacKeyProvider,
} from './mac';
export type { MacKey, MacKeyProvider, MacFields, InMemoryMacKeyProvider, SecretsManagerLike, SecretsManagerMacKeyOptions } from './mac';
export { verifyTouched } from './verify-touched';
export type { VerifyTouchedOptions, VerifyTouchedResult } from './verify-touched';
export type {
  TablePort,
  BlobStore,
  BlobKey,
  BlobRef,
  StoredItem,
  StoredValue,
  ItemKey,
  QueryRequest,
  QueryPage,
  RangeCondition,
  PutIfAbsentOptions,
  UpdateIfNewerRequest,
} from './ports';
export {
  VersioningError,
  VersionConflictError,
  VersionNotFoundError,
  ThrottledError,
  ValidationError,
  PayloadTooLargeError,
  HistoryTamperedError,
  StoreFailureError,
  BlobNotFoundError,
} from './errors';
export { toHttpProblem } from './http-problem';
export { canonicalJson } from './canonical-json';
export { versionHash, sha256Hex, HASH_SCHEME } from './hash-chain';
export type { HashedFields } from './hash-chain';
export { HEAD_SK, INDEX_NAMES, keyNames } from './key-layout';
export type { HeadIndex, KeyNames } from './key-layout';
export { DEFAULT_RETRY } from './backoff';
export type { RetryPolicy } from './backoff';
export { createDynamoDbTablePort } from './adapters/dynamodb';
export { lazyDynamoDbTablePort } from './adapters/lazy-dynamodb';
export type { DynamoDbTablePortOptions, DynamoRequestMetric, DynamoOperation } from './adapters/dynamodb';
export { mapAwsError } from './adapters/aws-errors';
export { createInMemoryTablePort, itemSize, MAX_ITEM_BYTES } from './adapters/in-memory';
export type { InMemoryTablePort, InMemoryTableOptions } from './adapters/in-memory';
export { createS3BlobStore, lazyS3Client } from './adapters/s3-blob-store';
export type { S3BlobStoreOptions } from './adapters/s3-blob-store';
export { createInMemoryBlobStore } from './adapters/in-memory-blob-store';
export type { InMemoryBlobStore } from './adapters/in-memory-blob-store';
