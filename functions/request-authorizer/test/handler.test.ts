import { readAuthorizerContext } from '@iac-review/identity';
import { createTokenVerifier, readOidcConfig } from '@iac-review/identity/oidc';
import { startLocalIssuer, type LocalIssuer } from '@iac-review/identity/testing';
import { captureLogger } from '@iac-review/logger/testing';
import { createAuthorizer, type AuthorizerEvent } from '../src/handler';

let issuer: LocalIssuer;
beforeAll(async () => {
  issuer = await startLocalIssuer({
    users: [
      { username: 'rita', password: 'r', email: 'rita@example.com', groups: ['iac-readers', 'team "a", b'], sub: 'sub-rita' },
      { username: 'nora', password: 'n', email: 'nora@example.com', groups: [], sub: 'sub-nora' },
    ],
  });
});
afterAll(() => issuer.close());

const METHOD_ARN = 'arn:aws:execute-api:eu-west-1:123456789012:abc123/prod/GET/reviews';
const ev = (headers: Record<string, string>): AuthorizerEvent => ({ type: 'REQUEST', methodArn: METHOD_ARN, headers, requestContext: { identity: { sourceIp: '198.51.100.7' } } });

const setup = (signIn = true) => {
  const log = captureLogger();
  const oidc = readOidcConfig({ OIDC_ISSUER: issuer.issuer, OIDC_AUDIENCE: issuer.clientId, OIDC_GROUPS_CLAIM: 'groups' })!;
  const authorize = createAuthorizer({ logger: log.logger, ...(signIn ? { verifier: createTokenVerifier(oidc), peopleApiKey: 'people-plan-key' } : {}) });
  return { authorize, log };
};

describe('request-authorizer', () => {
  it('passes an API key through as the usage identifier (API Gateway validates it against the usage plans)', async () => {
    const { authorize } = setup();
    const r = await authorize(ev({ 'X-Api-Key': 'machine-key' }));
    expect(r).toMatchObject({ principalId: 'api-key', usageIdentifierKey: 'machine-key' });
    expect(r.context).toEqual({ callerKind: 'api-key' });
    expect(r.policyDocument.Statement).toEqual([{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: METHOD_ARN }]);
  });

  it("lets a verified person through on the people plan's key, with the subject as principal and the person in the context", async () => {
    const { authorize } = setup();
    const r = await authorize(ev({ Authorization: `Bearer ${await issuer.tokenFor('rita')}` }));
    expect(r).toMatchObject({ principalId: 'sub-rita', usageIdentifierKey: 'people-plan-key' });
    // API Gateway takes only strings, numbers and booleans as context values: groups travel as JSON.
    expect(r.context).toEqual({ callerKind: 'person', sub: 'sub-rita', username: 'rita', email: 'rita@example.com', groups: '["iac-readers","team \\"a\\", b"]' });
    for (const v of Object.values(r.context)) expect(typeof v).toBe('string');
    // What the functions read back from event.requestContext.authorizer (API Gateway adds principalId).
    expect(readAuthorizerContext({ ...r.context, principalId: r.principalId, integrationLatency: 3 })).toEqual({ kind: 'person', sub: 'sub-rita', username: 'rita', email: 'rita@example.com', groups: ['iac-readers', 'team "a", b'] });
  });

  it('leaves out the claims a token does not carry, and passes an empty group list as []', async () => {
    const { authorize } = setup();
    const bare = await issuer.sign({ sub: 'sub-bare', aud: issuer.clientId });
    expect((await authorize(ev({ authorization: `Bearer ${bare}` }))).context).toEqual({ callerKind: 'person', sub: 'sub-bare', groups: '[]' });
    const nora = await authorize(ev({ authorization: `Bearer ${await issuer.tokenFor('nora')}` }));
    expect(nora.context).toMatchObject({ callerKind: 'person', sub: 'sub-nora', groups: '[]' });
  });

  it('lets x-api-key win over a bearer token (the key path, without any person in the context)', async () => {
    const { authorize } = setup();
    const r = await authorize(ev({ 'x-api-key': 'machine-key', authorization: `Bearer ${await issuer.tokenFor('rita')}` }));
    expect(r).toMatchObject({ principalId: 'api-key', usageIdentifierKey: 'machine-key' });
    expect(r.context).toEqual({ callerKind: 'api-key' });
  });

  it('refuses bad tokens and no credentials with Unauthorized (401) and a security event', async () => {
    const { authorize, log } = setup();
    const expired = await issuer.sign({ sub: 'sub-rita', aud: issuer.clientId }, { expiresInSeconds: -3600 });
    await expect(authorize(ev({ authorization: `Bearer ${expired}` }))).rejects.toThrow(/^Unauthorized$/);
    await expect(authorize(ev({ authorization: `Bearer ${(await issuer.tokenFor('rita')).slice(0, -4)}AAAA` }))).rejects.toThrow(/^Unauthorized$/);
    await expect(authorize(ev({}))).rejects.toThrow(/^Unauthorized$/);
    const events = log.lines().filter((l) => l.type === 'security');
    expect(events.map((e) => e.event)).toEqual(['auth.signin-failed', 'auth.signin-failed', 'auth.denied']);
    expect(events[0]).toMatchObject({ reason: expect.stringMatching(/expired/), sourceIp: '198.51.100.7' });
  });

  it('refuses bearer tokens when sign-in is not configured', async () => {
    const { authorize } = setup(false);
    await expect(authorize(ev({ authorization: `Bearer ${await issuer.tokenFor('rita')}` }))).rejects.toThrow(/^Unauthorized$/);
  });
});
