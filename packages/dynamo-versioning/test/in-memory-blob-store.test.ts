import { createInMemoryBlobStore, sha256Hex } from '../src/index';

describe('createInMemoryBlobStore', () => {
  it('should store under a plain key and return the SHA-256 and size of the bytes', async () => {
    // Prepare
    const blobs = createInMemoryBlobStore();
    const bytes = Buffer.from('{"a":1}');
    // Act
    const ref = await blobs.put('inputs/a.json', bytes, 'application/json');
    // Assert
    expect(ref).toEqual({ key: 'inputs/a.json', sha256: sha256Hex(bytes), size: bytes.length });
    expect((await blobs.get('inputs/a.json')).equals(bytes)).toBe(true);
  });

  it('should build the key from the digest it computes, once, when given a key function', async () => {
    // Prepare
    const blobs = createInMemoryBlobStore();
    const bytes = Buffer.from('{"plan":"content-addressed"}');
    const seen: string[] = [];
    // Act
    const ref = await blobs.put((sha) => (seen.push(sha), `inputs/r1.${sha.slice(0, 16)}.json`), bytes, 'application/json');
    // Assert
    expect(seen).toEqual([sha256Hex(bytes)]);
    expect(ref.key).toBe(`inputs/r1.${sha256Hex(bytes).slice(0, 16)}.json`);
    expect(blobs.keys()).toEqual([ref.key]);
  });
});
