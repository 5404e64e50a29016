import type { Deadline } from './config';

export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** Milliseconds left until `deadline` (Infinity without one). */
export const remainingMs = (deadline: Deadline | undefined, clock: Clock): number => {
  if (deadline === undefined) return Number.POSITIVE_INFINITY;
  return typeof deadline === 'function' ? deadline() : deadline - clock.now();
};

export type AbortCause = 'timeout' | 'deadline';

export interface CallBudget {
  signal: AbortSignal;
  /** Why the signal fired, once it has. */
  cause(): AbortCause | undefined;
  /** Resolves never; rejects when the signal fires (to race against a call that ignores the signal). */
  aborted: Promise<never>;
  dispose(): void;
}

/**
 * An abort signal for one call that fires after `timeoutMs` or when `deadlineMs` (the time left for
 * calls) runs out, whichever is first, remembering which.
 */
export const createCallBudget = (timeoutMs: number, deadlineMs: number): CallBudget => {
  const controller = new AbortController();
  let cause: AbortCause | undefined;
  const byDeadline = deadlineMs < timeoutMs;
  let rejectAborted: (err: Error) => void = () => undefined;
  const aborted = new Promise<never>((_, reject) => {
    rejectAborted = reject;
  });
  aborted.catch(() => undefined);
  const timer = setTimeout(
    () => {
      cause = byDeadline ? 'deadline' : 'timeout';
      const err = Object.assign(new Error(`call aborted: ${cause}`), { name: 'AbortError' });
      controller.abort(err);
      rejectAborted(err);
    },
    Math.max(0, Math.min(timeoutMs, deadlineMs)),
  );
  timer.unref?.();
  return { signal: controller.signal, cause: () => cause, aborted, dispose: () => clearTimeout(timer) };
};
