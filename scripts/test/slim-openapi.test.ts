import { compileRoutes, openApiDocument } from '@iac-review/core';
import { slimOpenApi } from '../src/bundle/slim-openapi';

describe('slimOpenApi (the OpenAPI document inside the function zips)', () => {
  const full = openApiDocument as unknown as Record<string, unknown> & { paths: Record<string, Record<string, unknown>> };
  const slim = slimOpenApi(full) as { paths: Record<string, Record<string, unknown>>; info: { version: unknown } };
  const requests = Object.entries(full.paths).flatMap(([resource, item]) =>
    Object.keys(item)
      .filter((m) => ['get', 'post', 'put', 'delete', 'patch'].includes(m))
      .map((method) => ({ method: method.toUpperCase(), path: resource.replace(/\{[^}]+\}/g, 'x1') })),
  );

  it('should route every documented operation exactly as the full document does', () => {
    // Prepare
    const a = compileRoutes(full);
    const b = compileRoutes(slim);
    expect(requests.length).toBeGreaterThan(5);
    // Act / Assert
    for (const r of requests) expect(b.match(r.method, r.path)).toEqual(a.match(r.method, r.path));
  });

  it('should keep what the handlers read at run time: parameters with their types, security and scopes', () => {
    for (const [resource, item] of Object.entries(full.paths)) {
      for (const [method, op] of Object.entries(item)) {
        const o = op as { parameters?: Array<{ name: string; in: string; schema?: { type?: string } }>; security?: unknown; 'x-iac-review-scopes'?: unknown };
        const s = slim.paths[resource]?.[method] as typeof o;
        expect(s.security).toEqual(o.security);
        expect(s['x-iac-review-scopes']).toEqual(o['x-iac-review-scopes']);
        expect((s.parameters ?? []).map((p) => [p.name, p.in, p.schema?.type])).toEqual((o.parameters ?? []).map((p) => [p.name, p.in, p.schema?.type]));
      }
    }
    expect(slim.info.version).toBe((full.info as { version: string }).version);
  });

  it('should be much smaller than the full document (no descriptions, examples, bodies or components)', () => {
    const text = JSON.stringify(slim);
    expect(text.length).toBeLessThan(JSON.stringify(full).length / 3);
    expect(text).not.toContain('"description"');
    expect(text).not.toContain('"components"');
  });
});
