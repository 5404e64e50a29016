export const SCOPES = ['reviews:read', 'reviews:write', 'analytics:read'] as const;
export type Scope = (typeof SCOPES)[number];

export interface ApiClient {
  name: string;
  scopes: Scope[];
}

/** API Gateway key id → client; in AWS from the API_CLIENTS variable Terraform writes, locally from the local stack. */
export type ClientRegistry = Readonly<Record<string, ApiClient>>;

/** Parses API_CLIENTS (`{"<apiKeyId>": {"name": "...", "scopes": [...]}}`), failing fast on bad configuration. */
export const parseClientRegistry = (json: string | undefined): ClientRegistry => {
  if (!json) return Object.freeze({});
  const raw = JSON.parse(json) as Record<string, { name?: unknown; scopes?: unknown }>;
  const out: Record<string, ApiClient> = {};
  for (const [keyId, c] of Object.entries(raw)) {
    if (typeof c.name !== 'string' || !Array.isArray(c.scopes) || !c.scopes.every((s) => (SCOPES as readonly string[]).includes(s as string)))
      throw new Error(`API_CLIENTS entry ${keyId} needs a name and scopes from ${SCOPES.join(', ')}`);
    out[keyId] = { name: c.name, scopes: c.scopes as Scope[] };
  }
  return Object.freeze(out);
};
