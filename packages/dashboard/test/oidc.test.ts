import { createHash } from 'node:crypto';
import { beginSignIn, completeSignIn, personFrom, pkceChallenge, readSignInConfig, redirectUriFor, SignInError, type SignInConfig } from '../src/oidc';

const memoryStorage = () => {
  const m = new Map<string, string>();
  return { getItem: (k: string) => m.get(k) ?? null, setItem: (k: string, v: string) => void m.set(k, v), removeItem: (k: string) => void m.delete(k), m };
};
const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
const jwt = (claims: Record<string, unknown>) => `${b64({ alg: 'RS256' })}.${b64(claims)}.sig`;

const PAGE = 'https://dash.example.com/dashboard/#/reviews/abc';
const config: SignInConfig = readSignInConfig({ clientId: 'c1', authorizationEndpoint: 'https://login.example.com/oauth2/authorize', tokenEndpoint: 'https://login.example.com/oauth2/token' }, PAGE)!;

describe('dashboard sign-in (Authorization Code + PKCE)', () => {
  it('reads the signIn block of config.json: relative endpoints resolve on this origin, non-https other origins are refused', () => {
    expect(readSignInConfig({ clientId: 'x', authorizationEndpoint: '/oidc/authorize', tokenEndpoint: '/oidc/token' }, 'http://127.0.0.1:3000/dashboard/')).toEqual({
      clientId: 'x',
      authorizationEndpoint: 'http://127.0.0.1:3000/oidc/authorize',
      tokenEndpoint: 'http://127.0.0.1:3000/oidc/token',
      scope: 'openid email profile',
    });
    expect(config.scope).toBe('openid email profile');
    expect(readSignInConfig({ clientId: 'x', authorizationEndpoint: 'http://evil.example.com/a', tokenEndpoint: '/t' }, PAGE)).toBeUndefined();
    expect(readSignInConfig({ clientId: 'x', authorizationEndpoint: 'javascript:alert(1)', tokenEndpoint: '/t' }, PAGE)).toBeUndefined();
    expect(readSignInConfig({ authorizationEndpoint: '/a', tokenEndpoint: '/t' }, PAGE)).toBeUndefined();
    expect(readSignInConfig(undefined, PAGE)).toBeUndefined();
  });

  it('starts with an S256 challenge of a fresh verifier, a random state and this page (no fragment) as redirect_uri', async () => {
    const s = memoryStorage();
    const url = new URL(await beginSignIn(config, s, PAGE));
    expect(`${url.origin}${url.pathname}`).toBe('https://login.example.com/oauth2/authorize');
    const pending = JSON.parse(s.m.get('iac-review.oidc-pending')!) as { verifier: string; state: string; redirectUri: string; hash: string };
    expect(pending.redirectUri).toBe('https://dash.example.com/dashboard/');
    expect(pending.hash).toBe('#/reviews/abc');
    expect(pending.verifier).toMatch(/^[\w-]{43}$/);
    expect(Object.fromEntries(url.searchParams)).toEqual({
      response_type: 'code',
      client_id: 'c1',
      redirect_uri: 'https://dash.example.com/dashboard/',
      scope: 'openid email profile',
      state: pending.state,
      code_challenge: createHash('sha256').update(pending.verifier).digest('base64url'),
      code_challenge_method: 'S256',
    });
    expect(await pkceChallenge('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).toBe('E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM'); // RFC 7636 appendix B
    const again = memoryStorage();
    await beginSignIn(config, again, PAGE);
    expect(JSON.parse(again.m.get('iac-review.oidc-pending')!).verifier).not.toBe(pending.verifier);
    expect(redirectUriFor('http://127.0.0.1:3000/?code=1#/x')).toBe('http://127.0.0.1:3000/');
  });

  it('exchanges the code with the verifier and answers the person and expiry; the pending request is used once', async () => {
    const s = memoryStorage();
    await beginSignIn(config, s, PAGE);
    const pending = JSON.parse(s.m.get('iac-review.oidc-pending')!) as { verifier: string; state: string };
    const sent: Array<{ url: string; body: string }> = [];
    const access = jwt({ sub: 's1', exp: 2_000_000_000, 'cognito:groups': ['iac-writers'], username: 'wanda' });
    const fetchFn = async (url: string, init?: RequestInit) => {
      sent.push({ url, body: String(init?.body) });
      return new Response(JSON.stringify({ access_token: access, id_token: jwt({ sub: 's1', email: 'w@example.com', 'cognito:username': 'wanda', 'cognito:groups': ['iac-writers'], exp: 1 }), expires_in: 3600 }), { status: 200 });
    };
    const done = await completeSignIn(config, s, `https://dash.example.com/dashboard/?code=the-code&state=${pending.state}`, fetchFn);
    expect(done).toEqual({ session: { token: access, expiresAt: 2_000_000_000_000, person: { name: 'wanda', email: 'w@example.com', groups: ['iac-writers'] } }, hash: '#/reviews/abc' });
    expect(sent).toHaveLength(1);
    expect(sent[0]!.url).toBe('https://login.example.com/oauth2/token');
    expect(Object.fromEntries(new URLSearchParams(sent[0]!.body))).toEqual({ grant_type: 'authorization_code', code: 'the-code', redirect_uri: 'https://dash.example.com/dashboard/', client_id: 'c1', code_verifier: pending.verifier });
    // Replaying the same answer: the pending request is gone.
    await expect(completeSignIn(config, s, `https://dash.example.com/dashboard/?code=the-code&state=${pending.state}`, fetchFn)).rejects.toThrow(/not started in this tab/);
    expect(sent).toHaveLength(1);
  });

  it('refuses a state mismatch, an issuer error and a token endpoint error, without a token request where none is due', async () => {
    const fetchFn = jest.fn(async () => new Response(JSON.stringify({ error: 'invalid_grant', error_description: 'code_verifier does not match' }), { status: 400 }));
    const s = memoryStorage();
    await beginSignIn(config, s, PAGE);
    await expect(completeSignIn(config, s, 'https://dash.example.com/dashboard/?code=c&state=forged', fetchFn)).rejects.toThrow(/state differs/);
    expect(fetchFn).not.toHaveBeenCalled();
    await beginSignIn(config, s, PAGE);
    await expect(completeSignIn(config, s, 'https://dash.example.com/dashboard/?error=access_denied&error_description=User+cancelled', fetchFn)).rejects.toThrow('The issuer refused the sign-in: access_denied (User cancelled).');
    await beginSignIn(config, s, PAGE);
    const state = (JSON.parse(s.m.get('iac-review.oidc-pending')!) as { state: string }).state;
    await expect(completeSignIn(config, s, `https://dash.example.com/dashboard/?code=c&state=${state}`, fetchFn)).rejects.toThrow(SignInError);
    await beginSignIn(config, s, PAGE);
    const state2 = (JSON.parse(s.m.get('iac-review.oidc-pending')!) as { state: string }).state;
    await expect(completeSignIn(config, s, `https://dash.example.com/dashboard/?code=c&state=${state2}`, fetchFn)).rejects.toThrow(/invalid_grant: code_verifier does not match/);
    expect(await completeSignIn(config, s, 'https://dash.example.com/dashboard/#/x', fetchFn)).toBeUndefined();
  });

  it('names the person from standard or Cognito claims', () => {
    expect(personFrom(jwt({ preferred_username: 'writer', email: 'w@x', groups: ['a', 1], exp: 5 }))).toEqual({ person: { name: 'writer', email: 'w@x', groups: ['a'] }, exp: 5 });
    expect(personFrom(jwt({ sub: 'only-sub' })).person).toEqual({ name: 'only-sub', groups: [] });
    expect(() => personFrom('not-a-jwt')).toThrow(/not a JWT/);
  });
});
