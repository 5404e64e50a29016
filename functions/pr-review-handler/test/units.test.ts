import { checkConclusion, diffResults, renderComment, shownVersion, STICKY_MARKER } from '../src/comment';
import { parseCredentialsSecret, readPrReviewConfig } from '../src/config';
import { addedLines, blockRange, inlineComments, parseAddress } from '../src/inline';
import { finding, result } from './support/harness';

describe('inline comments', () => {
  it('should find the new-side line numbers a patch adds', () => {
    expect([...addedLines('@@ -1,3 +1,5 @@\n a\n+b\n c\n+d\n+e\n-f\n@@ -20,2 +22,3 @@\n x\n+y\n z')]).toEqual([2, 4, 5, 23]);
  });

  it('should parse addresses and find the block of a resource, nested braces and strings included', () => {
    expect(parseAddress('module.net.module.sg.aws_security_group.web["a.b"]')).toEqual({ keyword: 'resource', type: 'aws_security_group', name: 'web' });
    expect(parseAddress('data.aws_iam_policy_document.p')).toEqual({ keyword: 'data', type: 'aws_iam_policy_document', name: 'p' });
    expect(parseAddress('nonsense')).toBeUndefined();
    const src = 'locals {\n  x = "}"\n}\nresource "aws_s3_bucket" "b" {\n  tags = {\n    a = "{"\n  }\n}\nresource "aws_s3_bucket" "c" {}\n';
    expect(blockRange(src, 'resource', 'aws_s3_bucket', 'b')).toEqual({ start: 4, end: 8 });
    expect(blockRange(src, 'resource', 'aws_s3_bucket', 'c')).toEqual({ start: 9, end: 9 });
  });

  it('should comment only high/critical findings, only on changed lines of their block, never dismissed ones', () => {
    const content = 'resource "aws_s3_bucket" "b" {\n  acl = "public-read"\n}\nresource "aws_s3_bucket" "old" {\n  acl = "public-read"\n}\n';
    const sources = [{ path: 'main.tf', patch: '@@ -1,2 +1,3 @@\n resource "aws_s3_bucket" "b" {\n+  acl = "public-read"\n }', content }];
    const out = inlineComments([finding('PUB-1', 'critical', 'aws_s3_bucket.b'), finding('PUB-1', 'critical', 'aws_s3_bucket.old'), finding('LOG-1', 'medium', 'aws_s3_bucket.b')], sources);
    expect(out).toEqual([expect.objectContaining({ path: 'main.tf', line: 2, side: 'RIGHT', body: expect.stringContaining('**CRITICAL**') })]);
    expect(inlineComments([finding('PUB-1', 'critical', 'aws_s3_bucket.b')], sources, new Set(['PUB-1@aws_s3_bucket.b']))).toEqual([]);
    expect(inlineComments([finding('PUB-1', 'critical', 'aws_s3_bucket.b')], [{ path: 'main.tf', content }])).toEqual([]);
  });
});

describe('sticky comment', () => {
  const content = (r: ReturnType<typeof result>, extra: Record<string, unknown> = {}) =>
    ({ status: 'completed', source: 'github', submittedBy: 'x', input: { kind: 'hcl', key: 'k', sha256: 's', size: 1 }, acknowledged: false, dismissedFindings: [], feedback: [], external: { headSha: 'a'.repeat(40) }, result: { ...r, reviewedVersion: 2, reviewedAt: '2026-11-29T12:00:00Z' }, ...extra }) as never;

  it('should carry its markers, keep Markdown-breaking text out, and fit GitHub\'s size limit', () => {
    const many = Array.from({ length: 2000 }, (_, i) => ({ ...finding(`R-${i}`, 'high', `aws_s3_bucket.b${i}`), message: `m <!-- x --> ${'y'.repeat(50)}` }));
    const body = renderComment({ reviewId: 'github:a:b:1', version: 7, content: content(result('high', 80, many)) });
    expect(body.startsWith(STICKY_MARKER)).toBe(true);
    expect(shownVersion(body)).toBe(7);
    expect(body.length).toBeLessThan(65_536);
    expect(body).toMatch(/\d+ more finding\(s\) did not fit/);
    expect(body.match(/<!--/g)).toHaveLength(2);
  });

  it('should diff findings by rule and resource and decide the check by fail-on', () => {
    const d = diffResults({ ...result('medium', 30, [finding('A', 'medium', 'x.y'), finding('B', 'high', 'x.y')]), reviewedVersion: 1, reviewedAt: '' }, { ...result('low', 5, [finding('A', 'medium', 'x.y'), finding('C', 'low', 'x.z')]), reviewedVersion: 3, reviewedAt: '' });
    expect(d.fixed.map((f) => f.ruleId)).toEqual(['B']);
    expect(d.added.map((f) => f.ruleId)).toEqual(['C']);
    expect(checkConclusion('high', 'high')).toBe('failure');
    expect(checkConclusion('medium', 'high')).toBe('success');
    expect(checkConclusion('critical', 'never')).toBe('success');
    expect(checkConclusion(undefined, 'low')).toBe('neutral');
  });
});

describe('configuration', () => {
  it('should read the environment, defaulting to github.com and fail-on high, and refuse bad values by name', () => {
    expect(readPrReviewConfig({})).toMatchObject({ apiUrl: 'https://api.github.com', failOn: 'high', credentials: { kind: 'none' } });
    expect(readPrReviewConfig({ GITHUB_TOKEN: 't', GITHUB_API_URL: 'https://ghe.example.com/api/v3/' })).toMatchObject({ apiUrl: 'https://ghe.example.com/api/v3', credentials: { kind: 'env' } });
    expect(readPrReviewConfig({ GITHUB_CREDENTIALS_SECRET_ID: 'p/github-credentials' }).credentials).toEqual({ kind: 'secret', secretId: 'p/github-credentials', ttlMs: 900_000 });
    expect(() => readPrReviewConfig({ GITHUB_CHECK_FAIL_ON: 'severe' })).toThrow(/GITHUB_CHECK_FAIL_ON must be one of low, medium, high, critical, never/);
    expect(() => readPrReviewConfig({ GITHUB_API_URL: 'not a url' })).toThrow(/GITHUB_API_URL must be a URL/);
  });

  it('should parse the credentials secret without ever echoing its value', () => {
    expect(parseCredentialsSecret('{"token":"ghs_abc"}', 's')).toEqual({ kind: 'token', token: 'ghs_abc' });
    expect(parseCredentialsSecret('{"appId":123,"privateKey":"-----BEGIN RSA PRIVATE KEY-----\\nx"}', 's')).toMatchObject({ kind: 'app', appId: '123' });
    let message = '';
    try {
      parseCredentialsSecret('{"privateKey":"super-secret-value"}', 's');
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/needs "token", or "appId" and "privateKey"/);
    expect(message).not.toContain('super-secret-value');
    expect(() => parseCredentialsSecret('not json super-secret', 's')).toThrow(/must be JSON/);
  });
});
