import { Writable } from 'node:stream';
import { createLogger, type Logger } from '@iac-review/logger';

/** A real logger whose JSON lines are kept for assertions. */
export const captureLogger = (): { logger: Logger; lines: () => Array<Record<string, unknown>>; raw: () => string } => {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      chunks.push(chunk.toString('utf8'));
      cb();
    },
  });
  const logger = createLogger({ service: 'iac-review', functionName: 'ai-reviewer', destination: stream, level: 'debug' });
  const raw = (): string => chunks.join('');
  const lines = (): Array<Record<string, unknown>> =>
    raw()
      .split('\n')
      .filter((l) => l.length > 0)
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  return { logger, lines, raw };
};
