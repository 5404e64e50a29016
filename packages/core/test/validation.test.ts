import fc from 'fast-check';
import { RequestValidationError, validateRequest } from '../src/index';

const fieldsOf = (fn: () => void) => {
  try {
    fn();
  } catch (err) {
    if (err instanceof RequestValidationError) return { detail: err.message, errors: (err.extensions.errors ?? []) as Array<{ field: string; reason: string }> };
    throw err;
  }
  return undefined;
};

describe('validateRequest', () => {
  it('should accept a plan submission and a files submission', () => {
    expect(() => validateRequest('createReview', { body: { title: 't', plan: { format_version: '1.2', resource_changes: [] } } })).not.toThrow();
    expect(() => validateRequest('createReview', { body: { repository: 'acme/infra', files: [{ path: 'main.tf', content: '' }] } })).not.toThrow();
  });

  it('should say that plan or files is required when neither is sent', () => {
    const r = fieldsOf(() => validateRequest('createReview', { body: { title: 'x' } }));
    expect(r?.errors[0]).toEqual({ field: 'body', reason: 'must contain one of: plan, files' });
    expect(r?.detail).toContain('must contain one of: plan, files');
  });

  it('should name the failing nested field and unknown fields', () => {
    const r = fieldsOf(() => validateRequest('createReview', { body: { files: [{ path: 'main.py', content: 'x' }], colour: 'red' } }));
    expect(r?.errors).toEqual(
      expect.arrayContaining([
        { field: 'body:colour', reason: expect.stringContaining('not a known field') },
        { field: 'body:files.0.path', reason: expect.stringContaining('must match pattern') },
      ]),
    );
  });

  it('should name format_version when the plan is not terraform show -json output', () => {
    const r = fieldsOf(() => validateRequest('createReview', { body: { plan: { resource_changes: [] } } }));
    expect(r?.errors).toEqual(expect.arrayContaining([{ field: 'body:plan.format_version', reason: 'is required' }]));
  });

  it('should reject a non-object body', () => {
    expect(fieldsOf(() => validateRequest('createReview', { body: 'plan' }))?.errors[0]?.field).toBe('body:(root)');
  });

  it('should coerce query parameters and apply defaults', () => {
    const params: Record<string, unknown> = { limit: '50' };
    validateRequest('listReviews', { params });
    expect(params.limit).toBe(50);
    const empty: Record<string, unknown> = {};
    validateRequest('listReviews', { params: empty });
    expect(empty.limit).toBe(20);
  });

  it('should reject out-of-range and unknown query parameters with the parameter name', () => {
    expect(fieldsOf(() => validateRequest('listReviews', { params: { limit: '1000' } }))?.errors[0]).toEqual({ field: 'parameter:limit', reason: 'must be <= 100' });
    expect(fieldsOf(() => validateRequest('listReviews', { params: { riskLevel: 'extreme' } }))?.errors[0]?.reason).toContain('"critical"');
    expect(fieldsOf(() => validateRequest('listReviews', { params: { sort: 'asc' } }))?.errors[0]?.field).toBe('parameter:sort');
  });

  it('should require comment and a known action on feedback', () => {
    const r = fieldsOf(() => validateRequest('postReviewFeedback', { params: { id: 'abcdefgh12' }, body: { action: 'delete' } }));
    expect(r?.errors.map((e) => e.field).sort()).toEqual(['body:action', 'body:comment']);
  });

  it('should either pass or throw a RequestValidationError on any JSON body (property)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (body) => {
        try {
          validateRequest('createReview', { body });
          return true;
        } catch (err) {
          return err instanceof RequestValidationError && err.status === 400;
        }
      }),
    );
  });
});
