import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface StubRun {
  stackId: string;
  runId: string;
  resources: Array<{ address: string; previousAddress?: string | null; metadata: { type: string } }>;
}

export interface SpaceliftStub {
  url: string;
  /** Every request: operation (token or changes), its Authorization header, and the HTTP status answered. */
  requests: Array<{ op: 'token' | 'changes' | 'other'; authorization?: string; status: number }>;
  keys: Map<string, string>;
  runs: StubRun[];
  /** JWT lifetime in seconds (validUntil = now + this). */
  tokenTtlSeconds: number;
  /** Statuses to answer the next requests with before behaving (e.g. [503, 503]). */
  failures: number[];
  /** Answer requests carrying these JWTs with 401 (revoked). */
  revoked: Set<string>;
  /** Delay every answer (ms). */
  delayMs: number;
  close(): Promise<void>;
}

const read = async (req: IncomingMessage): Promise<string> => {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
};

/** A loopback Spacelift GraphQL endpoint: `apiKeyUser` and `stack { run { changesV3 } }`, with failure injection. */
export const startSpaceliftStub = async (): Promise<SpaceliftStub> => {
  let issued = 0;
  const tokens = new Set<string>();
  const stub: Omit<SpaceliftStub, 'url' | 'close'> = { requests: [], keys: new Map(), runs: [], tokenTtlSeconds: 3600, failures: [], revoked: new Set(), delayMs: 0 };
  const server: Server = createServer((req, res) => {
    void (async () => {
      const body = JSON.parse(await read(req)) as { query: string; variables: Record<string, string> };
      const op = body.query.includes('apiKeyUser') ? 'token' : body.query.includes('changesV3') ? 'changes' : 'other';
      const authorization = req.headers.authorization;
      const answer = (status: number, json?: unknown) => {
        stub.requests.push({ op, ...(authorization ? { authorization } : {}), status });
        setTimeout(() => {
          res.writeHead(status, { 'content-type': 'application/json' });
          res.end(json === undefined ? '' : JSON.stringify(json));
        }, stub.delayMs);
      };
      const failure = stub.failures.shift();
      if (failure !== undefined) return answer(failure, { errors: [{ message: 'stub failure' }] });
      if (op === 'token') {
        const ok = stub.keys.get(body.variables.id ?? '') === body.variables.secret;
        if (!ok) return answer(200, { data: { apiKeyUser: null }, errors: [{ message: 'unauthorized' }] });
        const jwt = `jwt-${++issued}`;
        tokens.add(jwt);
        return answer(200, { data: { apiKeyUser: { jwt, validUntil: Math.floor(Date.now() / 1000) + stub.tokenTtlSeconds } } });
      }
      const jwt = authorization?.replace(/^Bearer /, '');
      if (!jwt || !tokens.has(jwt) || stub.revoked.has(jwt)) return answer(401);
      if (op !== 'changes') return answer(200, { errors: [{ message: 'unknown query' }] });
      const stackRuns = stub.runs.filter((r) => r.stackId === body.variables.stack);
      if (stackRuns.length === 0) return answer(200, { data: { stack: null } });
      const run = stackRuns.find((r) => r.runId === body.variables.run);
      return answer(200, { data: { stack: { run: run ? { id: run.runId, state: 'UNCONFIRMED', changesV3: [{ resources: run.resources }] } : null } } });
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return Object.assign(stub, {
    url: `http://127.0.0.1:${port}/graphql`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  });
};
