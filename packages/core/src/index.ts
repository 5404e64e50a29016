export {
  HttpProblemError,
  RequestValidationError,
  UnauthorizedError,
  ForbiddenError,
  NotFoundError,
  MethodNotAllowedError,
  ConflictError,
  PayloadTooLargeError,
  UnsupportedMediaTypeError,
  RateLimitedError,
  ServiceUnavailableError,
} from './errors';
export type { FieldError } from './errors';
export { jsonResponse, problemResponse, header, rawBody, PROBLEM_JSON } from './http';
export type { HttpEvent, HttpResult, ProblemContext } from './http';
export { tableDefinition, createTableInput } from './table';
export type { TableDefinition, IndexDef, KeyDef, KeyType } from './table';
export { compileRoutes } from './router';
export type { Router, RouteMatch } from './router';
export { openApiDocument } from './openapi';
export { CATEGORIES, SEVERITIES, RISK_LEVELS, severityRank } from './review-types';
export type { Category, Severity, RiskLevel, Finding, Suppression } from './review-types';
export { describeSchemaErrors, summariseFieldErrors } from './validation';
// validateRequest / hasBodySchema: '@iac-review/core/request-validation' (not re-exported here: its
// import() of the compiled validators would put them in every bundle that imports this index).
export type { SchemaError, DescribeSchemaErrorsOptions } from './validation';
export type {
  ReviewSubmission,
  ReviewAccepted,
  ReviewSummary,
  ReviewList,
  ReviewVersion as ReviewVersionDto,
  VersionList,
  FeedbackRequest,
  ReviewStatus,
  TfFile,
} from './generated/api-types';
export { readServiceConfig, ConfigError } from './config';
export { SCOPES, parseClientRegistry } from './api-auth';
export type { Scope, ApiClient, ClientRegistry } from './api-auth';
export { corsHeaders, preflightHeaders } from './cors';
export type { CorsConfig } from './cors';
export type { ServiceConfig } from './config';
export { checkFreeText, checkIntegerParams, checkListFilters, checkQueryText } from './hardening';
export { deferred } from './deferred';
export { loadOnce } from './load-once';
export type { AsyncMethodsOf } from './deferred';
export { nodeCrypto } from './node-crypto';
