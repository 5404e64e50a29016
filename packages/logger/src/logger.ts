import pino, { type DestinationStream, type Logger as PinoLogger } from 'pino';
import { currentInvocationContext } from './context';
import { buildEmf, type MetricDatum } from './emf';
import { createRedactor, scrubString, type Redactor } from './redact';

export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'silent';
export type LogFields = Record<string, unknown>;

export interface LoggerOptions {
  service: string;
  functionName?: string;
  functionVersion?: string;
  level?: LogLevel;
  /** Where lines go; defaults to synchronous stdout (no transports: they lose lines on Lambda). */
  destination?: DestinationStream;
  /** Extra property names whose values are always redacted. */
  sensitiveKeys?: readonly string[];
  /** CloudWatch namespace for EMF metrics; defaults to `IacReview`. */
  metricsNamespace?: string;
}

/** Who did what to which resource, and how it ended (SOC2 audit trail). */
export interface AuditEvent {
  action: string;
  actor: string;
  resource: string;
  outcome: 'success' | 'failure' | 'denied' | 'duplicate';
  [key: string]: unknown;
}

/** Something security-relevant: bad signature, replay, auth failure, rate limit… */
export interface SecurityEvent {
  event: string;
  reason: string;
  sourceIp?: string;
  [key: string]: unknown;
}

export interface Logger {
  trace(message: string, fields?: LogFields): void;
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  child(bindings: LogFields): Logger;
  audit(event: AuditEvent): void;
  security(event: SecurityEvent): void;
  /** Writes one CloudWatch EMF line (no API call). Dimensions default to service + function. */
  metrics(metrics: readonly MetricDatum[], dimensions?: Record<string, string>, properties?: LogFields): void;
  readonly level: string;
}

class PinoBackedLogger implements Logger {
  constructor(
    private readonly pinoLogger: PinoLogger,
    private readonly redact: Redactor,
    private readonly base: { service: string; functionName?: string; namespace: string },
  ) {}

  get level(): string {
    return this.pinoLogger.level;
  }

  private write(level: 'trace' | 'debug' | 'info' | 'warn' | 'error', message: string, fields?: LogFields): void {
    if (!this.pinoLogger.isLevelEnabled(level)) return;
    // The message is text like any other field: secret-looking values in it are scrubbed too.
    const text = scrubString(message);
    if (fields) this.pinoLogger[level](fields, text);
    else this.pinoLogger[level](text);
  }

  trace(message: string, fields?: LogFields): void {
    this.write('trace', message, fields);
  }
  debug(message: string, fields?: LogFields): void {
    this.write('debug', message, fields);
  }
  info(message: string, fields?: LogFields): void {
    this.write('info', message, fields);
  }
  warn(message: string, fields?: LogFields): void {
    this.write('warn', message, fields);
  }
  error(message: string, fields?: LogFields): void {
    this.write('error', message, fields);
  }

  child(bindings: LogFields): Logger {
    return new PinoBackedLogger(this.pinoLogger.child(this.redact(bindings) as LogFields), this.redact, this.base);
  }

  audit(event: AuditEvent): void {
    this.pinoLogger.info({ ...event, type: 'audit' }, scrubString(`audit ${event.action} ${event.outcome}`));
  }

  security(event: SecurityEvent): void {
    // The reason is written once, in the `reason` field (redacted like every field); the message
    // repeats only its scrubbed form, so a secret in a reason never reaches the line.
    this.pinoLogger.warn({ ...event, type: 'security' }, `security ${scrubString(event.event)}: ${scrubString(event.reason)}`);
  }

  metrics(metrics: readonly MetricDatum[], dimensions?: Record<string, string>, properties?: LogFields): void {
    const dims = dimensions ?? {
      service: this.base.service,
      ...(this.base.functionName ? { function: this.base.functionName } : {}),
    };
    const doc = buildEmf({ namespace: this.base.namespace, dimensions: dims, metrics, properties: properties ?? {} });
    this.pinoLogger.info({ ...doc, type: 'metric' }, 'metrics');
  }
}

/** Creates the one logger a function uses (build it once, at module scope). */
export const createLogger = (opts: LoggerOptions): Logger => {
  const redact = createRedactor(opts.sensitiveKeys);
  const base: Record<string, string> = { service: opts.service };
  if (opts.functionName) base.function = opts.functionName;
  if (opts.functionVersion) base.functionVersion = opts.functionVersion;
  const pinoLogger = pino(
    {
      level: opts.level ?? 'info',
      base,
      messageKey: 'message',
      errorKey: 'error',
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: {
        level: (label) => ({ level: label }),
        log: (obj) => redact(obj) as Record<string, unknown>,
      },
      mixin: () => {
        const ctx = currentInvocationContext();
        if (!ctx) return {};
        const out: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(ctx)) if (v !== undefined) out[k] = v;
        return out;
      },
    },
    opts.destination ?? pino.destination({ dest: 1, sync: true }),
  );
  return new PinoBackedLogger(pinoLogger, redact, {
    service: opts.service,
    ...(opts.functionName ? { functionName: opts.functionName } : {}),
    namespace: opts.metricsNamespace ?? 'IacReview',
  });
};
