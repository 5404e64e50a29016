/**
 * Spacelift settings of the local stack: the developer's environment decides whether Spacelift
 * deliveries can be verified (SPACELIFT_WEBHOOK_SECRET) and whether the reviewer can fetch a run's
 * changes when its webhook carried none (SPACELIFT_API_URL with SPACELIFT_API_KEY_ID and
 * SPACELIFT_API_KEY_SECRET: Spacelift itself, or a stub). Without the API such reviews complete
 * degraded and say why; the banner says which it is.
 */
export const SPACELIFT_PASS_THROUGH = ['SPACELIFT_WEBHOOK_SECRET', 'SPACELIFT_API_URL', 'SPACELIFT_API_KEY_ID', 'SPACELIFT_API_KEY_SECRET'] as const;

/** Deployed-only settings that must not leak into the local functions (they would reach for AWS). */
const DEPLOYED_ONLY = ['SPACELIFT_WEBHOOK_SECRET_ID', 'SPACELIFT_API_KEY_SECRET_ID'] as const;

export interface SpaceliftMode {
  webhookSecret: boolean;
  api: boolean;
  /** One line for the start-up banner. */
  summary: string;
}

export const spaceliftMode = (env: NodeJS.ProcessEnv): SpaceliftMode => {
  const webhookSecret = Boolean(env.SPACELIFT_WEBHOOK_SECRET?.trim());
  const api = Boolean(env.SPACELIFT_API_URL?.trim() && env.SPACELIFT_API_KEY_ID?.trim() && env.SPACELIFT_API_KEY_SECRET?.trim());
  const summary = [
    webhookSecret ? 'POST /webhook/spacelift verifies with SPACELIFT_WEBHOOK_SECRET' : 'no SPACELIFT_WEBHOOK_SECRET: POST /webhook/spacelift answers 401 to every delivery',
    api ? `run changes fetched from ${env.SPACELIFT_API_URL}` : 'runs whose webhook carries no changes are reviewed degraded (set SPACELIFT_API_URL, SPACELIFT_API_KEY_ID, SPACELIFT_API_KEY_SECRET)',
  ].join('; ');
  return { webhookSecret, api, summary };
};

/** Puts the developer's Spacelift settings (and only those) into the functions' environment. */
export const applySpaceliftEnv = (env: NodeJS.ProcessEnv, target: NodeJS.ProcessEnv = process.env): SpaceliftMode => {
  // Read first: env may be the target itself (npm start passes process.env).
  const values = SPACELIFT_PASS_THROUGH.map((name) => [name, env[name]] as const);
  const mode = spaceliftMode(env);
  for (const name of [...SPACELIFT_PASS_THROUGH, ...DEPLOYED_ONLY]) delete target[name];
  for (const [name, value] of values) if (value !== undefined && value !== '') target[name] = value;
  return mode;
};
