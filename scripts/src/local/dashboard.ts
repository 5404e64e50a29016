import { existsSync, readFileSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { repoRoot } from '../lib/repo';

/** Where `vite build` of packages/dashboard writes the static files. */
export const DEFAULT_DASHBOARD_DIR = join(repoRoot, 'packages', 'dashboard', 'dist');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
};

/**
 * The headers a static host should send with the dashboard (Terraform's CloudFront response headers
 * policy sends the same): no inline script or style, API calls only to this origin, no framing.
 */
export const DASHBOARD_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

const NOT_BUILT = `The dashboard has not been built yet. npm start builds it; by hand:
  npx pnpm@9.15.9 exec turbo run build --filter=@iac-review/dashboard
The API itself is running: try GET /health.
`;

/**
 * A request listener for the dashboard's static files at `/` and `/dashboard/` (the build uses
 * relative URLs, so both work). Answers true when it handled the request; everything else goes on
 * to the API gateway.
 */
export const createDashboardHandler = (dir: string = DEFAULT_DASHBOARD_DIR, configExtra?: Readonly<Record<string, unknown>>) => {
  const root = resolve(dir);
  const send = (req: IncomingMessage, res: ServerResponse, status: number, headers: Record<string, string>, body: Buffer | string) => {
    const buf = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
    res.writeHead(status, { ...DASHBOARD_SECURITY_HEADERS, ...headers, 'content-length': String(buf.length) });
    res.end(req.method === 'HEAD' ? undefined : buf);
  };
  return (req: IncomingMessage, res: ServerResponse): boolean => {
    const method = req.method ?? 'GET';
    if (method !== 'GET' && method !== 'HEAD') return false;
    const pathname = (req.url ?? '/').split('?', 1)[0] ?? '/';
    let rel: string;
    if (pathname === '/' || pathname === '/dashboard/' || pathname === '/index.html' || pathname === '/dashboard/index.html') rel = 'index.html';
    else if (pathname === '/dashboard') {
      res.writeHead(308, { location: '/dashboard/', 'content-length': '0' });
      res.end();
      return true;
    } else if (pathname.startsWith('/assets/') || pathname === '/config.json') rel = pathname.slice(1);
    else if (pathname.startsWith('/dashboard/')) rel = pathname.slice('/dashboard/'.length);
    else return false;

    let decoded: string;
    try {
      decoded = decodeURIComponent(rel);
    } catch {
      send(req, res, 400, { 'content-type': 'text/plain; charset=utf-8' }, 'Malformed percent-encoding in the path.\n');
      return true;
    }
    const file = resolve(root, normalize(decoded));
    if (decoded.includes('\0') || (file !== root && !file.startsWith(root + sep))) {
      send(req, res, 404, { 'content-type': 'text/plain; charset=utf-8' }, 'Not found.\n');
      return true;
    }
    if (!existsSync(join(root, 'index.html'))) {
      send(req, res, 503, { 'content-type': 'text/plain; charset=utf-8', 'retry-after': '10' }, NOT_BUILT);
      return true;
    }
    let body: Buffer;
    try {
      if (!statSync(file).isFile()) throw new Error('not a file');
      body = readFileSync(file);
    } catch {
      send(req, res, 404, { 'content-type': 'text/plain; charset=utf-8' }, `No dashboard file at ${pathname}.\n`);
      return true;
    }
    if (configExtra && rel === 'config.json') {
      // The stack adds what only it knows (e.g. the local issuer's sign-in endpoints) to the built config.json.
      let base: Record<string, unknown> = {};
      try {
        base = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
      } catch {
        base = {};
      }
      body = Buffer.from(JSON.stringify({ ...base, ...configExtra }), 'utf8');
    }
    const hashed = rel.startsWith('assets/');
    send(req, res, 200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'cache-control': hashed ? 'public, max-age=31536000, immutable' : 'no-cache' }, body);
    return true;
  };
};
