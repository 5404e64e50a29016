import { createHash } from 'node:crypto';

describe('nodeCrypto', () => {
  afterEach(() => jest.resetModules());

  it('should give node:crypto, loaded once, through process.getBuiltinModule', async () => {
    const { nodeCrypto } = (await import('../src/node-crypto')) as typeof import('../src/node-crypto');
    expect(nodeCrypto().createHash('sha256').update('x').digest('hex')).toBe(createHash('sha256').update('x').digest('hex'));
    expect(nodeCrypto()).toBe(nodeCrypto());
  });

  it('should fall back to require where process.getBuiltinModule is missing (Node 20 before 20.16)', async () => {
    const original = Object.getOwnPropertyDescriptor(process, 'getBuiltinModule');
    Object.defineProperty(process, 'getBuiltinModule', { value: undefined, configurable: true, writable: true });
    try {
      const { nodeCrypto } = (await import('../src/node-crypto')) as typeof import('../src/node-crypto');
      expect(nodeCrypto().randomUUID()).toMatch(/^[0-9a-f-]{36}$/);
      expect(nodeCrypto().createHash('sha256').update('x').digest('hex')).toBe(createHash('sha256').update('x').digest('hex'));
    } finally {
      if (original) Object.defineProperty(process, 'getBuiltinModule', original);
    }
  });
});
