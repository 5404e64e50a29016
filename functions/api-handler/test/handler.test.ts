import { createLogger } from '@iac-review/logger';
import type { HttpEvent } from '@iac-review/core';
import { Writable } from 'node:stream';
import { createHandler } from '../src/handler';

const silent = createLogger({ service: 't', destination: new Writable({ write: (_c, _e, cb) => cb() }) });
const now = new Date('2026-11-25T10:00:00.000Z');
const handler = createHandler({ config: { service: 'iac-review', version: '1.2.3' }, logger: silent, clock: () => now });

const event = (method: string, path: string): HttpEvent =>
  ({ httpMethod: method, path, resource: path, headers: {}, multiValueHeaders: {}, queryStringParameters: null, multiValueQueryStringParameters: null, pathParameters: null, stageVariables: null, body: null, isBase64Encoded: false, requestContext: {} }) as unknown as HttpEvent;

describe('api-handler', () => {
  it('should answer GET /health with status ok, service, version and time', async () => {
    const res = await handler(event('GET', '/health'), { awsRequestId: 'r' });
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ status: 'ok', service: 'iac-review', version: '1.2.3', time: now.toISOString() });
  });

  it('should answer an unknown route with a 404 problem+json naming the route', async () => {
    const res = await handler(event('GET', '/nope'), { awsRequestId: 'r' });
    expect(res.statusCode).toBe(404);
    expect(res.headers?.['content-type']).toBe('application/problem+json');
    expect(JSON.parse(res.body)).toMatchObject({ status: 404, detail: expect.stringContaining('GET /nope'), instance: '/nope', requestId: 'r' });
  });

  it('should answer a wrong method with 405 and an Allow header', async () => {
    const res = await handler(event('DELETE', '/health'), { awsRequestId: 'r' });
    expect(res.statusCode).toBe(405);
    expect(res.headers?.allow).toBe('GET');
  });
});
