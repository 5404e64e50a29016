import { clearCredentials, loadCredentials, normaliseApiBase, saveCredentials } from '../src/session';
import { parseRoute } from '../src/route';

const memoryStorage = () => {
  const m = new Map<string, string>();
  return { getItem: (k: string) => m.get(k) ?? null, setItem: (k: string, v: string) => void m.set(k, v), removeItem: (k: string) => void m.delete(k), m };
};

describe('session', () => {
  it('keeps the credentials in the given storage and forgets them on sign-out', () => {
    const s = memoryStorage();
    expect(loadCredentials(s)).toBeUndefined();
    saveCredentials(s, { apiBase: '', apiKey: 'secret' });
    expect(loadCredentials(s)).toEqual({ apiBase: '', apiKey: 'secret' });
    clearCredentials(s);
    expect(loadCredentials(s)).toBeUndefined();
    s.setItem('iac-review.credentials', '{not json');
    expect(loadCredentials(s)).toBeUndefined();
  });

  it('keeps a person\'s session (token, expiry, name, groups) and ignores malformed ones', () => {
    const s = memoryStorage();
    const bearer = { token: 'a.b.c', expiresAt: 123, person: { name: 'writer', email: 'w@x', groups: ['iac-writers'] } };
    saveCredentials(s, { apiBase: '', bearer });
    expect(loadCredentials(s)).toEqual({ apiBase: '', bearer });
    s.setItem('iac-review.credentials', JSON.stringify({ apiBase: '', bearer: { token: 'a.b.c', person: { name: 'x' } } }));
    expect(loadCredentials(s)).toBeUndefined();
  });

  it('accepts only plain http(s) API URLs, without credentials, query or fragment', () => {
    expect(normaliseApiBase('')).toBe('');
    expect(normaliseApiBase(' https://api.example.com/prod/ ')).toBe('https://api.example.com/prod');
    expect(() => normaliseApiBase('javascript:alert(1)')).toThrow(/https/);
    expect(() => normaliseApiBase('https://user:pw@api.example.com')).toThrow(/credentials/);
    expect(() => normaliseApiBase('https://api.example.com/?key=x')).toThrow(/query/);
    expect(() => normaliseApiBase('api.example.com')).toThrow(/absolute/);
  });
});

describe('routes', () => {
  it('parses the hash routes and refuses ids that are not review ids', () => {
    expect(parseRoute('#/reviews/abc-123_X')).toEqual({ view: 'review', id: 'abc-123_X' });
    expect(parseRoute('#/trends')).toEqual({ view: 'trends' });
    const list = parseRoute('#/?riskLevel=high&repository=acme%2Fx');
    expect(list.view).toBe('reviews');
    expect(list.view === 'reviews' && Object.fromEntries(list.query)).toEqual({ riskLevel: 'high', repository: 'acme/x' });
    expect(parseRoute('#/reviews/github%3Aacme%3Ainfra%3A12')).toEqual({ view: 'review', id: 'github:acme:infra:12' });
    expect(parseRoute('#/reviews/github:acme:infra:12')).toEqual({ view: 'review', id: 'github:acme:infra:12' });
    expect(parseRoute('#/reviews/../../x').view).toBe('reviews');
    expect(parseRoute('#/reviews/%2e%2e%2fx').view).toBe('reviews');
    expect(parseRoute('#/reviews/%E0%A4%A').view).toBe('reviews');
    expect(parseRoute('').view).toBe('reviews');
  });
});
