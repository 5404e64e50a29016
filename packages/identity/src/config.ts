import { SCOPES } from '@iac-review/core';

/** Route scopes a group can grant; `admin` grants every scope and every repository. */
export const GRANTABLE = [...SCOPES, 'admin'] as const;
export type Grant = (typeof GRANTABLE)[number];

export interface OidcConfig {
  /** Exact `iss` of the tokens (e.g. https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC). */
  issuer: string;
  /** Accepted audiences: `aud` of ID tokens / other providers' access tokens, or Cognito's `client_id`. */
  audience: string[];
  /** JWKS URL; without it, `jwks_uri` from the issuer's /.well-known/openid-configuration. */
  jwksUrl?: string;
  /** Claim holding the person's groups: `cognito:groups` (default) or e.g. `groups`. */
  groupsClaim: string;
  /** Group → grants. A person holds the union over their groups; groups not named grant nothing. */
  groupScopes: Readonly<Record<string, readonly Grant[]>>;
  /** Group → repositories (`owner/name` or `owner/*`); when set, people see only those repositories. */
  groupRepositories?: Readonly<Record<string, readonly string[]>>;
  /** Bounded clock skew accepted on exp/nbf/iat, seconds (at most 300). */
  clockSkewSeconds: number;
}

export class IdentityConfigError extends Error {
  override name = 'IdentityConfigError';
}

const parseJson = (name: string, raw: string): unknown => {
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    throw new IdentityConfigError(`${name} is not valid JSON; expected an object such as {"iac-readers":["reviews:read"]}.`);
  }
};

const stringListMap = (name: string, raw: string, check?: (value: string) => string | undefined): Record<string, string[]> => {
  const parsed = parseJson(name, raw);
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new IdentityConfigError(`${name} must be a JSON object of group → list of strings.`);
  const out: Record<string, string[]> = Object.create(null) as Record<string, string[]>;
  for (const [group, list] of Object.entries(parsed as Record<string, unknown>)) {
    if (!Array.isArray(list) || !list.every((s) => typeof s === 'string')) throw new IdentityConfigError(`${name}: group ${group} needs a list of strings.`);
    for (const s of list as string[]) {
      const problem = check?.(s);
      if (problem) throw new IdentityConfigError(`${name}: group ${group}: ${problem}`);
    }
    out[group] = [...(list as string[])];
  }
  return out;
};

const REPO_PATTERN = /^[A-Za-z0-9_.-]+\/(\*|[A-Za-z0-9_.-]+)$/;

/**
 * OIDC settings from the environment (OIDC_ISSUER, OIDC_AUDIENCE, OIDC_JWKS_URL, OIDC_GROUPS_CLAIM,
 * OIDC_GROUP_SCOPES, OIDC_GROUP_REPOSITORIES, OIDC_CLOCK_SKEW_SECONDS). Undefined when OIDC_ISSUER is
 * unset (API keys only); bad values fail the cold start with a message naming the variable.
 */
export const readOidcConfig = (env: Record<string, string | undefined>): OidcConfig | undefined => {
  const issuer = env.OIDC_ISSUER?.trim();
  if (!issuer) return undefined;
  let issuerUrl: URL;
  try {
    issuerUrl = new URL(issuer);
  } catch {
    throw new IdentityConfigError(`OIDC_ISSUER must be the issuer's URL, got ${JSON.stringify(issuer)}.`);
  }
  const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(issuerUrl.hostname);
  if (issuerUrl.protocol !== 'https:' && !(issuerUrl.protocol === 'http:' && loopback)) throw new IdentityConfigError('OIDC_ISSUER must use https (http only on loopback for the local stack).');
  const audience = (env.OIDC_AUDIENCE ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (audience.length === 0) throw new IdentityConfigError('OIDC_AUDIENCE is required with OIDC_ISSUER: the app client id(s) tokens must be issued to (comma-separated).');
  const groupScopes = stringListMap('OIDC_GROUP_SCOPES', env.OIDC_GROUP_SCOPES ?? '{}', (s) =>
    (GRANTABLE as readonly string[]).includes(s) ? undefined : `unknown scope ${s}; use ${GRANTABLE.join(', ')}`,
  ) as Record<string, Grant[]>;
  const groupRepositories = env.OIDC_GROUP_REPOSITORIES?.trim()
    ? stringListMap('OIDC_GROUP_REPOSITORIES', env.OIDC_GROUP_REPOSITORIES, (s) => (REPO_PATTERN.test(s) ? undefined : `${s} is not owner/name or owner/*`))
    : undefined;
  const skew = env.OIDC_CLOCK_SKEW_SECONDS === undefined || env.OIDC_CLOCK_SKEW_SECONDS === '' ? 60 : Number(env.OIDC_CLOCK_SKEW_SECONDS);
  if (!Number.isInteger(skew) || skew < 0 || skew > 300) throw new IdentityConfigError('OIDC_CLOCK_SKEW_SECONDS must be a whole number of seconds from 0 to 300.');
  const jwksUrl = env.OIDC_JWKS_URL?.trim();
  return {
    issuer,
    audience,
    ...(jwksUrl ? { jwksUrl } : {}),
    groupsClaim: env.OIDC_GROUPS_CLAIM?.trim() || 'cognito:groups',
    groupScopes,
    ...(groupRepositories ? { groupRepositories } : {}),
    clockSkewSeconds: skew,
  };
};
