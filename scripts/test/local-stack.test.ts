import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from '../src/lib/repo';
import { detectReviewerMode, startLocalStack, type LocalStack } from '../src/local/stack';

process.env.LOG_LEVEL = 'silent';

describe('local stack (in-process)', () => {
  let stack: LocalStack;
  beforeAll(async () => {
    stack = await startLocalStack({ port: 0, env: {}, onError: () => undefined });
  });
  afterAll(async () => {
    await stack.stop();
  });

  it('should serve GET /health from api-handler through an API Gateway-shaped event', async () => {
    const res = await fetch(`${stack.url}/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ok', service: 'iac-review' });
  });

  it('should answer unknown routes with a 404 problem+json', async () => {
    const res = await fetch(`${stack.url}/definitely/not/here`);
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(await res.json()).toMatchObject({ status: 404, title: 'Not found', instance: '/definitely/not/here' });
  });

  it('should have created the table from the shared definition', async () => {
    const { DescribeTableCommand } = await import('@aws-sdk/client-dynamodb');
    const d = await stack.dynamo.client.send(new DescribeTableCommand({ TableName: stack.tableName }));
    expect(d.Table?.GlobalSecondaryIndexes?.map((i) => i.IndexName).sort()).toEqual(['gsi1', 'gsi2', 'gsi3']);
  });
});

describe('detectReviewerMode', () => {
  it('should use rules only without credentials or a Bedrock endpoint', () => {
    expect(detectReviewerMode({}).mode).toBe('rules-only');
  });
  it('should use Bedrock when the SDK endpoint variable or credentials are set', () => {
    expect(detectReviewerMode({ AWS_ENDPOINT_URL_BEDROCK_RUNTIME: 'http://127.0.0.1:9' }).mode).toBe('rules+bedrock');
    expect(detectReviewerMode({ AWS_PROFILE: 'dev' }).mode).toBe('rules+bedrock');
  });
});

describe('local stack (as a process)', () => {
  it('should print its URL, mode and data location, serve /health, and stop cleanly on SIGTERM', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', join('scripts', 'src', 'local-stack.ts'), '--port', '0', '--in-memory'], {
      cwd: repoRoot,
      env: { ...process.env, AWS_ACCESS_KEY_ID: '', AWS_PROFILE: '', AWS_ENDPOINT_URL_BEDROCK_RUNTIME: '', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.stdout.resume();
    const url = await new Promise<string>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`no banner within 20 s:\n${stderr}`)), 20000);
      child.stderr.on('data', () => {
        const m = /API:\s+(http:\/\/\S+)/.exec(stderr);
        if (m?.[1]) {
          clearTimeout(t);
          resolve(m[1]);
        }
      });
      child.on('exit', (code) => reject(new Error(`exited early (${code}):\n${stderr}`)));
    });
    expect(stderr).toMatch(/Reviewer:\s+rules-only/);
    expect(stderr).toMatch(/Data:\s+in memory/);
    const res = await fetch(`${url}/health`);
    expect(res.status).toBe(200);

    const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exit).toBe(0);
    expect(stderr).toContain('stopped cleanly');
    await expect(fetch(`${url}/health`)).rejects.toThrow();
  });
});
