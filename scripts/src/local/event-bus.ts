import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { matchesPattern, type EventPattern } from './event-pattern';
import { invokeWithTimeout, type LocalFunction } from './http-gateway';

export interface BusRule {
  name: string;
  pattern: EventPattern;
  target: LocalFunction;
}

export interface DeadLetter {
  rule: string;
  event: unknown;
  error: string;
  attempts: number;
}

export interface LocalEventBusOptions {
  busName: string;
  rules: BusRule[];
  /** Delays before each retry, like Lambda's asynchronous invocation (which retries twice). */
  retryDelaysMs?: number[];
  region?: string;
  onDelivery?: (info: { rule: string; attempt: number; ok: boolean; error?: string }) => void;
}

export interface LocalEventBus {
  endpoint: string;
  deadLetters: DeadLetter[];
  /** Hands one event to one rule's target with the bus's retries and dead letters (the local schedules use it). */
  deliver: (rule: BusRule, event: unknown) => void;
  /** Resolves when every delivery started so far has finished (tests). */
  idle: () => Promise<void>;
  close: () => Promise<void>;
}

const readJson = (req: IncomingMessage): Promise<unknown> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}'));
      } catch (err) {
        reject(err);
      }
    });
    req.on('error', reject);
  });

const reply = (res: ServerResponse, status: number, body: unknown, errorType?: string) => {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1', 'content-length': Buffer.byteLength(text), ...(errorType ? { 'x-amzn-errortype': errorType } : {}) });
  res.end(text);
};

/**
 * An in-process EventBridge: speaks the PutEvents wire protocol (so functions use the real
 * EventBridge client through AWS_ENDPOINT_URL_EVENTBRIDGE), matches each event against the rules
 * from the functions manifest, and invokes targets asynchronously with Lambda's retry behaviour;
 * events that keep failing are dead-lettered.
 */
export const startEventBus = async (opts: LocalEventBusOptions): Promise<LocalEventBus> => {
  const delays = opts.retryDelaysMs ?? [1000, 2000];
  const deadLetters: DeadLetter[] = [];
  const inFlight = new Set<Promise<void>>();
  const timers = new Set<NodeJS.Timeout>();
  let closed = false;

  const deliver = (rule: BusRule, event: unknown) => {
    const run = async () => {
      for (let attempt = 1; attempt <= delays.length + 1; attempt++) {
        if (closed) return;
        try {
          await invokeWithTimeout(rule.target, event);
          opts.onDelivery?.({ rule: rule.name, attempt, ok: true });
          return;
        } catch (err) {
          const error = err instanceof Error ? err.message : String(err);
          opts.onDelivery?.({ rule: rule.name, attempt, ok: false, error });
          if (attempt > delays.length) {
            deadLetters.push({ rule: rule.name, event, error, attempts: attempt });
            return;
          }
          await new Promise<void>((r) => {
            const t = setTimeout(() => {
              timers.delete(t);
              r();
            }, delays[attempt - 1]);
            timers.add(t);
          });
        }
      }
    };
    const p = run().finally(() => inFlight.delete(p));
    inFlight.add(p);
  };

  const server = createServer((req, res) => {
    void (async () => {
      const target = String(req.headers['x-amz-target'] ?? '');
      if (req.method !== 'POST' || target !== 'AWSEvents.PutEvents') {
        reply(res, 400, { __type: 'UnknownOperationException', message: `The local bus implements PutEvents only (got ${target || req.method}).` }, 'UnknownOperationException');
        return;
      }
      let body: { Entries?: Array<{ Source?: string; DetailType?: string; Detail?: string; EventBusName?: string; Resources?: string[]; Time?: string }> };
      try {
        body = (await readJson(req)) as typeof body;
      } catch {
        reply(res, 400, { __type: 'ValidationException', message: 'Body is not JSON.' }, 'ValidationException');
        return;
      }
      const entries = body.Entries ?? [];
      if (entries.length === 0 || entries.length > 10) {
        reply(res, 400, { __type: 'ValidationException', message: 'PutEvents takes 1 to 10 entries.' }, 'ValidationException');
        return;
      }
      const results = entries.map((e) => {
        if (!e.Source || !e.DetailType || !e.Detail) return { ErrorCode: 'InvalidArgument', ErrorMessage: 'Source, DetailType and Detail are required.' };
        if (e.EventBusName && e.EventBusName !== opts.busName && !e.EventBusName.endsWith(`/${opts.busName}`)) return { ErrorCode: 'ResourceNotFoundException', ErrorMessage: `No bus ${e.EventBusName}.` };
        let detail: unknown;
        try {
          detail = JSON.parse(e.Detail);
        } catch {
          return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is not valid JSON.' };
        }
        if (Buffer.byteLength(e.Detail) > 256 * 1024) return { ErrorCode: 'InvalidArgument', ErrorMessage: 'Entry over 256 KB.' };
        const id = randomUUID();
        const event = {
          version: '0',
          id,
          'detail-type': e.DetailType,
          source: e.Source,
          account: '000000000000',
          time: e.Time ?? new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
          region: opts.region ?? 'us-east-1',
          resources: e.Resources ?? [],
          detail,
        };
        for (const rule of opts.rules) if (matchesPattern(rule.pattern, event)) deliver(rule, event);
        return { EventId: id };
      });
      reply(res, 200, { Entries: results, FailedEntryCount: results.filter((r) => 'ErrorCode' in r).length });
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    deadLetters,
    deliver,
    idle: async () => {
      while (inFlight.size > 0) await Promise.all([...inFlight]);
    },
    close: async () => {
      // Let deliveries in flight finish (bounded), as a draining Lambda would; then stop retrying.
      const drained = Promise.all([...inFlight]).then(() => undefined);
      await Promise.race([drained, new Promise((r) => setTimeout(r, 5000).unref())]);
      closed = true;
      for (const t of timers) clearTimeout(t);
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
};
