/**
 * The dashboard's only way to the backend: the public HTTP API, with a person's token in
 * `Authorization: Bearer` or a machine's API key in `x-api-key`.
 * Errors arrive as application/problem+json and become ApiError with the server's title and detail.
 */

import type { BearerSession } from './oidc';

export type RiskLevel = 'low' | 'medium' | 'high' | 'critical';
export type Severity = 'info' | 'low' | 'medium' | 'high' | 'critical';
export type ReviewStatus = 'pending' | 'completed' | 'completed-degraded' | 'failed';
export type ReviewSource = 'api' | 'github' | 'spacelift';
export type FeedbackAction = 'acknowledge' | 'dismiss-finding' | 'override-risk' | 'reopen';

export const RISK_LEVELS: readonly RiskLevel[] = ['low', 'medium', 'high', 'critical'];
export const SEVERITIES: readonly Severity[] = ['critical', 'high', 'medium', 'low', 'info'];
export const STATUSES: readonly ReviewStatus[] = ['pending', 'completed', 'completed-degraded', 'failed'];
export const SOURCES: readonly ReviewSource[] = ['api', 'github', 'spacelift'];

export interface Problem {
  type?: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  requestId?: string;
}

export interface ReviewSummary {
  id: string;
  version: number;
  status: ReviewStatus;
  source: ReviewSource;
  title?: string;
  repository?: string;
  stack?: string;
  riskLevel?: RiskLevel;
  riskScore?: number;
  createdAt: string;
  updatedAt: string;
}

export interface ReviewList {
  items: ReviewSummary[];
  nextCursor?: string;
}

export interface Finding {
  id?: string;
  ruleId: string;
  title?: string;
  severity: Severity;
  category: string;
  resourceAddress: string;
  message: string;
  remediation: string;
  source?: 'rule' | 'llm';
  references?: string[];
  dismissed?: boolean;
  /** An accepted risk (.iac-review.yml or an inline iac-review:ignore comment): shown apart, not in the score. */
  suppressed?: { kind: 'inline' | 'config'; reason: string; until?: string; by?: string; location?: string };
}

export interface Contribution {
  kind: string;
  points: number;
  detail: string;
  ruleId?: string;
  resourceAddress?: string;
  count?: number;
}

export interface ConfidenceFactor {
  name: string;
  factor: number;
  detail: string;
}

export interface ReviewResult {
  riskScore: number;
  riskLevel: RiskLevel;
  confidence: number;
  summary: string;
  findings: Finding[];
  contributions: Contribution[];
  stats?: { confidenceFactors?: ConfidenceFactor[]; resourceChanges?: number } & Record<string, unknown>;
  reviewer?: { mode?: string; modelId?: string; degradedReason?: string };
}

export interface FeedbackEntry {
  action: FeedbackAction;
  findingId?: string;
  riskLevel?: RiskLevel;
  comment: string;
  actor: string;
  at: string;
}

export interface ReviewContent {
  status: ReviewStatus;
  source: ReviewSource;
  title?: string;
  repository?: string;
  stack?: string;
  ref?: string;
  external?: Record<string, string>;
  submittedBy?: string;
  result?: ReviewResult;
  acknowledged?: boolean;
  dismissedFindings?: string[];
  riskOverride?: { riskLevel: RiskLevel; actor: string; comment: string };
  feedback?: FeedbackEntry[];
  failure?: { reason: string };
}

export interface ReviewVersion {
  id: string;
  version: number;
  previousVersion?: number;
  createdAt: string;
  actor: string;
  reason: string;
  hash: string;
  previousHash?: string;
  review: ReviewContent;
}

export interface VersionList {
  items: ReviewVersion[];
  nextCursor?: string;
}

export interface FeedbackRequest {
  action: FeedbackAction;
  comment: string;
  findingId?: string;
  riskLevel?: RiskLevel;
}

export interface ReviewFilters {
  repository?: string;
  stack?: string;
  source?: string;
  riskLevel?: string;
  status?: string;
  from?: string;
  to?: string;
}

/** A failed call: the server's problem+json, or one made up here for network and format failures. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(readonly problem: Problem) {
    super(problem.detail ? `${problem.title}: ${problem.detail}` : problem.title);
  }
  get status(): number {
    return this.problem.status;
  }
}

export interface Credentials {
  /** The API's base URL without a trailing slash; '' means this page's own origin. */
  apiBase: string;
  /** A machine's API key (x-api-key)… */
  apiKey?: string;
  /** …or a person's token from the issuer (Authorization: Bearer). */
  bearer?: BearerSession;
}

type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

const isProblem = (v: unknown): v is Problem =>
  typeof v === 'object' && v !== null && typeof (v as Problem).title === 'string' && typeof (v as Problem).status === 'number';

/** A non-2xx response as a Problem: the body when it is problem+json, else a description of what came back. */
export const problemFrom = async (res: Response): Promise<Problem> => {
  const text = await res.text().catch(() => '');
  let message: string | undefined;
  try {
    const body: unknown = JSON.parse(text);
    if (isProblem(body)) return body;
    // API Gateway answers some errors itself as {"message": "..."}.
    if (typeof body === 'object' && body !== null && typeof (body as { message?: unknown }).message === 'string') message = (body as { message: string }).message;
  } catch {
    // not JSON: described below
  }
  return {
    title: message ?? (res.statusText || `HTTP ${res.status}`),
    status: res.status,
    detail: `The server answered ${res.status} without a problem+json body${res.status === 404 ? ' (is this the IaC Review API URL?)' : ''}.`,
  };
};

/** `"3"`, `W/"3"` → 3. */
export const versionFromEtag = (etag: string | null): number | undefined => {
  const m = etag ? /^(?:W\/)?"?(\d+)"?$/.exec(etag.trim()) : null;
  return m?.[1] ? Number(m[1]) : undefined;
};

export const queryString = (params: Record<string, string | number | undefined>): string => {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
};

/** The route itself does not exist: the local gateway's "No route for …", API Gateway's "Missing Authentication Token". */
export const isMissingRoute = (p: Problem): boolean =>
  ((p.status === 404 || p.status === 405) && /no route/i.test(`${p.title} ${p.detail ?? ''}`)) || (p.status === 403 && /missing authentication token/i.test(p.title));

export class ApiClient {
  private readonly fetchFn: FetchLike;
  constructor(
    private readonly creds: Credentials,
    fetchFn?: FetchLike,
    /** A person's token expired or was refused (401): the app goes back to sign-in. */
    private readonly onSignInExpired?: () => void,
  ) {
    this.fetchFn = fetchFn ?? ((input, init) => fetch(input, init));
  }

  private async call(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    const bearer = this.creds.bearer;
    if (bearer) {
      if (bearer.expiresAt <= Date.now()) {
        this.onSignInExpired?.();
        throw new ApiError({ title: 'Your sign-in has expired', status: 401, detail: 'Sign in again.' });
      }
      headers.set('authorization', `Bearer ${bearer.token}`);
    } else if (this.creds.apiKey) headers.set('x-api-key', this.creds.apiKey);
    headers.set('accept', 'application/json, application/problem+json');
    let res: Response;
    try {
      res = await this.fetchFn(`${this.creds.apiBase}${path}`, { ...init, headers, credentials: 'omit', cache: 'no-store', referrerPolicy: 'no-referrer' });
    } catch (err) {
      throw new ApiError({
        title: 'The API could not be reached',
        status: 0,
        detail: `${err instanceof Error ? err.message : String(err)}. Check the API URL, that the server is running, and (for another origin) that it allows this page's origin (CORS).`,
      });
    }
    if (!res.ok) {
      const problem = await problemFrom(res);
      if (res.status === 401 && bearer) this.onSignInExpired?.();
      throw new ApiError(problem);
    }
    return res;
  }

  private async json<T>(path: string, init?: RequestInit): Promise<{ data: T; etag: string | null }> {
    const res = await this.call(path, init);
    let data: T;
    try {
      data = (await res.json()) as T;
    } catch {
      throw new ApiError({ title: 'Unexpected response', status: res.status, detail: `${path} did not answer with JSON.` });
    }
    return { data, etag: res.headers.get('etag') };
  }

  async health(): Promise<{ status: string; version?: string }> {
    return (await this.json<{ status: string; version?: string }>('/health')).data;
  }

  async listReviews(filters: ReviewFilters, cursor?: string, limit = 20): Promise<ReviewList> {
    return (await this.json<ReviewList>(`/reviews${queryString({ ...filters, limit, cursor })}`)).data;
  }

  /** The latest version and its ETag (the version number If-Match needs). */
  async getReview(id: string): Promise<{ review: ReviewVersion; etag: string }> {
    const { data, etag } = await this.json<ReviewVersion>(`/reviews/${encodeURIComponent(id)}`);
    return { review: data, etag: etag ?? `"${data.version}"` };
  }

  async listVersions(id: string, cursor?: string): Promise<VersionList> {
    return (await this.json<VersionList>(`/reviews/${encodeURIComponent(id)}/versions${queryString({ cursor, limit: 100 })}`)).data;
  }

  /** Creates a version; with If-Match the server answers 409 when someone changed the review first. */
  async postFeedback(id: string, body: FeedbackRequest, ifMatch: string): Promise<ReviewVersion> {
    return (
      await this.json<ReviewVersion>(`/reviews/${encodeURIComponent(id)}/feedback`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'if-match': ifMatch },
        body: JSON.stringify(body),
      })
    ).data;
  }

  /**
   * A GET of a route this server may not have yet (GET /reviews/{id}/verify, the analytics routes):
   * undefined when the route does not exist, as opposed to a missing review or any other error.
   */
  async optionalGet<T>(path: string): Promise<T | undefined> {
    try {
      return (await this.json<T>(path)).data;
    } catch (err) {
      if (err instanceof ApiError && isMissingRoute(err.problem)) return undefined;
      throw err;
    }
  }
}
