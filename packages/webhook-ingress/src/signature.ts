import { loadOnce } from '@iac-review/core';

// @octokit/webhooks-methods is ESM-only (no `require` export): loaded with import() on first use, so the
// package also works where functions are loaded with require (the local stack under tsx); bundles inline it.
const methods = loadOnce(() => import('@octokit/webhooks-methods'));
const verify = async (secret: string, payload: string, signature: string): Promise<boolean> => (await methods()).verify(secret, payload, signature);

/**
 * Why a signature did not hold. Every reason means "not authenticated" (401); the reason is safe
 * to log and to tell the sender (it never contains the signature or a secret).
 */
export type SignatureFailureReason =
  /** The signature header is absent or empty. */
  | 'missing-signature'
  /** The header is not `sha256=` followed by 64 lowercase hex digits. */
  | 'malformed-signature'
  /** The header names another algorithm, e.g. `sha1=` (GitHub's and Spacelift's legacy `X-(Hub-)Signature`). */
  | 'unsupported-algorithm'
  /** Well-formed, but no active secret produces it over this body. */
  | 'signature-mismatch'
  /** The body is not UTF-8 (a JSON payload always is), so it cannot be the signed payload. */
  | 'body-not-utf8'
  /** No secret is configured: every delivery is refused until one is. */
  | 'no-secret-configured';

export type SignatureCheck = { ok: true; secretIndex: number } | { ok: false; reason: SignatureFailureReason };

/** The one accepted form: `sha256=<64 lowercase hex>`, exactly as GitHub and Spacelift send it. */
export const SIGNATURE_PATTERN = /^sha256=[0-9a-f]{64}$/;
const ALGORITHM_PREFIX = /^([A-Za-z0-9-]+)=/;

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * The body as the string the sender signed, or undefined when the bytes are not valid UTF-8.
 * Decoding valid UTF-8 and encoding it again gives back the same bytes (the BOM included), so an
 * HMAC over the string equals the HMAC over the raw bytes; invalid sequences would be replaced by
 * U+FFFD and two different bodies could then share a signature, hence the strict decoder.
 */
export const bodyAsSignedString = (body: Uint8Array): string | undefined => {
  try {
    return utf8.decode(body);
  } catch {
    return undefined;
  }
};

/**
 * Checks `sha256=<hex HMAC-SHA256>` over the raw body exactly as received against every active
 * secret (current and previous during a rotation). The comparison is timing-safe
 * (`@octokit/webhooks-methods` `verify`), and every secret is tried even after a match so the time
 * taken does not depend on which one matched. Never throws for bad input.
 */
export const verifySignature = async (body: Uint8Array, signatureHeader: string | undefined, secrets: readonly string[]): Promise<SignatureCheck> => {
  const header = signatureHeader?.trim() ?? '';
  if (header.length === 0) return { ok: false, reason: 'missing-signature' };
  if (!SIGNATURE_PATTERN.test(header)) {
    const algorithm = ALGORITHM_PREFIX.exec(header)?.[1];
    return { ok: false, reason: algorithm && algorithm !== 'sha256' ? 'unsupported-algorithm' : 'malformed-signature' };
  }
  const active = secrets.filter((s) => s.length > 0);
  if (active.length === 0) return { ok: false, reason: 'no-secret-configured' };
  const payload = bodyAsSignedString(body);
  if (payload === undefined) return { ok: false, reason: 'body-not-utf8' };
  // verify() refuses an empty payload; the HMAC of an empty body is still well defined, but an
  // empty body is never a webhook we can use, so it simply does not verify.
  if (payload.length === 0) return { ok: false, reason: 'signature-mismatch' };
  let matched = -1;
  for (const [i, secret] of active.entries()) {
    if ((await verify(secret, payload, header)) && matched < 0) matched = i;
  }
  return matched >= 0 ? { ok: true, secretIndex: matched } : { ok: false, reason: 'signature-mismatch' };
};
