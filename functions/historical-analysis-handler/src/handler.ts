import { AnalyticsRequestError, addDays, dayOf, historyPage, queryTrends, type Granularity, type HistoryService, type TrendStore } from '@iac-review/analytics';
import { assertCanUseRepository, createAuthenticator, objectDenialEvent, isRestricted, type Authenticator, type Caller } from '@iac-review/identity';
import {
  compileRoutes,
  corsHeaders,
  header,
  HttpProblemError,
  jsonResponse,
  openApiDocument,
  preflightHeaders,
  problemResponse,
  RequestValidationError,
  validateRequest,
  type ClientRegistry,
  type CorsConfig,
  type HttpEvent,
  type HttpResult,
} from '@iac-review/core';
import { toHttpProblem } from '@iac-review/dynamo-versioning';
import type { Logger } from '@iac-review/logger';

export interface AnalyticsApiConfig {
  cors: CorsConfig;
  clients: ClientRegistry;
}

export interface Deps {
  config: AnalyticsApiConfig;
  logger: Logger;
  clock: () => Date;
  trends: Pick<TrendStore, 'getDays'>;
  history: HistoryService;
  /** Who is calling (API key or signed-in person), scopes, per-identity limits; default: API keys from config.clients only. */
  auth?: Authenticator;
}

type Params = Record<string, unknown>;
type Operation = (params: Params, caller: Caller | undefined) => Promise<HttpResult>;

/**
 * Object-level authorization: a person limited to some repositories may read the analytics of those
 * repositories only; overall and per-stack figures aggregate other repositories, so they are refused (403).
 */
const assertMayAnalyse = (caller: Caller | undefined, params: Params): void => {
  if (!isRestricted(caller)) return;
  assertCanUseRepository(caller, params.repository as string | undefined);
};

const scopesOf = (resource: string, method: string): string[] => {
  const op = openApiDocument.paths[resource]?.[method.toLowerCase()] as { 'x-iac-review-scopes'?: string[] } | undefined;
  return op?.['x-iac-review-scopes'] ?? [];
};

const invalid = (field: string, message: string) => new RequestValidationError(message, [{ field: `parameter:${field}`, reason: message }]);

/** `repo:<name>`, `stack:<id>`, or (only where allowed) `overall`. */
const scopeFrom = (params: Params, allowOverall: boolean): string => {
  const repository = params.repository as string | undefined;
  const stack = params.stack as string | undefined;
  if (repository !== undefined && stack !== undefined) throw invalid('stack', 'Give repository or stack, not both.');
  if (repository !== undefined) return `repo:${repository}`;
  if (stack !== undefined) return `stack:${stack}`;
  if (allowOverall) return 'overall';
  throw invalid('repository', 'Give the repository (owner/name) or the stack to analyse.');
};

const toProblem = (err: unknown): unknown => {
  if (err instanceof HttpProblemError) return err;
  if (err instanceof AnalyticsRequestError) return invalid(err.field, err.message);
  return toHttpProblem(err) ?? err;
};

/** The analytics operations this function serves, by OpenAPI operationId. */
export const createOperations = (deps: Deps): Record<string, Operation> => ({
  getAnalyticsTrends: async (params, caller) => {
    assertMayAnalyse(caller, params);
    const scope = scopeFrom(params, true);
    const yesterday = addDays(dayOf(deps.clock()), -1);
    const to = (params.to as string | undefined) ?? (params.from !== undefined && (params.from as string) > yesterday ? (params.from as string) : yesterday);
    const from = (params.from as string | undefined) ?? addDays(to, -29);
    const page = await queryTrends(deps.trends as TrendStore, {
      scope,
      from,
      to,
      granularity: (params.granularity as Granularity | undefined) ?? 'day',
      limit: (params.limit as number | undefined) ?? 31,
      ...(params.cursor !== undefined ? { cursor: params.cursor as string } : {}),
    });
    return jsonResponse(200, page, { 'cache-control': 'private, max-age=60' });
  },

  getAnalyticsHistory: async (params, caller) => {
    assertMayAnalyse(caller, params);
    const scope = scopeFrom(params, false);
    const analysis = await historyPage(deps.history, {
      scope,
      days: (params.days as number | undefined) ?? 30,
      limit: (params.limit as number | undefined) ?? 20,
      ...(params.cursor !== undefined ? { cursor: params.cursor as string } : {}),
    });
    return jsonResponse(200, analysis, { 'cache-control': 'private, max-age=60' });
  },
});

/** Routes by the OpenAPI document, authorises by scope, validates, maps every error to problem+json. */
export const createHandler = (deps: Deps) => {
  const router = compileRoutes(openApiDocument);
  const operations = createOperations(deps);
  const { logger } = deps;
  const auth = deps.auth ?? createAuthenticator({ clients: deps.config.clients, logger });

  return async (event: HttpEvent, context: { awsRequestId: string }): Promise<HttpResult> => {
    const origin = header(event, 'origin');
    const cors = corsHeaders(deps.config.cors, origin);
    try {
      if (event.httpMethod === 'OPTIONS') {
        const allowed = router.allowedMethods(event.path);
        if (!allowed) router.match('OPTIONS', event.path); // throws the 404
        return { statusCode: 204, headers: preflightHeaders(deps.config.cors, origin, allowed ?? []), body: '' };
      }
      const route = router.match(event.httpMethod, event.path);
      const operation = operations[route.operationId];
      if (!operation) throw new Error(`operation ${route.operationId} is not served by this function (check x-iac-review-function in the OpenAPI document)`);
      // The one authorization check (API key or person; scopes from the OpenAPI operation; per-identity limit).
      const caller = await auth.authorize(event, route.operationId, scopesOf(route.resource, route.method));
      const params: Params = { ...(event.queryStringParameters ?? {}), ...route.pathParameters };
      validateRequest(route.operationId, { params });
      const res = await operation(params, caller);
      return { ...res, headers: { ...cors, ...res.headers } };
    } catch (err) {
      const denial = objectDenialEvent(err);
      if (denial) logger.security({ ...denial, sourceIp: event.requestContext?.identity?.sourceIp ?? undefined, path: event.path });
      const res = problemResponse(toProblem(err), { requestId: context.awsRequestId, instance: event.path });
      if (res.statusCode >= 500) logger.error('request failed', { error: err });
      return { ...res, headers: { ...cors, ...res.headers } };
    }
  };
};
