import fc from 'fast-check';
import { createHmac } from 'node:crypto';
import { verifySignature } from '../src/index';
import { sign } from './support/sign';

const SECRET = "It's a Secret to Everybody";

describe('verifySignature', () => {
  it('should accept GitHub’s documented test vector (secret, body "Hello, World!")', async () => {
    // https://docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries#testing-the-webhook-payload-validation
    const sig = 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17';
    expect(await verifySignature(Buffer.from('Hello, World!'), sig, [SECRET])).toEqual({ ok: true, secretIndex: 0 });
  });

  it('should accept either of two active secrets and say which matched', async () => {
    const body = Buffer.from('{"a":1}');
    expect(await verifySignature(body, sign('new', body), ['new', 'old'])).toEqual({ ok: true, secretIndex: 0 });
    expect(await verifySignature(body, sign('old', body), ['new', 'old'])).toEqual({ ok: true, secretIndex: 1 });
    expect(await verifySignature(body, sign('other', body), ['new', 'old'])).toEqual({ ok: false, reason: 'signature-mismatch' });
  });

  it.each([
    [undefined, 'missing-signature'],
    ['', 'missing-signature'],
    ['sha256=abc', 'malformed-signature'],
    ['757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17', 'malformed-signature'],
    ['sha256=757107EA0EB2509FC211221CCE984B8A37570B6D7586C22C46F4379C8B043E17', 'malformed-signature'],
    ['sha1=0a4d55a8d778e5022fab701977c5d840bbc486d0', 'unsupported-algorithm'],
    ['sha512=00', 'unsupported-algorithm'],
  ])('should refuse the header %p as %s', async (headerValue, reason) => {
    expect(await verifySignature(Buffer.from('Hello, World!'), headerValue, [SECRET])).toEqual({ ok: false, reason });
  });

  it('should refuse a correct SHA-1 signature (X-Signature / X-Hub-Signature are not accepted)', async () => {
    const body = Buffer.from('{"state":"FINISHED"}');
    const sha1 = `sha1=${createHmac('sha1', SECRET).update(body).digest('hex')}`;
    expect(await verifySignature(body, sha1, [SECRET])).toEqual({ ok: false, reason: 'unsupported-algorithm' });
  });

  it('should refuse everything when no secret is configured', async () => {
    const body = Buffer.from('x');
    expect(await verifySignature(body, sign('', body), [])).toEqual({ ok: false, reason: 'no-secret-configured' });
    expect(await verifySignature(body, sign('', body), [''])).toEqual({ ok: false, reason: 'no-secret-configured' });
  });

  it('should refuse a body that is not UTF-8 even when the HMAC over its bytes is right', async () => {
    const body = Buffer.from([0x7b, 0x80, 0x7d]);
    expect(await verifySignature(body, sign(SECRET, body), [SECRET])).toEqual({ ok: false, reason: 'body-not-utf8' });
  });

  it('should verify over the exact bytes, including a BOM and multi-byte characters', async () => {
    const body = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"name":"zürich 🚀"}')]);
    expect(await verifySignature(body, sign(SECRET, body), [SECRET])).toEqual({ ok: true, secretIndex: 0 });
    expect(await verifySignature(body.subarray(3), sign(SECRET, body), [SECRET])).toEqual({ ok: false, reason: 'signature-mismatch' });
  });

  describe('properties', () => {
    const body = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 200 }).map((s) => Buffer.from(s, 'utf8'));
    const secret = fc.string({ minLength: 1, maxLength: 40 });

    it('should accept the signature of any UTF-8 body under either active secret', async () => {
      await fc.assert(
        fc.asyncProperty(body, secret, secret, fc.boolean(), async (b, current, previous, usePrevious) => {
          const used = usePrevious ? previous : current;
          const r = await verifySignature(b, sign(used, b), [current, previous]);
          expect(r.ok).toBe(true);
        }),
        { numRuns: 150 },
      );
    });

    it('should refuse the body when any one byte of it is changed', async () => {
      await fc.assert(
        fc.asyncProperty(body, secret, fc.nat(), fc.integer({ min: 1, max: 255 }), async (b, s, at, xor) => {
          const sig = sign(s, b);
          const flipped = Buffer.from(b);
          const i = at % flipped.length;
          flipped[i] = (flipped[i] as number) ^ xor;
          const r = await verifySignature(flipped, sig, [s]);
          expect(r.ok).toBe(false);
        }),
        { numRuns: 200 },
      );
    });

    it('should refuse the signature when any one byte of it is changed', async () => {
      await fc.assert(
        fc.asyncProperty(body, secret, fc.nat(), fc.integer({ min: 1, max: 255 }), async (b, s, at, xor) => {
          const sig = Buffer.from(sign(s, b), 'latin1');
          const i = at % sig.length;
          sig[i] = (sig[i] as number) ^ xor;
          const r = await verifySignature(b, sig.toString('latin1'), [s]);
          expect(r.ok).toBe(false);
        }),
        { numRuns: 200 },
      );
    });
  });
});
