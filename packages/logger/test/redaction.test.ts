import { createLogger, createRedactor, REDACTED, scrubString, withObservability } from '../src/index';
import { captureLines } from '../src/testing';

// Test fixtures shaped like real secrets (none is a live credential).
const AWS_ACCESS_KEY = 'AKIAIOSFODNN7EXAMPLE';
const AWS_SECRET_KEY = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const JWT = 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4ifQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c';
const PEM = '-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun\n-----END RSA PRIVATE KEY-----';
const BEARER = 'Bearer abcDEF123456.ghiJKL789-xyz';
const GH_TOKEN = 'ghs_16C7e42F292c6912E7710c838347Ae178B4a';
const SECRET = 'S3cr3t-Value-Do-Not-Leak-9f8e7d';

const logLine = (fn: (log: ReturnType<typeof createLogger>) => void) => {
  const out = captureLines();
  const log = createLogger({ service: 's', destination: out.stream, level: 'debug' });
  fn(log);
  return { raw: out.raw(), lines: out.lines() };
};

describe('redaction of secret keys', () => {
  it.each([
    'githubToken',
    'GITHUB_TOKEN',
    'jwtSecret',
    'webhook_secret_value',
    'DB_PASSWORD',
    'userPasswd',
    'mysql_pwd',
    'stripeApiKey',
    'stripe_api_key',
    'private_key',
    'gcpPrivateKeyPem',
    'awsCredentials',
    'credential',
    'AWS_SESSION_TOKEN',
    'x-amz-security-token',
    'connectionString',
    'DATABASE_CONNECTION_STRING',
    'sqlConnStr',
  ])('should redact the value under %s', (key) => {
    const { raw, lines } = logLine((log) => log.info('x', { [key]: SECRET, nested: { deeper: [{ [key]: SECRET }] } }));
    expect(raw).not.toContain(SECRET);
    expect(lines[0]?.[key]).toBe(REDACTED);
  });

  it('should keep values that are about a secret, not the secret: ids, names, counts', () => {
    const { lines } = logLine((log) => log.info('x', { apiKeyId: 'abc123', secretName: 'prod/github', tokenType: 'bearer', inputTokens: 1200, outputTokens: 87, maxTokens: 4096, signatureValid: false, tokenUsage: { inputTokens: 2000, outputTokens: 300 }, tokenLimit: 4096 }));
    expect(lines[0]).toMatchObject({ apiKeyId: 'abc123', secretName: 'prod/github', tokenType: 'bearer', inputTokens: 1200, outputTokens: 87, maxTokens: 4096, signatureValid: false, tokenUsage: { inputTokens: 2000, outputTokens: 300 }, tokenLimit: 4096 });
  });

  it('should redact the value of [name, value] header pairs and flat raw header lists', () => {
    const { raw, lines } = logLine((log) =>
      log.info('x', {
        headers: [
          ['Authorization', BEARER],
          ['x-api-key', SECRET],
          ['accept', 'application/json'],
        ],
        rawHeaders: ['Host', 'example.com', 'Cookie', `session=${SECRET}`, 'X-Hub-Signature-256', `sha256=${SECRET}`],
      }),
    );
    expect(raw).not.toContain(SECRET);
    expect(raw).not.toContain('abcDEF123456');
    expect(lines[0]?.headers).toEqual([
      ['Authorization', REDACTED],
      ['x-api-key', REDACTED],
      ['accept', 'application/json'],
    ]);
    expect(lines[0]?.rawHeaders).toEqual(['Host', 'example.com', 'Cookie', REDACTED, 'X-Hub-Signature-256', REDACTED]);
  });
});

describe('redaction of secret-looking values', () => {
  it.each([
    ['an AWS access key id', `key id ${AWS_ACCESS_KEY} used`, AWS_ACCESS_KEY],
    ['an AWS secret access key', `creds ${AWS_SECRET_KEY} end`, AWS_SECRET_KEY],
    ['a JWT', `token was ${JWT}`, JWT.slice(0, 60)],
    ['a PEM block', `key:\n${PEM}\nafter`, 'MIIEowIBAAKCAQEA'],
    ['a PEM block without its end', `key: ${PEM.slice(0, 80)}`, 'MIIEowIBAAK'],
    ['a user:password@ URL', 'connect postgres://app:Hunter2Secret@db.internal:5432/reviews failed', 'Hunter2Secret'],
    ['a token= query parameter', 'GET https://api.example.com/x?page=2&access_token=abcd1234efgh5678&x=1', 'abcd1234efgh5678'],
    ['a bare token= pair', 'retrying with token=abcd1234efgh5678', 'abcd1234efgh5678'],
    ['a presigned URL signature', 'https://b.s3.amazonaws.com/k?X-Amz-Signature=0123456789abcdef0123&X-Amz-Credential=AKIDEXAMPLE', '0123456789abcdef0123'],
    ['a Bearer token', `Authorization: ${BEARER}`, 'abcDEF123456'],
    ['a GitHub token', `using ${GH_TOKEN}`, GH_TOKEN],
  ])('should scrub %s from free text', (_what, text, secret) => {
    const scrubbed = scrubString(text);
    expect(scrubbed).not.toContain(secret);
    expect(scrubbed).toContain(REDACTED);
  });

  it('should keep what is needed to read the line', () => {
    expect(scrubString('connect postgres://app:pw123456@db:5432/x')).toBe(`connect postgres://app:${REDACTED}@db:5432/x`);
    expect(scrubString('GET /x?page=2&token=abcdefgh1234&limit=5')).toBe(`GET /x?page=2&token=${REDACTED}&limit=5`);
    expect(scrubString(`Authorization: ${BEARER}`)).toBe(`Authorization: Bearer ${REDACTED}`);
  });

  it('should leave ordinary values alone: commit SHAs, UUIDs, digests, ARNs, paths', () => {
    for (const s of [
      'commit 8f14e45fceea167a5a36dedd4bea2543e1c2f0a1',
      'request 0f8fad5b-d9cb-469f-a165-70867728950e',
      'sha256 e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
      'arn:aws:lambda:eu-west-1:123456789012:function:iac-review-dev-api-handler',
      'GET /reviews/rev-00000001/versions/2?limit=20',
      'aws_security_group.web opens 0.0.0.0/0 on port 22',
    ]) {
      expect(scrubString(s)).toBe(s);
    }
  });

  it('should scrub secrets inside the message text, field strings and error messages and stacks', () => {
    const err = new Error(`upstream said 401 for ${BEARER} at https://u:${SECRET}@h/x`);
    const { raw, lines } = logLine((log) => {
      log.info(`calling with ${AWS_ACCESS_KEY} and token=${SECRET}`);
      log.warn('failed', { detail: `jwt ${JWT}`, error: err });
      log.error('boom', { error: Object.assign(new Error(`pem ${PEM}`), { cause: new Error(`cause ${AWS_SECRET_KEY}`) }) });
    });
    for (const s of [AWS_ACCESS_KEY, SECRET, JWT.slice(0, 40), 'abcDEF123456', 'MIIEowIBAAKCAQEA', AWS_SECRET_KEY]) expect(raw).not.toContain(s);
    expect(lines[0]?.message).toContain(REDACTED);
    const e = lines[1]?.error as { message: string; stack: string };
    expect(e.message).toContain(REDACTED);
    expect(e.stack).toContain(REDACTED);
  });

  it('should keep an error class name as type even when the error has its own type property', () => {
    class ProblemError extends Error {
      readonly type = 'https://iac-review.dev/problems/conflict';
      constructor() {
        super('stale');
        this.name = new.target.name;
      }
    }
    expect(createRedactor()(new ProblemError())).toMatchObject({ type: 'ProblemError', problemType: 'https://iac-review.dev/problems/conflict', message: 'stale' });
  });

  it('should scrub the redactor output for any container, including Maps', () => {
    const r = createRedactor();
    expect(r(new Map([['password', SECRET]]))).toEqual({ password: REDACTED });
  });
});

describe('security events', () => {
  it('should never repeat an unredacted reason in the message', () => {
    const { raw, lines } = logLine((log) => log.security({ event: 'auth.denied', reason: `unknown key ${AWS_ACCESS_KEY} with ${BEARER}`, sourceIp: '198.51.100.7' }));
    expect(raw).not.toContain(AWS_ACCESS_KEY);
    expect(raw).not.toContain('abcDEF123456');
    expect(lines[0]).toMatchObject({ type: 'security', event: 'auth.denied', sourceIp: '198.51.100.7' });
    expect(lines[0]?.message).toBe(`security auth.denied: unknown key ${REDACTED} with Bearer ${REDACTED}`);
  });
});

describe('invocation end', () => {
  it('should say failure (at error level) when the handler answers a 5xx, success otherwise', async () => {
    const out = captureLines();
    const logger = createLogger({ service: 's', destination: out.stream });
    const http = { httpMethod: 'GET', path: '/x' };
    await withObservability(async () => ({ statusCode: 503, body: '' }), { logger })(http, { awsRequestId: 'a' });
    await withObservability(async () => ({ statusCode: 404, body: '' }), { logger })(http, { awsRequestId: 'b' });
    const ends = out.lines().filter((l) => l.message === 'invocation end');
    expect(ends.map((l) => [l.statusCode, l.outcome, l.level])).toEqual([
      [503, 'failure', 'error'],
      [404, 'success', 'info'],
    ]);
  });
});
