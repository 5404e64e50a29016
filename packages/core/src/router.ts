import { MethodNotAllowedError, NotFoundError, RequestValidationError } from './errors';

/** One operation of the OpenAPI document, as routed by the local stack and api-handler. */
export interface RouteMatch {
  /** The path template, e.g. `/reviews/{id}` (what API Gateway puts in `event.resource`). */
  resource: string;
  method: string;
  operationId: string;
  functionName: string;
  pathParameters: Record<string, string>;
}

interface CompiledRoute {
  resource: string;
  regex: RegExp;
  params: string[];
  operations: Map<string, { operationId: string; functionName: string }>;
}

interface OpenApiLike {
  paths: Record<string, Record<string, unknown>>;
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'];

/** Compiles the OpenAPI paths into a matcher: path templates → operation + function. */
export const compileRoutes = (doc: OpenApiLike) => {
  const routes: CompiledRoute[] = Object.entries(doc.paths).map(([resource, item]) => {
    const params: string[] = [];
    const pattern = resource
      .split('/')
      .map((seg) => {
        const m = /^\{([^}]+)\}$/.exec(seg);
        if (m?.[1]) {
          params.push(m[1]);
          return '([^/]+)';
        }
        return seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      })
      .join('/');
    const operations = new Map<string, { operationId: string; functionName: string }>();
    for (const method of METHODS) {
      const op = item[method] as { operationId?: string; 'x-iac-review-function'?: string } | undefined;
      if (!op) continue;
      operations.set(method.toUpperCase(), { operationId: op.operationId ?? `${method} ${resource}`, functionName: op['x-iac-review-function'] ?? '' });
    }
    return { resource, regex: new RegExp(`^${pattern}/?$`), params, operations };
  });
  // Literal segments win over parameters (/reviews/search before /reviews/{id}).
  routes.sort((a, b) => a.params.length - b.params.length);

  const find = (path: string) => {
    for (const r of routes) {
      const m = r.regex.exec(path);
      if (!m) continue;
      const pathParameters: Record<string, string> = {};
      r.params.forEach((p, i) => {
        const raw = m[i + 1] ?? '';
        try {
          pathParameters[p] = decodeURIComponent(raw);
        } catch {
          // A malformed escape (`/reviews/%`, `%E0%A4%A`) is the client's mistake, not ours.
          throw new RequestValidationError(`The path segment ${JSON.stringify(raw.slice(0, 80))} is not valid percent-encoding; escape a literal % as %25.`, [{ field: `parameter:${p}`, reason: 'is not valid percent-encoding' }]);
        }
      });
      return { route: r, pathParameters };
    }
    return undefined;
  };

  return {
    /** Every (method, resource) pair the document declares. */
    list: () => routes.flatMap((r) => [...r.operations].map(([method, op]) => ({ method, resource: r.resource, ...op }))),
    /** The template, parameters and operations of a concrete path (what a CORS preflight routes by). */
    lookup: (path: string) => {
      const hit = find(path);
      if (!hit) return undefined;
      return {
        resource: hit.route.resource,
        pathParameters: hit.pathParameters,
        operations: [...hit.route.operations].map(([method, op]) => ({ method, ...op })),
      };
    },
    /** Allowed methods for a concrete path (for CORS preflight and 405s), or undefined if unknown. */
    allowedMethods: (path: string) => {
      const hit = find(path);
      return hit ? [...hit.route.operations.keys()] : undefined;
    },
    /** Resolves a request, throwing NotFoundError / MethodNotAllowedError as problem+json errors. */
    match: (method: string, path: string): RouteMatch => {
      const hit = find(path);
      if (!hit) throw new NotFoundError(`No route for ${method} ${path}. See the OpenAPI document for the routes this API serves.`);
      const op = hit.route.operations.get(method.toUpperCase());
      if (!op) {
        const allow = [...hit.route.operations.keys()];
        throw new MethodNotAllowedError(`${method} is not allowed on ${path}; allowed: ${allow.join(', ')}.`, allow);
      }
      return { resource: hit.route.resource, method: method.toUpperCase(), operationId: op.operationId, functionName: op.functionName, pathParameters: hit.pathParameters };
    },
  };
};

export type Router = ReturnType<typeof compileRoutes>;
