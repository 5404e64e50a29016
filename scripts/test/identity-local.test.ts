import { startLocalStack, type LocalStack } from '../src/local/stack';

process.env.LOG_LEVEL = 'silent';

const plan = { format_version: '1.2', resource_changes: [] };

describe('sign-in on the local stack (local OIDC issuer, issue 19)', () => {
  let stack: LocalStack;
  const events: Array<{ event: string; status: number }> = [];
  beforeAll(async () => {
    stack = await startLocalStack({ port: 0, env: { LOG_LEVEL: 'silent', LOCAL_READER_PASSWORD: 'pw-r', LOCAL_WRITER_PASSWORD: 'pw-w' }, onError: () => undefined, onSecurityEvent: (e) => events.push(e) });
  });
  afterAll(async () => {
    await stack.stop();
  });

  const token = async (username: string, password: string): Promise<Response> =>
    fetch(`${stack.identity.issuer}/token`, { method: 'POST', body: new URLSearchParams({ grant_type: 'password', client_id: stack.identity.clientId, username, password }) });
  const bearer = async (username: string, password: string): Promise<string> => ((await (await token(username, password)).json()) as { access_token: string }).access_token;

  it('runs a real issuer on loopback: discovery, JWKS, and tokens only for the seeded users with their passwords', async () => {
    const discovery = (await (await fetch(`${stack.identity.issuer}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    expect(discovery).toMatchObject({ issuer: stack.identity.issuer, code_challenge_methods_supported: ['S256'] });
    expect(new URL(stack.identity.issuer).hostname).toBe('127.0.0.1');
    expect((await token('reader', 'wrong')).status).toBe(400);
    expect((await token('nobody', 'pw-r')).status).toBe(400);
    expect(stack.identity.users).toEqual([
      { username: 'reader', groups: ['iac-readers'] },
      { username: 'writer', groups: ['iac-writers'] },
    ]);
  });

  it("accepts the seeded users' tokens: the reader reads and gets 403 on writes, the writer's review names the writer", async () => {
    const reader = await bearer('reader', 'pw-r');
    const writer = await bearer('writer', 'pw-w');
    expect((await fetch(`${stack.url}/reviews`, { headers: { authorization: `Bearer ${reader}` } })).status).toBe(200);
    const denied = await fetch(`${stack.url}/reviews`, { method: 'POST', headers: { authorization: `Bearer ${reader}`, 'content-type': 'application/json' }, body: JSON.stringify({ plan }) });
    expect(denied.status).toBe(403);
    expect(((await denied.json()) as { detail: string }).detail).toContain('reviews:write');
    const created = await fetch(`${stack.url}/reviews`, { method: 'POST', headers: { authorization: `Bearer ${writer}`, 'content-type': 'application/json' }, body: JSON.stringify({ plan, repository: 'acme/infra' }) });
    expect(created.status).toBe(202);
    const { id } = (await created.json()) as { id: string };
    const v1 = (await (await fetch(`${stack.url}/reviews/${id}/versions/1`, { headers: { authorization: `Bearer ${reader}` } })).json()) as { actor: string; review: { submittedBy: string } };
    expect(v1.actor).toBe('user:writer sub=00000000-0000-4000-8000-00000000000b email=writer@iac-review.local groups=iac-writers');
    expect(v1.review.submittedBy).toBe(v1.actor);
    expect((await fetch(`${stack.url}/analytics/trends`, { headers: { authorization: `Bearer ${reader}` } })).status).toBe(200);
  });

  it('refuses a forged or foreign token at the gateway with 401 problem+json and a security event; API keys still work', async () => {
    const reader = await bearer('reader', 'pw-r');
    const [h, , s] = reader.split('.');
    const forged = `${h}.${Buffer.from(JSON.stringify({ sub: 'x', groups: ['iac-admins'], iss: stack.identity.issuer, aud: stack.identity.clientId, exp: 4102444800 })).toString('base64url')}.${s}`;
    const before = events.length;
    const res = await fetch(`${stack.url}/reviews`, { headers: { authorization: `Bearer ${forged}` } });
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(events.slice(before)).toEqual([expect.objectContaining({ event: 'gateway.unauthorized', status: 401 })]);
    expect((await fetch(`${stack.url}/reviews`, { headers: { 'x-api-key': stack.apiKeys.readonly } })).status).toBe(200);
  });
});
