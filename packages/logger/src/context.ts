import { AsyncLocalStorage } from 'node:async_hooks';

/** What every log line of one invocation carries. */
export interface InvocationContext {
  awsRequestId?: string;
  traceId?: string;
  correlationId?: string;
  [key: string]: string | number | boolean | undefined;
}

// One store per process: the local stack runs many invocations at once in one process, so the
// context must follow the async call chain rather than live in a mutable global.
const storage = new AsyncLocalStorage<InvocationContext>();

export const runWithInvocationContext = <T>(ctx: InvocationContext, fn: () => T): T => storage.run({ ...ctx }, fn);

export const currentInvocationContext = (): InvocationContext | undefined => storage.getStore();

/** Adds keys (e.g. the review id once known) to the current invocation's context. */
export const appendInvocationContext = (extra: InvocationContext): void => {
  const store = storage.getStore();
  if (store) Object.assign(store, extra);
};
