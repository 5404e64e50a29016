import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { HttpProblemError } from './errors';

export type HttpEvent = APIGatewayProxyEvent;
export type HttpResult = APIGatewayProxyResult;

export const PROBLEM_JSON = 'application/problem+json';

export const jsonResponse = (statusCode: number, body: unknown, headers: Record<string, string> = {}): HttpResult => ({
  statusCode,
  headers: { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers },
  body: JSON.stringify(body),
});

export interface ProblemContext {
  requestId?: string;
  traceId?: string;
  instance?: string;
}

/**
 * The one mapping from error to HTTP response. Expected failures (HttpProblemError) keep their
 * status and detail; anything else is our fault: a 500 with no internal detail.
 */
export const problemResponse = (err: unknown, ctx: ProblemContext = {}): HttpResult => {
  const common = {
    ...(ctx.instance ? { instance: ctx.instance } : {}),
    ...(ctx.requestId ? { requestId: ctx.requestId } : {}),
    ...(ctx.traceId ? { traceId: ctx.traceId } : {}),
  };
  if (err instanceof HttpProblemError) {
    return {
      statusCode: err.status,
      headers: { 'content-type': PROBLEM_JSON, 'cache-control': 'no-store', ...err.headers },
      body: JSON.stringify({ type: err.type, title: err.title, status: err.status, detail: err.message, ...err.extensions, ...common }),
    };
  }
  return {
    statusCode: 500,
    headers: { 'content-type': PROBLEM_JSON, 'cache-control': 'no-store' },
    body: JSON.stringify({
      type: 'https://iac-review.dev/problems/internal-error',
      title: 'Internal error',
      status: 500,
      detail: 'The request could not be completed because of a fault on our side. Reads can be retried; retry a submission only with the same Idempotency-Key (otherwise it may be stored twice). Quote the request id if it keeps failing.',
      ...common,
    }),
  };
};

/** Case-insensitive header lookup (API Gateway keeps the client's casing). */
export const header = (event: Pick<HttpEvent, 'headers'>, name: string): string | undefined => {
  const want = name.toLowerCase();
  for (const [k, v] of Object.entries(event.headers ?? {})) if (k.toLowerCase() === want && v !== undefined) return v;
  return undefined;
};

/** The raw request body bytes exactly as sent (signatures are checked on these). */
export const rawBody = (event: Pick<HttpEvent, 'body' | 'isBase64Encoded'>): Buffer =>
  event.body == null ? Buffer.alloc(0) : event.isBase64Encoded ? Buffer.from(event.body, 'base64') : Buffer.from(event.body, 'utf8');
