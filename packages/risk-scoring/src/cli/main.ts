import { writeSync } from 'node:fs';
import { runCli } from './run-cli';
import { applyCliTiering } from './v8-tiering';

// Before any review code runs hot: no optimising compiler for this short-lived process (see v8-tiering.ts).
applyCliTiering();

let direct = true;
/** Set once anything went through the `process.stdout` / `process.stderr` streams. */
let streamed = false;

/**
 * Writes to stdout with synchronous `write(2)` calls on fd 1, which spares the run the cost of
 * creating the `process.stdout` stream (a few milliseconds, most of it for pipes). Whatever cannot
 * be written that way (a non-blocking pipe that is full, a closed pipe, any other error) goes to
 * `process.stdout`, which then behaves exactly as it always has.
 */
function writeStdout(s: string): void {
  if (!direct) {
    streamed = true;
    process.stdout.write(s);
    return;
  }
  // The string is written without an intermediate Buffer; only a partial write needs one.
  let buf: Buffer | undefined;
  let off = 0;
  try {
    off = writeSync(1, s);
    if (off < Buffer.byteLength(s, 'utf8')) {
      buf = Buffer.from(s, 'utf8');
      while (off < buf.length) off += writeSync(1, buf, off, buf.length - off);
    }
  } catch {
    direct = false;
    streamed = true;
    process.stdout.write(off === 0 ? s : (buf ?? Buffer.from(s, 'utf8')).subarray(off));
  }
}

const args = process.argv.slice(2);
type Io = Parameters<typeof runCli>[1];
// `iac-review submit …` (`review submit …` in the bundle's own argv) posts a plan to the API; everything else reviews locally. The CLI's entry point is
// its composition root: submit's API URL/key and the GitHub Actions variables are read here.
// eslint-disable-next-line no-restricted-properties
const env = process.env;
// submit (gzip, HTTP) is loaded only for `submit`.
const run = args[0] === 'submit' ? async (io: Io) => (await import('./submit')).runSubmit(args.slice(1), io, env) : (io: Io) => runCli(args, io);

run({
  stdout: writeStdout,
  stderr: (s) => {
    streamed = true;
    process.stderr.write(s);
  },
  readStdin: async () => {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  },
}).then(
  (code) => {
    process.exitCode = code;
    // Everything was written with synchronous writes: exit now rather than wait for Node.js to
    // tear the environment down (a few milliseconds with a large plan's heap). Output that went
    // through a stream is left to drain on the normal exit path.
    if (!streamed) process.exit(code);
  },
  (err: unknown) => {
    process.stderr.write(`review: internal error: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 2;
  },
);
