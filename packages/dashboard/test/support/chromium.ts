import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

/** The flags the browser test starts Chromium with: no sandbox (root in CI), and nothing that calls home on a closed network. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const apt = (args: string[]) => spawnSync('apt-get', args, { encoding: 'utf8', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }, timeout: 600_000 });

/**
 * Debian's Chromium at CHROMIUM (default /usr/bin/chromium), installed through apt when missing.
 * Throws with what to do when it cannot be had: the browser test then fails, it is never skipped.
 */
export const ensureChromium = (log: (line: string) => void = (l) => process.stderr.write(`${l}\n`)): string => {
  if (existsSync(CHROMIUM)) return CHROMIUM;
  if (process.env.CHROMIUM_PATH) throw new Error(`CHROMIUM_PATH is ${CHROMIUM}, which does not exist.`);
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot) {
    throw new Error(`The dashboard's browser test needs Chromium at ${CHROMIUM}. Install it (Debian: sudo apt-get install -y chromium), or set CHROMIUM_PATH to a Chromium or Chrome binary.`);
  }
  log(`browser test: ${CHROMIUM} is missing; installing Debian's chromium with apt-get (once per machine)…`);
  let r = apt(['install', '-y', '-qq', 'chromium']);
  if (r.status !== 0) {
    apt(['update', '-qq']);
    r = apt(['install', '-y', '-qq', 'chromium']);
  }
  if (r.status !== 0 || !existsSync(CHROMIUM)) {
    const why = (r.error?.message ?? `${r.stderr ?? ''}`.trim().split('\n').slice(-3).join(' | ')) || `exit ${r.status}`;
    throw new Error(`Could not install Chromium with apt-get (${why}). The dashboard's browser test needs it at ${CHROMIUM}: install Debian's chromium package, or set CHROMIUM_PATH.`);
  }
  return CHROMIUM;
};
