import { createTokenVerifier, readOidcConfig, type TokenVerifier } from '@iac-review/identity/oidc';
import { startLocalIssuer, type LocalIssuer } from '@iac-review/identity/testing';

/** Settings the local stack passes through to the functions for sign-in and per-identity limits. */
export const IDENTITY_PASS_THROUGH = [
  'OIDC_ISSUER',
  'OIDC_AUDIENCE',
  'OIDC_JWKS_URL',
  'OIDC_GROUPS_CLAIM',
  'OIDC_GROUP_SCOPES',
  'OIDC_GROUP_REPOSITORIES',
  'OIDC_CLOCK_SKEW_SECONDS',
  'RATE_LIMIT_BURST',
  'RATE_LIMIT_PER_SECOND',
] as const;

export const DEFAULT_READER_PASSWORD = 'local-reader-password';
export const DEFAULT_WRITER_PASSWORD = 'local-writer-password';
export const LOCAL_CLIENT_ID = 'iac-review-local';

/** The groups of the local issuer's seeded users and the scopes they grant (the same shape as Terraform's default). */
export const LOCAL_GROUP_SCOPES = {
  'iac-readers': ['reviews:read', 'analytics:read'],
  'iac-writers': ['reviews:read', 'reviews:write', 'analytics:read'],
  'iac-admins': ['admin'],
};

export interface LocalIdentity {
  /** What the banner says about sign-in. */
  summary: string;
  issuer: string;
  clientId: string;
  /** Verifies tokens in the gateway's request authorizer (functions/request-authorizer), as in AWS; the functions verify none. */
  verifier: TokenVerifier;
  /** Seeded users (local issuer only): name → groups; passwords from LOCAL_READER_PASSWORD / LOCAL_WRITER_PASSWORD. */
  users: Array<{ username: string; groups: string[] }>;
  close: () => Promise<void>;
}

/**
 * Sign-in for the local stack: with OIDC_ISSUER set, that issuer (e.g. a real Cognito pool) is used
 * as is; otherwise a real OIDC issuer is started on loopback (discovery, JWKS, authorization code +
 * PKCE, and a password grant for the two seeded users, `reader` and `writer`). Sets OIDC_* in
 * process.env for the functions either way, and passes RATE_LIMIT_* through.
 */
export const startLocalIdentity = async (env: NodeJS.ProcessEnv): Promise<LocalIdentity> => {
  for (const name of IDENTITY_PASS_THROUGH) {
    const value = env[name];
    if (value !== undefined && value !== '') process.env[name] = value;
    else delete process.env[name];
  }
  if (env.OIDC_ISSUER) {
    const config = readOidcConfig(process.env);
    if (!config) throw new Error('OIDC_ISSUER is set but the sign-in configuration could not be read');
    return { summary: `tokens from ${config.issuer} (audience ${config.audience.join(', ')})`, issuer: config.issuer, clientId: config.audience[0]!, verifier: createTokenVerifier(config), users: [], close: async () => undefined };
  }
  const users = [
    { username: 'reader', password: env.LOCAL_READER_PASSWORD || DEFAULT_READER_PASSWORD, email: 'reader@iac-review.local', groups: ['iac-readers'], sub: '00000000-0000-4000-8000-00000000000a' },
    { username: 'writer', password: env.LOCAL_WRITER_PASSWORD || DEFAULT_WRITER_PASSWORD, email: 'writer@iac-review.local', groups: ['iac-writers'], sub: '00000000-0000-4000-8000-00000000000b' },
  ];
  const issuer: LocalIssuer = await startLocalIssuer({ users, clientId: LOCAL_CLIENT_ID, groupsClaim: 'groups', ...(env.LOCAL_OIDC_PORT ? { port: Number(env.LOCAL_OIDC_PORT) } : {}) });
  Object.assign(process.env, {
    OIDC_ISSUER: issuer.issuer,
    OIDC_AUDIENCE: issuer.clientId,
    OIDC_GROUPS_CLAIM: 'groups',
    OIDC_GROUP_SCOPES: env.OIDC_GROUP_SCOPES || JSON.stringify(LOCAL_GROUP_SCOPES),
  });
  const config = readOidcConfig(process.env)!;
  return {
    summary: `local OIDC issuer at ${issuer.issuer} (users reader, writer; token: npm run token -- reader)`,
    issuer: issuer.issuer,
    clientId: issuer.clientId,
    verifier: createTokenVerifier(config),
    users: users.map((u) => ({ username: u.username, groups: u.groups })),
    close: issuer.close,
  };
};
