import { request, type IncomingMessage, type ServerResponse } from 'node:http';
import { DASHBOARD_SECURITY_HEADERS } from './dashboard';

/** Where the local stack serves the local issuer's endpoints on its own origin (the dashboard's CSP allows only 'self'). */
export const SIGN_IN_PREFIX = '/oidc';

/**
 * What the stack adds to the dashboard's config.json when it runs the local issuer: the dashboard signs
 * people in with Authorization Code + PKCE at these same-origin endpoints.
 */
export const localSignInConfig = (clientId: string) => ({
  signIn: {
    clientId,
    authorizationEndpoint: `${SIGN_IN_PREFIX}/authorize`,
    tokenEndpoint: `${SIGN_IN_PREFIX}/token`,
    scope: 'openid email profile',
    providerName: 'the local issuer',
  },
});

/**
 * Forwards /oidc/<path> to the local issuer's /<path> (sign-in form, code exchange, discovery, JWKS),
 * so the browser talks to one origin. Answers true when it took the request. The issuer's tokens keep
 * its own `iss` (the loopback issuer URL), which is what the API verifies.
 */
export const createSignInProxy = (issuer: string) => {
  const target = new URL(issuer);
  return (req: IncomingMessage, res: ServerResponse): boolean => {
    const url = req.url ?? '/';
    if (url !== SIGN_IN_PREFIX && !url.startsWith(`${SIGN_IN_PREFIX}/`) && !url.startsWith(`${SIGN_IN_PREFIX}?`)) return false;
    const path = url.slice(SIGN_IN_PREFIX.length) || '/';
    const headers: Record<string, string> = {};
    for (const name of ['content-type', 'content-length', 'accept']) {
      const v = req.headers[name];
      if (typeof v === 'string') headers[name] = v;
    }
    const upstream = request({ host: target.hostname, port: target.port, method: req.method, path, headers }, (up) => {
      const out: Record<string, string | string[]> = { ...DASHBOARD_SECURITY_HEADERS };
      for (const [k, v] of Object.entries(up.headers)) if (v !== undefined && k !== 'access-control-allow-origin' && k !== 'connection' && k !== 'transfer-encoding') out[k] = v;
      res.writeHead(up.statusCode ?? 502, out);
      up.pipe(res);
    });
    upstream.on('error', () => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'application/problem+json' });
      res.end(JSON.stringify({ title: 'The local issuer did not answer', status: 502, detail: `Forwarding ${path} to ${issuer} failed; restart the local stack.` }));
    });
    req.pipe(upstream);
    return true;
  };
};
