import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { dropErrorRegistrations, KEPT_ERRORS } from '../src/bundle/aws-sdk-trim';
import { ENTRY_FILE, esbuildOptions } from '../src/bundle/bundle';
import { repoRoot } from '../src/lib/repo';

describe('dropErrorRegistrations', () => {
  const schemas = [
    'import { TypeRegistry } from "@smithy/core/schema";',
    'import { FooServiceException } from "../models/FooServiceException";',
    'import { BadThing, ConditionalCheckFailedException, OtherThing, } from "../models/errors";',
    'const _s_registry = new TypeRegistry(_s);',
    'export var FooServiceException$ = [-3, _s, "FooServiceException", 0, [], []];',
    '_s_registry.registerError(FooServiceException$, FooServiceException);',
    'const n0_registry = new TypeRegistry(n0);',
    'n0_registry.registerError(BadThing$, BadThing);',
    'n0_registry.registerError(ConditionalCheckFailedException$, ConditionalCheckFailedException);',
    'n0_registry.registerError(OtherThing$, OtherThing);',
    '',
  ].join('\n');

  it('should drop the registrations and imports of errors no adapter tells apart by class, keeping the service exception', () => {
    const { code, dropped } = dropErrorRegistrations(schemas);
    expect(dropped).toEqual(['BadThing', 'OtherThing']);
    expect(code).toContain('_s_registry.registerError(FooServiceException$, FooServiceException);');
    expect(code).toContain('n0_registry.registerError(ConditionalCheckFailedException$, ConditionalCheckFailedException);');
    expect(code).toContain('import { ConditionalCheckFailedException } from "../models/errors";');
    expect(code).not.toMatch(/BadThing\b(?!\$)|OtherThing\b(?!\$)/);
  });

  it('should leave a module with nothing to drop unchanged, and drop the import when no error is left', () => {
    expect(dropErrorRegistrations(schemas, new Set(['BadThing', 'ConditionalCheckFailedException', 'OtherThing'])).code).toBe(schemas);
    const { code } = dropErrorRegistrations(schemas, new Set());
    expect(code).not.toContain('../models/errors');
    expect(code).toContain('_s_registry.registerError(FooServiceException$, FooServiceException);');
  });

  it('should keep the errors our code checks with instanceof or whose class carries $retryable', () => {
    expect([...KEPT_ERRORS].sort()).toEqual(['ConditionalCheckFailedException', 'ReplicatedWriteConflictException']);
  });
});

/**
 * With the error classes' registrations gone, a service error still reaches our adapters with the
 * name, message, status and fault they read: built like a Lambda zip, each client gets an error
 * from a loopback stub speaking its protocol.
 */
describe('AWS service errors from bundled clients', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bundle-sdk-errors-'));
  let server: Server;
  let endpoint = '';
  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('utf8')));
      req.on('end', () => {
        const target = String(req.headers['x-amz-target'] ?? '');
        const json = (status: number, type: string, extra: Record<string, unknown> = {}) => {
          res.writeHead(status, { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': 'req-1' });
          res.end(JSON.stringify({ __type: type, message: `stub says ${type.split('#').pop()}`, ...extra }));
        };
        if (target === 'DynamoDB_20120810.GetItem') return json(400, 'com.amazonaws.dynamodb.v20120810#ResourceNotFoundException');
        if (target === 'DynamoDB_20120810.UpdateItem')
          return json(400, 'com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException', { Item: { pk: { S: 'a' } } });
        if (target === 'secretsmanager.GetSecretValue') return json(400, 'ResourceNotFoundException');
        if (target === 'AWSEvents.PutEvents') return json(500, 'InternalException');
        // S3 (REST-XML): GetObject of a missing key.
        res.writeHead(404, { 'content-type': 'application/xml', 'x-amz-request-id': 'req-2' });
        res.end('<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message><Key>k</Key></Error>');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise<void>((r) => server.close(() => r()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('should give every error its name, message, status and fault, keep ConditionalCheckFailedException a class, and still store and read a large input in S3', async () => {
    const src = (p: string) => JSON.stringify(join(repoRoot, p));
    const entry = join(dir, 'entry.ts');
    writeFileSync(
      entry,
      [
        `import { ConditionalCheckFailedException, DynamoDBClient, GetItemCommand, UpdateItemCommand } from ${src('packages/identity/src/dynamodb-client.ts')};`,
        `import { GetObjectCommand, S3Client } from ${src('packages/dynamo-versioning/src/adapters/s3-client.ts')};`,
        `import { GetSecretValueCommand, SecretsManagerClient } from ${src('packages/reviews/src/adapters/secrets-manager-client.ts')};`,
        `import { EventBridgeClient, PutEventsCommand } from ${src('packages/reviews/src/adapters/eventbridge-client.ts')};`,
        `import { createS3BlobStore, lazyS3Client } from ${src('packages/dynamo-versioning/src/index.ts')};`,
        'const endpoint = process.argv[2];',
        "const base = { region: 'us-east-1', endpoint, credentials: { accessKeyId: 'k', secretAccessKey: 's' }, maxAttempts: 1 };",
        'const seen = (p: Promise<unknown>) => p.then(() => ({ name: "no error" }), (e: any) => ({',
        '  name: e.name, message: e.message, status: e.$metadata?.httpStatusCode, requestId: e.$metadata?.requestId, fault: e.$fault,',
        '  ccf: e instanceof ConditionalCheckFailedException, item: e.Item,',
        '}));',
        'const run = async () => {',
        '  const ddb = new DynamoDBClient(base);',
        '  const out = {',
        "    get: await seen(ddb.send(new GetItemCommand({ TableName: 't', Key: { pk: { S: 'a' } } }))),",
        "    update: await seen(ddb.send(new UpdateItemCommand({ TableName: 't', Key: { pk: { S: 'a' } }, UpdateExpression: 'SET n = :n', ExpressionAttributeValues: { ':n': { N: '1' } } }))),",
        "    s3: await seen(new S3Client({ ...base, forcePathStyle: true }).send(new GetObjectCommand({ Bucket: 'b', Key: 'k' }))),",
        "    secret: await seen(new SecretsManagerClient(base).send(new GetSecretValueCommand({ SecretId: 's' }))),",
        "    events: await seen(new EventBridgeClient(base).send(new PutEventsCommand({ Entries: [{ Source: 's', DetailType: 'd', Detail: '{}' }] }))),",
        '  };',
        '  // A large input through the blob store against s3rver: signed (sha256), checksummed (crc32), read back.',
        "  const blobs = createS3BlobStore({ client: lazyS3Client({ ...base, endpoint: process.argv[3], credentials: { accessKeyId: 'sdk-errors', secretAccessKey: 'sdk-errors-secret' }, forcePathStyle: true }), bucket: 'sdk-errors' });",
        "  const bytes = new Uint8Array(300_000).map((_, i) => (i * 7) % 251);",
        "  const ref = await blobs.put('inputs/large', bytes, 'application/octet-stream');",
        '  const back = await blobs.get(ref.key);',
        '  (out as any).roundTrip = Buffer.from(back).equals(Buffer.from(bytes));',
        '  process.stdout.write(JSON.stringify(out));',
        '};',
        'run();',
      ].join('\n'),
    );
    const outdir = join(dir, 'out');
    const built = await build({ ...esbuildOptions(entry, outdir, repoRoot), sourcemap: false });
    // The bundle holds no class for the errors it no longer registers.
    const inputs = Object.values(built.metafile.outputs).flatMap((o) => Object.entries(o.inputs));
    const errorsModule = inputs.filter(([p]) => /client-dynamodb\/dist-es\/models\/errors\.js$/.test(p));
    expect(errorsModule.length).toBeGreaterThan(0);
    expect(errorsModule.reduce((n, [, i]) => n + i.bytesInOutput, 0)).toBeLessThan(1500);
    expect(inputs.filter(([p]) => /client-(s3|secrets-manager|eventbridge)\/dist-es\/models\/errors\.js$/.test(p))).toEqual([]);

    const { startS3 } = await import('../src/local/s3');
    const s3 = await startS3({ bucket: 'sdk-errors', accessKeyId: 'sdk-errors', secretAccessKey: 'sdk-errors-secret' });
    let stdout: string;
    try {
      ({ stdout } = await promisify(execFile)(process.execPath, [join(outdir, ENTRY_FILE), endpoint, s3.endpoint], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '' } }));
    } finally {
      await s3.close();
    }
    const out = JSON.parse(stdout) as Record<string, Record<string, unknown> | boolean>;
    expect(out.get).toMatchObject({ name: 'ResourceNotFoundException', message: 'stub says ResourceNotFoundException', status: 400, requestId: 'req-1', fault: 'client', ccf: false });
    expect(out.update).toMatchObject({ name: 'ConditionalCheckFailedException', status: 400, fault: 'client', ccf: true });
    expect(out.s3).toMatchObject({ name: 'NoSuchKey', message: 'The specified key does not exist.', status: 404, fault: 'client' });
    expect(out.secret).toMatchObject({ name: 'ResourceNotFoundException', message: 'stub says ResourceNotFoundException', status: 400, fault: 'client' });
    expect(out.events).toMatchObject({ name: 'InternalException', status: 500, fault: 'server' });
    expect(out.roundTrip).toBe(true);
  });
});
