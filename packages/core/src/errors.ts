/** Base of every expected failure that maps to an HTTP problem response. */
export class HttpProblemError extends Error {
  override name = 'HttpProblemError';
  readonly status: number;
  readonly type: string;
  readonly title: string;
  readonly extensions: Record<string, unknown>;
  readonly headers: Record<string, string>;
  constructor(
    status: number,
    slug: string,
    title: string,
    detail: string,
    opts: { cause?: unknown; extensions?: Record<string, unknown>; headers?: Record<string, string> } = {},
  ) {
    super(detail, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.status = status;
    this.type = `https://iac-review.dev/problems/${slug}`;
    this.title = title;
    this.extensions = opts.extensions ?? {};
    this.headers = opts.headers ?? {};
  }
}

export interface FieldError {
  /** JSON pointer or dotted path of the failing field, e.g. `/body/plan` */
  field: string;
  reason: string;
}

export class RequestValidationError extends HttpProblemError {
  override name = 'RequestValidationError';
  constructor(detail: string, errors: FieldError[] = [], cause?: unknown) {
    super(400, 'validation-error', 'Request is not valid', detail, { cause, extensions: errors.length ? { errors } : {} });
  }
}
export class UnauthorizedError extends HttpProblemError {
  override name = 'UnauthorizedError';
  constructor(detail = 'Send a valid API key in the x-api-key header.') {
    super(401, 'unauthorized', 'Authentication required', detail, { headers: { 'www-authenticate': 'ApiKey header="x-api-key"' } });
  }
}
export class ForbiddenError extends HttpProblemError {
  override name = 'ForbiddenError';
  constructor(detail: string) {
    super(403, 'forbidden', 'Not allowed', detail);
  }
}
export class NotFoundError extends HttpProblemError {
  override name = 'NotFoundError';
  constructor(detail: string) {
    super(404, 'not-found', 'Not found', detail);
  }
}
export class MethodNotAllowedError extends HttpProblemError {
  override name = 'MethodNotAllowedError';
  constructor(detail: string, allow: string[]) {
    super(405, 'method-not-allowed', 'Method not allowed', detail, { headers: { allow: allow.join(', ') } });
  }
}
export class ConflictError extends HttpProblemError {
  override name = 'ConflictError';
  constructor(detail: string, extensions: Record<string, unknown> = {}) {
    super(409, 'conflict', 'Conflict', detail, { extensions });
  }
}
export class PayloadTooLargeError extends HttpProblemError {
  override name = 'PayloadTooLargeError';
  constructor(detail: string) {
    super(413, 'payload-too-large', 'Request body too large', detail);
  }
}
export class UnsupportedMediaTypeError extends HttpProblemError {
  override name = 'UnsupportedMediaTypeError';
  constructor(detail: string) {
    super(415, 'unsupported-media-type', 'Unsupported media type', detail);
  }
}
export class RateLimitedError extends HttpProblemError {
  override name = 'RateLimitedError';
  constructor(retryAfterSeconds: number, detail = 'Too many requests for this API key; slow down and retry later.') {
    super(429, 'rate-limited', 'Too many requests', detail, { headers: { 'retry-after': String(Math.max(1, Math.ceil(retryAfterSeconds))) } });
  }
}
export class ServiceUnavailableError extends HttpProblemError {
  override name = 'ServiceUnavailableError';
  constructor(retryAfterSeconds: number, detail = 'A dependency is busy; retry shortly.', cause?: unknown) {
    super(503, 'service-unavailable', 'Service unavailable', detail, { cause, headers: { 'retry-after': String(Math.max(1, Math.ceil(retryAfterSeconds))) } });
  }
}
