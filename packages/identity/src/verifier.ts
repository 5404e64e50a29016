import type { createRemoteJWKSet, errors as JoseErrors, JWTPayload } from 'jose';

/** jose is loaded on the first bearer token: requests with an API key (or none) never load it. */
const loadJose = () => import('./jose-parts');
import type { OidcConfig } from './config';

/** A bearer token that is not accepted; `reason` is safe to log and to show (never holds the token). */
export class TokenRejectedError extends Error {
  override name = 'TokenRejectedError';
  constructor(readonly reason: string) {
    super(reason);
  }
}

export interface VerifiedToken {
  sub: string;
  username?: string;
  email?: string;
  groups: string[];
  tokenUse?: string;
  claims: JWTPayload;
}

export interface TokenVerifier {
  verify(token: string): Promise<VerifiedToken>;
}

/** Asymmetric algorithms only: no `none`, no HMAC (a public JWKS key must never act as a shared secret). */
const ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];

export interface VerifierOptions {
  /** Discovery document fetch (tests / the local stack); defaults to global fetch. */
  fetch?: typeof fetch;
  /** Seconds since epoch, for tests; defaults to now. */
  now?: () => number;
  /** Milliseconds a JWKS response is trusted before it is fetched again (default 10 minutes). */
  jwksCacheMaxAgeMs?: number;
}

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string') : typeof v === 'string' ? [v] : []);

const describe = (err: unknown, joseErrors: typeof JoseErrors): string => {
  if (err instanceof joseErrors.JWTExpired) return 'the token has expired; sign in again';
  if (err instanceof joseErrors.JWTClaimValidationFailed) {
    if (err.claim === 'iss') return 'the token was issued by another issuer';
    if (err.claim === 'nbf' || err.claim === 'iat') return `the token is not valid yet (${err.claim})`;
    return `the token's ${err.claim} claim is not acceptable`;
  }
  if (err instanceof joseErrors.JOSEAlgNotAllowed) return 'the token is not signed with an accepted algorithm';
  if (err instanceof joseErrors.JWSSignatureVerificationFailed) return 'the token signature does not verify';
  if (err instanceof joseErrors.JWKSNoMatchingKey) return "no key of the issuer's JWKS matches the token";
  if (err instanceof joseErrors.JWKSTimeout || err instanceof joseErrors.JWKSInvalid) return "the issuer's JWKS could not be read";
  if (err instanceof joseErrors.JWSInvalid || err instanceof joseErrors.JWTInvalid || err instanceof joseErrors.JOSENotSupported) return 'the token is malformed';
  return 'the token could not be verified';
};

/**
 * Verifies OIDC bearer tokens with jose: signature against the issuer's JWKS (fetched once, cached,
 * re-fetched on an unknown `kid` at most every 30 s), exact issuer, audience (ID tokens / generic
 * providers: `aud`; Cognito access tokens: `client_id`), `exp` required, `token_use` id/access when
 * present, clock skew bounded by the configuration.
 */
export const createTokenVerifier = (config: OidcConfig, opts: VerifierOptions = {}): TokenVerifier => {
  const doFetch = opts.fetch ?? fetch;
  let jwks: Promise<ReturnType<typeof createRemoteJWKSet>> | undefined;
  const keySet = (): Promise<ReturnType<typeof createRemoteJWKSet>> => {
    if (!jwks) {
      jwks = (async () => {
        const { createRemoteJWKSet } = await loadJose();
        let url = config.jwksUrl;
        if (!url) {
          const res = await doFetch(`${config.issuer.replace(/\/$/, '')}/.well-known/openid-configuration`, { signal: AbortSignal.timeout(5000) });
          if (!res.ok) throw new TokenRejectedError(`the issuer's discovery document answered ${res.status}`);
          const doc = (await res.json()) as { issuer?: unknown; jwks_uri?: unknown };
          if (doc.issuer !== config.issuer) throw new TokenRejectedError("the issuer's discovery document names another issuer");
          if (typeof doc.jwks_uri !== 'string') throw new TokenRejectedError("the issuer's discovery document has no jwks_uri");
          url = doc.jwks_uri;
        }
        return createRemoteJWKSet(new URL(url), { cacheMaxAge: opts.jwksCacheMaxAgeMs ?? 600_000, cooldownDuration: 30_000, timeoutDuration: 5000 });
      })();
      // A failed discovery is not cached: the next request tries again.
      jwks.catch(() => {
        jwks = undefined;
      });
    }
    return jwks;
  };

  return {
    verify: async (token) => {
      let payload: JWTPayload;
      const { errors: joseErrors, jwtVerify } = await loadJose();
      try {
        const set = await keySet();
        ({ payload } = await jwtVerify(token, set, {
          issuer: config.issuer,
          algorithms: ALGORITHMS,
          clockTolerance: config.clockSkewSeconds,
          requiredClaims: ['exp', 'sub'],
          ...(opts.now ? { currentDate: new Date(opts.now() * 1000) } : {}),
        }));
      } catch (err) {
        if (err instanceof TokenRejectedError) throw err;
        throw new TokenRejectedError(describe(err, joseErrors));
      }
      const tokenUse = typeof payload.token_use === 'string' ? payload.token_use : undefined;
      if (tokenUse !== undefined && tokenUse !== 'id' && tokenUse !== 'access') throw new TokenRejectedError(`token_use ${tokenUse} is not accepted`);
      const audiences = tokenUse === 'access' && typeof payload.client_id === 'string' ? [payload.client_id] : strings(payload.aud);
      if (!audiences.some((a) => config.audience.includes(a))) throw new TokenRejectedError('the token was issued for another audience');
      const username = [payload['cognito:username'], payload.username, payload.preferred_username].find((v): v is string => typeof v === 'string');
      const email = typeof payload.email === 'string' ? payload.email : undefined;
      return {
        sub: payload.sub!,
        ...(username ? { username } : {}),
        ...(email ? { email } : {}),
        groups: strings(payload[config.groupsClaim]),
        ...(tokenUse ? { tokenUse } : {}),
        claims: payload,
      };
    },
  };
};
