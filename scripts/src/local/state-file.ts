import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { repoRoot } from '../lib/repo';

/**
 * How another process reaches the running local stack (npm run invoke): its URL and the
 * environment it gives its functions (table, bucket, bus, emulator endpoints). No secrets: the
 * emulators' credentials are the fixed value `local`, and API_CLIENTS names key ids, not keys.
 */
export interface LocalStackState {
  pid: number;
  url: string;
  startedAt: string;
  env: Record<string, string>;
}

export const DEFAULT_STATE_FILE = join(repoRoot, '.local-data', 'local-stack.json');

const SECRET_LIKE = /SECRET|TOKEN|PASSWORD|SESSION/i;

/** What the stack added to or changed in the environment for its functions (minus anything secret-like). */
export const functionEnvironment = (before: NodeJS.ProcessEnv, after: NodeJS.ProcessEnv): Record<string, string> => {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(after)) {
    if (v === undefined || before[k] === v) continue;
    if (SECRET_LIKE.test(k) && v !== 'local') continue;
    out[k] = v;
  }
  return out;
};

/**
 * Records the stack for `npm run invoke`, unless the file names another stack that is still running:
 * a second stack (a test's, or one on another port) must not take over — and, on its stop, delete —
 * the state of the one a developer started first. Returns the pid of that other stack, or undefined
 * when the file was written.
 */
export const writeStateFile = (state: LocalStackState, file = DEFAULT_STATE_FILE): number | undefined => {
  const current = liveStackPid(file);
  if (current !== undefined && current !== state.pid) return current;
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  return undefined;
};

/** Removes the state file if it still describes this process's stack. */
export const removeStateFile = (pid: number, file = DEFAULT_STATE_FILE): void => {
  try {
    if (existsSync(file) && (JSON.parse(readFileSync(file, 'utf8')) as LocalStackState).pid === pid) rmSync(file);
  } catch {
    // best effort on shutdown
  }
};

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/** The pid recorded in the state file when that process is still running. */
const liveStackPid = (file: string): number | undefined => {
  try {
    const pid = (JSON.parse(readFileSync(file, 'utf8')) as Partial<LocalStackState>).pid;
    return typeof pid === 'number' && alive(pid) ? pid : undefined;
  } catch {
    return undefined;
  }
};

/** The running stack's state, or an error message saying how to start one. */
export const readStateFile = (file = DEFAULT_STATE_FILE): LocalStackState | string => {
  if (!existsSync(file)) return `No running local stack found (${file} does not exist). Start one with \`npm start\` in another terminal.`;
  let state: LocalStackState;
  try {
    state = JSON.parse(readFileSync(file, 'utf8')) as LocalStackState;
  } catch {
    return `${file} is not readable JSON; restart the local stack (npm start).`;
  }
  if (typeof state.pid !== 'number' || typeof state.env !== 'object' || state.env === null) return `${file} is not a local stack state file.`;
  if (!alive(state.pid)) return `The local stack that wrote ${file} (pid ${state.pid}) is no longer running. Start one with \`npm start\`.`;
  return state;
};
