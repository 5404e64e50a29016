/** Whether the reviewer should call Bedrock, and why (for the start-up log line). */
export interface BedrockMode {
  enabled: boolean;
  reason: string;
  /** The endpoint override in effect, if any. */
  endpoint?: string;
}

export type EnvLike = Readonly<Record<string, string | undefined>>;

const set = (v: string | undefined): v is string => v !== undefined && v.trim() !== '';

/**
 * Decides from an environment (passed in: packages never read process.env) whether Bedrock is
 * configured: an explicit `BEDROCK_ENABLED=true|false` wins; otherwise the SDK's standard endpoint
 * override (`AWS_ENDPOINT_URL_BEDROCK_RUNTIME`), running in Lambda (role credentials), or AWS
 * credentials (keys, profile, web identity, container credentials, Bedrock API key) enable it.
 * Without any of those the reviewer runs on rules only.
 */
export const detectBedrockMode = (env: EnvLike): BedrockMode => {
  const endpoint = set(env.AWS_ENDPOINT_URL_BEDROCK_RUNTIME) ? env.AWS_ENDPOINT_URL_BEDROCK_RUNTIME : undefined;
  const withEndpoint = (m: Omit<BedrockMode, 'endpoint'>): BedrockMode => (endpoint ? { ...m, endpoint } : m);
  const flag = env.BEDROCK_ENABLED?.trim().toLowerCase();
  if (flag === 'false' || flag === '0') return withEndpoint({ enabled: false, reason: 'BEDROCK_ENABLED is false' });
  if (flag === 'true' || flag === '1') return withEndpoint({ enabled: true, reason: 'BEDROCK_ENABLED is true' });
  if (endpoint) return withEndpoint({ enabled: true, reason: 'AWS_ENDPOINT_URL_BEDROCK_RUNTIME is set' });
  if (set(env.AWS_LAMBDA_FUNCTION_NAME)) return { enabled: true, reason: 'running in Lambda (execution role credentials)' };
  const credentialVars = [
    'AWS_ACCESS_KEY_ID',
    'AWS_PROFILE',
    'AWS_WEB_IDENTITY_TOKEN_FILE',
    'AWS_CONTAINER_CREDENTIALS_FULL_URI',
    'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI',
    'AWS_BEARER_TOKEN_BEDROCK',
  ];
  const found = credentialVars.find((k) => set(env[k]));
  if (found) return { enabled: true, reason: `AWS credentials configured (${found})` };
  return { enabled: false, reason: 'no AWS credentials and no AWS_ENDPOINT_URL_BEDROCK_RUNTIME: rules only' };
};
