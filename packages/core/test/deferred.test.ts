import { deferred } from '../src/deferred';

interface Port {
  get(key: string): Promise<string>;
  put(key: string, value: string): Promise<void>;
}

const realPort = (): Port & { calls: string[] } => {
  const data = new Map<string, string>();
  const calls: string[] = [];
  return {
    calls,
    async get(key) {
      calls.push(`get ${key}`);
      return data.get(key) ?? 'missing';
    },
    async put(key, value) {
      calls.push(`put ${key}`);
      data.set(key, value);
    },
  };
};

describe('deferred', () => {
  it('loads nothing until the first call, then loads once and forwards every call with its arguments', async () => {
    const impl = realPort();
    const load = jest.fn(async () => impl);
    const port = deferred<Port>(load, { get: true, put: true });
    expect(load).not.toHaveBeenCalled();
    await Promise.all([port.put('a', '1'), port.put('b', '2')]);
    expect(await port.get('a')).toBe('1');
    expect(await port.get('c')).toBe('missing');
    expect(load).toHaveBeenCalledTimes(1);
    expect(impl.calls).toEqual(['put a', 'put b', 'get a', 'get c']);
  });

  it('keeps `this` for implementations that are classes', async () => {
    class Counter {
      private n = 0;
      async next(): Promise<number> {
        this.n += 1;
        return this.n;
      }
    }
    const port = deferred<Counter>(async () => new Counter(), { next: true });
    expect(await port.next()).toBe(1);
    expect(await port.next()).toBe(2);
  });

  it('passes a failed load to the caller and tries again on the next call', async () => {
    let attempts = 0;
    const port = deferred<Port>(async () => {
      attempts += 1;
      if (attempts === 1) throw new Error('chunk could not be read');
      return realPort();
    }, { get: true, put: true });
    await expect(port.get('a')).rejects.toThrow('chunk could not be read');
    expect(await port.get('a')).toBe('missing');
    expect(attempts).toBe(2);
  });

  it('passes the implementation’s own errors through without reloading', async () => {
    const load = jest.fn(async () => ({ get: async (): Promise<string> => Promise.reject(new RangeError('no such key')), put: async () => undefined }));
    const port = deferred<Port>(load, { get: true, put: true });
    await expect(port.get('x')).rejects.toThrow(RangeError);
    await expect(port.get('x')).rejects.toThrow('no such key');
    expect(load).toHaveBeenCalledTimes(1);
  });
});
