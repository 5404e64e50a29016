/**
 * `load`, run once and shared by every caller; a failed load is not kept, so the next call tries
 * again (a chunk that could not be read, a client that could not be configured). The one way the
 * packages load something on first use: modules behind import(), SDK clients, validators.
 */
export const loadOnce = <T>(load: () => Promise<T>): (() => Promise<T>) => {
  let loading: Promise<T> | undefined;
  return () => {
    if (!loading) {
      const attempt = load();
      loading = attempt;
      attempt.catch(() => {
        if (loading === attempt) loading = undefined;
      });
    }
    return loading;
  };
};
