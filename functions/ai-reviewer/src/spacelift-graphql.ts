import type { SpaceliftChange } from '@iac-review/reviews';

/** An API key of Spacelift (Settings → API keys): id and secret, exchanged for a JWT with `apiKeyUser`. */
export interface SpaceliftApiKey {
  keyId: string;
  keySecret: string;
}

export interface SpaceliftGraphqlOptions {
  /** The account's GraphQL endpoint, e.g. `https://acme.app.spacelift.io/graphql` (SPACELIFT_API_URL). */
  apiUrl: string;
  /** Reads the API key (Secrets Manager in AWS); called when a JWT is needed, never logged. */
  apiKey: () => Promise<SpaceliftApiKey>;
  /** The HTTP client (node's fetch by default). */
  fetch?: typeof fetch;
  /** Attempts per request for network errors, 429 and 5xx (default 3). */
  maxAttempts?: number;
  /** Per-request timeout (default 10 s). */
  timeoutMs?: number;
  /** First retry delay; doubled per attempt (default 250 ms). */
  backoffMs?: number;
  clock?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/** A failed Spacelift API call. The message is safe to store with the review: no key, no token. */
export class SpaceliftApiError extends Error {
  override name = 'SpaceliftApiError';
  readonly retryable: boolean;
  constructor(message: string, opts: { retryable?: boolean; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.retryable = opts.retryable ?? false;
  }
}

const TOKEN_MUTATION = 'mutation IacReviewToken($id: ID!, $secret: String!) { apiKeyUser(id: $id, secret: $secret) { jwt validUntil } }';
const CHANGES_QUERY =
  'query IacReviewRunChanges($stack: ID!, $run: ID!) { stack(id: $stack) { run(id: $run) { id state changesV3(input: {}) { resources { address previousAddress metadata { type } } } } } }';

/** Refresh a JWT this long before Spacelift says it expires. */
const EXPIRY_MARGIN_MS = 60_000;

interface GraphqlResponse<T> {
  data?: T | null;
  errors?: Array<{ message?: string }>;
}

/** Spacelift's change type (`ADD`, `CHANGE`, `DELETE`, `REPLACE`, `IMPORT`, `MOVE`, `FORGET`, …) → the action names of notification-policy changes. */
export const actionOfChangeType = (type: string | null | undefined): string => {
  const t = (type ?? '').toUpperCase().replace(/[^A-Z]/g, '');
  if (/^(ADD|ADDED|CREATE|CREATED)$/.test(t)) return 'added';
  if (/^(CHANGE|CHANGED|UPDATE|UPDATED)$/.test(t)) return 'changed';
  if (/^(DELETE|DELETED|DESTROY|DESTROYED)$/.test(t)) return 'deleted';
  if (t.startsWith('CREATEBEFOREDESTROY')) return 'create-Before-destroy-replaced';
  if (t.startsWith('REPLACE') || t.startsWith('DESTROYBEFORECREATE')) return 'destroy-Before-create-replaced';
  if (t.startsWith('IMPORT')) return 'imported';
  if (t.startsWith('MOVE')) return 'moved';
  if (t.startsWith('FORGET')) return 'forgotten';
  if (t === 'NOOP' || t === 'READ' || t === 'NONE') return 'no-op';
  return t.toLowerCase() || 'changed';
};

/**
 * Spacelift's GraphQL API with the real HTTP client: the API key is exchanged for a JWT
 * (`apiKeyUser`), cached until shortly before `validUntil`; requests are retried a bounded number of
 * times on network errors, timeouts, 429 and 5xx, and once with a fresh JWT on 401.
 */
export const createSpaceliftGraphqlClient = (opts: SpaceliftGraphqlOptions) => {
  const doFetch = opts.fetch ?? fetch;
  const maxAttempts = Math.max(1, opts.maxAttempts ?? 3);
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const backoffMs = opts.backoffMs ?? 250;
  const clock = opts.clock ?? Date.now;
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  let token: { jwt: string; expiresAt: number } | undefined;
  let tokenInFlight: Promise<string> | undefined;

  /** One POST with retries; 401 is returned to the caller (it decides whether a new JWT helps). */
  const post = async <T>(body: unknown, jwt: string | undefined, what: string): Promise<{ status: number; json?: GraphqlResponse<T> }> => {
    let last: unknown;
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      if (attempt > 1) await sleep(backoffMs * 2 ** (attempt - 2));
      let res: Response;
      try {
        res = await doFetch(opts.apiUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'application/json', ...(jwt ? { authorization: `Bearer ${jwt}` } : {}) },
          body: JSON.stringify(body),
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (err) {
        last = new SpaceliftApiError(`${what}: ${(err as Error).name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : 'the Spacelift API could not be reached'}`, { retryable: true, cause: err });
        continue;
      }
      if (res.status === 429 || res.status >= 500) {
        await res.body?.cancel().catch(() => undefined);
        last = new SpaceliftApiError(`${what}: Spacelift answered HTTP ${res.status}`, { retryable: true });
        continue;
      }
      if (res.status === 401) {
        await res.body?.cancel().catch(() => undefined);
        return { status: 401 };
      }
      if (!res.ok) {
        await res.body?.cancel().catch(() => undefined);
        throw new SpaceliftApiError(`${what}: Spacelift answered HTTP ${res.status}`);
      }
      try {
        return { status: res.status, json: (await res.json()) as GraphqlResponse<T> };
      } catch (err) {
        throw new SpaceliftApiError(`${what}: the answer is not JSON`, { cause: err });
      }
    }
    throw last instanceof SpaceliftApiError ? new SpaceliftApiError(`${last.message} (after ${maxAttempts} attempts)`, { retryable: true, cause: last }) : new SpaceliftApiError(`${what} failed`);
  };

  const graphqlErrors = (json: GraphqlResponse<unknown> | undefined): string | undefined =>
    json?.errors?.length ? json.errors.map((e) => e.message ?? 'unknown error').slice(0, 3).join('; ') : undefined;

  const exchange = async (): Promise<string> => {
    let key: SpaceliftApiKey;
    try {
      key = await opts.apiKey();
    } catch (err) {
      throw new SpaceliftApiError('the Spacelift API key could not be read', { retryable: true, cause: err });
    }
    const { status, json } = await post<{ apiKeyUser: { jwt: string; validUntil?: number } | null }>({ query: TOKEN_MUTATION, variables: { id: key.keyId, secret: key.keySecret } }, undefined, 'exchanging the API key');
    const user = json?.data?.apiKeyUser;
    if (status === 401 || !user?.jwt) {
      throw new SpaceliftApiError(`Spacelift rejected the API key${graphqlErrors(json) ? ` (${graphqlErrors(json)})` : ''}: check its id and secret, and that it may read the stack`);
    }
    const validUntilMs = typeof user.validUntil === 'number' ? user.validUntil * 1000 : clock() + 10 * 60_000;
    token = { jwt: user.jwt, expiresAt: validUntilMs - EXPIRY_MARGIN_MS };
    return user.jwt;
  };

  const jwt = async (): Promise<string> => {
    if (token && clock() < token.expiresAt) return token.jwt;
    tokenInFlight ??= exchange().finally(() => {
      tokenInFlight = undefined;
    });
    return tokenInFlight;
  };

  const query = async <T>(q: string, variables: Record<string, unknown>, what: string): Promise<T> => {
    let res = await post<T>({ query: q, variables }, await jwt(), what);
    if (res.status === 401) {
      token = undefined;
      res = await post<T>({ query: q, variables }, await jwt(), what);
      if (res.status === 401) throw new SpaceliftApiError(`${what}: Spacelift refused the API key's token (HTTP 401)`);
    }
    const errors = graphqlErrors(res.json);
    if (errors) throw new SpaceliftApiError(`${what}: ${errors}`);
    if (!res.json?.data) throw new SpaceliftApiError(`${what}: the answer has no data`);
    return res.json.data;
  };

  /** The planned resource changes of a run (`changesV3` resources: address, previous address, change type). */
  const runChanges = async (stackId: string, runId: string): Promise<SpaceliftChange[]> => {
    type Data = { stack: { run: { changesV3: Array<{ resources: Array<{ address: string; previousAddress?: string | null; metadata?: { type?: string | null } | null }> }> | null } | null } | null };
    const what = `reading the changes of run ${runId} of stack ${stackId}`;
    const data = await query<Data>(CHANGES_QUERY, { stack: stackId, run: runId }, what);
    if (!data.stack) throw new SpaceliftApiError(`${what}: stack ${stackId} does not exist or the API key cannot read it`);
    if (!data.stack.run) throw new SpaceliftApiError(`${what}: the stack has no run ${runId}`);
    const out: SpaceliftChange[] = [];
    for (const group of data.stack.run.changesV3 ?? []) {
      for (const r of group.resources ?? []) {
        if (typeof r.address !== 'string' || r.address === '') continue;
        out.push({ action: actionOfChangeType(r.metadata?.type), address: r.address, entityType: 'resource', phase: 'plan' });
      }
    }
    return out;
  };

  return { runChanges };
};

export type SpaceliftGraphqlClient = ReturnType<typeof createSpaceliftGraphqlClient>;
