// Lambda bundles only: @smithy/core and @aws-sdk/checksums hash with node:crypto (sha256 for
// SigV4 and checksums, sha1 and md5 for S3 checksums) whenever createHash(alg) works, which it
// always does on Node, and fall back to hashes written in JavaScript otherwise (~7.6 KB of code).
// These stand in for those fallbacks and refuse loudly should a runtime without them ever pick one.
const refuse = (name, alg) =>
  class {
    constructor() {
      throw new Error(`${name} is not bundled: this runtime's node:crypto cannot hash ${alg} (see scripts/src/bundle/shims/js-hash-fallbacks.mjs)`);
    }
  };

export const Sha256Js = refuse('Sha256Js', 'sha256');
export const Sha1Js = refuse('Sha1Js', 'sha1');
export const Md5Js = refuse('Md5Js', 'md5');
