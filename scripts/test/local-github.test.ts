import { applyGithubEnv, githubMode } from '../src/local/github';

describe('local stack GitHub settings', () => {
  it('should review but not publish without GITHUB_TOKEN, and say so in the banner line', () => {
    const mode = githubMode({});
    expect(mode).toMatchObject({ publishing: false, apiUrl: 'https://api.github.com', webhookSecret: false });
    expect(mode.summary).toContain('reviews pull requests but does not publish them (set GITHUB_TOKEN and GITHUB_API_URL to publish');
    expect(mode.summary).toContain('no GITHUB_WEBHOOK_SECRET: POST /webhook/github answers 401 to every delivery');
    expect(githubMode({ GITHUB_TOKEN: 't', GITHUB_API_URL: 'http://127.0.0.1:9999', GITHUB_WEBHOOK_SECRET: 's' }).summary).toBe(
      'publishing reviews to pull requests at http://127.0.0.1:9999 (GITHUB_TOKEN); POST /webhook/github verifies with GITHUB_WEBHOOK_SECRET',
    );
  });

  it('should pass exactly the developer\'s GitHub settings to the functions, dropping stale and deployed-only ones', () => {
    const target: NodeJS.ProcessEnv = { GITHUB_TOKEN: 'stale', GITHUB_CREDENTIALS_SECRET_ID: 'prod/github-credentials', GITHUB_WEBHOOK_SECRET_ID: 'prod/x', PATH: '/bin' };
    applyGithubEnv({ GITHUB_WEBHOOK_SECRET: 'new', GITHUB_API_URL: 'http://stub' }, target);
    expect(target).toEqual({ PATH: '/bin', GITHUB_WEBHOOK_SECRET: 'new', GITHUB_API_URL: 'http://stub' });
    // The stack may pass process.env itself: values are read before anything is removed.
    const same: NodeJS.ProcessEnv = { GITHUB_TOKEN: 'keep' };
    expect(applyGithubEnv(same, same).publishing).toBe(true);
    expect(same.GITHUB_TOKEN).toBe('keep');
  });
});
