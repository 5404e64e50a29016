import { createHash, createHmac } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { bundleFunction, ENTRY_FILE } from '../src/bundle/bundle';
import { invokeBundle, invokeBundleWithLogs } from '../src/bundle/invoke-bundle';
import { loadManifest, repoRoot } from '../src/lib/repo';
import { bundled, removeBundles } from './support/bundles';

afterAll(removeBundles);

const sha = (p: string) => createHash('sha256').update(readFileSync(p)).digest('hex');

describe('bundler', () => {
  const dirs: string[] = [];
  const tmp = () => {
    const d = mkdtempSync(join(tmpdir(), 'bundle-'));
    dirs.push(d);
    return d;
  };
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  // One test per function, so each has its own timeout however many functions the manifest lists.
  it.each(loadManifest().map((spec) => [spec.name, spec] as const))('should produce byte-for-byte identical zips from two builds of %s', async (_name, spec) => {
    const a = await bundleFunction(repoRoot, spec, tmp());
    await new Promise((r) => setTimeout(r, 1100)); // a different wall-clock second must not change the bytes
    const b = await bundleFunction(repoRoot, spec, tmp());
    expect(sha(a.zipPath)).toBe(sha(b.zipPath));
    expect(a.sha256).toBe(b.sha256);
    expect(a.overBudget).toBe(false);
    // The first build may deflate every file with zopfli (nothing kept yet): ~10 s for the reviewer on a loaded 2-core machine.
  }, 90_000);

  it('should flag a zip over its size budget', async () => {
    const [spec] = loadManifest();
    if (!spec) throw new Error('manifest has no function');
    const r = await bundleFunction(repoRoot, { ...spec, sizeBudgetKb: 1 }, tmp(), { deflate: 'zlib' });
    expect(r.overBudget).toBe(true);
  });

  it('should bundle a handler that answers an invocation from the zip alone', async () => {
    const dir = dirname((await bundled('api-handler')).zipPath);
    // What Terraform sets; /health touches none of them.
    const [res] = await invokeBundle(join(dir, 'api-handler', ENTRY_FILE), [{ httpMethod: 'GET', path: '/health', headers: {} }], {
      AWS_REGION: 'us-east-1',
      TABLE_NAME: 't',
      INPUTS_BUCKET: 'b',
      EVENT_BUS_NAME: 'e',
      SECRETS_PREFIX: 'iac-review-test/',
      LOG_LEVEL: 'silent',
    });
    expect(res?.statusCode).toBe(200);
  });
});

describe('bundled webhook handlers', () => {
  it('should refuse a bad signature, then load the payload validator from its chunk for a signed delivery (Spacelift)', async () => {
    const spec = loadManifest().find((s) => s.name === 'spacelift-webhook-handler');
    if (!spec) throw new Error('spacelift-webhook-handler missing from the manifest');
    const dir = mkdtempSync(join(tmpdir(), 'bundle-webhook-'));
    try {
      await bundleFunction(repoRoot, spec, dir, { deflate: 'zlib' });
      const secret = 'bundle-test-secret-0123456789';
      const body = JSON.stringify({ account: 'acme', state: 'FINISHED', run: { id: 42 } });
      const event = (signature: string) => ({
        httpMethod: 'POST',
        path: '/webhook/spacelift',
        resource: '/webhook/spacelift',
        headers: { 'content-type': 'application/json', 'x-signature-256': signature },
        body,
        isBase64Encoded: false,
        requestContext: { requestId: 'w', identity: { sourceIp: '127.0.0.1' } },
      });
      const good = `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
      // No AWS endpoint is reachable: both answers must come before any store is touched.
      const { responses, logs } = await invokeBundleWithLogs(join(dir, spec.name, ENTRY_FILE), [event(`sha256=${'0'.repeat(64)}`), event(good)], {
        AWS_REGION: 'us-east-1',
        TABLE_NAME: 't',
        INPUTS_BUCKET: 'b',
        EVENT_BUS_NAME: 'e',
        HISTORY_MAC_KEY_FILE: join(dir, 'mac-key.json'),
        SPACELIFT_WEBHOOK_SECRET: secret,
        LOG_LEVEL: 'info',
      });
      const [refused, invalid] = responses;
      expect(refused?.statusCode).toBe(401);
      expect(invalid?.statusCode).toBe(400);
      expect(invalid?.body).toContain('run');
      // pino logs from the zip (its transports are not bundled; stdout is): JSON lines, no secret.
      expect(logs.length).toBeGreaterThan(0);
      expect(logs.some((l) => l.function === 'spacelift-webhook-handler' || l.service === 'iac-review')).toBe(true);
      expect(JSON.stringify(logs)).not.toContain(secret);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('functions manifest', () => {
  it('should give every function an existing entry, a budget and valid triggers', () => {
    for (const f of loadManifest()) {
      expect(() => readFileSync(join(repoRoot, f.entry))).not.toThrow();
      expect(f.sizeBudgetKb).toBeGreaterThan(0);
      expect(f.timeoutSeconds).toBeGreaterThan(0);
      for (const t of f.triggers) expect(['api', 'event', 'schedule']).toContain(t.type);
    }
  });
});

describe('bundled api-handler against the emulators', () => {
  it('should submit a review through the zip alone: env credentials, DynamoDB, S3 and EventBridge clients', async () => {
    const { startDynalite, ensureTable } = await import('../src/local/dynamodb');
    const { startS3 } = await import('../src/local/s3');
    const { startEventBus } = await import('../src/local/event-bus');
    const dynamo = await startDynalite();
    const s3 = await startS3({ bucket: 'bundle-test', accessKeyId: 'bundle-key', secretAccessKey: 'bundle-secret' });
    const bus = await startEventBus({ busName: 'bundle-bus', rules: [] });
    // Secrets Manager as a loopback stub speaking its JSON protocol: the history MAC key (issue 13).
    const secretCalls: Array<{ target: string; body: { SecretId?: string; VersionStage?: string; VersionId?: string } }> = [];
    const secrets = createServer((req, res) => {
      let text = '';
      req.on('data', (c: Buffer) => (text += c.toString('utf8')));
      req.on('end', () => {
        const body = JSON.parse(text || '{}') as { SecretId?: string; VersionStage?: string; VersionId?: string };
        secretCalls.push({ target: String(req.headers['x-amz-target']), body });
        res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
        res.end(JSON.stringify({ ARN: 'arn:aws:secretsmanager:us-east-1:000000000000:secret:x', Name: body.SecretId, VersionId: 'v-1', SecretString: Buffer.alloc(32, 9).toString('base64'), VersionStages: ['AWSCURRENT'] }));
      });
    });
    await new Promise<void>((r) => secrets.listen(0, '127.0.0.1', () => r()));
    try {
      await ensureTable(dynamo.client, 'bundle-table');
      const dir = dirname((await bundled('api-handler')).zipPath);
      // Exactly what Lambda provides: credentials in the environment (the bundle has no other credential source).
      const env = {
        AWS_ACCESS_KEY_ID: 'bundle-key',
        AWS_SECRET_ACCESS_KEY: 'bundle-secret',
        AWS_REGION: 'us-east-1',
        AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
        AWS_ENDPOINT_URL_S3: s3.endpoint,
        AWS_ENDPOINT_URL_EVENTBRIDGE: bus.endpoint,
        AWS_ENDPOINT_URL_SECRETS_MANAGER: `http://127.0.0.1:${(secrets.address() as AddressInfo).port}`,
        SECRETS_PREFIX: 'iac-review-bundle/',
        TABLE_NAME: 'bundle-table',
        INPUTS_BUCKET: 'bundle-test',
        EVENT_BUS_NAME: 'bundle-bus',
        API_CLIENTS: JSON.stringify({ k1: { name: 'ci', scopes: ['reviews:read', 'reviews:write'] } }),
        LOG_LEVEL: 'silent',
      };
      const submit = {
          httpMethod: 'POST',
          path: '/reviews',
          resource: '/reviews',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ title: 'from the zip', plan: { format_version: '1.2', resource_changes: [] } }),
          isBase64Encoded: false,
          queryStringParameters: null,
          requestContext: { requestId: 'r', identity: { apiKeyId: 'k1', sourceIp: '127.0.0.1' } },
      };
      const list = { httpMethod: 'GET', path: '/reviews', resource: '/reviews', headers: {}, body: null, queryStringParameters: null, requestContext: { requestId: 'r2', identity: { apiKeyId: 'k1' } } };
      // One container: the submit loads the SDK chunks on demand, the listing reuses them.
      const [res, listed] = await invokeBundle(join(dir, 'api-handler', ENTRY_FILE), [submit, list], env);
      expect({ status: res?.statusCode, body: res?.statusCode === 202 ? '' : res?.body }).toEqual({ status: 202, body: '' });
      const id = (JSON.parse(res!.body) as { id: string }).id;
      expect(listed?.statusCode).toBe(200);
      expect((JSON.parse(listed!.body) as { items: Array<{ id: string }> }).items.map((r) => r.id)).toContain(id);
      const [got] = await invokeBundle(join(dir, 'api-handler', ENTRY_FILE), [{ httpMethod: 'GET', path: `/reviews/${id}`, resource: '/reviews/{id}', headers: {}, body: null, queryStringParameters: null, requestContext: { requestId: 'r3', identity: { apiKeyId: 'k1' } } }], env);
      expect(got?.statusCode).toBe(200);
      // The version was sealed with the key the first container read once from Secrets Manager
      // (AWSCURRENT); the second container verified it with the key it names (VersionId), read once.
      expect(secretCalls).toEqual([
        { target: 'secretsmanager.GetSecretValue', body: { SecretId: 'iac-review-bundle/history-mac-key', VersionStage: 'AWSCURRENT' } },
        { target: 'secretsmanager.GetSecretValue', body: { SecretId: 'iac-review-bundle/history-mac-key', VersionId: 'v-1' } },
      ]);
    } finally {
      await new Promise<void>((r) => secrets.close(() => r()));
      await bus.close();
      await s3.close();
      await dynamo.close();
    }
  });
});
