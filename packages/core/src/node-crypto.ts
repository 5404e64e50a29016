import type * as Crypto from 'node:crypto';
import { createRequire } from 'node:module';

let crypto: typeof Crypto | undefined;

/**
 * `node:crypto`, loaded on first use. Node's crypto module costs ~5 ms to load; a static import
 * loads it at every cold start, before any request needs a hash. Requests that hash (writes,
 * verified reads, signatures) load it once, on their first call.
 */
export const nodeCrypto = (): typeof Crypto => {
  crypto ??= (process.getBuiltinModule?.('node:crypto') as typeof Crypto | undefined) ?? (createRequire(`${process.cwd()}/`)('node:crypto') as typeof Crypto);
  return crypto;
};
