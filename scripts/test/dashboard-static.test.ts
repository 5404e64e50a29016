import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDashboardHandler } from '../src/local/dashboard';

/** Raw requests (fetch would normalise ../ and %2e%2e away before they reach the server). */
const get = (port: number, path: string, method = 'GET') =>
  new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString('utf8')));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });

describe('local stack: dashboard static files', () => {
  let dir: string;
  let server: Server;
  let port: number;
  let missingServer: Server;
  let missingPort: number;

  const listen = async (handler: ReturnType<typeof createDashboardHandler>) => {
    const srv = createServer((req, res) => {
      if (handler(req, res)) return;
      res.writeHead(418, { 'content-type': 'text/plain' });
      res.end('api');
    });
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
    return srv;
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'dash-'));
    mkdirSync(join(dir, 'dist', 'assets'), { recursive: true });
    writeFileSync(join(dir, 'dist', 'index.html'), '<!doctype html><title>dash</title>');
    writeFileSync(join(dir, 'dist', 'assets', 'index-abc.js'), 'console.log(1)');
    writeFileSync(join(dir, 'dist', 'config.json'), '{ "apiBaseUrl": "" }');
    writeFileSync(join(dir, 'secret.txt'), 'outside');
    server = await listen(createDashboardHandler(join(dir, 'dist')));
    port = (server.address() as AddressInfo).port;
    missingServer = await listen(createDashboardHandler(join(dir, 'nope')));
    missingPort = (missingServer.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
    await new Promise((r) => missingServer.close(r));
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves index.html at / and /dashboard/ with a strict CSP and no caching', async () => {
    for (const path of ['/', '/dashboard/', '/?x=1']) {
      const r = await get(port, path);
      expect(r.status).toBe(200);
      expect(r.body).toContain('<title>dash</title>');
      expect(r.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(r.headers['cache-control']).toBe('no-cache');
      expect(r.headers['content-security-policy']).toContain("script-src 'self'");
      expect(r.headers['content-security-policy']).toContain("frame-ancestors 'none'");
      expect(r.headers['x-content-type-options']).toBe('nosniff');
    }
    const redirect = await get(port, '/dashboard');
    expect(redirect.status).toBe(308);
    expect(redirect.headers.location).toBe('/dashboard/');
  });

  it('serves hashed assets under /assets/ and /dashboard/assets/ as immutable', async () => {
    for (const path of ['/assets/index-abc.js', '/dashboard/assets/index-abc.js']) {
      const r = await get(port, path);
      expect(r.status).toBe(200);
      expect(r.body).toBe('console.log(1)');
      expect(r.headers['content-type']).toBe('text/javascript; charset=utf-8');
      expect(r.headers['cache-control']).toContain('immutable');
    }
    for (const path of ['/config.json', '/dashboard/config.json']) {
      const r = await get(port, path);
      expect(r.status).toBe(200);
      expect(r.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(r.headers['cache-control']).toBe('no-cache');
    }
    const head = await get(port, '/assets/index-abc.js', 'HEAD');
    expect(head.status).toBe(200);
    expect(head.body).toBe('');
  });

  it('never serves a file outside the dashboard folder', async () => {
    for (const path of ['/assets/../../secret.txt', '/dashboard/%2e%2e/secret.txt', '/dashboard/..%2fsecret.txt', '/assets/%00x']) {
      const r = await get(port, path);
      expect([400, 404]).toContain(r.status);
      expect(r.body).not.toContain('outside');
    }
    expect((await get(port, '/dashboard/%E0%A4%A')).status).toBe(400);
    expect((await get(port, '/assets/missing.js')).status).toBe(404);
  });

  it('leaves API paths and other methods to the API gateway', async () => {
    expect((await get(port, '/reviews')).status).toBe(418);
    expect((await get(port, '/health')).status).toBe(418);
    expect((await get(port, '/', 'POST')).status).toBe(418);
    expect((await get(port, '/dashboard/', 'OPTIONS')).status).toBe(418);
  });

  it('says how to build the dashboard when it has not been built', async () => {
    const r = await get(missingPort, '/');
    expect(r.status).toBe(503);
    expect(r.body).toContain('turbo run build --filter=@iac-review/dashboard');
    expect((await get(missingPort, '/health')).status).toBe(418);
  });
});
