import { ConflictError, problemResponse, RateLimitedError, RequestValidationError, header, rawBody, createTableInput, tableDefinition } from '../src/index';

describe('problemResponse', () => {
  it('should keep the status, detail and extensions of an expected error', () => {
    const res = problemResponse(new RequestValidationError('plan is required', [{ field: '/body/plan', reason: 'is required' }]), { requestId: 'r1' });
    expect(res.statusCode).toBe(400);
    expect(res.headers?.['content-type']).toBe('application/problem+json');
    expect(JSON.parse(res.body)).toEqual({
      type: 'https://iac-review.dev/problems/validation-error',
      title: 'Request is not valid',
      status: 400,
      detail: 'plan is required',
      errors: [{ field: '/body/plan', reason: 'is required' }],
      requestId: 'r1',
    });
  });

  it('should add Retry-After to 429s', () => {
    const res = problemResponse(new RateLimitedError(1.2));
    expect(res.statusCode).toBe(429);
    expect(res.headers?.['retry-after']).toBe('2');
  });

  it('should hide everything about an unexpected error behind a 500', () => {
    const res = problemResponse(new Error('ConditionalCheckFailedException on table prod-secret'), { traceId: 't' });
    expect(res.statusCode).toBe(500);
    expect(res.body).not.toContain('prod-secret');
    expect(JSON.parse(res.body).traceId).toBe('t');
  });

  it('should not promise that retrying a failed submission is safe without an Idempotency-Key', () => {
    const detail = JSON.parse(problemResponse(new Error('x')).body).detail as string;
    expect(detail).not.toMatch(/it is safe to retry/i);
    expect(detail).toMatch(/Idempotency-Key/);
  });

  it('should keep conflict extensions', () => {
    expect(JSON.parse(problemResponse(new ConflictError('stale', { latestVersion: 4 })).body).latestVersion).toBe(4);
  });
});

describe('request helpers', () => {
  it('should find headers case-insensitively and return raw bytes', () => {
    const event = { headers: { 'X-Hub-Signature-256': 'sha256=ab' }, body: Buffer.from('{"a":1}').toString('base64'), isBase64Encoded: true };
    expect(header(event, 'x-hub-signature-256')).toBe('sha256=ab');
    expect(rawBody(event).toString()).toBe('{"a":1}');
    expect(rawBody({ body: null, isBase64Encoded: false }).length).toBe(0);
  });
});

describe('createTableInput', () => {
  it('should declare every key attribute once and every index from table.json', () => {
    const input = createTableInput('t');
    const names = input.AttributeDefinitions.map((a) => a.AttributeName);
    expect(new Set(names).size).toBe(names.length);
    expect(input.GlobalSecondaryIndexes.map((i) => i.IndexName)).toEqual(tableDefinition.globalSecondaryIndexes.map((i) => i.name));
    expect(input.KeySchema[0]).toEqual({ AttributeName: 'pk', KeyType: 'HASH' });
  });
});
