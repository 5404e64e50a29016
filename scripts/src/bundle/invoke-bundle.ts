import { spawn } from 'node:child_process';
import { pathToFileURL } from 'node:url';

export interface BundleInvocation {
  responses: BundleResponse[];
  /** What the function wrote to stdout: its JSON log lines, parsed. */
  logs: Array<Record<string, unknown>>;
}

export interface BundleResponse {
  statusCode: number;
  body: string;
  headers?: Record<string, string>;
}

/** Precedes the responses on stdout; whatever comes before it is the function's own output (its log lines). */
const MARK = '@@invoke-bundle-responses@@';

// Runs in the child: imports the bundle as Lambda does, invokes the handler once per event (in one
// container, so the second invocation is warm) and prints the responses as JSON.
const CHILD = `
const MARK = ${JSON.stringify(MARK)};
const { handler } = await import(process.argv[1]);
let input = '';
for await (const chunk of process.stdin) input += chunk;
const out = [];
for (const event of JSON.parse(input)) out.push(await handler(event, { awsRequestId: 'invoke-bundle', getRemainingTimeInMillis: () => 10000 }));
process.stdout.write('\\n' + MARK + JSON.stringify(out) + '\\n');
`;

/**
 * Invokes a bundled function (its index.mjs) in a fresh Node process with exactly `env` (plus
 * PATH): what a Lambda container does with the zip. The bundles are ES modules, which this
 * (CommonJS) process cannot require. Asynchronous, so servers this process runs (emulators,
 * stubs) keep answering the child.
 */
export const invokeBundle = async (entryFile: string, events: unknown[], env: Record<string, string>, timeoutMs = 60_000): Promise<BundleResponse[]> =>
  (await invokeBundleWithLogs(entryFile, events, env, timeoutMs)).responses;

/** invokeBundle, with the function's log lines. */
export const invokeBundleWithLogs = (entryFile: string, events: unknown[], env: Record<string, string>, timeoutMs = 60_000): Promise<BundleInvocation> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', CHILD, pathToFileURL(entryFile).href], {
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code !== 0) return reject(new Error(`the bundle exited with ${signal ?? code}: ${stderr.slice(-2000)}`));
      // Log lines may be flushed before or after the responses: each is a line of its own.
      const lines = stdout.split('\n');
      const marked = lines.find((l) => l.startsWith(MARK));
      try {
        if (marked === undefined) throw new Error('no responses');
        const logs = lines.filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
        resolve({ responses: JSON.parse(marked.slice(MARK.length)) as BundleResponse[], logs });
      } catch {
        reject(new Error(`the bundle printed no responses: ${stdout.slice(0, 500)} ${stderr.slice(-1000)}`));
      }
    });
    child.stdin.end(JSON.stringify(events));
  });
