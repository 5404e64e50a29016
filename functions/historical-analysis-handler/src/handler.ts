import { AnalyticsRequestError, addDays, dayOf, historyPage, queryTrends, type Granularity, type HistoryService, type TrendStore } from '@iac-review/analytics';
import { assertCanUseRepository, createAuthenticator, createHttpApi, isRestricted, type Authenticator, type Caller, type OperationRequest } from '@iac-review/identity';
import { HttpProblemError, jsonResponse, RequestValidationError, type ClientRegistry, type CorsConfig, type HttpResult } from '@iac-review/core';
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
  const operations = createOperations(deps);
  return createHttpApi({
    // The analytics operations take the checked parameters and the caller.
    operations: Object.fromEntries(Object.entries(operations).map(([id, op]) => [id, ({ params, caller }: OperationRequest) => op(params, caller)])),
    auth: deps.auth ?? createAuthenticator({ clients: deps.config.clients, logger: deps.logger }),
    cors: deps.config.cors,
    logger: deps.logger,
    toProblem,
  });
};
