import { createHash, randomBytes } from 'node:crypto';
import { createTokenVerifier, readOidcConfig } from '../src/oidc';
import { startLocalIssuer, type LocalIssuer } from '../src/testing';

/** The local issuer's Authorization Code + PKCE flow, as the dashboard drives it (form post, 302, code exchange). */
describe('local issuer: authorization code with PKCE', () => {
  let issuer: LocalIssuer;
  const REDIRECT = 'http://127.0.0.1:9/dashboard/';
  beforeAll(async () => {
    issuer = await startLocalIssuer({ users: [{ username: 'writer', password: 'pw-writer', email: 'w@example.com', groups: ['iac-writers'] }], clientId: 'dash' });
  });
  afterAll(() => issuer.close());

  const pkce = () => {
    const verifier = randomBytes(32).toString('base64url');
    return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
  };
  const authorizeParams = (challenge: string, extra: Record<string, string> = {}) =>
    new URLSearchParams({ response_type: 'code', client_id: 'dash', redirect_uri: REDIRECT, scope: 'openid', state: 'st-1', code_challenge: challenge, code_challenge_method: 'S256', ...extra });
  /** Posts the sign-in form; answers the code from the redirect. */
  const signIn = async (challenge: string, password = 'pw-writer') => {
    const res = await fetch(`${issuer.issuer}/authorize`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams([...authorizeParams(challenge), ['username', 'writer'], ['password', password]]).toString() });
    return res;
  };
  const exchange = (form: Record<string, string>) =>
    fetch(`${issuer.issuer}/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ grant_type: 'authorization_code', client_id: 'dash', redirect_uri: REDIRECT, ...form }).toString() });

  it('advertises the endpoints and S256 in discovery', async () => {
    const d = (await (await fetch(`${issuer.issuer}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    expect(d).toMatchObject({ authorization_endpoint: `${issuer.issuer}/authorize`, token_endpoint: `${issuer.issuer}/token`, code_challenge_methods_supported: ['S256'], token_endpoint_auth_methods_supported: ['none'] });
  });

  it('shows the sign-in form (posting to a relative URL, so it also works behind a path prefix) and requires S256 PKCE', async () => {
    const { challenge } = pkce();
    const form = await fetch(`${issuer.issuer}/authorize?${authorizeParams(challenge).toString()}`);
    expect(form.status).toBe(200);
    const html = await form.text();
    expect(html).toContain('action="authorize"');
    expect(html).toContain('name="password"');
    expect((await fetch(`${issuer.issuer}/authorize?${authorizeParams(challenge, { code_challenge_method: 'plain' }).toString()}`)).status).toBe(400);
    expect((await fetch(`${issuer.issuer}/authorize?${authorizeParams('', {}).toString()}`)).status).toBe(400);
    expect((await fetch(`${issuer.issuer}/authorize?${authorizeParams(challenge, { client_id: 'other' }).toString()}`)).status).toBe(400);
  });

  it('redirects back with code and state, exchanges the code once with the right verifier and redirect_uri', async () => {
    expect((await signIn(pkce().challenge, 'wrong')).status).toBe(401);

    const { verifier, challenge } = pkce();
    const res = await signIn(challenge);
    expect(res.status).toBe(302);
    const back = new URL(res.headers.get('location') ?? '');
    expect(`${back.origin}${back.pathname}`).toBe(REDIRECT);
    expect(back.searchParams.get('state')).toBe('st-1');
    const code = back.searchParams.get('code')!;
    expect(code).toMatch(/^[\w-]{32}$/);

    const ok = await exchange({ code, code_verifier: verifier });
    expect(ok.status).toBe(200);
    const body = (await ok.json()) as { access_token: string; token_type: string };
    expect(body.token_type).toBe('Bearer');
    const config = readOidcConfig({ OIDC_ISSUER: issuer.issuer, OIDC_AUDIENCE: 'dash', OIDC_GROUPS_CLAIM: 'groups', OIDC_GROUP_SCOPES: '{"iac-writers":["reviews:write"]}' })!;
    const verified = await createTokenVerifier(config).verify(body.access_token);
    expect(verified).toMatchObject({ claims: expect.objectContaining({ preferred_username: 'writer' }) });

    // Single use.
    const again = await exchange({ code, code_verifier: verifier });
    expect(again.status).toBe(400);
    expect(await again.json()).toMatchObject({ error: 'invalid_grant' });
  });

  it('refuses a wrong verifier, another redirect_uri and an expired code (and a failed try burns the code)', async () => {
    const a = pkce();
    const codeA = new URL((await signIn(a.challenge)).headers.get('location')!).searchParams.get('code')!;
    const wrongVerifier = await exchange({ code: codeA, code_verifier: pkce().verifier });
    expect(await wrongVerifier.json()).toMatchObject({ error: 'invalid_grant', error_description: expect.stringMatching(/PKCE/) });
    expect((await exchange({ code: codeA, code_verifier: a.verifier })).status).toBe(400);

    const b = pkce();
    const codeB = new URL((await signIn(b.challenge)).headers.get('location')!).searchParams.get('code')!;
    const otherRedirect = await exchange({ code: codeB, code_verifier: b.verifier, redirect_uri: 'http://127.0.0.1:9/elsewhere/' });
    expect(await otherRedirect.json()).toMatchObject({ error: 'invalid_grant', error_description: expect.stringMatching(/redirect_uri/) });

    const c = pkce();
    const codeC = new URL((await signIn(c.challenge)).headers.get('location')!).searchParams.get('code')!;
    const realNow = Date.now;
    const spy = jest.spyOn(Date, 'now').mockImplementation(() => realNow() + 61_000);
    try {
      const late = await exchange({ code: codeC, code_verifier: c.verifier });
      expect(await late.json()).toMatchObject({ error: 'invalid_grant', error_description: expect.stringMatching(/expired/) });
    } finally {
      spy.mockRestore();
    }
  });
});
