import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateRawSync } from 'node:zlib';
import { unzipSync } from 'fflate';
import { deflateWithZopfli, pruneDeflateCache, zipDeterministic } from '../src/bundle/bundle';

const CENTRAL_RECORD = Buffer.from([0x50, 0x4b, 0x01, 0x02]);

/** Code-like text: repetitive, like minified JavaScript, and different in every file. */
const code = (seed: number, kb: number): Buffer => {
  const parts: string[] = [];
  for (let i = 0; parts.join('').length < kb * 1024; i++) {
    parts.push(`function f${seed}_${i}(a,b){return a.${['map', 'filter', 'reduce'][i % 3]}((x)=>x+${(i * seed) % 97})+b?.name??"n${i}"}\n`);
  }
  return Buffer.from(parts.join(''));
};

describe('zip writer (zopfli deflate)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bundle-zip-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const files = [
    { name: 'index.mjs', data: code(1, 40) },
    { name: 'chunks/b-2.mjs', data: code(2, 20) },
    { name: 'chunks/a-3.mjs', data: code(3, 5) },
  ];

  it('should write the same bytes twice, entries sorted, each file read back exactly (no cache)', async () => {
    const a = await zipDeterministic(files);
    const b = await zipDeterministic([...files].reverse());
    expect(a.equals(b)).toBe(true);
    const back = unzipSync(a);
    expect(Object.keys(back)).toEqual(['chunks/a-3.mjs', 'chunks/b-2.mjs', 'index.mjs']);
    for (const f of files) expect(Buffer.from(back[f.name]!).equals(f.data)).toBe(true);
    // What Lambda's unzip reads, from each central directory record: made on Unix, deflate,
    // a regular rw-r--r-- file, 2020-01-01 00:00.
    const records: number[] = [];
    for (let at = a.indexOf(CENTRAL_RECORD); at >= 0; at = a.indexOf(CENTRAL_RECORD, at + 1)) records.push(at);
    expect(records).toHaveLength(3);
    for (const at of records) {
      expect(a.readUInt8(at + 5)).toBe(3);
      expect(a.readUInt16LE(at + 10)).toBe(8);
      expect(a.readUInt16LE(at + 12)).toBe(0);
      expect(a.readUInt16LE(at + 14)).toBe(((2020 - 1980) << 9) | (1 << 5) | 1);
      expect(a.readUInt32LE(at + 38) >>> 16).toBe(0o100644);
    }
  });

  it('should write the same kind of zip with zlib (the tests that need a zip, not the smallest one), slightly larger', async () => {
    const z = await zipDeterministic(files, undefined, 'zlib');
    expect(z.equals(await zipDeterministic([...files].reverse(), undefined, 'zlib'))).toBe(true);
    const back = unzipSync(z);
    for (const f of files) expect(Buffer.from(back[f.name]!).equals(f.data)).toBe(true);
    const at = z.indexOf(CENTRAL_RECORD);
    expect(z.readUInt16LE(at + 10)).toBe(8);
    expect(z.length).toBeGreaterThanOrEqual((await zipDeterministic(files)).length);
  });

  it('should deflate smaller than zlib at its best level', async () => {
    const data = code(7, 60);
    const zopfli = await deflateWithZopfli(data);
    expect(zopfli.length).toBeLessThan(deflateRawSync(data, { level: 9 }).length);
  });

  it('should reuse a kept stream only when it inflates back to the same bytes', async () => {
    const cache = join(dir, 'cache');
    const data = code(11, 10);
    const first = await deflateWithZopfli(data, cache);
    const [kept] = readdirSync(cache);
    expect(kept).toMatch(/^[0-9a-f]{64}-zopfli-i\d+\.deflate$/);
    // A damaged file (another build's leftovers, a disk error) must not reach a zip: a fresh
    // process sees only the file, and recompresses.
    writeFileSync(join(cache, kept!), deflateRawSync(Buffer.from('something else')));
    const script = `const { deflateWithZopfli } = require(${JSON.stringify(join(__dirname, '../src/bundle/bundle.ts'))});
      deflateWithZopfli(Buffer.from(process.argv[1], 'base64'), process.argv[2]).then((b) => process.stdout.write(b.toString('base64')));`;
    const out = execFileSync(process.execPath, ['--import', 'tsx', '-e', script, data.toString('base64'), cache], { encoding: 'utf8', cwd: join(__dirname, '..') });
    expect(Buffer.from(out, 'base64').equals(first)).toBe(true);
  });

  it('should keep only the most recently used deflated files', () => {
    const cache = join(dir, 'prune');
    mkdirSync(cache, { recursive: true });
    for (let i = 0; i < 5; i++) {
      const f = join(cache, `${String(i).repeat(64)}-zopfli-i15.deflate`);
      writeFileSync(f, 'x');
      utimesSync(f, new Date(2026, 0, 1 + i), new Date(2026, 0, 1 + i));
    }
    writeFileSync(join(cache, 'not-ours.txt'), 'x');
    expect(pruneDeflateCache(cache, 2)).toBe(3);
    expect(readdirSync(cache).sort()).toEqual([`${'3'.repeat(64)}-zopfli-i15.deflate`, `${'4'.repeat(64)}-zopfli-i15.deflate`, 'not-ours.txt']);
    expect(pruneDeflateCache(cache, 2)).toBe(0);
    expect(pruneDeflateCache(join(dir, 'missing'), 2)).toBe(0);
  });
});
