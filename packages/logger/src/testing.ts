import { Writable } from 'node:stream';
import { createLogger, type Logger, type LoggerOptions } from './logger';

/** A writable that keeps every line it is given, for asserting on real log output. */
export const captureLines = () => {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      chunks.push(chunk.toString('utf8'));
      cb();
    },
  });
  const raw = (): string => chunks.join('');
  const lines = (): Array<Record<string, unknown>> =>
    raw()
      .split('\n')
      .filter((l) => l.length > 0)
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  return { stream, raw, lines };
};

/** A real logger whose JSON lines are kept for assertions (tests only; import from `@iac-review/logger/testing`). */
export const captureLogger = (opts: Partial<LoggerOptions> = {}): { logger: Logger; lines: () => Array<Record<string, unknown>>; raw: () => string } => {
  const { stream, raw, lines } = captureLines();
  const logger = createLogger({ service: 'iac-review', level: 'debug', ...opts, destination: stream });
  return { logger, lines, raw };
};
