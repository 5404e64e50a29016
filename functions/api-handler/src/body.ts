import { header, PayloadTooLargeError, rawBody, RequestValidationError, UnsupportedMediaTypeError, type HttpEvent } from '@iac-review/core';
import { gunzipSync } from 'node:zlib';

export interface BodyLimits {
  /** Largest body as sent (API Gateway → Lambda carries at most 6 MB). */
  maxBytes: number;
  /** Largest body after gunzip (Content-Encoding: gzip lets big plans through). */
  maxDecodedBytes: number;
}

/** Reads a JSON body: content type, gzip, size limits and JSON syntax, each with a clear 4xx. */
export const readJsonBody = (event: HttpEvent, limits: BodyLimits): unknown => {
  const type = (header(event, 'content-type') ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/json') throw new UnsupportedMediaTypeError(`Send the body as application/json (got ${type || 'no content type'}).`);
  let bytes = rawBody(event);
  if (bytes.length > limits.maxBytes) throw new PayloadTooLargeError(`The body is ${bytes.length} bytes; the limit is ${limits.maxBytes}. Compress it with Content-Encoding: gzip.`);
  const encoding = (header(event, 'content-encoding') ?? 'identity').toLowerCase();
  if (encoding === 'gzip') {
    try {
      bytes = gunzipSync(bytes, { maxOutputLength: limits.maxDecodedBytes });
    } catch (err) {
      if ((err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE' || /maxOutputLength|larger than/i.test(String(err)))
        throw new PayloadTooLargeError(`The decompressed body is over ${limits.maxDecodedBytes} bytes.`);
      throw new RequestValidationError('The body is not valid gzip data (Content-Encoding: gzip).', [{ field: 'body', reason: 'is not valid gzip' }]);
    }
  } else if (encoding !== 'identity') {
    throw new UnsupportedMediaTypeError(`Content-Encoding ${encoding} is not supported; use gzip or none.`);
  }
  if (bytes.length === 0) throw new RequestValidationError('The request body is empty; send a JSON object.', [{ field: 'body', reason: 'is required' }]);
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch (err) {
    throw new RequestValidationError(`The body is not valid JSON: ${(err as Error).message}.`, [{ field: 'body', reason: 'is not valid JSON' }]);
  }
};
