/**
 * People's sign-in: OAuth 2.0 Authorization Code with PKCE (S256) against the issuer named in
 * config.json (a public client, no secret). The code_verifier and state wait in this tab's
 * sessionStorage during the round trip; the token is kept there too, never in a URL.
 */

export interface SignInConfig {
  clientId: string;
  /** Absolute, or relative to this page (the local stack serves its issuer at /oidc/…). */
  authorizationEndpoint: string;
  tokenEndpoint: string;
  scope: string;
  /** Shown on the button, e.g. "Cognito" or "the local issuer". */
  providerName?: string;
}

/** The person a token names (read for display; the API verifies the token itself). */
export interface Person {
  name: string;
  email?: string;
  groups: string[];
}

export interface BearerSession {
  token: string;
  /** Epoch ms. */
  expiresAt: number;
  person: Person;
}

const PENDING = 'iac-review.oidc-pending';

const absoluteOk = (u: URL) => u.protocol === 'https:' || (u.protocol === 'http:' && /^(127\.0\.0\.1|localhost|\[::1\])$/.test(u.hostname));

/** The signIn block of config.json, or undefined when it is absent or unusable (the API-key entry remains). */
export const readSignInConfig = (raw: unknown, pageUrl: string): SignInConfig | undefined => {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const c = raw as Record<string, unknown>;
  if (typeof c.clientId !== 'string' || !c.clientId || typeof c.authorizationEndpoint !== 'string' || typeof c.tokenEndpoint !== 'string') return undefined;
  try {
    const a = new URL(c.authorizationEndpoint, pageUrl);
    const t = new URL(c.tokenEndpoint, pageUrl);
    const page = new URL(pageUrl);
    if (!(absoluteOk(a) || a.origin === page.origin) || !(absoluteOk(t) || t.origin === page.origin)) return undefined;
    return {
      clientId: c.clientId,
      authorizationEndpoint: a.toString(),
      tokenEndpoint: t.toString(),
      scope: typeof c.scope === 'string' && c.scope ? c.scope : 'openid email profile',
      ...(typeof c.providerName === 'string' && c.providerName ? { providerName: c.providerName } : {}),
    };
  } catch {
    return undefined;
  }
};

const base64url = (bytes: Uint8Array): string => {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
};

const randomString = (n = 32) => base64url(crypto.getRandomValues(new Uint8Array(n)));

export const pkceChallenge = async (verifier: string): Promise<string> => base64url(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))));

/** This page without query or fragment: where the issuer sends the code back (register it as a callback URL). */
export const redirectUriFor = (pageUrl: string): string => {
  const u = new URL(pageUrl);
  return `${u.origin}${u.pathname}`;
};

/** Remembers verifier, state and where to come back to; answers the authorization URL to navigate to. */
export const beginSignIn = async (config: SignInConfig, storage: Pick<Storage, 'setItem'>, pageUrl: string): Promise<string> => {
  const verifier = randomString(32);
  const state = randomString(16);
  const redirectUri = redirectUriFor(pageUrl);
  storage.setItem(PENDING, JSON.stringify({ verifier, state, redirectUri, hash: new URL(pageUrl).hash }));
  const url = new URL(config.authorizationEndpoint);
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: config.clientId,
    redirect_uri: redirectUri,
    scope: config.scope,
    state,
    code_challenge: await pkceChallenge(verifier),
    code_challenge_method: 'S256',
  }).toString();
  return url.toString();
};

const decodePayload = (jwt: string): Record<string, unknown> => {
  const part = jwt.split('.')[1];
  if (!part) throw new Error('The issuer returned a token that is not a JWT.');
  const json = atob(part.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(part.length / 4) * 4, '='));
  const bytes = Uint8Array.from(json, (ch) => ch.charCodeAt(0));
  return JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>;
};

/** Who a token names, from its claims (preferred_username, cognito:username, username, email, sub). */
export const personFrom = (jwt: string): { person: Person; exp?: number } => {
  const p = decodePayload(jwt);
  const str = (k: string) => (typeof p[k] === 'string' && p[k] ? (p[k] as string) : undefined);
  const groupsRaw = p.groups ?? p['cognito:groups'];
  return {
    person: {
      name: str('preferred_username') ?? str('cognito:username') ?? str('username') ?? str('email') ?? str('sub') ?? 'unknown',
      ...(str('email') ? { email: str('email') } : {}),
      groups: Array.isArray(groupsRaw) ? groupsRaw.filter((g): g is string => typeof g === 'string') : [],
    },
    ...(typeof p.exp === 'number' ? { exp: p.exp } : {}),
  };
};

export class SignInError extends Error {}

/**
 * Finishes the round trip when this page was opened by the issuer's redirect (?code&state or ?error):
 * checks state against the pending request, exchanges the code with the verifier at the token
 * endpoint and answers the session. Answers undefined when the URL carries no answer. The caller
 * removes the query from the address bar (history.replaceState) whatever happens.
 */
export const completeSignIn = async (
  config: SignInConfig,
  storage: Pick<Storage, 'getItem' | 'removeItem'>,
  pageUrl: string,
  fetchFn: (input: string, init?: RequestInit) => Promise<Response> = (i, init) => fetch(i, init),
  now: () => number = Date.now,
): Promise<{ session: BearerSession; hash: string } | undefined> => {
  const params = new URL(pageUrl).searchParams;
  const code = params.get('code');
  const error = params.get('error');
  if (!code && !error) return undefined;
  const pendingRaw = storage.getItem(PENDING);
  storage.removeItem(PENDING);
  if (error) throw new SignInError(`The issuer refused the sign-in: ${error}${params.get('error_description') ? ` (${params.get('error_description')})` : ''}.`);
  let pending: { verifier?: unknown; state?: unknown; redirectUri?: unknown; hash?: unknown };
  try {
    pending = pendingRaw ? (JSON.parse(pendingRaw) as typeof pending) : {};
  } catch {
    pending = {};
  }
  if (typeof pending.verifier !== 'string' || typeof pending.state !== 'string' || typeof pending.redirectUri !== 'string') {
    throw new SignInError('This sign-in was not started in this tab (or was already used). Start again with Sign in.');
  }
  if (params.get('state') !== pending.state) throw new SignInError('The sign-in answer does not match the request this tab made (state differs). Start again with Sign in.');
  let res: Response;
  try {
    res = await fetchFn(config.tokenEndpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams({ grant_type: 'authorization_code', code: code!, redirect_uri: pending.redirectUri, client_id: config.clientId, code_verifier: pending.verifier }).toString(),
      credentials: 'omit',
      cache: 'no-store',
      referrerPolicy: 'no-referrer',
    });
  } catch (err) {
    throw new SignInError(`The token endpoint could not be reached: ${err instanceof Error ? err.message : String(err)}.`);
  }
  const body = (await res.json().catch(() => ({}))) as { access_token?: unknown; id_token?: unknown; expires_in?: unknown; error?: unknown; error_description?: unknown };
  if (!res.ok || typeof body.access_token !== 'string') {
    const why = typeof body.error === 'string' ? `${body.error}${typeof body.error_description === 'string' ? `: ${body.error_description}` : ''}` : `HTTP ${res.status}`;
    throw new SignInError(`The issuer did not give a token (${why}). Start again with Sign in.`);
  }
  // The access token goes to the API; the ID token (when given) names the person better.
  const { person, exp } = personFrom(typeof body.id_token === 'string' ? body.id_token : body.access_token);
  const accessExp = personFrom(body.access_token).exp ?? exp;
  const expiresAt = accessExp ? accessExp * 1000 : now() + (typeof body.expires_in === 'number' ? body.expires_in : 3600) * 1000;
  return { session: { token: body.access_token, expiresAt, person }, hash: typeof pending.hash === 'string' ? pending.hash : '' };
};
