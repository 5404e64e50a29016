import type { Credentials } from './api';

/**
 * Where the API key or the person's token lives: this tab's sessionStorage only (gone when the tab closes), never a URL,
 * a cookie or localStorage.
 */
const KEY = 'iac-review.credentials';

export const loadCredentials = (storage: Pick<Storage, 'getItem'>): Credentials | undefined => {
  try {
    const raw = storage.getItem(KEY);
    if (!raw) return undefined;
    const v = JSON.parse(raw) as Partial<Credentials>;
    if (typeof v.apiBase !== 'string') return undefined;
    const b = v.bearer;
    if (b && typeof b.token === 'string' && b.token && typeof b.expiresAt === 'number' && b.person && typeof b.person.name === 'string') {
      return { apiBase: v.apiBase, bearer: { token: b.token, expiresAt: b.expiresAt, person: { name: b.person.name, ...(typeof b.person.email === 'string' ? { email: b.person.email } : {}), groups: Array.isArray(b.person.groups) ? b.person.groups.filter((g): g is string => typeof g === 'string') : [] } } };
    }
    return typeof v.apiKey === 'string' && v.apiKey ? { apiBase: v.apiBase, apiKey: v.apiKey } : undefined;
  } catch {
    return undefined;
  }
};

export const saveCredentials = (storage: Pick<Storage, 'setItem'>, creds: Credentials): void => storage.setItem(KEY, JSON.stringify(creds));

export const clearCredentials = (storage: Pick<Storage, 'removeItem'>): void => storage.removeItem(KEY);

/** '' (same origin) or an http(s) origin+path without a trailing slash; throws with a reason otherwise. */
export const normaliseApiBase = (input: string): string => {
  const v = input.trim();
  if (v === '') return '';
  let url: URL;
  try {
    url = new URL(v);
  } catch {
    throw new Error('The API URL must be an absolute http(s) URL such as https://api.example.com, or empty for this page\'s own server.');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error('The API URL must start with https:// (or http:// for a local server).');
  if (url.search || url.hash || url.username || url.password) throw new Error('The API URL must not contain a query, a fragment or credentials.');
  return `${url.origin}${url.pathname}`.replace(/\/+$/, '');
};
