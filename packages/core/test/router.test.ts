import fc from 'fast-check';
import { compileRoutes, MethodNotAllowedError, NotFoundError, openApiDocument, RequestValidationError } from '../src/index';

const doc = {
  paths: {
    '/health': { get: { operationId: 'getHealth', 'x-iac-review-function': 'api-handler' } },
    '/reviews': { get: { operationId: 'listReviews', 'x-iac-review-function': 'api-handler' }, post: { operationId: 'createReview', 'x-iac-review-function': 'api-handler' } },
    '/reviews/{id}': { get: { operationId: 'getReview', 'x-iac-review-function': 'api-handler' } },
    '/reviews/{id}/versions/{version}': { get: { operationId: 'getVersion', 'x-iac-review-function': 'api-handler' } },
    '/reviews/latest': { get: { operationId: 'latest', 'x-iac-review-function': 'api-handler' } },
  },
};

describe('compileRoutes', () => {
  const router = compileRoutes(doc);

  it('should match templates and decode path parameters', () => {
    expect(router.match('GET', '/reviews/abc%20d/versions/3')).toEqual({
      resource: '/reviews/{id}/versions/{version}',
      method: 'GET',
      operationId: 'getVersion',
      functionName: 'api-handler',
      pathParameters: { id: 'abc d', version: '3' },
    });
  });

  it.each(['/reviews/%', '/reviews/%E0%A4%A', '/reviews/abc%zz/versions/1'])('should answer the malformed percent-encoding %s with a 400, not a URIError', (path) => {
    expect(() => router.match('GET', path)).toThrow(RequestValidationError);
    expect(() => router.lookup(path)).toThrow(/percent-encoding/);
  });

  it('should prefer literal segments over parameters', () => {
    expect(router.match('GET', '/reviews/latest').operationId).toBe('latest');
  });

  it('should answer unknown paths with NotFound and wrong methods with MethodNotAllowed listing the allowed ones', () => {
    expect(() => router.match('GET', '/nope')).toThrow(NotFoundError);
    try {
      router.match('DELETE', '/reviews');
      throw new Error('expected a throw');
    } catch (err) {
      expect(err).toBeInstanceOf(MethodNotAllowedError);
      expect((err as MethodNotAllowedError).headers.allow).toBe('GET, POST');
    }
  });

  it('should never throw anything but a problem error on arbitrary paths (property)', () => {
    fc.assert(
      fc.property(fc.webPath(), fc.constantFrom('GET', 'POST', 'PATCH'), (path, method) => {
        try {
          router.match(method, path);
          return true;
        } catch (err) {
          return err instanceof NotFoundError || err instanceof MethodNotAllowedError;
        }
      }),
    );
  });

  it('should route every operation of the real OpenAPI document to a named function', () => {
    const real = compileRoutes(openApiDocument);
    for (const r of real.list()) expect(r.functionName).toMatch(/^[a-z-]+$/);
  });
});
