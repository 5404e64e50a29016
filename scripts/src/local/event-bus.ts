import { randomUUID } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
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
  /** When it was dead-lettered (ISO-8601). */
  at?: string;
  /** Why: retries exhausted, or the bus shut down with a retry still pending. */
  cause?: 'retries-exhausted' | 'shutdown';
}

export interface LocalEventBusOptions {
  busName: string;
  rules: BusRule[];
  /** Delays before each retry, like Lambda's asynchronous invocation (which retries twice). */
  retryDelaysMs?: number[];
  region?: string;
  onDelivery?: (info: { rule: string; attempt: number; ok: boolean; error?: string }) => void;
  /**
   * Folder where each dead letter is written as one JSON file (like the SQS dead-letter queue of
   * the deployed bus); dead letters of earlier runs are loaded from it on start.
   */
  deadLetterDir?: string;
  /** How long close() lets deliveries in flight finish before dead-lettering pending retries (default 5 s). */
  drainTimeoutMs?: number;
  /** Called for each dead letter as it is written (the stack logs it). */
  onDeadLetter?: (letter: DeadLetter) => void;
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
  if (opts.deadLetterDir) {
    mkdirSync(opts.deadLetterDir, { recursive: true });
    for (const f of readdirSync(opts.deadLetterDir).filter((n) => n.endsWith('.json')).sort()) {
      try {
        deadLetters.push(JSON.parse(readFileSync(join(opts.deadLetterDir, f), 'utf8')) as DeadLetter);
      } catch {
        // A half-written file from a crash: skip it rather than refuse to start.
      }
    }
  }
  const deadLetter = (letter: DeadLetter) => {
    deadLetters.push(letter);
    if (opts.deadLetterDir) {
      const name = `${letter.at?.replace(/[:.]/g, '-') ?? Date.now()}-${letter.rule}-${randomUUID().slice(0, 8)}.json`;
      try {
        writeFileSync(join(opts.deadLetterDir, name), `${JSON.stringify(letter, null, 2)}\n`, { mode: 0o600 });
      } catch {
        // Kept in memory (and logged) even if the disk refuses.
      }
    }
    opts.onDeadLetter?.(letter);
  };
  /** Deliveries waiting for a retry, so shutdown can dead-letter them instead of losing them. */
  const waiting = new Map<NodeJS.Timeout, { rule: string; event: unknown; error: string; attempts: number; resume: () => void }>();
  const inFlight = new Set<Promise<void>>();
  const timers = new Set<NodeJS.Timeout>();
  let closed = false;

  const deliver = (rule: BusRule, event: unknown) => {
    const run = async () => {
      for (let attempt = 1; attempt <= delays.length + 1; attempt++) {
        if (closed) {
          deadLetter({ rule: rule.name, event, error: 'the bus shut down before this delivery ran', attempts: attempt - 1, at: new Date().toISOString(), cause: 'shutdown' });
          return;
        }
        try {
          await invokeWithTimeout(rule.target, event);
          opts.onDelivery?.({ rule: rule.name, attempt, ok: true });
          return;
        } catch (err) {
          const error = err instanceof Error ? err.message : String(err);
          opts.onDelivery?.({ rule: rule.name, attempt, ok: false, error });
          if (attempt > delays.length) {
            deadLetter({ rule: rule.name, event, error, attempts: attempt, at: new Date().toISOString(), cause: 'retries-exhausted' });
            return;
          }
          const stopped = await new Promise<boolean>((r) => {
            const t = setTimeout(() => {
              timers.delete(t);
              waiting.delete(t);
              r(false);
            }, delays[attempt - 1]);
            timers.add(t);
            waiting.set(t, { rule: rule.name, event, error, attempts: attempt, resume: () => r(true) });
          });
          if (stopped) return;
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
      await Promise.race([drained, new Promise((r) => setTimeout(r, opts.drainTimeoutMs ?? 5000).unref())]);
      closed = true;
      // Retries still waiting would be lost with the process: dead-letter them (persisted) instead.
      for (const [t, w] of waiting) {
        clearTimeout(t);
        deadLetter({ rule: w.rule, event: w.event, error: `${w.error} (retry still pending at shutdown)`, attempts: w.attempts, at: new Date().toISOString(), cause: 'shutdown' });
        w.resume();
      }
      waiting.clear();
      for (const t of timers) clearTimeout(t);
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
};
