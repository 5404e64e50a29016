import fc from 'fast-check';
import { describeSchemaErrors, RequestValidationError, summariseFieldErrors } from '../src/index';
import { validateRequest } from '../src/request-validation';

const fieldsOf = async (fn: () => Promise<void>) => {
  try {
    await fn();
  } catch (err) {
    if (err instanceof RequestValidationError) return { detail: err.message, errors: (err.extensions.errors ?? []) as Array<{ field: string; reason: string }> };
    throw err;
  }
  return undefined;
};

describe('validateRequest', () => {
  it('should not load the compiled validators for an operation that has nothing to validate', async () => {
    jest.resetModules();
    const loaded = () => Object.keys(require.cache).some((k) => k.includes('request-validators'));
    const fresh = (await import('../src/request-validation')) as typeof import('../src/request-validation');
    expect(loaded()).toBe(false);
    await fresh.validateRequest('getHealth', { params: {} });
    expect(loaded()).toBe(false);
    const params: Record<string, unknown> = {};
    await fresh.validateRequest('listReviews', { params });
    expect(loaded()).toBe(true);
    expect(params.limit).toBe(20);
  });

  it('should accept a plan submission and a files submission', async () => {
    await expect(validateRequest('createReview', { body: { title: 't', plan: { format_version: '1.2', resource_changes: [] } } })).resolves.toBeUndefined();
    await expect(validateRequest('createReview', { body: { repository: 'acme/infra', files: [{ path: 'main.tf', content: '' }] } })).resolves.toBeUndefined();
  });

  it('should say that plan or files is required when neither is sent', async () => {
    const r = await fieldsOf(() => validateRequest('createReview', { body: { title: 'x' } }));
    expect(r?.errors[0]).toEqual({ field: 'body', reason: 'must contain one of: plan, files' });
    expect(r?.detail).toContain('must contain one of: plan, files');
  });

  it('should name the failing nested field and unknown fields', async () => {
    const r = await fieldsOf(() => validateRequest('createReview', { body: { files: [{ path: 'main.py', content: 'x' }], colour: 'red' } }));
    expect(r?.errors).toEqual(
      expect.arrayContaining([
        { field: 'body:colour', reason: expect.stringContaining('not a known field') },
        { field: 'body:files.0.path', reason: expect.stringContaining('must match pattern') },
      ]),
    );
  });

  it('should name format_version when the plan is not terraform show -json output', async () => {
    const r = await fieldsOf(() => validateRequest('createReview', { body: { plan: { resource_changes: [] } } }));
    expect(r?.errors).toEqual(expect.arrayContaining([{ field: 'body:plan.format_version', reason: 'is required' }]));
  });

  it('should reject a non-object body', async () => {
    expect((await fieldsOf(() => validateRequest('createReview', { body: 'plan' })))?.errors[0]?.field).toBe('body:(root)');
  });

  it('should coerce query parameters and apply defaults', async () => {
    const params: Record<string, unknown> = { limit: '50' };
    await validateRequest('listReviews', { params });
    expect(params.limit).toBe(50);
    const empty: Record<string, unknown> = {};
    await validateRequest('listReviews', { params: empty });
    expect(empty.limit).toBe(20);
  });

  it('should reject out-of-range and unknown query parameters with the parameter name', async () => {
    expect((await fieldsOf(() => validateRequest('listReviews', { params: { limit: '1000' } })))?.errors[0]).toEqual({ field: 'parameter:limit', reason: 'must be <= 100' });
    expect((await fieldsOf(() => validateRequest('listReviews', { params: { riskLevel: 'extreme' } })))?.errors[0]?.reason).toContain('"critical"');
    expect((await fieldsOf(() => validateRequest('listReviews', { params: { sort: 'asc' } })))?.errors[0]?.field).toBe('parameter:sort');
  });

  it('should require comment and a known action on feedback', async () => {
    const r = await fieldsOf(() => validateRequest('postReviewFeedback', { params: { id: 'abcdefgh12' }, body: { action: 'delete' } }));
    expect(r?.errors.map((e) => e.field).sort()).toEqual(['body:action', 'body:comment']);
  });

  it('should either pass or throw a RequestValidationError on any JSON body (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue(), async (body) => {
        try {
          await validateRequest('createReview', { body });
          return true;
        } catch (err) {
          return err instanceof RequestValidationError && err.status === 400;
        }
      }),
    );
  });
});

describe('describeSchemaErrors / summariseFieldErrors (shared with the webhook pipeline)', () => {
  it('should name fields by dotted path, unescaping JSON pointers, and the root as (root)', async () => {
    // Act
    const errors = describeSchemaErrors([
      { instancePath: '/run/state~1version', keyword: 'type', params: {}, message: 'must be integer' },
      { instancePath: '/a~0b', keyword: 'required', params: { missingProperty: 'c' } },
      { instancePath: '', keyword: 'enum', params: { allowedValues: ['x', 1] } },
      { instancePath: '', keyword: 'type', params: {} },
    ]);
    // Assert
    expect(errors).toEqual([
      { field: 'body:run.state/version', reason: 'must be integer' },
      { field: 'body:a~b.c', reason: 'is required' },
      { field: 'body:(root)', reason: 'must be one of "x", 1' },
      { field: 'body:(root)', reason: 'is not valid' },
    ]);
  });

  it('should report the same field and reason once, and word unknown fields as asked', async () => {
    // Prepare
    const unknown = { instancePath: '/meta', keyword: 'additionalProperties', params: { additionalProperty: 'colour' } };
    // Act
    const api = describeSchemaErrors([unknown, unknown], { where: 'parameter' });
    const webhook = describeSchemaErrors([unknown], { unknownField: 'is not a known field' });
    // Assert
    expect(api).toEqual([{ field: 'parameter:meta.colour', reason: 'is not a known field (check the spelling against the OpenAPI document)' }]);
    expect(webhook).toEqual([{ field: 'body:meta.colour', reason: 'is not a known field' }]);
  });

  it('should summarise the first three fields and count the rest', async () => {
    // Prepare
    const errors = ['a', 'b', 'c', 'd', 'e'].map((f) => ({ field: `body:${f}`, reason: 'is required' }));
    // Act / Assert
    expect(summariseFieldErrors(errors)).toBe('a is required; b is required; c is required (and 2 more).');
    expect(summariseFieldErrors([{ field: 'parameter:limit', reason: 'must be integer' }])).toBe('limit must be integer.');
  });
});
