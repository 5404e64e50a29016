import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApiClient, ApiError, isMissingRoute, problemFrom, queryString, versionFromEtag } from '../src/api';

/** A loopback server that records requests and answers from a table. */
const serve = async (answer: (method: string, url: string, headers: IncomingHttpHeaders, body: string) => { status: number; headers?: Record<string, string>; body: string }) => {
  const seen: Array<{ method: string; url: string; headers: IncomingHttpHeaders; body: string }> = [];
  const srv: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      const a = answer(req.method ?? '', req.url ?? '', req.headers, body);
      res.writeHead(a.status, { 'content-type': 'application/json', ...a.headers });
      res.end(a.body);
    });
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  return { url: `http://127.0.0.1:${(srv.address() as AddressInfo).port}`, seen, close: () => new Promise<void>((r) => srv.close(() => r())) };
};

describe('ApiClient', () => {
  it('sends the key in x-api-key only (never in the URL) and the filters as a query', async () => {
    const s = await serve(() => ({ status: 200, body: JSON.stringify({ items: [], nextCursor: 'c2' }) }));
    try {
      const api = new ApiClient({ apiBase: s.url, apiKey: 'k-123' });
      const page = await api.listReviews({ repository: 'acme/infra', riskLevel: 'high', stack: '' }, 'c1', 20);
      expect(page.nextCursor).toBe('c2');
      const req = s.seen[0];
      expect(req?.headers['x-api-key']).toBe('k-123');
      expect(req?.url).not.toContain('k-123');
      const u = new URL(req?.url ?? '', s.url);
      expect(u.pathname).toBe('/reviews');
      expect(Object.fromEntries(u.searchParams)).toEqual({ repository: 'acme/infra', riskLevel: 'high', limit: '20', cursor: 'c1' });
    } finally {
      await s.close();
    }
  });

  it('sends a person\'s token as Authorization: Bearer (no x-api-key); a 401 or an expired token sends them back to sign-in', async () => {
    const s = await serve((_m, url) => (url.startsWith('/reviews/gone') ? { status: 401, headers: { 'content-type': 'application/problem+json' }, body: JSON.stringify({ title: 'Unauthorized', status: 401, detail: 'The token has expired.' }) } : { status: 200, body: JSON.stringify({ items: [] }) }));
    try {
      const expired = jest.fn();
      const person = { name: 'writer', groups: ['iac-writers'] };
      const api = new ApiClient({ apiBase: s.url, bearer: { token: 'tok.en.sig', expiresAt: Date.now() + 60_000, person } }, undefined, expired);
      await api.listReviews({});
      expect(s.seen[0]?.headers.authorization).toBe('Bearer tok.en.sig');
      expect(s.seen[0]?.headers['x-api-key']).toBeUndefined();
      expect(expired).not.toHaveBeenCalled();
      const err = await api.getReview('gone').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ApiError);
      expect((err as ApiError).status).toBe(401);
      expect(expired).toHaveBeenCalledTimes(1);

      const late = jest.fn();
      const old = new ApiClient({ apiBase: s.url, bearer: { token: 't', expiresAt: Date.now() - 1, person } }, undefined, late);
      await expect(old.listReviews({})).rejects.toThrow(/expired/);
      expect(late).toHaveBeenCalledTimes(1);
      expect(s.seen).toHaveLength(2);

      // A machine key's 401 is shown as an error, not a session expiry.
      const keyed = jest.fn();
      await new ApiClient({ apiBase: s.url, apiKey: 'k' }, undefined, keyed).getReview('gone').catch(() => undefined);
      expect(keyed).not.toHaveBeenCalled();
    } finally {
      await s.close();
    }
  });

  it('sends feedback with the ETag as If-Match and turns a 409 problem into an ApiError with its detail', async () => {
    const s = await serve((method): { status: number; headers: Record<string, string>; body: string } =>
      method === 'GET'
        ? { status: 200, headers: { etag: '"4"' }, body: JSON.stringify({ id: 'r1', version: 4, review: { status: 'completed', source: 'api' } }) }
        : { status: 409, headers: { 'content-type': 'application/problem+json' }, body: JSON.stringify({ type: 'conflict', title: 'Conflict', status: 409, detail: 'The review is at version 5, not 4.' }) },
    );
    try {
      const api = new ApiClient({ apiBase: s.url, apiKey: 'k' });
      const { etag } = await api.getReview('r1');
      expect(etag).toBe('"4"');
      const err = await api.postFeedback('r1', { action: 'acknowledge', comment: 'ok' }, etag).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ApiError);
      expect((err as ApiError).status).toBe(409);
      expect((err as ApiError).problem.detail).toBe('The review is at version 5, not 4.');
      const post = s.seen[1];
      expect(post?.headers['if-match']).toBe('"4"');
      expect(post?.headers['content-type']).toBe('application/json');
      expect(JSON.parse(post?.body ?? '')).toEqual({ action: 'acknowledge', comment: 'ok' });
    } finally {
      await s.close();
    }
  });

  it('tells a route this server lacks (undefined) from a missing review (an error)', async () => {
    const s = await serve((_m, url) =>
      url.startsWith('/reviews/gone/')
        ? { status: 404, body: JSON.stringify({ title: 'Not found', status: 404, detail: 'No review gone.' }) }
        : { status: 404, body: JSON.stringify({ title: 'Not found', status: 404, detail: 'No route for GET /reviews/r1/verify. See the OpenAPI document.' }) },
    );
    try {
      const api = new ApiClient({ apiBase: s.url, apiKey: 'k' });
      await expect(api.optionalGet('/reviews/r1/verify')).resolves.toBeUndefined();
      await expect(api.optionalGet('/reviews/gone/verify')).rejects.toThrow('No review gone.');
    } finally {
      await s.close();
    }
  });

  it('describes an unreachable API and a non-problem error body in words a person can act on', async () => {
    const api = new ApiClient({ apiBase: 'http://127.0.0.1:9', apiKey: 'k' }, () => Promise.reject(new TypeError('fetch failed')));
    const err = (await api.health().catch((e: unknown) => e)) as ApiError;
    expect(err.status).toBe(0);
    expect(err.problem.detail).toMatch(/fetch failed.*API URL/);
    const p = await problemFrom(new Response('<html>bad gateway</html>', { status: 502, statusText: 'Bad Gateway' }));
    expect(p).toMatchObject({ title: 'Bad Gateway', status: 502 });
    const gw = await problemFrom(new Response(JSON.stringify({ message: 'Missing Authentication Token' }), { status: 403 }));
    expect(isMissingRoute(gw)).toBe(true);
    expect(isMissingRoute({ title: 'Forbidden', status: 403, detail: 'The API key lacks analytics:read.' })).toBe(false);
  });
});

describe('helpers', () => {
  it('reads version numbers from ETags', () => {
    expect(versionFromEtag('"3"')).toBe(3);
    expect(versionFromEtag('W/"12"')).toBe(12);
    expect(versionFromEtag('abc')).toBeUndefined();
    expect(versionFromEtag(null)).toBeUndefined();
  });
  it('leaves empty parameters out of the query', () => {
    expect(queryString({ a: 'x y', b: undefined, c: '', d: 2 })).toBe('?a=x+y&d=2');
    expect(queryString({})).toBe('');
  });
});
