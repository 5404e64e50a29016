import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { compileRoutes, problemResponse, NotFoundError, PayloadTooLargeError, HttpProblemError, RateLimitedError, UnauthorizedError, type Router } from '@iac-review/core';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { TextDecoder } from 'node:util';
import type { AuthorizerEvent, AuthorizerResult } from '../../../functions/request-authorizer/src/handler';

export type LambdaLikeHandler = (event: unknown, context: LocalLambdaContext) => Promise<unknown>;

export interface LocalLambdaContext {
  awsRequestId: string;
  functionName: string;
  functionVersion: string;
  invokedFunctionArn: string;
  memoryLimitInMB: string;
  logGroupName: string;
  logStreamName: string;
  callbackWaitsForEmptyEventLoop: boolean;
  getRemainingTimeInMillis: () => number;
}

export interface LocalFunction {
  name: string;
  timeoutSeconds: number;
  memoryMb: number;
  handler: LambdaLikeHandler;
}

/** API Gateway REST's payload limit. */
export const MAX_BODY_BYTES = 10 * 1024 * 1024;

export const lambdaContext = (fn: Pick<LocalFunction, 'name' | 'timeoutSeconds' | 'memoryMb'>): LocalLambdaContext => {
  const deadline = Date.now() + fn.timeoutSeconds * 1000;
  return {
    awsRequestId: randomUUID(),
    functionName: fn.name,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${fn.name}`,
    memoryLimitInMB: String(fn.memoryMb),
    logGroupName: `/aws/lambda/${fn.name}`,
    logStreamName: 'local',
    callbackWaitsForEmptyEventLoop: false,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  };
};

/** Runs a handler with Lambda's timeout semantics. */
export const invokeWithTimeout = async (fn: LocalFunction, event: unknown, context = lambdaContext(fn)): Promise<unknown> => {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      fn.handler(event, context),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`Task timed out after ${fn.timeoutSeconds}.00 seconds`)), fn.timeoutSeconds * 1000);
      }),
    ]);
  } finally {
    if (timer) clearTimeout(timer);
  }
};

/** Past this much, an oversized body is no longer drained to answer 413 politely: the connection is cut. */
export const MAX_DRAIN_BYTES = 256 * 1024 * 1024;

const tooLarge = () => new PayloadTooLargeError(`The request body is over ${MAX_BODY_BYTES / 1024 / 1024} MB (API Gateway's limit). Compress it with Content-Encoding: gzip or split the change.`);

/**
 * Reads the body up to API Gateway's 10 MB. A bigger body (announced or not) is read to its end
 * without being kept, so the client gets its 413 problem+json instead of a reset connection; only a
 * body beyond MAX_DRAIN_BYTES has its connection cut.
 */
const readBody = (req: IncomingMessage): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    const announced = Number(req.headers['content-length'] ?? 0);
    if (announced > MAX_DRAIN_BYTES) {
      reject(tooLarge());
      return;
    }
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_DRAIN_BYTES) {
        req.destroy();
        return;
      }
      if (size > MAX_BODY_BYTES) {
        over = true;
        chunks.length = 0;
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => (over ? reject(tooLarge()) : resolve(Buffer.concat(chunks))));
    req.on('error', reject);
  });

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Builds the API Gateway REST proxy event API Gateway would send for this request. */
export const toApiGatewayEvent = (
  req: IncomingMessage,
  body: Buffer,
  route: { resource: string; pathParameters: Record<string, string> },
  url: URL,
): APIGatewayProxyEvent => {
  // Null-prototype maps: header and query names such as __proto__, constructor or toString are
  // ordinary keys here, not inherited members (API Gateway's JSON event has them as own keys too).
  const headers = Object.create(null) as Record<string, string>;
  const multiValueHeaders = Object.create(null) as Record<string, string[]>;
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const k = req.rawHeaders[i] ?? '';
    const v = req.rawHeaders[i + 1] ?? '';
    headers[k] = v;
    (multiValueHeaders[k] ??= []).push(v);
  }
  const query = Object.create(null) as Record<string, string>;
  const multiQuery = Object.create(null) as Record<string, string[]>;
  for (const [k, v] of url.searchParams) {
    query[k] = v;
    (multiQuery[k] ??= []).push(v);
  }
  let text: string | null = null;
  let isBase64Encoded = false;
  if (body.length > 0) {
    try {
      text = utf8.decode(body);
    } catch {
      text = body.toString('base64');
      isBase64Encoded = true;
    }
  }
  const requestId = randomUUID();
  return {
    resource: route.resource,
    path: url.pathname,
    httpMethod: req.method ?? 'GET',
    headers,
    multiValueHeaders,
    queryStringParameters: Object.keys(query).length ? query : null,
    multiValueQueryStringParameters: Object.keys(multiQuery).length ? multiQuery : null,
    pathParameters: Object.keys(route.pathParameters).length ? route.pathParameters : null,
    stageVariables: null,
    body: text,
    isBase64Encoded,
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      authorizer: null,
      protocol: `HTTP/${req.httpVersion}`,
      httpMethod: req.method ?? 'GET',
      identity: { sourceIp: req.socket.remoteAddress ?? '127.0.0.1', userAgent: req.headers['user-agent'] ?? null } as APIGatewayProxyEvent['requestContext']['identity'],
      path: `/local${url.pathname}`,
      stage: 'local',
      requestId,
      requestTimeEpoch: Date.now(),
      resourceId: 'local',
      resourcePath: route.resource,
    },
  };
};

const sendResult = (res: ServerResponse, result: APIGatewayProxyResult) => {
  const headers: Record<string, string | number | boolean> = { ...(result.headers ?? {}) };
  const body = result.isBase64Encoded ? Buffer.from(result.body, 'base64') : Buffer.from(result.body ?? '', 'utf8');
  res.writeHead(result.statusCode, { ...headers, 'content-length': body.length });
  res.end(body);
};

/** What API Gateway puts in requestContext.identity.apiKeyId for a signed-in person: the people plan's key. */
export const PEOPLE_PLAN_KEY_ID = 'local-people-plan';

export interface LocalApiKey {
  /** What API Gateway would put in requestContext.identity.apiKeyId. */
  id: string;
  name: string;
}

export interface RateLimit {
  ratePerSecond: number;
  burst: number;
}

export interface GatewayOptions {
  openApi: { paths: Record<string, Record<string, unknown>>; security?: unknown[] };
  functions: Map<string, LocalFunction>;
  /** API key value → key; operations with security need one of these in x-api-key, like API Gateway. */
  apiKeys?: Map<string, LocalApiKey>;
  /** Per-key token bucket, like a usage plan's throttle. */
  rateLimit?: RateLimit;
  /**
   * The request authorizer of every route that needs credentials, as in AWS (terraform/identity.tf):
   * the stack passes functions/request-authorizer's own createAuthorizer. A person's bearer token is
   * verified there, once; its context reaches the function as requestContext.authorizer, exactly as
   * API Gateway passes it. Without it the routes take API keys only (identity_provider = "none").
   */
  authorizer?: (event: AuthorizerEvent) => Promise<AuthorizerResult>;
  onError?: (err: unknown) => void;
  /**
   * Receives one event per 401, 403 and 429 answer, whoever gave it (the gateway or the function):
   * what the API Gateway access-log metric filters count in AWS (terraform/security_signals.tf).
   */
  onSecurityEvent?: (event: GatewaySecurityEvent) => void;
}

export interface GatewaySecurityEvent {
  event: 'gateway.unauthorized' | 'gateway.forbidden' | 'gateway.throttled';
  reason: string;
  status: 401 | 403 | 429;
  method: string;
  path: string;
  sourceIp?: string;
}

const SECURITY_STATUSES: Record<number, GatewaySecurityEvent['event']> = { 401: 'gateway.unauthorized', 403: 'gateway.forbidden', 429: 'gateway.throttled' };

/** The problem's title, not its detail: the access log records the status, never request data. */
const reasonOf = (result: APIGatewayProxyResult): string => {
  try {
    const title = (JSON.parse(result.body) as { title?: unknown }).title;
    return typeof title === 'string' ? title : `HTTP ${result.statusCode}`;
  } catch {
    return `HTTP ${result.statusCode}`;
  }
};

/** A token bucket per API key (what a usage plan's rate and burst do in API Gateway). */
export const createRateLimiter = (limit: RateLimit, now: () => number = Date.now) => {
  const buckets = new Map<string, { tokens: number; at: number }>();
  return (key: string): { ok: true } | { ok: false; retryAfterSeconds: number } => {
    const t = now();
    const b = buckets.get(key) ?? { tokens: limit.burst, at: t };
    b.tokens = Math.min(limit.burst, b.tokens + ((t - b.at) / 1000) * limit.ratePerSecond);
    b.at = t;
    buckets.set(key, b);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return { ok: true };
    }
    return { ok: false, retryAfterSeconds: (1 - b.tokens) / limit.ratePerSecond };
  };
};

/** An HTTP request listener that does what API Gateway does: route from the OpenAPI document, build the proxy event, invoke. */
export const createGateway = (opts: GatewayOptions) => {
  const router: Router = compileRoutes(opts.openApi);
  const limiter = opts.rateLimit ? createRateLimiter(opts.rateLimit) : undefined;
  const needsKey = (resource: string, method: string): boolean => {
    const op = opts.openApi.paths[resource]?.[method.toLowerCase()] as { security?: unknown[] } | undefined;
    const security = op?.security ?? opts.openApi.security ?? [];
    return security.length > 0;
  };
  return async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const send = (result: APIGatewayProxyResult) => {
      const event = SECURITY_STATUSES[result.statusCode];
      if (event) {
        opts.onSecurityEvent?.({ event, reason: reasonOf(result), status: result.statusCode as GatewaySecurityEvent['status'], method: req.method ?? 'GET', path: url.pathname, sourceIp: req.socket.remoteAddress });
      }
      sendResult(res, result);
    };
    try {
      const method = req.method ?? 'GET';
      let route: { resource: string; pathParameters: Record<string, string>; functionName: string; method: string };
      if (method === 'OPTIONS') {
        // CORS preflight: API Gateway routes OPTIONS of every path to the API function, without a key.
        const hit = router.lookup(url.pathname);
        const first = hit?.operations[0];
        if (!hit || !first) throw new NotFoundError(`No route for ${url.pathname}. See the OpenAPI document for the routes this API serves.`);
        route = { resource: hit.resource, pathParameters: hit.pathParameters, functionName: first.functionName, method };
      } else {
        route = router.match(method, url.pathname);
      }
      let apiKey: LocalApiKey | undefined;
      let authorizer: Record<string, unknown> | undefined;
      let person = false;
      if (method !== 'OPTIONS' && needsKey(route.resource, route.method)) {
        let keyValue = req.headers['x-api-key'];
        if (opts.authorizer) {
          // API Gateway runs the authorizer first; its usageIdentifierKey is the key it then validates.
          const headers: Record<string, string> = {};
          for (let i = 0; i < req.rawHeaders.length; i += 2) headers[req.rawHeaders[i] ?? ''] = req.rawHeaders[i + 1] ?? '';
          const decision = await opts
            .authorizer({ type: 'REQUEST', methodArn: `arn:aws:execute-api:local:000000000000:local/local/${route.method}${route.resource}`, headers, requestContext: { identity: { sourceIp: req.socket.remoteAddress ?? '127.0.0.1' } } })
            .catch(() => {
              throw new UnauthorizedError('Send an API key in x-api-key, or sign in and send Authorization: Bearer <token> (npm run token -- reader); a bearer token that is expired, forged or from another issuer is refused.');
            });
          authorizer = { ...decision.context, principalId: decision.principalId };
          person = decision.context.callerKind === 'person';
          keyValue = decision.usageIdentifierKey;
        }
        if (!person) {
          apiKey = typeof keyValue === 'string' ? opts.apiKeys?.get(keyValue) : undefined;
          if (!apiKey) {
            throw new UnauthorizedError(keyValue ? 'The API key is not valid.' : 'Send an API key in the x-api-key header.');
          }
          const verdict = limiter?.(apiKey.id);
          if (verdict && !verdict.ok) {
            throw new RateLimitedError(verdict.retryAfterSeconds);
          }
        }
      }
      const fn = opts.functions.get(route.functionName);
      if (!fn) throw new Error(`route ${route.method} ${route.resource} names function ${route.functionName}, which the manifest does not define`);
      const body = await readBody(req);
      const event = toApiGatewayEvent(req, body, route, url);
      if (apiKey) event.requestContext.identity = { ...event.requestContext.identity, apiKey: '[local]', apiKeyId: apiKey.id };
      // A person rides the people usage plan's key, which no client holds (terraform/identity.tf).
      if (person) event.requestContext.identity = { ...event.requestContext.identity, apiKey: '[local]', apiKeyId: PEOPLE_PLAN_KEY_ID };
      if (authorizer) event.requestContext.authorizer = authorizer;
      const result = (await invokeWithTimeout(fn, event)) as APIGatewayProxyResult;
      send(result);
    } catch (err) {
      if (!(err instanceof HttpProblemError)) opts.onError?.(err);
      send(problemResponse(err, { instance: url.pathname }));
    }
  };
};
