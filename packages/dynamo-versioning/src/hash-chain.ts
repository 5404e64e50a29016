import { nodeCrypto } from '@iac-review/core';
import { canonicalJson } from './canonical-json';

/** Identifies how `hash` was computed, stored on every version so the scheme can evolve. */
export const HASH_SCHEME = 'sha256-canonical-v1';

export const sha256Hex = (data: string | Uint8Array): string => nodeCrypto().createHash('sha256').update(data).digest('hex');

/** Everything a version's hash covers: its metadata, the digest of its content, and the previous hash. */
export interface HashedFields {
  entity: string;
  id: string;
  version: number;
  previousVersion: number | null;
  createdAt: string;
  firstCreatedAt: string;
  actor: string;
  reason: string;
  contentSha256: string;
  previousHash: string | null;
}

/**
 * SHA-256 over the canonical JSON of the version's fields, which include the previous version's
 * hash: editing, removing or reordering any version changes its hash or breaks the next link.
 */
export const versionHash = (f: HashedFields): string =>
  sha256Hex(
    canonicalJson({
      scheme: HASH_SCHEME,
      entity: f.entity,
      id: f.id,
      version: f.version,
      previousVersion: f.previousVersion,
      createdAt: f.createdAt,
      firstCreatedAt: f.firstCreatedAt,
      actor: f.actor,
      reason: f.reason,
      contentSha256: f.contentSha256,
      previousHash: f.previousHash,
    }),
  );
