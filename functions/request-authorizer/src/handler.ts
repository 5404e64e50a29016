import { API_KEY_CONTEXT, personContext, TokenRejectedError, type AuthorizerContext, type TokenVerifier } from '@iac-review/identity/oidc';
import type { Logger } from '@iac-review/logger';

/** The parts of API Gateway's REQUEST authorizer event this function reads. */
export interface AuthorizerEvent {
  type: 'REQUEST';
  methodArn: string;
  headers?: Record<string, string | undefined> | null;
  requestContext?: { identity?: { sourceIp?: string } };
}

export interface AuthorizerResult {
  principalId: string;
  policyDocument: { Version: '2012-10-17'; Statement: Array<{ Action: 'execute-api:Invoke'; Effect: 'Allow'; Resource: string }> };
  /** With api_key_source AUTHORIZER, API Gateway checks this key against the usage plans (throttle, quota). */
  usageIdentifierKey: string;
  /** API Gateway hands this to the function as event.requestContext.authorizer (@iac-review/identity reads it). */
  context: AuthorizerContext;
}

export interface AuthorizerDeps {
  logger: Logger;
  /** Absent when sign-in is not configured: only API keys pass. */
  verifier?: TokenVerifier;
  /** The value of the people usage plan's API key, given for verified tokens. */
  peopleApiKey?: string;
}

/**
 * API Gateway REQUEST authorizer for every non-webhook route: a request with x-api-key passes with
 * that key (API Gateway then validates it and applies its usage plan, as before); a request with a
 * valid OIDC bearer token passes with the people plan's key and the person (sub, username, email,
 * groups) in its context; anything else is refused (401, gateway response UNAUTHORIZED). This is the
 * only place a person's token is verified: the functions trust the context and check scopes from the
 * groups (@iac-review/identity), the same check for both kinds of caller. The local stack's gateway
 * runs this same code.
 */
export const createAuthorizer = (deps: AuthorizerDeps) => {
  const { logger } = deps;
  const allow = (event: AuthorizerEvent, principalId: string, key: string, context: AuthorizerContext): AuthorizerResult => ({
    principalId,
    policyDocument: { Version: '2012-10-17', Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: event.methodArn }] },
    usageIdentifierKey: key,
    context,
  });
  return async (event: AuthorizerEvent): Promise<AuthorizerResult> => {
    const headers: Record<string, string> = Object.create(null) as Record<string, string>;
    for (const [k, v] of Object.entries(event.headers ?? {})) if (typeof v === 'string') headers[k.toLowerCase()] = v;
    const sourceIp = event.requestContext?.identity?.sourceIp;
    const apiKey = headers['x-api-key'];
    if (apiKey) return allow(event, 'api-key', apiKey, API_KEY_CONTEXT);
    const m = /^Bearer\s+(\S+)\s*$/i.exec(headers.authorization ?? '');
    if (m && deps.verifier && deps.peopleApiKey) {
      try {
        const t = await deps.verifier.verify(m[1]!);
        return allow(event, t.sub, deps.peopleApiKey, personContext(t));
      } catch (err) {
        logger.security({ event: 'auth.signin-failed', reason: err instanceof TokenRejectedError ? err.reason : 'the token could not be verified', ...(sourceIp ? { sourceIp } : {}), status: 401 });
        throw new Error('Unauthorized');
      }
    }
    logger.security({ event: 'auth.denied', reason: m ? 'bearer token sent but sign-in is not configured' : 'no credentials', ...(sourceIp ? { sourceIp } : {}), status: 401 });
    // API Gateway's contract: this exact message answers 401 (gateway response UNAUTHORIZED).
    throw new Error('Unauthorized');
  };
};
