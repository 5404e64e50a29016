import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { compileRoutes, problemResponse, PayloadTooLargeError, HttpProblemError, type Router } from '@iac-review/core';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { TextDecoder } from 'node:util';

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

const readBody = (req: IncomingMessage): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) {
        reject(new PayloadTooLargeError(`Request body is over ${MAX_BODY_BYTES / 1024 / 1024} MB. Submit large plans via the S3 upload flow or split the change.`));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
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
  const headers: Record<string, string> = {};
  const multiValueHeaders: Record<string, string[]> = {};
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const k = req.rawHeaders[i] ?? '';
    const v = req.rawHeaders[i + 1] ?? '';
    headers[k] = v;
    (multiValueHeaders[k] ??= []).push(v);
  }
  const query: Record<string, string> = {};
  const multiQuery: Record<string, string[]> = {};
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

const send = (res: ServerResponse, result: APIGatewayProxyResult) => {
  const headers: Record<string, string | number | boolean> = { ...(result.headers ?? {}) };
  const body = result.isBase64Encoded ? Buffer.from(result.body, 'base64') : Buffer.from(result.body ?? '', 'utf8');
  res.writeHead(result.statusCode, { ...headers, 'content-length': body.length });
  res.end(body);
};

export interface GatewayOptions {
  openApi: { paths: Record<string, Record<string, unknown>> };
  functions: Map<string, LocalFunction>;
  onError?: (err: unknown) => void;
}

/** An HTTP request listener that does what API Gateway does: route from the OpenAPI document, build the proxy event, invoke. */
export const createGateway = (opts: GatewayOptions) => {
  const router: Router = compileRoutes(opts.openApi);
  return async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    try {
      const route = router.match(req.method ?? 'GET', url.pathname);
      const fn = opts.functions.get(route.functionName);
      if (!fn) throw new Error(`route ${route.method} ${route.resource} names function ${route.functionName}, which the manifest does not define`);
      const body = await readBody(req);
      const event = toApiGatewayEvent(req, body, route, url);
      const result = (await invokeWithTimeout(fn, event)) as APIGatewayProxyResult;
      send(res, result);
    } catch (err) {
      if (!(err instanceof HttpProblemError)) opts.onError?.(err);
      send(res, problemResponse(err, { instance: url.pathname }));
    }
  };
};
