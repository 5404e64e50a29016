import { render } from 'preact';
import { App } from './app';
import { completeSignIn, readSignInConfig, SignInError, type SignInConfig } from './oidc';
import { saveCredentials } from './session';
import './styles.css';

interface DashboardConfig {
  apiBaseUrl: string;
  signIn?: SignInConfig;
}

/**
 * Where the API is and who signs people in: config.json beside index.html (written at deploy time, e.g.
 * by Terraform; served by the local stack) may name an API origin and a `signIn` block (client id,
 * authorization and token endpoints). Without it the API is this page's own server and only API keys sign in.
 */
const loadConfig = async (): Promise<DashboardConfig> => {
  try {
    const res = await fetch('./config.json', { cache: 'no-store', credentials: 'omit' });
    if (!res.ok) return { apiBaseUrl: '' };
    const c = (await res.json()) as { apiBaseUrl?: unknown; signIn?: unknown };
    const signIn = readSignInConfig(c.signIn, window.location.href);
    return { apiBaseUrl: typeof c.apiBaseUrl === 'string' ? c.apiBaseUrl : '', ...(signIn ? { signIn } : {}) };
  } catch {
    return { apiBaseUrl: '' };
  }
};

/** Back from the issuer (?code&state): exchange the code, then take the code out of the address bar. */
const finishRedirect = async (config: DashboardConfig): Promise<string | undefined> => {
  const params = new URLSearchParams(window.location.search);
  if (!params.has('code') && !params.has('error')) return undefined;
  const clean = (hash: string) => window.history.replaceState(null, '', `${window.location.pathname}${hash}`);
  if (!config.signIn) {
    clean(window.location.hash);
    return 'This page was opened with a sign-in answer, but no issuer is configured for the dashboard (config.json has no signIn).';
  }
  try {
    const done = await completeSignIn(config.signIn, window.sessionStorage, window.location.href);
    clean(done?.hash ?? window.location.hash);
    if (done) saveCredentials(window.sessionStorage, { apiBase: config.apiBaseUrl, bearer: done.session });
    return undefined;
  } catch (err) {
    clean(window.location.hash);
    return err instanceof SignInError ? err.message : `Sign-in failed: ${err instanceof Error ? err.message : String(err)}`;
  }
};

const root = document.getElementById('app');
if (root) {
  void loadConfig().then(async (config) => {
    const notice = await finishRedirect(config);
    root.textContent = '';
    render(<App defaultApiBase={config.apiBaseUrl} signIn={config.signIn} notice={notice} />, root);
  });
}
