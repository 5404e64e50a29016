import { createDynamoDbTablePort, createS3BlobStore, createVersionedStore, BlobNotFoundError, lazyS3Client, sha256Hex, type BlobStore } from '../src/index';
import { startLocalDynamo, type LocalDynamo } from './support/local-dynamo';
import { startLocalS3, type LocalS3 } from './support/local-s3';
import { review, reviewHead, type ReviewDoc } from './support/harness';

describe('createS3BlobStore (s3rver)', () => {
  let s3: LocalS3;
  let blobs: BlobStore;
  beforeAll(async () => {
    s3 = await startLocalS3();
    blobs = createS3BlobStore({ client: s3.client, bucket: s3.bucket, prefix: 'versions/' });
  });
  afterAll(() => s3.close());

  it('should store bytes and return their key, SHA-256 and size', async () => {
    const bytes = Buffer.from('{"plan":"x"}');

    const ref = await blobs.put('review/r1/a.json', bytes, 'application/json');

    expect(ref).toEqual({ key: 'review/r1/a.json', sha256: sha256Hex(bytes), size: bytes.length });
    expect((await blobs.get('review/r1/a.json')).equals(bytes)).toBe(true);
  });

  it('should build the key from the digest it computes when given a key function', async () => {
    // Prepare
    const bytes = Buffer.from('{"plan":"content-addressed"}');
    const seen: string[] = [];
    // Act
    const ref = await blobs.put((sha) => (seen.push(sha), `inputs/r1.${sha.slice(0, 16)}.json`), bytes, 'application/json');
    // Assert
    expect(seen).toEqual([sha256Hex(bytes)]);
    expect(ref).toEqual({ key: `inputs/r1.${sha256Hex(bytes).slice(0, 16)}.json`, sha256: sha256Hex(bytes), size: bytes.length });
    expect((await blobs.get(ref.key)).equals(bytes)).toBe(true);
  });

  it('should build a lazy client once, on the first blob read or write, and use it for both', async () => {
    // Prepare
    let built = 0;
    const lazy = lazyS3Client({ endpoint: s3.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' }, maxAttempts: 1 });
    const client = () => {
      built++;
      return lazy();
    };
    const store = createS3BlobStore({ client, bucket: s3.bucket, prefix: 'lazy/' });
    const bytes = Buffer.from('{"lazy":true}');
    const first = lazy();
    // Act
    const ref = await store.put('a.json', bytes, 'application/json');
    const back = await store.get('a.json');
    // Assert
    expect(ref.sha256).toBe(sha256Hex(bytes));
    expect(back.equals(bytes)).toBe(true);
    expect(built).toBe(2);
    expect(await lazy()).toBe(await first);
    (await first).destroy();
  });

  it('should report a missing blob as BlobNotFoundError', async () => {
    await expect(blobs.get('review/none.json')).rejects.toBeInstanceOf(BlobNotFoundError);
  });

  describe('with the versioned store on dynalite', () => {
    let local: LocalDynamo;
    beforeAll(async () => {
      local = await startLocalDynamo();
    });
    afterAll(() => local.close());

    it('should round-trip a version over the 400 KB item limit through S3 and verify it', async () => {
      const tableName = await local.createTable();
      const store = createVersionedStore<ReviewDoc>({ table: createDynamoDbTablePort({ client: local.client }), tableName, entity: 'REVIEW', head: reviewHead, blobStore: blobs });
      const plan = 'resource_changes '.repeat(40_000);

      const v1 = await store.create('big', review({ blob: plan }), { actor: 'github-webhook-handler', reason: 'plan received' });
      const v2 = await store.append('big', (latest) => ({ ...latest.content, status: 'completed' }), { actor: 'ai-reviewer', reason: 'review finished' });

      expect(v1.contentSha256).not.toBe(v2.contentSha256);
      expect((await store.getLatest('big')).content).toEqual(review({ blob: plan, status: 'completed' }));
      expect(await store.verifyHistory('big')).toMatchObject({ ok: true, versions: 2 });
      expect((await blobs.get(`review/big/${v1.contentSha256}.json`)).length).toBeGreaterThan(400 * 1024);
    });
  });
});
