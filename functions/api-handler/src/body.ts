import { header, PayloadTooLargeError, rawBody, RequestValidationError, UnsupportedMediaTypeError, type HttpEvent } from '@iac-review/core';
import { gunzipSync } from 'node:zlib';

export interface BodyLimits {
  /** Largest body as sent (API Gateway → Lambda carries at most 6 MB). */
  maxBytes: number;
  /** Largest body after gunzip (Content-Encoding: gzip lets big plans through). */
  maxDecodedBytes: number;
  /** Largest decoded:compressed size ratio accepted (a gzip bomb expands by 1000:1). Default 100. */
  maxCompressionRatio?: number;
  /** Deepest nesting of arrays and objects accepted, checked before parsing (default 100). */
  maxDepth?: number;
}

export const DEFAULT_MAX_COMPRESSION_RATIO = 100;
export const DEFAULT_MAX_JSON_DEPTH = 100;

/**
 * The nesting depth of a JSON text, found by one pass over its bytes without recursion, stopping
 * as soon as it passes `limit` (so a body nested 10,000 deep is refused before anything recurses).
 */
export const jsonDepthExceeds = (bytes: Uint8Array, limit: number): boolean => {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i];
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped byte
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > limit) return true;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return false;
};

/** Reads a JSON body: content type, gzip, size, ratio and depth limits and JSON syntax, each with a clear 4xx. */
export const readJsonBody = (event: HttpEvent, limits: BodyLimits): unknown => {
  const type = (header(event, 'content-type') ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/json') throw new UnsupportedMediaTypeError(`Send the body as application/json (got ${type || 'no content type'}).`);
  let bytes = rawBody(event);
  if (bytes.length > limits.maxBytes) throw new PayloadTooLargeError(`The body is ${bytes.length} bytes; the limit is ${limits.maxBytes}. Compress it with Content-Encoding: gzip.`);
  const encoding = (header(event, 'content-encoding') ?? 'identity').toLowerCase();
  if (encoding === 'gzip') {
    const ratio = limits.maxCompressionRatio ?? DEFAULT_MAX_COMPRESSION_RATIO;
    const byRatio = bytes.length * ratio;
    const cap = Math.min(limits.maxDecodedBytes, byRatio);
    try {
      bytes = gunzipSync(bytes, { maxOutputLength: Math.max(1, cap) });
    } catch (err) {
      if ((err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE' || /maxOutputLength|larger than/i.test(String(err))) {
        if (byRatio < limits.maxDecodedBytes)
          throw new PayloadTooLargeError(`The body expands more than ${ratio}:1 when decompressed (over ${byRatio} bytes from ${bytes.length}); such bodies are refused as likely compression bombs.`);
        throw new PayloadTooLargeError(`The decompressed body is over ${limits.maxDecodedBytes} bytes.`);
      }
      throw new RequestValidationError('The body is not valid gzip data (Content-Encoding: gzip).', [{ field: 'body', reason: 'is not valid gzip' }]);
    }
  } else if (encoding !== 'identity') {
    throw new UnsupportedMediaTypeError(`Content-Encoding ${encoding} is not supported; use gzip or none.`);
  }
  if (bytes.length === 0) throw new RequestValidationError('The request body is empty; send a JSON object.', [{ field: 'body', reason: 'is required' }]);
  const maxDepth = limits.maxDepth ?? DEFAULT_MAX_JSON_DEPTH;
  if (jsonDepthExceeds(bytes, maxDepth)) {
    throw new RequestValidationError(`The body nests arrays and objects more than ${maxDepth} levels deep.`, [{ field: 'body', reason: `is nested deeper than ${maxDepth} levels` }]);
  }
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch (err) {
    throw new RequestValidationError(`The body is not valid JSON: ${(err as Error).message}.`, [{ field: 'body', reason: 'is not valid JSON' }]);
  }
};
