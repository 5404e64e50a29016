import { Writable } from 'node:stream';
import { createLogger, type Logger } from '@iac-review/logger';

export interface CapturedLogger {
  logger: Logger;
  lines: () => Array<Record<string, unknown>>;
  raw: () => string;
}

/** A real logger whose JSON lines are kept for assertions. */
export const captureLogger = (): CapturedLogger => {
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

/** Names of the EMF metrics written so far. */
export const metricNames = (lines: Array<Record<string, unknown>>): string[] =>
  lines
    .filter((l) => l.type === 'metric')
    .flatMap((l) => ((l._aws as { CloudWatchMetrics: Array<{ Metrics: Array<{ Name: string }> }> }).CloudWatchMetrics[0]?.Metrics ?? []).map((m) => m.Name));
