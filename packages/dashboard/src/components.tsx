import type { ComponentChildren } from 'preact';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, type Problem } from './api';
import { confidenceBand, formatConfidence, problemText } from './format';

export const RiskBadge = ({ level, score, overridden }: { level?: string; score?: number; overridden?: boolean }) => (
  <span class={`badge risk risk-${level ?? 'none'}`} title={overridden ? 'risk level set by a person (override)' : undefined}>
    <span class="visually-hidden">Risk: </span>
    {level ?? 'not scored'}
    {typeof score === 'number' ? <span class="badge-score"> {Math.round(score)}</span> : null}
    {overridden ? <span aria-label="(overridden)"> ✎</span> : null}
  </span>
);

export const ConfidenceBadge = ({ confidence }: { confidence?: number }) => (
  <span class={`badge confidence confidence-${confidenceBand(confidence)}`}>
    <span class="visually-hidden">Confidence: </span>
    <span aria-hidden="true">conf. </span>
    {formatConfidence(confidence)}
  </span>
);

export const StatusBadge = ({ status }: { status: string }) => <span class={`badge status status-${status}`}>{status}</span>;

export const Loading = ({ what }: { what: string }) => (
  <p class="loading" role="status" aria-live="polite">
    <span class="spinner" aria-hidden="true" /> Loading {what}…
  </p>
);

export const toProblem = (err: unknown): Problem =>
  err instanceof ApiError ? err.problem : { title: 'Something went wrong in the dashboard', status: 0, detail: err instanceof Error ? err.message : String(err) };

/** A failed request: the server's title and detail (text only), its request id, and a retry. */
export const ErrorBox = ({ problem, onRetry, children }: { problem: Problem; onRetry?: () => void; children?: ComponentChildren }) => (
  <div class="error" role="alert">
    <p>
      <strong>{problemText(problem)}</strong>
    </p>
    {problem.status === 401 || problem.status === 403 ? <p>{problem.status === 403 ? 'You are signed in, but without the permission this needs (ask for a group or key with that scope; or sign out and sign in as someone who has it).' : 'Check the API key or sign in again (Sign out, then sign in).'}</p> : null}
    {problem.requestId ? <p class="muted">Request id: {problem.requestId}</p> : null}
    {children}
    {onRetry ? (
      <button type="button" onClick={onRetry}>
        Try again
      </button>
    ) : null}
  </div>
);

export type Async<T> = { state: 'loading' } | { state: 'error'; problem: Problem } | { state: 'ok'; data: T };

/** Runs `load` when `deps` change; a later run wins over an earlier one still in flight. */
export const useAsync = <T,>(load: () => Promise<T>, deps: unknown[]): [Async<T>, () => void] => {
  const [value, setValue] = useState<Async<T>>({ state: 'loading' });
  const [tick, setTick] = useState(0);
  const run = useRef(0);
  useEffect(() => {
    const mine = ++run.current;
    setValue({ state: 'loading' });
    load().then(
      (data) => mine === run.current && setValue({ state: 'ok', data }),
      (err: unknown) => mine === run.current && setValue({ state: 'error', problem: toProblem(err) }),
    );
  }, [...deps, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return [value, reload];
};
