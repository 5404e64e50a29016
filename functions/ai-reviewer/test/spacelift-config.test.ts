import { spaceliftClientFromEnv } from '../src/spacelift-config';

describe('spaceliftClientFromEnv', () => {
  it('should leave the Spacelift API off without SPACELIFT_API_URL', () => {
    expect(spaceliftClientFromEnv({}, 'eu-west-1')).toBeUndefined();
  });
  it('should build a client from the URL and an API key in the environment or Secrets Manager', () => {
    expect(spaceliftClientFromEnv({ SPACELIFT_API_URL: 'https://acme.app.spacelift.io/graphql', SPACELIFT_API_KEY_ID: 'id', SPACELIFT_API_KEY_SECRET: 's' }, 'eu-west-1')).toBeDefined();
    expect(spaceliftClientFromEnv({ SPACELIFT_API_URL: 'https://acme.app.spacelift.io/graphql', SECRETS_PREFIX: 'iac-review-dev/' }, 'eu-west-1')).toBeDefined();
  });
  it.each([
    [{ SPACELIFT_API_URL: 'not a url' }, /not a URL/],
    [{ SPACELIFT_API_URL: 'http://acme.app.spacelift.io/graphql', SPACELIFT_API_KEY_ID: 'id', SPACELIFT_API_KEY_SECRET: 's' }, /must use https/],
    [{ SPACELIFT_API_URL: 'https://acme.app.spacelift.io/graphql' }, /no API key/],
  ])('should refuse %p', (env, message) => {
    expect(() => spaceliftClientFromEnv(env, 'eu-west-1')).toThrow(message);
  });
});
