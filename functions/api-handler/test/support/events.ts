import type { HttpEvent, HttpResult } from '@iac-review/core';

export interface EventOptions {
  key?: string;
  body?: unknown;
  headers?: Record<string, string>;
  query?: Record<string, string>;
  raw?: string;
  base64?: boolean;
}

/** An API Gateway REST-proxy event, as the gateway hands it to the function. */
export const event = (method: string, path: string, opts: EventOptions = {}): HttpEvent =>
  ({
    httpMethod: method,
    path,
    resource: path,
    headers: { ...(opts.body !== undefined || opts.raw !== undefined ? { 'Content-Type': 'application/json' } : {}), ...opts.headers },
    multiValueHeaders: {},
    queryStringParameters: opts.query ?? null,
    multiValueQueryStringParameters: null,
    pathParameters: null,
    stageVariables: null,
    body: opts.raw ?? (opts.body !== undefined ? JSON.stringify(opts.body) : null),
    isBase64Encoded: opts.base64 ?? false,
    requestContext: { requestId: 'req', identity: { sourceIp: '198.51.100.7', ...(opts.key ? { apiKeyId: opts.key } : {}) } },
  }) as unknown as HttpEvent;

/** Calls the handler and parses the JSON body of its answer. */
export const call = async (h: (e: HttpEvent, c: { awsRequestId: string }) => Promise<HttpResult>, e: HttpEvent) => {
  const res = await h(e, { awsRequestId: 'r1' });
  return { ...res, json: res.body ? JSON.parse(res.body) : undefined };
};

/** `POST /reviews` with a JSON body, from the `key-ci` API key. */
export const postReview = (body: unknown): HttpEvent => event('POST', '/reviews', { key: 'key-ci', body });
