import { openApiDocument } from '@iac-review/core';
import { readAuthorizerContext } from '@iac-review/identity';
import { createTokenVerifier, readOidcConfig } from '@iac-review/identity/oidc';
import { startLocalIssuer, type LocalIssuer } from '@iac-review/identity/testing';
import { captureLogger } from '@iac-review/logger/testing';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAuthorizer } from '../../functions/request-authorizer/src/handler';
import { createGateway, PEOPLE_PLAN_KEY_ID, type LocalFunction } from '../src/local/http-gateway';

/**
 * The local gateway runs functions/request-authorizer's own createAuthorizer on every route that
 * needs credentials, and hands its context to the function as requestContext.authorizer, as API
 * Gateway does: what the functions read locally is what they read in AWS.
 */
describe('local gateway: the request authorizer in front of the functions', () => {
  let issuer: LocalIssuer;
  let server: Server;
  let url: string;
  const seen: APIGatewayProxyEvent[] = [];
  const authorizerLog = captureLogger();

  beforeAll(async () => {
    issuer = await startLocalIssuer({ users: [{ username: 'rita', password: 'r', email: 'rita@example.com', groups: ['iac-readers', 'team-a'], sub: 'sub-rita' }] });
    const verifier = createTokenVerifier(readOidcConfig({ OIDC_ISSUER: issuer.issuer, OIDC_AUDIENCE: issuer.clientId, OIDC_GROUPS_CLAIM: 'groups' })!);
    const names = new Set<string>();
    for (const ops of Object.values(openApiDocument.paths)) for (const op of Object.values(ops as Record<string, { 'x-iac-review-function'?: string }>)) if (op['x-iac-review-function']) names.add(op['x-iac-review-function']);
    const functions = new Map<string, LocalFunction>(
      [...names].map((name) => [
        name,
        {
          name,
          timeoutSeconds: 5,
          memoryMb: 128,
          handler: async (event) => {
            seen.push(event as APIGatewayProxyEvent);
            return { statusCode: 200, headers: { 'content-type': 'application/json' }, body: '{}' };
          },
        },
      ]),
    );
    const gateway = createGateway({
      openApi: openApiDocument as unknown as Parameters<typeof createGateway>[0]['openApi'],
      functions,
      apiKeys: new Map([['machine-key', { id: 'key-machine', name: 'ci' }]]),
      authorizer: createAuthorizer({ logger: authorizerLog.logger, verifier, peopleApiKey: 'people-plan-key' }),
    });
    server = createServer((req, res) => void gateway(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await issuer.close();
  });

  const get = async (path: string, headers: Record<string, string>) => {
    const before = seen.length;
    const res = await fetch(`${url}${path}`, { headers });
    return { status: res.status, type: res.headers.get('content-type'), event: seen.length > before ? seen[seen.length - 1] : undefined };
  };

  it("passes a verified person's context, exactly the authorizer's, with the people plan's key id", async () => {
    const { status, event } = await get('/reviews', { authorization: `Bearer ${await issuer.tokenFor('rita')}` });
    expect(status).toBe(200);
    expect(event?.requestContext.authorizer).toEqual({ callerKind: 'person', sub: 'sub-rita', username: 'rita', email: 'rita@example.com', groups: '["iac-readers","team-a"]', principalId: 'sub-rita' });
    expect(event?.requestContext.identity.apiKeyId).toBe(PEOPLE_PLAN_KEY_ID);
    expect(readAuthorizerContext(event?.requestContext.authorizer)).toEqual({ kind: 'person', sub: 'sub-rita', username: 'rita', email: 'rita@example.com', groups: ['iac-readers', 'team-a'] });
  });

  it('passes an API key with the api-key context, and the key wins over a bearer token as in the authorizer', async () => {
    const both: Array<Record<string, string>> = [{ 'x-api-key': 'machine-key' }, { 'x-api-key': 'machine-key', authorization: `Bearer ${await issuer.tokenFor('rita')}` }];
    for (const headers of both) {
      const { status, event } = await get('/reviews', headers);
      expect(status).toBe(200);
      expect(event?.requestContext.authorizer).toEqual({ callerKind: 'api-key', principalId: 'api-key' });
      expect(event?.requestContext.identity.apiKeyId).toBe('key-machine');
    }
  });

  it('refuses a forged token, an unknown key and no credentials with 401 before any function runs', async () => {
    const token = await issuer.tokenFor('rita');
    const [h, , sig] = token.split('.');
    const forged = `${h}.${Buffer.from(JSON.stringify({ sub: 'sub-rita', groups: ['iac-admins'], iss: issuer.issuer, aud: issuer.clientId, exp: 4102444800 })).toString('base64url')}.${sig}`;
    const before = authorizerLog.lines().length;
    const refused: Array<Record<string, string>> = [{ authorization: `Bearer ${forged}` }, { 'x-api-key': 'not-a-key' }, {}];
    for (const headers of refused) {
      const res = await get('/reviews', headers);
      expect({ headers, status: res.status, type: res.type, invoked: res.event !== undefined }).toEqual({ headers, status: 401, type: 'application/problem+json', invoked: false });
    }
    expect(authorizerLog.lines().slice(before).map((l) => l.event)).toEqual(['auth.signin-failed', 'auth.denied']);
  });

  it('runs no authorizer on the webhooks (security []): their events carry no authorizer context', async () => {
    const before = seen.length;
    const res = await fetch(`${url}/webhook/github`, { method: 'POST', headers: { authorization: `Bearer ${await issuer.tokenFor('rita')}` }, body: '{}' });
    expect(res.status).toBe(200);
    expect(seen.length).toBe(before + 1);
    expect(seen[seen.length - 1]!.requestContext.authorizer).toBeNull();
  });
});
