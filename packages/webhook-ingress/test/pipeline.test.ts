import { jsonResponse, ServiceUnavailableError } from '@iac-review/core';
import { createDynamoDbTablePort, createIdempotencyStore, createInMemoryTablePort, ThrottledError, type IdempotencyStore } from '@iac-review/dynamo-versioning';
import { captureLogger } from '@iac-review/logger/testing';
import Ajv from 'ajv';
import { createWebhookHandler, staticSecretProvider, type WebhookRequest, type WebhookSecretProvider } from '../src/index';
import { startTable, type LocalTable } from './support/dynalite';
import { httpEvent, sign } from './support/sign';

interface Payload {
  id: string;
  n: number;
}
const validate = new Ajv({ allErrors: true }).compile({
  type: 'object',
  required: ['id', 'n'],
  properties: { id: { type: 'string' }, n: { type: 'integer' }, meta: { type: 'object', properties: { when: { type: 'string' } } } },
});

const SECRET = 'current-secret';
const HEADER = 'X-Signature-256';

const setup = (o: { secrets?: WebhookSecretProvider; store?: IdempotencyStore; handle?: (r: WebhookRequest<Payload>) => Promise<unknown>; maxBodyBytes?: number } = {}) => {
  const { logger, lines, raw } = captureLogger();
  const seen: Array<WebhookRequest<Payload>> = [];
  const store = o.store ?? createIdempotencyStore({ port: createInMemoryTablePort(), tableName: 't', ttlSeconds: 3600 });
  const handler = createWebhookHandler<Payload>({
    source: 'test',
    signatureHeader: HEADER,
    secrets: o.secrets ?? staticSecretProvider([SECRET, 'previous-secret']),
    logger,
    validate,
    ...(o.maxBodyBytes ? { maxBodyBytes: o.maxBodyBytes } : {}),
    dedupe: { store, key: (p) => `${p.id}:${p.n}` },
    handle: async (req) => {
      seen.push(req);
      if (o.handle) await o.handle(req);
      return jsonResponse(202, { status: 'accepted', id: req.payload.id });
    },
  });
  return { handler, seen, lines, raw, store };
};

const signed = (body: string, secret = SECRET, extra: Record<string, string> = {}) => httpEvent(body, { 'Content-Type': 'application/json', [HEADER]: sign(secret, body), ...extra });

describe('createWebhookHandler', () => {
  it('should hand a verified, valid, first delivery to the handler with its raw body and key', async () => {
    const { handler, seen } = setup();
    const body = '{"id":"a","n":1,"extra":{"ignored":true}}';

    const res = await handler(signed(body));

    expect(res.statusCode).toBe(202);
    expect(JSON.parse(res.body)).toEqual({ status: 'accepted', id: 'a' });
    expect(seen).toHaveLength(1);
    expect(seen[0]?.rawBody.toString()).toBe(body);
    expect(seen[0]).toMatchObject({ deliveryKey: 'a:1', secretIndex: 0, payload: { id: 'a', n: 1 } });
  });

  it('should verify a base64-encoded body (API Gateway binary mode) over its decoded bytes', async () => {
    const { handler, seen } = setup();
    const body = '{"id":"ü","n":2}';
    const res = await handler(httpEvent(body, { 'content-type': 'application/json', 'x-signature-256': sign(SECRET, body) }, { base64: true }));
    expect(res.statusCode).toBe(202);
    expect(seen[0]?.payload.id).toBe('ü');
  });

  it('should accept the previous secret during a rotation and log that it did', async () => {
    const { handler, lines } = setup();
    expect((await handler(signed('{"id":"a","n":1}', 'previous-secret'))).statusCode).toBe(202);
    expect(lines().some((l) => l.message === 'webhook verified with the previous secret')).toBe(true);
  });

  it.each([
    ['a wrong secret', (b: string) => ({ 'content-type': 'application/json', [HEADER]: sign('wrong', b) }), 'signature-mismatch'],
    ['no signature', () => ({ 'content-type': 'application/json' }), 'missing-signature'],
    ['only the SHA-1 X-Signature header', (b: string) => ({ 'content-type': 'application/json', 'X-Signature': sign(SECRET, b).replace('sha256', 'sha1') }), 'missing-signature'],
    ['a sha1= value in the SHA-256 header', () => ({ 'content-type': 'application/json', [HEADER]: 'sha1=0a4d55a8d778e5022fab701977c5d840bbc486d0' }), 'unsupported-algorithm'],
  ])('should answer %s with 401 problem+json, a security event, and nothing stored or handled', async (_name, headers, reason) => {
    const { handler, seen, lines, raw, store } = setup();
    const body = '{"id":"a","n":1}';
    const h = headers(body);

    const res = await handler(httpEvent(body, h));

    expect(res.statusCode).toBe(401);
    expect(res.headers?.['content-type']).toBe('application/problem+json');
    expect(JSON.parse(res.body)).toMatchObject({ status: 401, reason, type: 'https://iac-review.dev/problems/invalid-signature', requestId: 'req-1' });
    expect(seen).toHaveLength(0);
    const security = lines().filter((l) => l.type === 'security');
    expect(security).toHaveLength(1);
    expect(security[0]).toMatchObject({ event: 'webhook-signature-rejected', reason, source: 'test', sourceIp: '203.0.113.9' });
    for (const value of Object.values(h)) if (value.includes('=')) expect(raw()).not.toContain(value.split('=')[1]);
    expect(raw()).not.toContain(SECRET);
    // Nothing was recorded: a valid delivery of the same payload is still first.
    expect((await store.record('test', 'a:1')).status).toBe('first');
  });

  it('should not parse a body before the signature holds (invalid JSON with a bad signature is 401, not 400)', async () => {
    const { handler } = setup();
    const res = await handler(httpEvent('{not json', { 'content-type': 'application/json', [HEADER]: sign('wrong', '{not json') }));
    expect(res.statusCode).toBe(401);
  });

  it('should answer 400 naming the field for wrong types, missing fields and bad JSON', async () => {
    const { handler, seen } = setup();
    const wrongType = await handler(signed('{"id":"a","n":"one"}'));
    expect(wrongType.statusCode).toBe(400);
    expect(JSON.parse(wrongType.body)).toMatchObject({ errors: [{ field: 'body:n', reason: 'must be integer' }] });
    expect(JSON.parse(wrongType.body).detail).toContain('n must be integer');

    const nested = await handler(signed('{"id":"a","n":1,"meta":{"when":5}}'));
    expect(JSON.parse(nested.body)).toMatchObject({ errors: [{ field: 'body:meta.when', reason: 'must be string' }] });

    const missing = await handler(signed('{"n":1}'));
    expect(JSON.parse(missing.body)).toMatchObject({ errors: [{ field: 'body:id', reason: 'is required' }] });

    const badJson = await handler(signed('{"id":'));
    expect(badJson.statusCode).toBe(400);
    expect(JSON.parse(badJson.body)).toMatchObject({ errors: [{ field: 'body', reason: 'is not valid JSON' }] });
    expect(seen).toHaveLength(0);
  });

  it('should load a lazily supplied validator only for a delivery whose signature verifies, once, and still answer 400 from it', async () => {
    const { logger } = captureLogger();
    const loadValidator = jest.fn(async () => validate);
    const handler = createWebhookHandler<Payload>({
      source: 'test',
      signatureHeader: HEADER,
      secrets: staticSecretProvider([SECRET]),
      logger,
      loadValidator,
      handle: async (req) => jsonResponse(202, { status: 'accepted', id: req.payload.id }),
    });
    expect((await handler(signed('{"id":"a","n":1}', 'wrong-secret'))).statusCode).toBe(401);
    expect(loadValidator).not.toHaveBeenCalled();
    expect((await handler(signed('{"id":"a","n":1}'))).statusCode).toBe(202);
    const bad = await handler(signed('{"id":"a","n":"one"}'));
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('n');
    expect(loadValidator).toHaveBeenCalledTimes(1);
  });

  it('should answer 415 for a signed body that is not JSON', async () => {
    const { handler } = setup();
    const res = await handler(signed('payload=%7B%7D', SECRET, { 'Content-Type': 'application/x-www-form-urlencoded' }));
    expect(res.statusCode).toBe(415);
  });

  it('should answer 413 for an oversized body, whether plain or base64, before verifying it', async () => {
    const { handler, lines } = setup({ maxBodyBytes: 100 });
    const body = JSON.stringify({ id: 'x'.repeat(200), n: 1 });
    expect((await handler(signed(body))).statusCode).toBe(413);
    const b64 = await handler(httpEvent(body, { 'content-type': 'application/json', [HEADER]: sign(SECRET, body) }, { base64: true }));
    expect(b64.statusCode).toBe(413);
    expect(JSON.parse(b64.body).detail).toMatch(/100-byte limit/);
    expect(lines().filter((l) => l.type === 'security')).toHaveLength(0);
  });

  it('should answer 503 with Retry-After when the secrets cannot be read', async () => {
    const { SecretUnavailableError } = await import('../src/index');
    const { handler } = setup({
      secrets: {
        secrets: async () => {
          throw new SecretUnavailableError('down', { retryAfterSeconds: 7 });
        },
      },
    });
    const res = await handler(signed('{"id":"a","n":1}'));
    expect(res.statusCode).toBe(503);
    expect(res.headers?.['retry-after']).toBe('7');
  });

  it('should re-read the secrets once on a mismatch, so a rotation is picked up before the cache expires', async () => {
    let reads = 0;
    const secrets: WebhookSecretProvider = {
      secrets: async ({ refresh = false } = {}) => {
        reads++;
        return refresh ? ['rotated'] : ['stale'];
      },
    };
    const { handler } = setup({ secrets });
    expect((await handler(signed('{"id":"a","n":1}', 'rotated'))).statusCode).toBe(202);
    expect(reads).toBe(2);
  });

  it('should answer 503 with Retry-After on a store or bus failure and forget the key so the retry is processed', async () => {
    let fail: unknown = new ThrottledError(3);
    const { handler, seen } = setup({
      handle: async () => {
        if (fail) {
          const e = fail;
          fail = undefined;
          throw e;
        }
      },
    });
    const first = await handler(signed('{"id":"a","n":1}'));
    expect(first.statusCode).toBe(503);
    expect(first.headers?.['retry-after']).toBe('3');
    expect(first.headers?.['content-type']).toBe('application/problem+json');

    const retry = await handler(signed('{"id":"a","n":1}'));
    expect(retry.statusCode).toBe(202);
    expect(seen).toHaveLength(2);

    fail = Object.assign(new Error('bus put failed'), { retryAfterSeconds: 2 });
    const bus = await handler(signed('{"id":"b","n":1}'));
    expect(bus.statusCode).toBe(503);
    expect(bus.headers?.['retry-after']).toBe('2');
  });

  it('should keep a handler’s own 4xx problem and answer 500 for an unexpected fault', async () => {
    let fail: unknown = new ServiceUnavailableError(9);
    const { handler } = setup({
      handle: async () => {
        throw fail;
      },
    });
    expect((await handler(signed('{"id":"a","n":1}'))).headers?.['retry-after']).toBe('9');
    fail = new TypeError('bug');
    const res = await handler(signed('{"id":"a","n":1}'));
    expect(res.statusCode).toBe(500);
    expect(res.body).not.toContain('bug');
  });

  describe('on DynamoDB (dynalite)', () => {
    let table: LocalTable;
    beforeAll(async () => {
      table = await startTable();
    });
    afterAll(() => table.close());

    it('should hand exactly one of 20 concurrent identical deliveries to the handler; the others are duplicates', async () => {
      const store = createIdempotencyStore({ port: createDynamoDbTablePort({ client: table.client }), tableName: table.tableName, ttlSeconds: 3600 });
      const { handler, seen } = setup({ store });

      const results = await Promise.all(Array.from({ length: 20 }, () => handler(signed('{"id":"same","n":7}'))));

      expect(seen).toHaveLength(1);
      expect(results.every((r) => r.statusCode === 202)).toBe(true);
      const bodies = results.map((r) => JSON.parse(r.body) as { status: string });
      expect(bodies.filter((b) => b.status === 'accepted')).toHaveLength(1);
      expect(bodies.filter((b) => b.status === 'duplicate')).toHaveLength(19);
    });
  });
});
