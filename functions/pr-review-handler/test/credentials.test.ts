import { createCredentialsProvider } from '../src/credentials';

const secretClient = (values: Array<string | Error>) => {
  const calls: unknown[] = [];
  return {
    calls,
    client: {
      send: async (command: { input: unknown }) => {
        calls.push(command.input);
        const v = values.shift();
        if (v instanceof Error) throw v;
        return { SecretString: v };
      },
    } as never,
  };
};

describe('GitHub credentials provider', () => {
  it('should read the secret once per TTL, share concurrent reads, and re-read after the TTL (rotation)', async () => {
    let now = 0;
    const sm = secretClient(['{"token":"one"}', '{"appId":"7","privateKey":"-----BEGIN RSA PRIVATE KEY-----x"}']);
    const get = createCredentialsProvider({ source: { kind: 'secret', secretId: 'p/github-credentials', ttlMs: 1000 }, client: sm.client, clock: () => now });
    const [a, b] = await Promise.all([get(), get()]);
    expect(a).toEqual({ kind: 'token', token: 'one' });
    expect(b).toBe(a);
    now = 999;
    expect(await get()).toBe(a);
    expect(sm.calls).toEqual([{ SecretId: 'p/github-credentials' }]);
    now = 1000;
    expect(await get()).toMatchObject({ kind: 'app', appId: '7' });
    expect(sm.calls).toHaveLength(2);
  });

  it('should not cache a failed read (the event is retried and the next attempt reads again)', async () => {
    const sm = secretClient([new Error('ThrottlingException'), '{"token":"t"}']);
    const get = createCredentialsProvider({ source: { kind: 'secret', secretId: 's', ttlMs: 60_000 }, client: sm.client });
    await expect(get()).rejects.toThrow('ThrottlingException');
    expect(await get()).toEqual({ kind: 'token', token: 't' });
  });

  it('should use the environment token as is, or nothing when none is configured', async () => {
    expect(await createCredentialsProvider({ source: { kind: 'env', credentials: { kind: 'token', token: 'local' } } })()).toEqual({ kind: 'token', token: 'local' });
    expect(await createCredentialsProvider({ source: { kind: 'none', reason: 'x' } })()).toBeUndefined();
  });
});
