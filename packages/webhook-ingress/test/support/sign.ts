import { createHmac } from 'node:crypto';
import type { HttpEvent } from '@iac-review/core';

/** Independent reference signer (node:crypto, not the library under test). */
export const sign = (secret: string, body: Uint8Array | string): string => `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

export const httpEvent = (body: string | Buffer, headers: Record<string, string>, opts: { base64?: boolean } = {}): HttpEvent =>
  ({
    httpMethod: 'POST',
    path: '/webhook/test',
    resource: '/webhook/test',
    headers,
    multiValueHeaders: {},
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: null,
    stageVariables: null,
    isBase64Encoded: Boolean(opts.base64),
    body: opts.base64 ? Buffer.from(body).toString('base64') : body.toString(),
    requestContext: { requestId: 'req-1', identity: { sourceIp: '203.0.113.9' } },
  }) as unknown as HttpEvent;
