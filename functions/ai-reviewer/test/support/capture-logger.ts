import type { Logger } from '@iac-review/logger';
import { captureLogger as capture } from '@iac-review/logger/testing';

export interface CapturedLogger {
  logger: Logger;
  lines: () => Array<Record<string, unknown>>;
  raw: () => string;
}

/** A real logger whose JSON lines are kept for assertions. */
export const captureLogger = (): CapturedLogger => capture({ functionName: 'ai-reviewer' });

/** Names of the EMF metrics written so far. */
export const metricNames = (lines: Array<Record<string, unknown>>): string[] =>
  lines
    .filter((l) => l.type === 'metric')
    .flatMap((l) => ((l._aws as { CloudWatchMetrics: Array<{ Metrics: Array<{ Name: string }> }> }).CloudWatchMetrics[0]?.Metrics ?? []).map((m) => m.Name));
