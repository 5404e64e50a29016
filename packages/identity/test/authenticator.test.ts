import { HttpProblemError, type ClientRegistry, type HttpEvent } from '@iac-review/core';
import { captureLogger } from '@iac-review/logger/testing';
import { AuthorizerContextError, canSeeRepository, createAuthenticator, personContext, readAuthorizerContext, readOidcConfig, type OidcConfig, type PersonCaller } from '../src';

const oidc: OidcConfig = readOidcConfig({
  OIDC_ISSUER: 'https://idp.example.com',
  OIDC_AUDIENCE: 'iac-review',
  OIDC_GROUP_SCOPES: JSON.stringify({ 'iac-readers': ['reviews:read'], 'iac-writers': ['reviews:read', 'reviews:write'], 'iac-admins': ['admin'] }),
  OIDC_GROUP_REPOSITORIES: JSON.stringify({ 'team-a': ['acme/*'], 'team-b': ['other/infra'] }),
})!;
const clients: ClientRegistry = { 'key-ci': { name: 'ci', scopes: ['reviews:read', 'reviews:write'] } };

const event = (opts: { authorizer?: unknown; authorization?: string; apiKeyId?: string } = {}): HttpEvent =>
  ({
    httpMethod: 'GET',
    path: '/reviews',
    headers: opts.authorization ? { Authorization: opts.authorization } : {},
    requestContext: {
      requestId: 'req',
      identity: { sourceIp: '198.51.100.7', ...(opts.apiKeyId ? { apiKeyId: opts.apiKeyId } : {}) },
      ...(opts.authorizer !== undefined ? { authorizer: opts.authorizer } : {}),
    },
  }) as unknown as HttpEvent;

/** What API Gateway passes on for a verified person: the authorizer's context plus principalId. */
const personFromAuthorizer = (p: { sub: string; username?: string; email?: string; groups: string[] }) => ({ ...personContext(p), principalId: p.sub, integrationLatency: 12 });

const setup = (withOidc = true) => {
  const log = captureLogger();
  const auth = createAuthenticator({ clients, logger: log.logger, ...(withOidc ? { oidc } : {}) });
  return { auth, log };
};

const failure = async (p: Promise<unknown>): Promise<HttpProblemError> => {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(HttpProblemError);
    return err as HttpProblemError;
  }
  throw new Error('expected a failure');
};

describe('createAuthenticator with the request authorizer context', () => {
  it("builds the person from the authorizer's context and maps their groups to scopes", async () => {
    const { auth } = setup();
    const caller = (await auth.authorize(event({ authorizer: personFromAuthorizer({ sub: 'sub-walt', username: 'walt', email: 'walt@example.com', groups: ['iac-writers', 'unknown-group'] }) }), 'createReview', ['reviews:write'])) as PersonCaller;
    expect(caller).toEqual({ kind: 'person', sub: 'sub-walt', username: 'walt', email: 'walt@example.com', groups: ['iac-writers', 'unknown-group'], scopes: ['reviews:read', 'reviews:write'], repositories: [] });
    const admin = (await auth.authorize(event({ authorizer: personFromAuthorizer({ sub: 'sub-ada', groups: ['iac-admins'] }) }), 'createReview', ['analytics:read', 'reviews:write'])) as PersonCaller;
    expect(admin.scopes).toEqual(expect.arrayContaining(['admin', 'analytics:read', 'reviews:read', 'reviews:write']));
    expect(admin.repositories).toBeUndefined();
  });

  it("restricts a person to their groups' repositories", async () => {
    const { auth } = setup();
    const tess = await auth.authorize(event({ authorizer: personFromAuthorizer({ sub: 'sub-tess', groups: ['iac-readers', 'team-a'] }) }), 'listReviews', ['reviews:read']);
    expect((tess as PersonCaller).repositories).toEqual(['acme/*']);
    expect(canSeeRepository(tess, 'acme/network')).toBe(true);
    expect(canSeeRepository(tess, 'other/infra')).toBe(false);
  });

  it('refuses a person without the scope with 403 and an auth.denied security event naming the person', async () => {
    const { auth, log } = setup();
    const err = await failure(auth.authorize(event({ authorizer: personFromAuthorizer({ sub: 'sub-rita', username: 'rita', groups: ['iac-readers'] }) }), 'createReview', ['reviews:write']));
    expect(err.status).toBe(403);
    expect(err.message).toMatch(/iac-readers.*reviews:write/);
    expect(log.lines().filter((l) => l.type === 'security')).toEqual([expect.objectContaining({ event: 'auth.denied', status: 403, sub: 'sub-rita', username: 'rita', actorKind: 'person' })]);
  });

  it("follows the authorizer's callerKind: api-key wins over a bearer header, a person wins over the people plan's key id", async () => {
    const { auth } = setup();
    const key = await auth.authorize(event({ authorizer: { callerKind: 'api-key', principalId: 'api-key' }, authorization: 'Bearer abc.def.ghi', apiKeyId: 'key-ci' }), 'createReview', ['reviews:write']);
    expect(key).toEqual({ kind: 'key', name: 'ci', keyId: 'key-ci', scopes: ['reviews:read', 'reviews:write'] });
    // In AWS a person arrives with the people usage plan's key id, which no client holds.
    const person = await auth.authorize(event({ authorizer: personFromAuthorizer({ sub: 'sub-rita', groups: ['iac-readers'] }), authorization: 'Bearer abc.def.ghi', apiKeyId: 'people-plan-key-id' }), 'listReviews', ['reviews:read']);
    expect(person).toMatchObject({ kind: 'person', sub: 'sub-rita' });
    const unknownKey = await failure(auth.authorize(event({ authorizer: { callerKind: 'api-key' }, apiKeyId: 'people-plan-key-id' }), 'listReviews', ['reviews:read']));
    expect(unknownKey.status).toBe(401);
  });

  it("answers 401 to a bearer token the authorizer did not verify, saying who verifies tokens, with a security event; the function never verifies it", async () => {
    const { auth, log } = setup();
    const err = await failure(auth.authorize(event({ authorization: 'Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln' }), 'listReviews', ['reviews:read']));
    expect(err.status).toBe(401);
    expect(err.message).toMatch(/verified by the API's request authorizer.*API key in x-api-key/);
    expect(err.headers['www-authenticate']).toMatch(/^Bearer /);
    expect(log.lines().filter((l) => l.type === 'security')).toEqual([expect.objectContaining({ event: 'auth.signin-failed', status: 401, sourceIp: '198.51.100.7', reason: expect.stringMatching(/authorizer/) })]);
    // An authorizer object without a callerKind (another kind of authorizer) is no person either.
    expect((await failure(auth.authorize(event({ authorizer: { principalId: 'x' }, authorization: 'Bearer a.b.c' }), 'listReviews', ['reviews:read']))).status).toBe(401);
    // Without sign-in settings the answer says sign-in is off.
    const off = await failure(setup(false).auth.authorize(event({ authorization: 'Bearer a.b.c' }), 'listReviews', ['reviews:read']));
    expect([off.status, off.message]).toEqual([401, expect.stringMatching(/not configured/)]);
    // Not a bearer token at all.
    expect((await failure(auth.authorize(event({ authorization: 'Basic dTpw' }), 'listReviews', ['reviews:read']))).status).toBe(401);
  });

  it.each([
    ['an unknown callerKind', { callerKind: 'admin' }],
    ['a person without sub', { callerKind: 'person', groups: '[]' }],
    ['a person with an empty sub', { callerKind: 'person', sub: ' ', groups: '[]' }],
    ['a person whose sub is not a string', { callerKind: 'person', sub: 42, groups: '[]' }],
    ['a person without groups', { callerKind: 'person', sub: 'sub-x' }],
    ['groups that are not JSON', { callerKind: 'person', sub: 'sub-x', groups: 'iac-admins' }],
    ['groups that are a JSON string, not an array', { callerKind: 'person', sub: 'sub-x', groups: '"iac-admins"' }],
    ['groups with a non-string', { callerKind: 'person', sub: 'sub-x', groups: '["iac-readers",7]' }],
    ['groups as an array instead of a JSON string', { callerKind: 'person', sub: 'sub-x', groups: ['iac-admins'] }],
    ['an empty username', { callerKind: 'person', sub: 'sub-x', groups: '[]', username: '' }],
    ['an email that is not a string', { callerKind: 'person', sub: 'sub-x', groups: '[]', email: true }],
    ['a context that is not an object', 'person'],
  ])('answers 500 to %s (our fault, logged with the reason), never a silent pass', async (_name, authorizer) => {
    const { auth, log } = setup();
    const err = await failure(auth.authorize(event({ authorizer, apiKeyId: 'key-ci' }), 'listReviews', ['reviews:read']));
    expect(err).toBeInstanceOf(AuthorizerContextError);
    expect(err.status).toBe(500);
    expect(err.message).toMatch(/authorizer/);
    const errors = log.lines().filter((l) => l.message === 'authorizer context rejected');
    expect(errors).toEqual([expect.objectContaining({ level: 'error', reason: (err as AuthorizerContextError).reason, operation: 'listReviews' })]);
    expect(log.raw()).not.toContain('iac-admins');
  });

  it('answers 500 when the authorizer verified a person but this function has no sign-in settings', async () => {
    const { auth, log } = setup(false);
    const err = await failure(auth.authorize(event({ authorizer: personFromAuthorizer({ sub: 'sub-x', groups: [] }) }), 'listReviews', ['reviews:read']));
    expect(err.status).toBe(500);
    expect(log.lines().find((l) => l.message === 'authorizer context rejected')?.reason).toMatch(/OIDC_ISSUER/);
  });

  it('reads back exactly what personContext writes', () => {
    const p = { sub: 'sub-x', username: 'x', email: 'x@example.com', groups: ['a', 'b "c"'] };
    expect(readAuthorizerContext(personContext(p))).toEqual({ kind: 'person', ...p });
    expect(readAuthorizerContext(null)).toEqual({ kind: 'none' });
    expect(readAuthorizerContext(undefined)).toEqual({ kind: 'none' });
  });
});
