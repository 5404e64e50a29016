/**
 * The toolchain loads ESM-only libraries (Octokit) under jest: SWC compiles them to CommonJS (see
 * jest.preset.cjs transformIgnorePatterns). Exercised for real: HMAC signatures and an HTTP call to a
 * loopback server.
 */
import { Octokit } from '@octokit/core';
import { sign, verify } from '@octokit/webhooks-methods';
import fc from 'fast-check';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

describe('ESM-only libraries under jest', () => {
  it('should sign and verify GitHub webhook signatures, and reject any flipped byte (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ minLength: 1 }), fc.string({ minLength: 8 }), fc.nat(), async (payload, secret, flip) => {
        const signature = await sign(secret, payload);
        if (!(await verify(secret, payload, signature))) return false;
        const at = flip % payload.length;
        const tampered = payload.slice(0, at) + String.fromCharCode(payload.charCodeAt(at) ^ 1) + payload.slice(at + 1);
        return !(await verify(secret, tampered, signature));
      }),
      { numRuns: 50 },
    );
  });

  it('should make a real request with Octokit against a loopback server', async () => {
    const server = createServer((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ path: req.url, auth: req.headers.authorization ?? null }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    try {
      const octokit = new Octokit({ auth: 'test-token', baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
      const res = await octokit.request('GET /repos/{owner}/{repo}/pulls/{pull_number}/files', { owner: 'acme', repo: 'infra', pull_number: 7 });
      expect(res.data).toEqual({ path: '/repos/acme/infra/pulls/7/files', auth: 'token test-token' });
    } finally {
      server.close();
    }
  });
});
