import { loadOnce } from '../src/load-once';

describe('loadOnce', () => {
  it('should run the load once for concurrent and later callers', async () => {
    const load = jest.fn(async () => ({ n: 1 }));
    const get = loadOnce(load);
    const [a, b] = await Promise.all([get(), get()]);
    expect(a).toBe(b);
    expect(await get()).toBe(a);
    expect(load).toHaveBeenCalledTimes(1);
  });

  it('should not keep a failed load: the next call tries again', async () => {
    let calls = 0;
    const get = loadOnce(async () => {
      calls += 1;
      if (calls === 1) throw new Error('chunk missing');
      return 'loaded';
    });
    await expect(get()).rejects.toThrow('chunk missing');
    expect(await get()).toBe('loaded');
    expect(await get()).toBe('loaded');
    expect(calls).toBe(2);
  });
});
