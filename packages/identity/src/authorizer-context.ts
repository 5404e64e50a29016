import { HttpProblemError } from '@iac-review/core';

/**
 * The contract between the request authorizer (functions/request-authorizer) and the HTTP functions:
 * what the authorizer returns as `context`, which API Gateway hands to the integration as
 * `event.requestContext.authorizer` (clients cannot set it). The authorizer verifies a person's
 * bearer token once; the functions read the person from here and never verify the token again.
 * This module must not import the token verifier: the HTTP functions ship without jose.
 */

/** API Gateway context values must be strings, numbers or booleans: groups travel as a JSON array. */
export type AuthorizerContext = { callerKind: 'api-key' } | { callerKind: 'person'; sub: string; username?: string; email?: string; groups: string };

/** The person the authorizer verified, as the functions read it back. */
export interface ContextPerson {
  sub: string;
  username?: string;
  email?: string;
  groups: string[];
}

/** The context for a verified person (absent username/email are left out, never empty strings). */
export const personContext = (t: ContextPerson): AuthorizerContext => ({
  callerKind: 'person',
  sub: t.sub,
  ...(t.username ? { username: t.username } : {}),
  ...(t.email ? { email: t.email } : {}),
  groups: JSON.stringify(t.groups),
});

export const API_KEY_CONTEXT: AuthorizerContext = { callerKind: 'api-key' };

/**
 * The authorizer's context could not be read: a deployment fault (the authorizer and the function
 * disagree, or a route is wired to another authorizer), never the client's. `reason` names the field
 * at fault, for the log; it never holds the context's values.
 */
export class AuthorizerContextError extends HttpProblemError {
  override name = 'AuthorizerContextError';
  constructor(readonly reason: string) {
    super(
      500,
      'authorizer-context',
      'Internal error',
      "The API's authorizer passed a caller this function cannot read. This is a fault of the deployment, not of your request; quote the request id if it keeps happening.",
    );
  }
}

export type ReadContext = { kind: 'none' } | { kind: 'api-key' } | ({ kind: 'person' } & ContextPerson);

const optionalString = (ctx: Record<string, unknown>, name: 'username' | 'email'): string | undefined => {
  const v = ctx[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string' || v === '') throw new AuthorizerContextError(`the authorizer context's ${name} is not a non-empty string`);
  return v;
};

/**
 * Reads `event.requestContext.authorizer`. No authorizer, or none that names a callerKind → `none`
 * (a route without the request authorizer). Anything else that is not exactly the shape
 * personContext() writes → AuthorizerContextError (500): a malformed context never passes silently.
 */
export const readAuthorizerContext = (authorizer: unknown): ReadContext => {
  if (authorizer === undefined || authorizer === null) return { kind: 'none' };
  if (typeof authorizer !== 'object' || Array.isArray(authorizer)) throw new AuthorizerContextError('the authorizer context is not an object');
  const ctx = authorizer as Record<string, unknown>;
  const kind = ctx.callerKind;
  if (kind === undefined || kind === null) return { kind: 'none' };
  if (kind === 'api-key') return { kind: 'api-key' };
  if (kind !== 'person') throw new AuthorizerContextError('the authorizer context names an unknown callerKind');
  if (typeof ctx.sub !== 'string' || ctx.sub.trim() === '') throw new AuthorizerContextError("the authorizer context's sub is not a non-empty string");
  if (typeof ctx.groups !== 'string') throw new AuthorizerContextError("the authorizer context's groups is not a JSON string");
  let groups: unknown;
  try {
    groups = JSON.parse(ctx.groups);
  } catch {
    throw new AuthorizerContextError("the authorizer context's groups is not valid JSON");
  }
  if (!Array.isArray(groups) || !groups.every((g) => typeof g === 'string')) throw new AuthorizerContextError("the authorizer context's groups is not a JSON array of strings");
  const username = optionalString(ctx, 'username');
  const email = optionalString(ctx, 'email');
  return { kind: 'person', sub: ctx.sub, ...(username ? { username } : {}), ...(email ? { email } : {}), groups: groups as string[] };
};
