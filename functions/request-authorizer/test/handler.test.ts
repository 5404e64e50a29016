import { createTokenVerifier, readOidcConfig } from '@iac-review/identity';
import { startLocalIssuer, type LocalIssuer } from '@iac-review/identity/testing';
import { captureLogger } from '@iac-review/logger/testing';
import { createAuthorizer, type AuthorizerEvent } from '../src/handler';

let issuer: LocalIssuer;
beforeAll(async () => {
  issuer = await startLocalIssuer({ users: [{ username: 'rita', password: 'r', email: 'rita@example.com', groups: ['iac-readers'], sub: 'sub-rita' }] });
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
    expect(r).toMatchObject({ principalId: 'api-key', usageIdentifierKey: 'machine-key', context: { callerKind: 'api-key' } });
    expect(r.policyDocument.Statement).toEqual([{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: METHOD_ARN }]);
  });

  it("lets a verified person through on the people plan's key, with the subject as principal", async () => {
    const { authorize } = setup();
    const r = await authorize(ev({ Authorization: `Bearer ${await issuer.tokenFor('rita')}` }));
    expect(r).toMatchObject({ principalId: 'sub-rita', usageIdentifierKey: 'people-plan-key', context: { callerKind: 'person', sub: 'sub-rita' } });
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
