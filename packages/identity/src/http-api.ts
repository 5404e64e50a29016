import {
  checkFreeText,
  checkIntegerParams,
  checkListFilters,
  checkQueryText,
  compileRoutes,
  corsHeaders,
  header,
  openApiDocument,
  preflightHeaders,
  problemResponse,
  type CorsConfig,
  type HttpEvent,
  type HttpResult,
  type RouteMatch,
} from '@iac-review/core';
import { validateRequest } from '@iac-review/core/request-validation';
import type { Logger } from '@iac-review/logger';
import { objectDenialEvent, type Authenticator, type Caller } from './caller';

/** What an operation of an HTTP function receives: the request, its route, the caller, checked parameters and body. */
export interface OperationRequest {
  event: HttpEvent;
  route: RouteMatch;
  caller: Caller | undefined;
  /** Path and query parameters in a null-prototype map (names such as `__proto__` are plain keys). */
  params: Record<string, unknown>;
  /** The parsed JSON body (POST/PUT/PATCH only). */
  body: unknown;
}

export type Operation = (req: OperationRequest) => Promise<HttpResult>;

export interface HttpApiOptions {
  /** The operations this function serves, by OpenAPI operationId. */
  operations: Record<string, Operation>;
  auth: Authenticator;
  cors: CorsConfig;
  logger: Logger;
  /** Our errors and the domain's typed failures → a problem; anything else stays a 500. */
  toProblem: (err: unknown) => unknown;
  /** Reads and parses the body of POST/PUT/PATCH requests (size, encoding and depth limits). */
  readBody?: (event: HttpEvent) => unknown;
}

/** Required scopes per operation, read from the document once (not on every request). */
const scopesByOperation = new Map<string, string[]>();
const scopesOf = (resource: string, method: string): string[] => {
  const key = `${method.toUpperCase()} ${resource}`;
  let scopes = scopesByOperation.get(key);
  if (!scopes) {
    const op = openApiDocument.paths[resource]?.[method.toLowerCase()] as { 'x-iac-review-scopes'?: string[] } | undefined;
    scopes = op?.['x-iac-review-scopes'] ?? [];
    scopesByOperation.set(key, scopes);
  }
  return scopes;
};

/**
 * The front of every HTTP function: routes by the OpenAPI document, answers preflights, runs the
 * one authorization check (API key or person, scopes from the operation, per-identity limit),
 * checks parameters (plain decimal integers, no control characters, filters that combine) and the
 * body, validates against the document, and maps every error to problem+json with CORS headers.
 */
export const createHttpApi = (o: HttpApiOptions) => {
  const router = compileRoutes(openApiDocument);
  const { logger } = o;
  return async (event: HttpEvent, context: { awsRequestId: string }): Promise<HttpResult> => {
    const origin = header(event, 'origin');
    const cors = corsHeaders(o.cors, origin);
    try {
      if (event.httpMethod === 'OPTIONS') {
        const allowed = router.allowedMethods(event.path);
        if (!allowed) router.match('OPTIONS', event.path); // throws the 404
        return { statusCode: 204, headers: preflightHeaders(o.cors, origin, allowed ?? []), body: '' };
      }
      const route = router.match(event.httpMethod, event.path);
      const operation = o.operations[route.operationId];
      if (!operation) throw new Error(`operation ${route.operationId} is not served by this function (check x-iac-review-function in the OpenAPI document)`);
      const caller = await o.auth.authorize(event, route.operationId, scopesOf(route.resource, route.method));
      const params: Record<string, unknown> = Object.assign(Object.create(null) as Record<string, unknown>, event.queryStringParameters ?? {}, route.pathParameters);
      checkIntegerParams(route.resource, route.method, params);
      checkQueryText(params);
      checkListFilters(route.operationId, params);
      const wantsBody = ['POST', 'PUT', 'PATCH'].includes(route.method);
      if (wantsBody && !o.readBody) throw new Error(`operation ${route.operationId} takes a body but this function reads none`);
      const body = wantsBody ? o.readBody!(event) : undefined;
      await validateRequest(route.operationId, { params, ...(wantsBody ? { body } : {}) });
      if (wantsBody) checkFreeText(route.operationId, body);
      const res = await operation({ event, route, caller, params, body });
      return { ...res, headers: { ...cors, ...res.headers } };
    } catch (err) {
      const denial = objectDenialEvent(err);
      if (denial) logger.security({ ...denial, sourceIp: event.requestContext?.identity?.sourceIp ?? undefined, path: event.path });
      const res = problemResponse(o.toProblem(err), { requestId: context.awsRequestId, instance: event.path });
      if (res.statusCode >= 500) logger.error('request failed', { error: err });
      return { ...res, headers: { ...cors, ...res.headers } };
    }
  };
};
