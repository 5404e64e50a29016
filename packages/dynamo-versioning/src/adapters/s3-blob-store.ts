import type { S3Client, S3ClientConfig } from '@aws-sdk/client-s3';
import { loadOnce } from '@iac-review/core';
import { BlobNotFoundError, ValidationError } from '../errors';
import { sha256Hex } from '../hash-chain';
import type { BlobKey, BlobRef, BlobStore } from '../ports';
import { mapAwsError } from './aws-errors';

/**
 * The S3 module, loaded on first use: ~100 KB of client code (and its start-up) that a function pays
 * for only when it reads or writes a blob. The bundler keeps it in the zip; it is not evaluated
 * until then.
 */
const loadS3 = () => import('./s3-client');

/** An S3 client built on first use (once per container), for createS3BlobStore's `client`. */
export const lazyS3Client = (config: S3ClientConfig): (() => Promise<S3Client>) => loadOnce(() => loadS3().then(({ S3Client: Client }) => new Client(config)));

export interface S3BlobStoreOptions {
  /**
   * Build it once per container; for an emulator pass `forcePathStyle: true` and its endpoint.
   * A function (lazyS3Client) defers loading the S3 client until the first blob is read or written.
   */
  client: S3Client | (() => Promise<S3Client>);
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
  const client = async (): Promise<S3Client> => (typeof opts.client === 'function' ? opts.client() : opts.client);
  const fullKey = (key: string): string => {
    if (key.length === 0 || key.length > 900 || key.startsWith('/')) throw new ValidationError('Blob keys must be non-empty relative paths.');
    return `${prefix}${key}`;
  };
  return {
    async put(key: BlobKey, bytes: Uint8Array, contentType: string): Promise<BlobRef> {
      const sha256 = sha256Hex(bytes);
      const at = typeof key === 'function' ? key(sha256) : key;
      try {
        const { PutObjectCommand } = await loadS3();
        await (await client()).send(
          new PutObjectCommand({ Bucket: opts.bucket, Key: fullKey(at), Body: bytes, ContentType: contentType, Metadata: { sha256 } }),
        );
      } catch (err) {
        if (err instanceof ValidationError) throw err;
        throw mapAwsError(err);
      }
      return { key: at, sha256, size: bytes.byteLength };
    },
    async get(key: string): Promise<Buffer> {
      try {
        const { GetObjectCommand } = await loadS3();
        const out = await (await client()).send(new GetObjectCommand({ Bucket: opts.bucket, Key: fullKey(key) }));
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
