import type { HttpEvent } from '@iac-review/core';

/** An API Gateway REST-proxy event for `POST /reviews` with a JSON body, from the `key-ci` API key. */
export const postReview = (body: unknown): HttpEvent =>
  ({
    httpMethod: 'POST',
    path: '/reviews',
    resource: '/reviews',
    headers: { 'Content-Type': 'application/json' },
    multiValueHeaders: {},
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: null,
    stageVariables: null,
    body: JSON.stringify(body),
    isBase64Encoded: false,
    requestContext: { requestId: 'req', identity: { sourceIp: '198.51.100.7', apiKeyId: 'key-ci' } },
  }) as unknown as HttpEvent;
