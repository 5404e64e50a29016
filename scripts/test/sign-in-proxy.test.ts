import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalIssuer, type LocalIssuer } from '@iac-review/identity/testing';
import { createDashboardHandler } from '../src/local/dashboard';
import { createSignInProxy, localSignInConfig } from '../src/local/sign-in-proxy';

/** The local stack's same-origin sign-in: /oidc/… forwarded to the local issuer, config.json naming it. */
describe('local stack sign-in proxy and dashboard config', () => {
  let issuer: LocalIssuer;
  let server: Server;
  let base: string;
  let dir: string;
  beforeAll(async () => {
    issuer = await startLocalIssuer({ users: [{ username: 'writer', password: 'pw', email: 'w@x', groups: ['iac-writers'] }], clientId: 'iac-review-local' });
    dir = mkdtempSync(join(tmpdir(), 'signin-'));
    mkdirSync(join(dir, 'dist'));
    writeFileSync(join(dir, 'dist', 'index.html'), '<!doctype html>');
    writeFileSync(join(dir, 'dist', 'config.json'), '{ "apiBaseUrl": "" }');
    const proxy = createSignInProxy(issuer.issuer);
    const dashboard = createDashboardHandler(join(dir, 'dist'), localSignInConfig(issuer.clientId));
    server = createServer((req, res) => {
      if (proxy(req, res) || dashboard(req, res)) return;
      res.writeHead(418);
      res.end('api');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
    await issuer.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('config.json (at / and /dashboard/) keeps the built settings and adds the same-origin sign-in endpoints', async () => {
    for (const path of ['/config.json', '/dashboard/config.json']) {
      const r = await fetch(`${base}${path}`);
      expect(r.status).toBe(200);
      expect(await r.json()).toEqual({ apiBaseUrl: '', signIn: { clientId: 'iac-review-local', authorizationEndpoint: '/oidc/authorize', tokenEndpoint: '/oidc/token', scope: 'openid email profile', providerName: 'the local issuer' } });
    }
  });

  it('runs the whole code flow through /oidc/ on this origin, with the dashboard\'s security headers on the form', async () => {
    const verifier = randomBytes(32).toString('base64url');
    const params = new URLSearchParams({ response_type: 'code', client_id: 'iac-review-local', redirect_uri: `${base}/`, state: 's', code_challenge: createHash('sha256').update(verifier).digest('base64url'), code_challenge_method: 'S256' });
    const form = await fetch(`${base}/oidc/authorize?${params.toString()}`);
    expect(form.status).toBe(200);
    expect(form.headers.get('content-security-policy')).toContain("form-action 'self'");
    expect(form.headers.get('x-frame-options')).toBe('DENY');
    expect(await form.text()).toContain('action="authorize"');
    const posted = await fetch(`${base}/oidc/authorize`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `${params.toString()}&username=writer&password=pw` });
    expect(posted.status).toBe(302);
    const back = new URL(posted.headers.get('location')!);
    expect(back.origin).toBe(base);
    const token = await fetch(`${base}/oidc/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ grant_type: 'authorization_code', client_id: 'iac-review-local', code: back.searchParams.get('code')!, redirect_uri: `${base}/`, code_verifier: verifier }).toString() });
    expect(token.status).toBe(200);
    const body = (await token.json()) as { access_token: string };
    expect(JSON.parse(Buffer.from(body.access_token.split('.')[1]!, 'base64url').toString('utf8'))).toMatchObject({ iss: issuer.issuer, preferred_username: 'writer' });
    expect(token.headers.get('access-control-allow-origin')).toBeNull();
    const discovery = (await (await fetch(`${base}/oidc/.well-known/openid-configuration`)).json()) as { issuer: string };
    expect(discovery.issuer).toBe(issuer.issuer);
    // Other paths (e.g. /oidcx, the API) are not the proxy's.
    expect((await fetch(`${base}/oidcx`)).status).toBe(418);
    expect((await fetch(`${base}/reviews`)).status).toBe(418);
  });
});
