import { loadOnce } from './load-once';

/** The names of T's methods that return a promise (the only kind a deferred port can forward). */
export type AsyncMethodsOf<T> = { [K in keyof T]-?: T[K] extends (...args: never[]) => Promise<unknown> ? K : never }[keyof T];

/**
 * A port whose implementation is loaded on its first call: `load` runs once (again after it
 * failed), every method waits for it and forwards. Composition roots use it for the adapters that
 * wrap the AWS SDK, which the bundler splits into chunks loaded with `import()`: a function
 * answers requests that touch no AWS service (health, a refused signature, a 401) without ever
 * loading, compiling or configuring an SDK client, and pays for each client on first use.
 *
 * `methods` names every method of the port (the type checks that none is left out), so the
 * deferred object has the same shape as the real one before anything is loaded.
 */
export const deferred = <T extends object>(load: () => Promise<T>, methods: { readonly [K in AsyncMethodsOf<T>]: true }): T => {
  // A failed load is not kept: the next call tries again.
  const target = loadOnce(load);
  const port: Record<string, (...args: unknown[]) => Promise<unknown>> = {};
  for (const name of Object.keys(methods)) {
    port[name] = async (...args: unknown[]) => {
      const impl = (await target()) as Record<string, (...a: unknown[]) => Promise<unknown>>;
      return impl[name]!(...args);
    };
  }
  return port as unknown as T;
};
