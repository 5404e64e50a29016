import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// s3rver ships no types.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const S3rver = require('s3rver') as new (opts: Record<string, unknown>) => {
  run(): Promise<AddressInfo>;
  close(): Promise<void>;
};

export interface LocalS3 {
  endpoint: string;
  bucket: string;
  location: string;
  close: () => Promise<void>;
}

/** Starts the S3 emulator (s3rver) on a free loopback port with the inputs bucket created. */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const s3rverAccounts = require('s3rver/lib/models/account') as { DUMMY_ACCOUNT: { createKeyPair(id: string, secret: string): void } };

export const startS3 = async (opts: { bucket: string; directory?: string; accessKeyId?: string; secretAccessKey?: string }): Promise<LocalS3> => {
  // s3rver only knows the access key S3RVER; register the one the functions sign with.
  if (opts.accessKeyId) s3rverAccounts.DUMMY_ACCOUNT.createKeyPair(opts.accessKeyId, opts.secretAccessKey ?? 'local');
  const ephemeral = !opts.directory;
  const directory = opts.directory ?? mkdtempSync(join(tmpdir(), 'iac-review-s3-'));
  mkdirSync(directory, { recursive: true });
  const server = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory, configureBuckets: [{ name: opts.bucket }], allowMismatchedSignatures: true });
  const address = await server.run();
  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    bucket: opts.bucket,
    location: ephemeral ? ':memory:' : directory,
    close: async () => {
      await server.close();
      if (ephemeral) rmSync(directory, { recursive: true, force: true });
    },
  };
};
