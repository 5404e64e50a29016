import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { envSecretProvider, parseSecretValue, SecretFormatError, secretsManagerSecretProvider, SecretUnavailableError, webhookSecretsFromEnv } from '../src/index';
import { startSecretsManagerStub, type SecretsManagerStub } from './support/secrets-manager-stub';

describe('envSecretProvider', () => {
  it('should read one secret, or two comma-separated (current first), ignoring blanks and spaces', async () => {
    expect(await envSecretProvider('s3cret', 'SPACELIFT_WEBHOOK_SECRET').secrets()).toEqual(['s3cret']);
    expect(await envSecretProvider(' new , old ', 'SPACELIFT_WEBHOOK_SECRET').secrets()).toEqual(['new', 'old']);
    expect(await envSecretProvider(undefined, 'SPACELIFT_WEBHOOK_SECRET').secrets()).toEqual([]);
  });

  it('should refuse more than two secrets without echoing them', () => {
    expect(() => envSecretProvider('a1,b2,c3', 'GITHUB_WEBHOOK_SECRET')).toThrow(new SecretFormatError('GITHUB_WEBHOOK_SECRET holds 3 secrets; at most 2 (current,previous) may be active.'));
  });
});

describe('parseSecretValue', () => {
  it('should read current and the optional previous', () => {
    expect(parseSecretValue('{"current":"a"}', 'id')).toEqual(['a']);
    expect(parseSecretValue('{"current":"a","previous":"b"}', 'id')).toEqual(['a', 'b']);
    expect(parseSecretValue('{"current":"a","previous":""}', 'id')).toEqual(['a']);
    expect(parseSecretValue('{"current":"a","previous":"a"}', 'id')).toEqual(['a']);
  });

  it.each([
    [undefined, /has no SecretString/],
    ['hunter2', /is not JSON/],
    ['["a"]', /must be a JSON object/],
    ['{"previous":"hunter2"}', /needs a non-empty string "current"/],
    ['{"current":"hunter2","previous":5}', /"previous" must be a string/],
  ])('should refuse %p with a message that does not contain the value', (raw, message) => {
    let caught: unknown;
    try {
      parseSecretValue(raw, 'prod/spacelift');
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(SecretFormatError);
    expect((caught as Error).message).toMatch(message);
    expect((caught as Error).message).not.toContain('hunter2');
  });
});

describe('secretsManagerSecretProvider against a loopback Secrets Manager', () => {
  let stub: SecretsManagerStub;
  let client: SecretsManagerClient;
  let now: number;

  beforeAll(async () => {
    stub = await startSecretsManagerStub();
    client = new SecretsManagerClient({ endpoint: stub.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, maxAttempts: 1 });
  });
  afterAll(async () => {
    client.destroy();
    await stub.close();
  });
  beforeEach(() => {
    stub.calls.length = 0;
    stub.failNext(0);
    now = 1_000_000;
  });

  const provider = (secretId: string) => secretsManagerSecretProvider({ client, secretId, ttlMs: 60_000, minRefreshIntervalMs: 10_000, clock: () => now });

  it('should read {current, previous} once per TTL, sharing one read between concurrent callers', async () => {
    stub.set('wh/a', JSON.stringify({ current: 'new', previous: 'old' }));
    const p = provider('wh/a');

    const all = await Promise.all(Array.from({ length: 10 }, () => p.secrets()));
    expect(all.every((s) => s.join() === 'new,old')).toBe(true);
    expect(stub.calls).toEqual(['wh/a']);

    now += 59_000;
    await p.secrets();
    expect(stub.calls).toHaveLength(1);
    stub.set('wh/a', JSON.stringify({ current: 'newer', previous: 'new' }));
    now += 2_000;
    expect(await p.secrets()).toEqual(['newer', 'new']);
    expect(stub.calls).toHaveLength(2);
  });

  it('should re-read on refresh at most once per minimum interval', async () => {
    stub.set('wh/b', JSON.stringify({ current: 'one' }));
    const p = provider('wh/b');
    await p.secrets();
    stub.set('wh/b', JSON.stringify({ current: 'two', previous: 'one' }));

    now += 5_000;
    expect(await p.secrets({ refresh: true })).toEqual(['one']);
    expect(stub.calls).toHaveLength(1);
    now += 5_000;
    expect(await p.secrets({ refresh: true })).toEqual(['two', 'one']);
    expect(stub.calls).toHaveLength(2);
  });

  it('should surface an outage as SecretUnavailableError with a retry delay, and not cache it', async () => {
    stub.set('wh/c', JSON.stringify({ current: 'one' }));
    stub.failNext(1, 500);
    const p = provider('wh/c');

    const err = await p.secrets().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SecretUnavailableError);
    expect((err as SecretUnavailableError).retryAfterSeconds).toBeGreaterThan(0);
    expect(await p.secrets()).toEqual(['one']);
  });

  it('should keep serving cached secrets when a refresh fails', async () => {
    stub.set('wh/d', JSON.stringify({ current: 'one' }));
    const p = provider('wh/d');
    await p.secrets();
    now += 20_000;
    stub.failNext(1, 500);
    expect(await p.secrets({ refresh: true })).toEqual(['one']);
    expect(stub.calls).toHaveLength(2);
  });

  it('should report a missing secret or a malformed value as unavailable without the value', async () => {
    const missing = await provider('wh/missing').secrets().catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(SecretUnavailableError);
    stub.set('wh/plain', 'hunter2');
    const plain = await provider('wh/plain').secrets().catch((e: unknown) => e);
    expect(plain).toBeInstanceOf(SecretUnavailableError);
    expect((plain as Error).message).toMatch(/not JSON/);
    expect((plain as Error).message).not.toContain('hunter2');
  });
});

describe('webhookSecretsFromEnv', () => {
  const base = { idVariable: 'HOOK_SECRET_ID', valueVariable: 'HOOK_SECRET', region: 'eu-west-1' };
  it('should use the local variable (current,previous) when no secret id is configured', async () => {
    const p = webhookSecretsFromEnv({ ...base, env: { HOOK_SECRET: 'new,old', SECRETS_PREFIX: 'app/' }, defaultSecretName: 'hook' });
    expect(await p.secrets()).toEqual(['new', 'old']);
  });
  it('should say when nothing is configured, and refuse every delivery then', async () => {
    let missing = 0;
    const p = webhookSecretsFromEnv({ ...base, env: {}, onMissing: () => missing++ });
    expect(missing).toBe(1);
    expect(await p.secrets()).toEqual([]); // no secret: every signature check fails (401)
  });
  it('should read Secrets Manager when a secret id or the prefixed default name is configured', () => {
    let missing = 0;
    webhookSecretsFromEnv({ ...base, env: { HOOK_SECRET_ID: 'arn:x' }, onMissing: () => missing++ });
    webhookSecretsFromEnv({ ...base, env: { SECRETS_PREFIX: 'app/' }, defaultSecretName: 'hook', onMissing: () => missing++ });
    expect(missing).toBe(0);
  });
});
