import { BlobNotFoundError } from '../errors';
import { sha256Hex } from '../hash-chain';
import type { BlobKey, BlobRef, BlobStore } from '../ports';

export interface InMemoryBlobStore extends BlobStore {
  /** Keys stored, for assertions. */
  keys(): string[];
  /** Replaces a blob's bytes (tests only: simulates tampering with the bucket). */
  rawPut(key: string, bytes: Uint8Array): void;
  rawDelete(key: string): void;
}

export const createInMemoryBlobStore = (): InMemoryBlobStore => {
  const blobs = new Map<string, Buffer>();
  return {
    async put(key: BlobKey, bytes: Uint8Array): Promise<BlobRef> {
      const copy = Buffer.from(bytes);
      const sha256 = sha256Hex(copy);
      const at = typeof key === 'function' ? key(sha256) : key;
      blobs.set(at, copy);
      return { key: at, sha256, size: copy.byteLength };
    },
    async get(key: string): Promise<Buffer> {
      const b = blobs.get(key);
      if (!b) throw new BlobNotFoundError(key);
      return Buffer.from(b);
    },
    keys: () => [...blobs.keys()],
    rawPut: (key, bytes) => void blobs.set(key, Buffer.from(bytes)),
    rawDelete: (key) => void blobs.delete(key),
  };
};
