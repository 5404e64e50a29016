/** The part of @iac-review/logger's Logger this package uses (so it needs no dependency on it). */
export interface AnalyticsLogger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
}

export const silentLogger: AnalyticsLogger = { info: () => undefined, warn: () => undefined };
