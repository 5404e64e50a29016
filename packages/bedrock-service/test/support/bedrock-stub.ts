import http2 from 'node:http2';
import type { AddressInfo } from 'node:net';

/** One request the stub received. */
export interface StubRequest {
  method: string;
  path: string;
  modelId: string;
  headers: Record<string, string | string[] | undefined>;
  raw: string;
  body: Record<string, unknown>;
}

/** What the stub answers to one request. */
export type StubReply =
  | { kind: 'tool'; input: unknown; usage?: Partial<StubUsage>; stopReason?: string }
  | { kind: 'text'; text: string }
  | { kind: 'raw'; status: number; body: string; headers?: Record<string, string> }
  | { kind: 'error'; status: number; type: string; message: string }
  | { kind: 'hang' };

export interface StubUsage {
  inputTokens: number;
  outputTokens: number;
  cacheReadInputTokens: number;
  cacheWriteInputTokens: number;
}

export interface BedrockStub {
  endpoint: string;
  requests: StubRequest[];
  /** Replaces the script: `reply(request, index)` decides each answer. */
  script(reply: (req: StubRequest, index: number) => StubReply): void;
  close(): Promise<void>;
}

/**
 * A loopback Bedrock Runtime stub speaking the Converse REST wire format over cleartext HTTP/2 (the
 * SDK's NodeHttp2Handler connects with prior knowledge): POST /model/{modelId}/converse with a JSON
 * body; a JSON answer with output.message.content, stopReason, usage and metrics; errors as an HTTP
 * status with the `x-amzn-errortype` header and a JSON {message}.
 */
export const startBedrockStub = async (): Promise<BedrockStub> => {
  const requests: StubRequest[] = [];
  let reply: (req: StubRequest, index: number) => StubReply = () => ({ kind: 'error', status: 500, type: 'InternalServerException', message: 'no script' });
  const hanging = new Set<http2.Http2ServerResponse>();
  const server = http2.createServer();
  const sessions = new Set<http2.ServerHttp2Session>();
  server.on('session', (s) => {
    sessions.add(s);
    s.on('close', () => sessions.delete(s));
  });
  server.on('request', (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const path = req.url;
      const m = /^\/model\/([^/]+)\/converse$/.exec(path);
      let body: Record<string, unknown> = {};
      try {
        body = JSON.parse(raw) as Record<string, unknown>;
      } catch {
        body = {};
      }
      const entry: StubRequest = {
        method: req.method,
        path,
        modelId: m?.[1] ? decodeURIComponent(m[1]) : '',
        headers: { ...req.headers },
        raw,
        body,
      };
      const index = requests.length;
      requests.push(entry);
      if (req.method !== 'POST' || !m) {
        res.writeHead(404, { 'content-type': 'application/json', 'x-amzn-errortype': 'UnknownOperationException' });
        res.end(JSON.stringify({ message: `no route ${req.method} ${path}` }));
        return;
      }
      const r = reply(entry, index);
      const json = (status: number, doc: unknown, headers: Record<string, string> = {}): void => {
        res.writeHead(status, { 'content-type': 'application/json', 'x-amzn-requestid': `req-${index}`, ...headers });
        res.end(JSON.stringify(doc));
      };
      switch (r.kind) {
        case 'tool': {
          const usage: StubUsage = { inputTokens: 1200, outputTokens: 300, cacheReadInputTokens: 0, cacheWriteInputTokens: 0, ...r.usage };
          json(200, {
            output: { message: { role: 'assistant', content: [{ toolUse: { toolUseId: `tooluse_${index}`, name: 'report_findings', input: r.input } }] } },
            stopReason: r.stopReason ?? 'tool_use',
            usage: { ...usage, totalTokens: usage.inputTokens + usage.outputTokens },
            metrics: { latencyMs: 42 },
          });
          return;
        }
        case 'text':
          json(200, {
            output: { message: { role: 'assistant', content: [{ text: r.text }] } },
            stopReason: 'end_turn',
            usage: { inputTokens: 1000, outputTokens: 20, totalTokens: 1020 },
            metrics: { latencyMs: 40 },
          });
          return;
        case 'raw':
          res.writeHead(r.status, { 'content-type': 'application/json', ...r.headers });
          res.end(r.body);
          return;
        case 'error':
          json(r.status, { message: r.message }, { 'x-amzn-errortype': `${r.type}:http://internal.amazon.com/coral/com.amazon.bedrock/` });
          return;
        case 'hang':
          hanging.add(res);
          res.on('close', () => hanging.delete(res));
          return;
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    script: (fn) => {
      reply = fn;
    },
    close: async () => {
      for (const res of hanging) res.stream.close();
      for (const s of sessions) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
};
