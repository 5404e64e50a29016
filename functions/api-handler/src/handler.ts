import { compileRoutes, jsonResponse, openApiDocument, problemResponse, type HttpEvent, type HttpResult, type RouteMatch } from '@iac-review/core';
import type { Logger } from '@iac-review/logger';

export interface ApiConfig {
  service: string;
  version: string;
}

export interface Deps {
  config: ApiConfig;
  logger: Logger;
  clock: () => Date;
}

type Operation = (event: HttpEvent, route: RouteMatch) => Promise<HttpResult>;

/** Builds the API handler: routes by the OpenAPI document, maps every error through problemResponse. */
export const createHandler = (deps: Deps) => {
  const router = compileRoutes(openApiDocument);
  const operations: Record<string, Operation> = {
    getHealth: async () =>
      jsonResponse(200, { status: 'ok', service: deps.config.service, version: deps.config.version, time: deps.clock().toISOString() }),
  };

  return async (event: HttpEvent, context: { awsRequestId: string }): Promise<HttpResult> => {
    try {
      const route = router.match(event.httpMethod, event.path);
      const operation = operations[route.operationId];
      if (!operation) throw new Error(`operation ${route.operationId} is declared in the OpenAPI document but not implemented`);
      return await operation(event, route);
    } catch (err) {
      const res = problemResponse(err, { requestId: context.awsRequestId, instance: event.path });
      if (res.statusCode >= 500) deps.logger.error('request failed', { error: err });
      return res;
    }
  };
};
