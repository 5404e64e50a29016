import { generateKeyPair, SignJWT, exportJWK, base64url } from 'jose';
import { createTokenVerifier, readOidcConfig, TokenRejectedError, IdentityConfigError, type OidcConfig } from '../src/oidc';
import { startLocalIssuer, type LocalIssuer } from '../src/testing';

let issuer: LocalIssuer;
let config: OidcConfig;

beforeAll(async () => {
  issuer = await startLocalIssuer({ users: [{ username: 'rita', password: 'pw', email: 'rita@example.com', groups: ['iac-readers'] }], groupsClaim: 'cognito:groups' });
  config = readOidcConfig({ OIDC_ISSUER: issuer.issuer, OIDC_AUDIENCE: issuer.clientId, OIDC_GROUP_SCOPES: '{"iac-readers":["reviews:read"]}' })!;
});
afterAll(() => issuer.close());

const rejected = async (token: string, cfg: OidcConfig = config): Promise<string> => {
  try {
    await createTokenVerifier(cfg).verify(token);
  } catch (err) {
    expect(err).toBeInstanceOf(TokenRejectedError);
    return (err as TokenRejectedError).reason;
  }
  throw new Error('token was accepted');
};

describe('createTokenVerifier', () => {
  it('accepts a token from the issuer (found through discovery) and reads sub, username, email and groups', async () => {
    const t = await createTokenVerifier(config).verify(await issuer.tokenFor('rita'));
    expect(t).toMatchObject({ username: 'rita', email: 'rita@example.com', groups: ['iac-readers'] });
    expect(t.sub).toMatch(/[0-9a-f-]{36}/);
  });

  it('accepts a Cognito access token by client_id (no aud) with token_use access', async () => {
    const token = await issuer.sign({ sub: 'u1', client_id: issuer.clientId, token_use: 'access', username: 'ann', 'cognito:groups': ['iac-writers'] });
    const t = await createTokenVerifier(config).verify(token);
    expect(t).toMatchObject({ sub: 'u1', username: 'ann', groups: ['iac-writers'], tokenUse: 'access' });
  });

  it('refuses an expired token, and one expired by less than the allowed skew is still accepted', async () => {
    expect(await rejected(await issuer.sign({ sub: 'u1', aud: issuer.clientId }, { expiresInSeconds: -120 }))).toMatch(/expired/);
    await expect(createTokenVerifier(config).verify(await issuer.sign({ sub: 'u1', aud: issuer.clientId }, { expiresInSeconds: -30 }))).resolves.toMatchObject({ sub: 'u1' });
    const strict = { ...config, clockSkewSeconds: 0 };
    expect(await rejected(await issuer.sign({ sub: 'u1', aud: issuer.clientId }, { expiresInSeconds: -30 }), strict)).toMatch(/expired/);
  });

  it('refuses another audience, another client_id and another issuer', async () => {
    expect(await rejected(await issuer.sign({ sub: 'u1', aud: 'someone-else' }))).toMatch(/audience/);
    expect(await rejected(await issuer.sign({ sub: 'u1', client_id: 'someone-else', token_use: 'access' }))).toMatch(/audience/);
    expect(await rejected(await issuer.sign({ sub: 'u1', aud: issuer.clientId, iss: 'https://evil.example.com' }))).toMatch(/another issuer/);
  });

  it('refuses an unsigned token (alg none), a tampered payload and a key not in the JWKS', async () => {
    const good = await issuer.tokenFor('rita');
    const [h, p] = good.split('.');
    const none = `${base64url.encode(JSON.stringify({ alg: 'none', typ: 'JWT' }))}.${p}.`;
    expect(await rejected(none)).toMatch(/algorithm|malformed/);
    const claims = JSON.parse(new TextDecoder().decode(base64url.decode(p!))) as Record<string, unknown>;
    const forged = `${h}.${base64url.encode(JSON.stringify({ ...claims, 'cognito:groups': ['iac-admins'] }))}.${good.split('.')[2]}`;
    expect(await rejected(forged)).toMatch(/signature/);
    const other = await generateKeyPair('RS256');
    expect(await rejected(await issuer.sign({ sub: 'u1', aud: issuer.clientId }, { key: other.privateKey, kid: 'unknown-kid' }))).toMatch(/JWKS|key/);
    expect(await rejected('not-a-jwt')).toMatch(/malformed/);
  });

  it('refuses HS256 signed with the public key as a shared secret (algorithm confusion)', async () => {
    const jwks = (await (await fetch(issuer.jwksUrl)).json()) as { keys: Array<Record<string, unknown>> };
    const secret = new TextEncoder().encode(JSON.stringify(jwks.keys[0]));
    const kid = jwks.keys[0]!.kid as string;
    const hs = await new SignJWT({ sub: 'u1', aud: issuer.clientId }).setProtectedHeader({ alg: 'HS256', kid }).setIssuer(issuer.issuer).setExpirationTime('1h').sign(secret);
    expect(await rejected(hs)).toMatch(/algorithm/);
  });

  it('refuses token_use other than id/access and a token without exp', async () => {
    expect(await rejected(await issuer.sign({ sub: 'u1', aud: issuer.clientId, token_use: 'refresh' }))).toMatch(/token_use/);
    const { privateKey, publicKey } = await generateKeyPair('ES256');
    const jwk = { ...(await exportJWK(publicKey)), kid: 'k' };
    const server = await import('node:http').then(
      (http) =>
        new Promise<{ url: string; close: () => void }>((resolve) => {
          const s = http.createServer((_q, r) => r.end(JSON.stringify({ keys: [jwk] }))).listen(0, '127.0.0.1', () => resolve({ url: `http://127.0.0.1:${(s.address() as { port: number }).port}`, close: () => s.close() }));
        }),
    );
    try {
      const noExp = await new SignJWT({ sub: 'u1', aud: 'a' }).setProtectedHeader({ alg: 'ES256', kid: 'k' }).setIssuer('https://idp.example.com').sign(privateKey);
      expect(await rejected(noExp, { ...config, issuer: 'https://idp.example.com', audience: ['a'], jwksUrl: server.url })).toMatch(/exp/);
    } finally {
      server.close();
    }
  });

  it('says the discovery failed and tries again on the next token', async () => {
    let calls = 0;
    const failing: typeof fetch = async (input, init) => {
      calls++;
      if (calls === 1) return new Response('down', { status: 503 });
      return fetch(input, init);
    };
    const v = createTokenVerifier(config, { fetch: failing });
    const token = await issuer.tokenFor('rita');
    await expect(v.verify(token)).rejects.toThrow(/discovery document answered 503/);
    await expect(v.verify(token)).resolves.toMatchObject({ username: 'rita' });
    expect(calls).toBe(2);
  });
});

describe('readOidcConfig', () => {
  it('is off without OIDC_ISSUER and names the variable that is wrong', () => {
    expect(readOidcConfig({})).toBeUndefined();
    expect(() => readOidcConfig({ OIDC_ISSUER: 'https://idp.example.com' })).toThrow(/OIDC_AUDIENCE/);
    expect(() => readOidcConfig({ OIDC_ISSUER: 'http://idp.example.com', OIDC_AUDIENCE: 'a' })).toThrow(/https/);
    expect(() => readOidcConfig({ OIDC_ISSUER: 'https://i.example.com', OIDC_AUDIENCE: 'a', OIDC_GROUP_SCOPES: '{"g":["root"]}' })).toThrow(/unknown scope root/);
    expect(() => readOidcConfig({ OIDC_ISSUER: 'https://i.example.com', OIDC_AUDIENCE: 'a', OIDC_GROUP_SCOPES: 'nope' })).toThrow(IdentityConfigError);
    expect(() => readOidcConfig({ OIDC_ISSUER: 'https://i.example.com', OIDC_AUDIENCE: 'a', OIDC_GROUP_REPOSITORIES: '{"g":["no-slash"]}' })).toThrow(/owner\/name/);
    expect(() => readOidcConfig({ OIDC_ISSUER: 'https://i.example.com', OIDC_AUDIENCE: 'a', OIDC_CLOCK_SKEW_SECONDS: '3600' })).toThrow(/0 to 300/);
    expect(readOidcConfig({ OIDC_ISSUER: 'https://i.example.com', OIDC_AUDIENCE: 'a, b', OIDC_GROUPS_CLAIM: 'groups' })).toMatchObject({ audience: ['a', 'b'], groupsClaim: 'groups', clockSkewSeconds: 60 });
  });
});
