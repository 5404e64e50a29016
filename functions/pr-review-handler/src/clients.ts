import type { GitHubClient, GitHubCredentials } from './github-client';

/** Whose pull request: the repository and, when the webhook named it, the GitHub App installation. */
export interface ClientTarget {
  repository: string;
  installationId?: number;
}

export interface ClientSourceOptions {
  credentials: () => Promise<GitHubCredentials | undefined>;
  /** Builds a client: anonymous (no credentials), a token client, an App client (no installation: app JWT), or an installation client. */
  build: (credentials: GitHubCredentials | undefined, installationId?: number) => GitHubClient;
}

/**
 * Picks the Octokit client for a pull request, reused for the container's life: anonymous for
 * reading when no credentials are configured; the token client; or, for a GitHub App, the client
 * of the installation that covers the repository (named by the webhook, else looked up once with
 * the app's JWT: GET /repos/{owner}/{repo}/installation). New credentials (a rotated secret) get new clients.
 */
export const createClientSource = (opts: ClientSourceOptions) => {
  let state: { creds: GitHubCredentials | undefined; clients: Map<string, GitHubClient>; installations: Map<string, number> } | undefined;
  const current = async () => {
    const creds = await opts.credentials();
    if (!state || state.creds !== creds) state = { creds, clients: new Map(), installations: new Map() };
    return state;
  };
  const client = (s: NonNullable<typeof state>, key: string, make: () => GitHubClient): GitHubClient => {
    let c = s.clients.get(key);
    if (!c) {
      c = make();
      s.clients.set(key, c);
    }
    return c;
  };
  const forTarget = async (target: ClientTarget): Promise<{ client: GitHubClient; authenticated: boolean }> => {
    const s = await current();
    const creds = s.creds;
    if (!creds) return { client: client(s, 'anonymous', () => opts.build(undefined)), authenticated: false };
    if (creds.kind === 'token') return { client: client(s, 'token', () => opts.build(creds)), authenticated: true };
    const repo = target.repository.toLowerCase();
    let id = target.installationId ?? s.installations.get(repo);
    if (id === undefined) {
      const [owner = '', name = ''] = target.repository.split('/');
      const app = client(s, 'app', () => opts.build(creds));
      const res = await app.request('GET /repos/{owner}/{repo}/installation', { owner, repo: name });
      id = Number(res.data.id);
    }
    s.installations.set(repo, id);
    const installationId = id;
    return { client: client(s, `installation:${installationId}`, () => opts.build(creds, installationId)), authenticated: true };
  };
  return {
    reader: async (target: ClientTarget): Promise<GitHubClient> => (await forTarget(target)).client,
    publisher: async (target: ClientTarget): Promise<GitHubClient | undefined> => {
      const c = await forTarget(target);
      return c.authenticated ? c.client : undefined;
    },
  };
};
