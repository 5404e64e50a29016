import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { build } from 'esbuild';
import { unzipSync } from 'fflate';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ENTRY_FILE, esbuildOptions, REQUIRE_BANNER } from '../src/bundle/bundle';
import { repoRoot } from '../src/lib/repo';
import { bundled, coldStartInputs, removeBundles } from './support/bundles';

afterAll(removeBundles);

/** What the bundles leave out (checked in esbuild's metafile: the inputs that made it into index.js). */
describe('bundle contents (metafile)', () => {
  it('should leave out pino transports and redaction, SSO/token credential providers, JavaScript hash fallbacks, S3 Express sessions and the documentation of the OpenAPI document', async () => {
    const r = await bundled('api-handler');
    const outputs = Object.entries(r.metafile.outputs).filter(([p]) => p.endsWith('.mjs'));
    const inputs = outputs.flatMap(([, o]) => Object.keys(o.inputs));
    expect(inputs.some((p) => p.includes('node_modules/pino/'))).toBe(true);
    expect(inputs.filter((p) => /node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?(thread-stream\/|pino\/lib\/(transport|multistream)\.js)/.test(p))).toEqual([]);
    expect(inputs.some((p) => p.endsWith('shims/pino-transport.cjs'))).toBe(true);
    expect(inputs.filter((p) => /credential-provider-(sso|ini|process|web-identity|imds)|token-providers|client-sso/.test(p))).toEqual([]);
    const openapi = outputs.reduce((n, [, o]) => n + (o.inputs['packages/core/src/openapi.json']?.bytesInOutput ?? 0), 0);
    expect(openapi).toBeGreaterThan(0);
    expect(openapi).toBeLessThan(15_000);
    // The browser user-agent parser the SDK would load with import() is a stub, not bowser.
    expect(inputs.filter((p) => /node_modules\/bowser\//.test(p))).toEqual([]);
    // pino's redact option (the logger redacts itself) and the SDK's JavaScript sha256/sha1/md5
    // (node:crypto hashes) are shims; S3's md5/sha1 and SigV4's sha256 still come from node:crypto.
    expect(inputs.filter((p) => /@pinojs\/redact|checksum\/sha256\/Sha256Js|sha1\/Sha1Js|md5\/Md5Js/.test(p))).toEqual([]);
    expect(inputs.filter((p) => /shims\/(pino-redact\.cjs|js-hash-fallbacks\.mjs|s3-express-identity\.mjs)$/.test(p))).toHaveLength(3);
    // S3 Express One Zone's session provider (directory buckets only) is a shim too.
    expect(inputs.filter((p) => /S3ExpressIdentity(ProviderImpl|Cache)/.test(p))).toEqual([]);
    expect(inputs.some((p) => p.endsWith('checksum/sha256/Sha256Node.js'))).toBe(true);
    // Only the files that use `require` get one (the banner), each with its source map shifted a line.
    const files = outputs.map(([p]) => ({ p, code: readFileSync(join(repoRoot, p), 'utf8') }));
    const withBanner = files.filter((f) => f.code.startsWith(REQUIRE_BANNER));
    expect(withBanner.length).toBeGreaterThan(0);
    expect(withBanner.length).toBeLessThan(files.length / 2);
    for (const f of files) expect(f.code.startsWith(REQUIRE_BANNER)).toBe(/\brequire\b/.test(f.code.slice(REQUIRE_BANNER.length)));
    for (const f of withBanner) expect((JSON.parse(readFileSync(join(repoRoot, `${f.p}.map`), 'utf8')) as { mappings: string }).mappings.startsWith(';')).toBe(true);
  });
});

describe('reviewer bundle contents (metafile)', () => {
  it("should ship the team-policy validator compiled ahead of time (no ajv compiler) and no SSO/bearer token client", async () => {
    const r = await bundled('ai-reviewer');
    const inputs = Object.values(r.metafile.outputs).flatMap((o) => Object.keys(o.inputs));
    expect(inputs.some((p) => p.endsWith('packages/risk-scoring/src/generated/policy-validator.js'))).toBe(true);
    expect(inputs.filter((p) => /node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?(ajv\/dist\/(compile|core|ajv)|fast-uri|@aws-sdk\/token-providers|@aws-sdk\/nested-clients|mnemonist|bowser|@smithy\/core\/dist-es\/submodules\/event-streams)\//.test(p))).toEqual([]);
  });

  /**
   * The reviewer's HCL half (parser, evaluator, policy file reader with YAML and JSON Schema) is a
   * chunk loaded on the first review of Terraform source (risk-scoring's loadHcl), not part of what
   * a cold start loads.
   */
  it('should keep the HCL parser/evaluator, YAML and the JSON Schema compiler out of the entry and the chunks it imports', async () => {
    const { atStart, lazy: lazyInputs } = coldStartInputs((await bundled('ai-reviewer')).metafile, 'ai-reviewer');
    const HCL_HALF = /packages\/risk-scoring\/src\/(hcl\/(parser|config|evaluate|functions|values)\.ts|policy\/config\.ts)$|node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?(yaml\/|ajv\/dist\/(compile|core|vocabularies)\/)/;
    expect(atStart.some((p) => p.endsWith('packages/risk-scoring/src/rules/iam.ts'))).toBe(true);
    expect(atStart.filter((p) => HCL_HALF.test(p))).toEqual([]);
    // …and it is in the zip, in a chunk loaded on demand.
    expect(lazyInputs.some((p) => p.endsWith('packages/risk-scoring/src/hcl/parser.ts'))).toBe(true);
    expect(lazyInputs.some((p) => p.endsWith('packages/risk-scoring/src/hcl/config.ts'))).toBe(true);
    expect(lazyInputs.some((p) => p.endsWith('packages/risk-scoring/src/policy/config.ts'))).toBe(true);
  });
});

/**
 * What a cold start loads: the entry file and the chunks it imports statically. The AWS SDK (and,
 * in the request authorizer, jose) sit in chunks loaded with import() on the first request that needs them.
 */
describe('bundle entry (what a cold start loads)', () => {
  it.each(['api-handler', 'github-webhook-handler', 'spacelift-webhook-handler', 'historical-analysis-handler'])('should keep the AWS SDK and jose out of what %s loads at start', async (name) => {
    const { atStart, lazy } = coldStartInputs((await bundled(name)).metafile, name);
    expect(atStart.filter((p) => /node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?(@aws-sdk|@smithy|jose)\//.test(p))).toEqual([]);
    // …and they are in the zip, in chunks loaded on demand.
    expect(lazy.some((p) => p.includes('@aws-sdk/client-dynamodb'))).toBe(true);
  });
});

/**
 * People's bearer tokens are verified by the request authorizer alone; the HTTP functions read its
 * context. So no jose code may be in their zips at all (not only unreachable at start): esbuild makes
 * a chunk of every import() it scans, so one import of the verifier would ship jose's chunk again.
 */
describe('jose only where tokens are verified', () => {
  /** Strings jose's code carries through minification (its error codes and the JWKS factory's name). */
  const JOSE_MARKS = /ERR_JWS_SIGNATURE_VERIFICATION_FAILED|ERR_JWKS_NO_MATCHING_KEY|ERR_JWT_EXPIRED|createRemoteJWKSet/;

  const joseIn = async (name: string) => {
    const r = await bundled(name);
    const inputs = Object.values(r.metafile.outputs).flatMap((o) => Object.keys(o.inputs));
    const entries = unzipSync(readFileSync(r.zipPath));
    const marked = Object.entries(entries).filter(([, data]) => JOSE_MARKS.test(Buffer.from(data).toString('utf8'))).map(([file]) => file);
    return { inputs, entries: Object.keys(entries), marked };
  };

  it.each(['api-handler', 'historical-analysis-handler'])('should ship no jose code in the %s zip, in no chunk', async (name) => {
    const { inputs, entries, marked } = await joseIn(name);
    expect(entries).toContain('index.mjs');
    expect(inputs.filter((p) => /node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?jose\/|packages\/identity\/src\/(verifier|jose-parts)\.ts$/.test(p))).toEqual([]);
    expect(inputs).toContain('packages/identity/src/authorizer-context.ts');
    expect(marked).toEqual([]);
  });

  it('should still ship jose in the request authorizer, which verifies the tokens (the check above can see jose)', async () => {
    const { inputs, marked } = await joseIn('request-authorizer');
    expect(inputs.some((p) => /node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?jose\//.test(p))).toBe(true);
    expect(marked.length).toBeGreaterThan(0);
  });
});

/**
 * The shims (event streams, endpoint cache, bowser) must leave every client constructible and its
 * request pipeline intact: built like a Lambda zip, each client sends one request to a closed port
 * and must fail on the network, not in a shim.
 */
describe('shimmed SDK clients in a bundle', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bundle-shims-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('should build Bedrock, S3, DynamoDB, EventBridge and Secrets Manager clients and reach the network', async () => {
    const src = (p: string) => JSON.stringify(join(repoRoot, p));
    const entry = join(dir, 'entry.ts');
    writeFileSync(
      entry,
      [
        `import { createBedrockRuntimeClient, createBedrockRuntimeConversePort } from ${src('packages/bedrock-service/src/adapters/bedrock-runtime.ts')};`,
        `import { lazyDynamoDbTablePort, lazyS3Client, createS3BlobStore } from ${src('packages/dynamo-versioning/src/index.ts')};`,
        `import { createEventBridgePublisher } from ${src('packages/reviews/src/adapters/eventbridge.ts')};`,
        `import { deferred } from ${src('packages/core/src/index.ts')};`,
        "const endpoint = 'http://127.0.0.1:9';",
        "const credentials = { accessKeyId: 'k', secretAccessKey: 's' };",
        'const outcome = (p: Promise<unknown>) => p.then(() => "ok", (e: any) => String(e?.code ?? e?.name ?? e) + ": " + String(e?.message).slice(0, 120));',
        'const run = async () => {',
        "  const converse = createBedrockRuntimeConversePort(createBedrockRuntimeClient({ region: 'us-east-1', endpoint, credentials, maxAttempts: 1 }));",
        "  const s3 = createS3BlobStore({ client: lazyS3Client({ region: 'us-east-1', endpoint, credentials, forcePathStyle: true, maxAttempts: 1 }), bucket: 'b' });",
        "  const table = lazyDynamoDbTablePort({ region: 'us-east-1', endpoint, credentials, maxAttempts: 1 });",
        "  const bus = deferred<any>(async () => new (await import(" + src('packages/reviews/src/adapters/eventbridge-client.ts') + ")).EventBridgeClient({ region: 'us-east-1', endpoint, credentials, maxAttempts: 1 }), { send: true });",
        "  const { GetSecretValueCommand, SecretsManagerClient } = await import(" + src('packages/reviews/src/adapters/secrets-manager-client.ts') + ");",
        "  const secrets = new SecretsManagerClient({ region: 'us-east-1', endpoint, credentials, maxAttempts: 1 });",
        '  const results = [',
        "    await outcome(converse.converse({ modelId: 'm', system: 's', messages: [{ role: 'user', text: 'hi' }], maxTokens: 10, temperature: 0 } as any, { signal: AbortSignal.timeout(20000) })),",
        "    await outcome(s3.put('k', new Uint8Array([1]), 'application/json')),",
        "    await outcome(table.get('t', { pk: 'a', sk: 'b' })),",
        "    await outcome(createEventBridgePublisher({ client: bus, busName: 'b' }).publish([{ detailType: 'x', detail: {} } as any])),",
        "    await outcome(secrets.send(new GetSecretValueCommand({ SecretId: 's' }))),",
        '  ];',
        '  process.stdout.write(JSON.stringify(results));',
        '};',
        'run();',
      ].join('\n'),
    );
    const outdir = join(dir, 'out');
    await build({ ...esbuildOptions(entry, outdir, repoRoot), sourcemap: false });
    const results = JSON.parse(execFileSync(process.execPath, [join(outdir, ENTRY_FILE)], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '' } })) as string[];
    expect(results).toHaveLength(5);
    for (const r of results) {
      expect(r).not.toMatch(/not bundled|shim/i);
      expect(r).toMatch(/ECONNREFUSED|connect|socket|network|TimeoutError|unavailable|could not|did not accept/i);
    }
  });
});
