import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SecretsManagerStub {
  endpoint: string;
  /** Every GetSecretValue request's SecretId, in order. */
  calls: string[];
  set(secretId: string, value: string | undefined): void;
  /** Answer the next n requests with this HTTP status (500, 400 throttling…). */
  failNext(n: number, status?: number, code?: string): void;
  close(): Promise<void>;
}

const readAll = async (req: IncomingMessage): Promise<string> => {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
};

/** A loopback Secrets Manager speaking the awsJson1_1 protocol, for the real SDK client. */
export const startSecretsManagerStub = async (): Promise<SecretsManagerStub> => {
  const values = new Map<string, string | undefined>();
  const calls: string[] = [];
  let failures: { n: number; status: number; code: string } = { n: 0, status: 500, code: 'InternalServiceError' };
  const server: Server = createServer((req, res) => {
    void (async () => {
      const body = JSON.parse(await readAll(req)) as { SecretId: string };
      const target = req.headers['x-amz-target'];
      res.setHeader('content-type', 'application/x-amz-json-1.1');
      if (target !== 'secretsmanager.GetSecretValue') {
        res.statusCode = 400;
        res.end(JSON.stringify({ __type: 'InvalidRequestException', message: `unexpected ${String(target)}` }));
        return;
      }
      calls.push(body.SecretId);
      if (failures.n > 0) {
        failures.n--;
        res.statusCode = failures.status;
        res.end(JSON.stringify({ __type: failures.code, message: 'stub failure' }));
        return;
      }
      if (!values.has(body.SecretId)) {
        res.statusCode = 400;
        res.end(JSON.stringify({ __type: 'ResourceNotFoundException', message: "Secrets Manager can't find the specified secret." }));
        return;
      }
      const value = values.get(body.SecretId);
      res.end(JSON.stringify({ ARN: `arn:aws:secretsmanager:us-east-1:123456789012:secret:${body.SecretId}`, Name: body.SecretId, ...(value === undefined ? {} : { SecretString: value }), VersionId: 'v1' }));
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    calls,
    set: (id, v) => values.set(id, v),
    failNext: (n, status = 500, code = 'InternalServiceError') => {
      failures = { n, status, code };
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
};
