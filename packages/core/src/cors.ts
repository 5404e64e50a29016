export interface CorsConfig {
  /** Exact origins allowed to call the API from a browser (never `*`: the routes are authenticated). */
  allowedOrigins: readonly string[];
  maxAgeSeconds?: number;
}

const ALLOWED_HEADERS = 'content-type, content-encoding, x-api-key, authorization, if-match';
const EXPOSED_HEADERS = 'etag, location, retry-after';

/** CORS headers for a response to `origin`, or none when the origin is not allowed. */
export const corsHeaders = (cors: CorsConfig, origin: string | undefined): Record<string, string> => {
  const base = { vary: 'Origin' };
  if (!origin || !cors.allowedOrigins.includes(origin)) return base;
  return { ...base, 'access-control-allow-origin': origin, 'access-control-expose-headers': EXPOSED_HEADERS };
};

/** The answer to a preflight request for a path whose methods are `allowed`. */
export const preflightHeaders = (cors: CorsConfig, origin: string | undefined, allowed: readonly string[]): Record<string, string> => {
  const headers = corsHeaders(cors, origin);
  if (!headers['access-control-allow-origin']) return headers;
  return {
    ...headers,
    'access-control-allow-methods': [...allowed, 'OPTIONS'].join(', '),
    'access-control-allow-headers': ALLOWED_HEADERS,
    'access-control-max-age': String(cors.maxAgeSeconds ?? 600),
  };
};
