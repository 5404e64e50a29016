import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { BlobNotFoundError, ValidationError } from '../errors';
import { sha256Hex } from '../hash-chain';
import type { BlobRef, BlobStore } from '../ports';
import { mapAwsError } from './aws-errors';

export interface S3BlobStoreOptions {
  /** Build it once per container; for an emulator pass `forcePathStyle: true` and its endpoint. */
  client: S3Client;
  bucket: string;
  /** Prepended to every key, e.g. `versions/`. */
  prefix?: string;
}

const isNotFound = (err: unknown): boolean => {
  const e = err as { name?: unknown; $metadata?: { httpStatusCode?: unknown } };
  return e?.name === 'NoSuchKey' || e?.name === 'NotFound' || e?.$metadata?.httpStatusCode === 404;
};

/** Blob store over S3 (or an S3 emulator). Objects are written with their SHA-256 as metadata. */
export const createS3BlobStore = (opts: S3BlobStoreOptions): BlobStore => {
  const prefix = opts.prefix ?? '';
  const fullKey = (key: string): string => {
    if (key.length === 0 || key.length > 900 || key.startsWith('/')) throw new ValidationError('Blob keys must be non-empty relative paths.');
    return `${prefix}${key}`;
  };
  return {
    async put(key: string, bytes: Uint8Array, contentType: string): Promise<BlobRef> {
      const sha256 = sha256Hex(bytes);
      try {
        await opts.client.send(
          new PutObjectCommand({ Bucket: opts.bucket, Key: fullKey(key), Body: bytes, ContentType: contentType, Metadata: { sha256 } }),
        );
      } catch (err) {
        if (err instanceof ValidationError) throw err;
        throw mapAwsError(err);
      }
      return { key, sha256, size: bytes.byteLength };
    },
    async get(key: string): Promise<Buffer> {
      try {
        const out = await opts.client.send(new GetObjectCommand({ Bucket: opts.bucket, Key: fullKey(key) }));
        if (!out.Body) throw new BlobNotFoundError(key);
        return Buffer.from(await out.Body.transformToByteArray());
      } catch (err) {
        if (err instanceof BlobNotFoundError || err instanceof ValidationError) throw err;
        if (isNotFound(err)) throw new BlobNotFoundError(key, err);
        throw mapAwsError(err);
      }
    },
  };
};
