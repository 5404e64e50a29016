import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type JWK, type JWTPayload, type KeyLike } from 'jose';

/** A seeded person of the local issuer. */
export interface LocalUser {
  username: string;
  password: string;
  email: string;
  groups: string[];
  sub?: string;
}

export interface LocalIssuer {
  /** The `iss` of its tokens, e.g. http://127.0.0.1:4567 */
  issuer: string;
  jwksUrl: string;
  clientId: string;
  /** Signs a token with the issuer's key (tests override any claim or header). */
  sign(claims: JWTPayload, opts?: { expiresInSeconds?: number; kid?: string; alg?: string; key?: KeyLike }): Promise<string>;
  /** A token for a seeded user, as the /token endpoint would issue it. */
  tokenFor(username: string): Promise<string>;
  close(): Promise<void>;
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const readForm = async (req: IncomingMessage): Promise<URLSearchParams> => {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > 64 * 1024) throw new Error('form too large');
    chunks.push(c as Buffer);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
};

const sameSecret = (a: string, b: string) => {
  const x = createHash('sha256').update(a).digest();
  const y = createHash('sha256').update(b).digest();
  return timingSafeEqual(x, y);
};

/**
 * A minimal OpenID Connect issuer on loopback, built on jose, for tests and the local stack: discovery,
 * JWKS (one RS256 key), a token endpoint (password grant for seeded users — local use only — and
 * authorization_code with PKCE S256), and an authorization endpoint with a plain sign-in form. It is
 * not a production identity provider: users, codes and keys live in memory.
 */
export const startLocalIssuer = async (opts: { users: LocalUser[]; clientId?: string; host?: string; port?: number; tokenTtlSeconds?: number; groupsClaim?: string }): Promise<LocalIssuer> => {
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  const kid = randomUUID();
  const jwk: JWK = { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' };
  const clientId = opts.clientId ?? 'iac-review-local';
  const ttl = opts.tokenTtlSeconds ?? 3600;
  const groupsClaim = opts.groupsClaim ?? 'groups';
  const users = new Map(opts.users.map((u) => [u.username, { ...u, sub: u.sub ?? randomUUID() }]));
  const codes = new Map<string, { username: string; challenge: string; redirectUri: string; expires: number; nonce?: string }>();
  let issuer = '';

  const sign: LocalIssuer['sign'] = async (claims, o = {}) =>
    new SignJWT({ ...claims })
      .setProtectedHeader({ alg: o.alg ?? 'RS256', kid: o.kid ?? kid, typ: 'JWT' })
      .setIssuedAt()
      .setIssuer((claims.iss as string | undefined) ?? issuer)
      .setExpirationTime(Math.floor(Date.now() / 1000) + (o.expiresInSeconds ?? ttl))
      .sign(o.key ?? privateKey);

  const tokenFor = async (username: string, nonce?: string) => {
    const u = users.get(username);
    if (!u) throw new Error(`no seeded user ${username}`);
    return sign({ sub: u.sub, aud: clientId, email: u.email, preferred_username: u.username, [groupsClaim]: u.groups, ...(nonce ? { nonce } : {}) });
  };

  const json = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', 'access-control-allow-origin': '*' });
    res.end(JSON.stringify(body));
  };
  const oauthError = (res: ServerResponse, status: number, error: string, description: string) => json(res, status, { error, error_description: description });

  const loginPage = (params: URLSearchParams, message?: string) => `<!doctype html><html><head><meta charset="utf-8"><title>Sign in · local issuer</title></head><body>
<h1>Sign in to IaC Review (local issuer)</h1>${message ? `<p role="alert">${escapeHtml(message)}</p>` : ''}
<form method="post" action="authorize">
${[...params].map(([k, v]) => `<input type="hidden" name="${escapeHtml(k)}" value="${escapeHtml(v)}">`).join('\n')}
<label>Username <input name="username" autocomplete="username"></label>
<label>Password <input name="password" type="password" autocomplete="current-password"></label>
<button type="submit">Sign in</button>
</form></body></html>`;

  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', issuer || 'http://127.0.0.1');
      if (req.method === 'OPTIONS') {
        res.writeHead(204, { 'access-control-allow-origin': '*', 'access-control-allow-methods': 'GET, POST', 'access-control-allow-headers': 'content-type' });
        res.end();
        return;
      }
      if (req.method === 'GET' && url.pathname === '/.well-known/openid-configuration') {
        json(res, 200, {
          issuer,
          jwks_uri: `${issuer}/jwks.json`,
          authorization_endpoint: `${issuer}/authorize`,
          token_endpoint: `${issuer}/token`,
          response_types_supported: ['code'],
          grant_types_supported: ['authorization_code', 'password'],
          code_challenge_methods_supported: ['S256'],
          subject_types_supported: ['public'],
          id_token_signing_alg_values_supported: ['RS256'],
          token_endpoint_auth_methods_supported: ['none'],
          scopes_supported: ['openid', 'email', 'profile'],
        });
        return;
      }
      if (req.method === 'GET' && url.pathname === '/jwks.json') {
        json(res, 200, { keys: [jwk] });
        return;
      }
      if (url.pathname === '/authorize') {
        const params = req.method === 'POST' ? await readForm(req) : url.searchParams;
        const redirectUri = params.get('redirect_uri') ?? '';
        if (params.get('client_id') !== clientId || params.get('response_type') !== 'code' || !redirectUri) {
          res.writeHead(400, { 'content-type': 'text/plain' });
          res.end('Unknown client_id, response_type other than code, or no redirect_uri.');
          return;
        }
        if (params.get('code_challenge_method') !== 'S256' || !params.get('code_challenge')) {
          res.writeHead(400, { 'content-type': 'text/plain' });
          res.end('PKCE is required: code_challenge with code_challenge_method=S256.');
          return;
        }
        if (req.method !== 'POST') {
          res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
          res.end(loginPage(params));
          return;
        }
        const username = params.get('username') ?? '';
        const u = users.get(username);
        if (!u || !sameSecret(u.password, params.get('password') ?? '')) {
          const keep = new URLSearchParams([...params].filter(([k]) => k !== 'username' && k !== 'password'));
          res.writeHead(401, { 'content-type': 'text/html; charset=utf-8' });
          res.end(loginPage(keep, 'Unknown username or wrong password.'));
          return;
        }
        const code = randomBytes(24).toString('base64url');
        const nonce = params.get('nonce') ?? undefined;
        codes.set(code, { username, challenge: params.get('code_challenge')!, redirectUri, expires: Date.now() + 60_000, ...(nonce ? { nonce } : {}) });
        const to = new URL(redirectUri);
        to.searchParams.set('code', code);
        const state = params.get('state');
        if (state) to.searchParams.set('state', state);
        res.writeHead(302, { location: to.toString() });
        res.end();
        return;
      }
      if (req.method === 'POST' && url.pathname === '/token') {
        const form = await readForm(req);
        if (form.get('client_id') !== clientId) return oauthError(res, 401, 'invalid_client', `client_id must be ${clientId}.`);
        const grant = form.get('grant_type');
        let username: string;
        let nonce: string | undefined;
        if (grant === 'password') {
          const u = users.get(form.get('username') ?? '');
          if (!u || !sameSecret(u.password, form.get('password') ?? '')) return oauthError(res, 400, 'invalid_grant', 'Unknown username or wrong password.');
          username = u.username;
        } else if (grant === 'authorization_code') {
          const c = codes.get(form.get('code') ?? '');
          codes.delete(form.get('code') ?? '');
          const verifier = form.get('code_verifier') ?? '';
          if (!c || c.expires < Date.now()) return oauthError(res, 400, 'invalid_grant', 'The code is unknown, used or expired.');
          if (c.redirectUri !== form.get('redirect_uri')) return oauthError(res, 400, 'invalid_grant', 'redirect_uri differs from the authorization request.');
          if (createHash('sha256').update(verifier).digest('base64url') !== c.challenge) return oauthError(res, 400, 'invalid_grant', 'code_verifier does not match the code_challenge (PKCE).');
          username = c.username;
          nonce = c.nonce;
        } else {
          return oauthError(res, 400, 'unsupported_grant_type', 'Use grant_type=password (local seeded users) or authorization_code.');
        }
        const token = await tokenFor(username, nonce);
        json(res, 200, { access_token: token, id_token: token, token_type: 'Bearer', expires_in: ttl });
        return;
      }
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('Not found');
    })().catch(() => {
      if (!res.headersSent) res.writeHead(400, { 'content-type': 'text/plain' });
      res.end('Bad request');
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  issuer = `http://127.0.0.1:${port}`;
  return {
    issuer,
    jwksUrl: `${issuer}/jwks.json`,
    clientId,
    sign,
    tokenFor: (username) => tokenFor(username),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};
