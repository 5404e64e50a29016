import { spawn } from 'node:child_process';
import { pathToFileURL } from 'node:url';

export interface BundleResponse {
  statusCode: number;
  body: string;
  headers?: Record<string, string>;
}

// Runs in the child: imports the bundle as Lambda does, invokes the handler once per event (in one
// container, so the second invocation is warm) and prints the responses as JSON.
const CHILD = `
const { handler } = await import(process.argv[1]);
let input = '';
for await (const chunk of process.stdin) input += chunk;
const out = [];
for (const event of JSON.parse(input)) out.push(await handler(event, { awsRequestId: 'invoke-bundle', getRemainingTimeInMillis: () => 10000 }));
process.stdout.write(JSON.stringify(out));
`;

/**
 * Invokes a bundled function (its index.mjs) in a fresh Node process with exactly `env` (plus
 * PATH): what a Lambda container does with the zip. The bundles are ES modules, which this
 * (CommonJS) process cannot require. Asynchronous, so servers this process runs (emulators,
 * stubs) keep answering the child.
 */
export const invokeBundle = (entryFile: string, events: unknown[], env: Record<string, string>, timeoutMs = 60_000): Promise<BundleResponse[]> =>
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
      try {
        resolve(JSON.parse(stdout) as BundleResponse[]);
      } catch {
        reject(new Error(`the bundle printed no responses: ${stdout.slice(0, 500)} ${stderr.slice(-1000)}`));
      }
    });
    child.stdin.end(JSON.stringify(events));
  });
