/**
 * GitHub settings of the local stack: the developer's environment decides whether webhooks can be
 * verified (GITHUB_WEBHOOK_SECRET) and whether reviews are published to pull requests (GITHUB_TOKEN,
 * against GITHUB_API_URL: github.com, GitHub Enterprise Server, or a stub). Without a token the
 * stack still reviews pull requests (reading files anonymously from GITHUB_API_URL) but publishes
 * nothing, and the banner says so.
 */
export const GITHUB_PASS_THROUGH = [
  'GITHUB_WEBHOOK_SECRET',
  'GITHUB_TOKEN',
  'GITHUB_API_URL',
  'GITHUB_CHECK_FAIL_ON',
  'GITHUB_REVIEW_DRAFTS',
  'REVIEW_URL_BASE',
  'GITHUB_MAX_RETRIES',
  'GITHUB_MAX_RATE_LIMIT_WAIT_SECONDS',
  'GITHUB_WAIT_UNIT_MS',
  'GITHUB_MIN_WRITE_INTERVAL_MS',
] as const;

/** Deployed-only settings that must not leak into the local functions (they would reach for AWS). */
const DEPLOYED_ONLY = ['GITHUB_WEBHOOK_SECRET_ID', 'GITHUB_CREDENTIALS_SECRET_ID'] as const;

export interface GithubMode {
  publishing: boolean;
  apiUrl: string;
  webhookSecret: boolean;
  /** One line for the start-up banner. */
  summary: string;
}

export const githubMode = (env: NodeJS.ProcessEnv): GithubMode => {
  const apiUrl = env.GITHUB_API_URL?.trim() || 'https://api.github.com';
  const publishing = Boolean(env.GITHUB_TOKEN?.trim());
  const webhookSecret = Boolean(env.GITHUB_WEBHOOK_SECRET?.trim());
  const summary = [
    publishing ? `publishing reviews to pull requests at ${apiUrl} (GITHUB_TOKEN)` : `reviews pull requests but does not publish them (set GITHUB_TOKEN and GITHUB_API_URL to publish; reads files from ${apiUrl})`,
    webhookSecret ? 'POST /webhook/github verifies with GITHUB_WEBHOOK_SECRET' : 'no GITHUB_WEBHOOK_SECRET: POST /webhook/github answers 401 to every delivery',
  ].join('; ');
  return { publishing, apiUrl, webhookSecret, summary };
};

/** Puts the developer's GitHub settings (and only those) into the functions' environment. */
export const applyGithubEnv = (env: NodeJS.ProcessEnv, target: NodeJS.ProcessEnv = process.env): GithubMode => {
  // Read first: env may be the target itself (npm start passes process.env).
  const values = GITHUB_PASS_THROUGH.map((name) => [name, env[name]] as const);
  const mode = githubMode(env);
  for (const name of [...GITHUB_PASS_THROUGH, ...DEPLOYED_ONLY]) delete target[name];
  for (const [name, value] of values) if (value !== undefined && value !== '') target[name] = value;
  return mode;
};
