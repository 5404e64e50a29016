import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readStateFile, removeStateFile, writeStateFile, type LocalStackState } from '../src/local/state-file';

/**
 * A second local stack (e.g. local-stack.test.ts's, run by npm test while a developer's npm start is
 * up) must not take over the state file of the stack that is running, nor delete it when it stops:
 * npm run invoke would then find no stack.
 */
describe('local stack state file', () => {
  let dir: string;
  let file: string;
  const state = (pid: number, url: string): LocalStackState => ({ pid, url, startedAt: '2026-11-29T00:00:00.000Z', env: { TABLE_NAME: 't' } });
  /** A pid that is certainly not running: a child that has already exited. */
  const deadPid = (): number => spawnSync(process.execPath, ['-e', '0']).pid as number;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'state-file-'));
    file = join(dir, 'local-stack.json');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('should keep the state of a stack that is still running when a second stack starts and stops', () => {
    expect(writeStateFile(state(process.pid, 'http://127.0.0.1:3000'), file)).toBeUndefined();
    const otherPid = deadPid() + 1_000_000; // the second stack's pid (only compared, never signalled)
    expect(writeStateFile(state(otherPid, 'http://127.0.0.1:4000'), file)).toBe(process.pid);
    removeStateFile(otherPid, file);
    const read = readStateFile(file);
    expect(typeof read === 'string' ? read : read.url).toBe('http://127.0.0.1:3000');
  });

  it('should replace the state of a stack that is no longer running, and rewrite its own', () => {
    writeFileSync(file, JSON.stringify(state(deadPid(), 'http://127.0.0.1:3000')));
    expect(writeStateFile(state(process.pid, 'http://127.0.0.1:4000'), file)).toBeUndefined();
    expect((JSON.parse(readFileSync(file, 'utf8')) as LocalStackState).url).toBe('http://127.0.0.1:4000');
    expect(writeStateFile(state(process.pid, 'http://127.0.0.1:5000'), file)).toBeUndefined();
    expect((JSON.parse(readFileSync(file, 'utf8')) as LocalStackState).url).toBe('http://127.0.0.1:5000');
  });

  it('should write over a file that is not a state file', () => {
    writeFileSync(file, 'not json');
    expect(writeStateFile(state(process.pid, 'http://127.0.0.1:3000'), file)).toBeUndefined();
    expect((JSON.parse(readFileSync(file, 'utf8')) as LocalStackState).pid).toBe(process.pid);
  });
});
