import { useState } from 'preact/hooks';
import { ApiClient, type Credentials } from '../api';
import { ErrorBox, toProblem } from '../components';
import type { Problem } from '../api';
import { beginSignIn, type SignInConfig } from '../oidc';
import { normaliseApiBase } from '../session';

/**
 * Asks for the API key (and, when the dashboard is hosted apart from the API, the API's URL), checks
 * it with one read, and hands it to the app, which keeps it in this tab's sessionStorage only.
 */
export const SignIn = ({ defaultApiBase, signIn, notice, onSignedIn }: { defaultApiBase: string; signIn?: SignInConfig; notice?: string; onSignedIn: (c: Credentials) => void }) => {
  const [apiBase, setApiBase] = useState(defaultApiBase);
  const [apiKey, setApiKey] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<Problem | undefined>();

  const submit = async (e: Event) => {
    e.preventDefault();
    setProblem(undefined);
    let base: string;
    try {
      base = normaliseApiBase(apiBase);
    } catch (err) {
      setProblem({ title: 'API URL not usable', status: 0, detail: err instanceof Error ? err.message : String(err) });
      return;
    }
    if (!apiKey.trim()) {
      setProblem({ title: 'API key missing', status: 0, detail: 'Enter the API key you were given (locally: the key npm start and npm run demo print).' });
      return;
    }
    setBusy(true);
    const creds = { apiBase: base, apiKey: apiKey.trim() };
    try {
      // One cheap authenticated read proves the URL and the key before anything else is shown.
      await new ApiClient(creds).listReviews({}, undefined, 1);
      onSignedIn(creds);
    } catch (err) {
      setProblem(toProblem(err));
    } finally {
      setBusy(false);
    }
  };

  const signInPerson = async () => {
    if (!signIn) return;
    setBusy(true);
    try {
      window.location.assign(await beginSignIn(signIn, window.sessionStorage, window.location.href));
    } catch (err) {
      setProblem(toProblem(err));
      setBusy(false);
    }
  };

  return (
    <main id="main" class="sign-in">
      <h1>IaC Review</h1>
      <p>Reviews of infrastructure changes: risk, findings, history and trends.</p>
      {notice ? (
        <div class="error" role="alert">
          <p>{notice}</p>
        </div>
      ) : null}
      {signIn ? (
        <section aria-labelledby="person-heading">
          <h2 id="person-heading">People</h2>
          <button type="button" disabled={busy} onClick={() => void signInPerson()}>
            Sign in{signIn.providerName ? ` with ${signIn.providerName}` : ''}
          </button>
          <p class="muted">Your organisation&apos;s sign-in page opens; you come back here signed in. The token stays in this browser tab.</p>
          <h2>Machines and scripts: API key</h2>
        </section>
      ) : null}
      <form onSubmit={(e) => void submit(e)} aria-describedby="key-note">
        <label for="api-key">API key</label>
        <input id="api-key" name="api-key" type="password" autoComplete="off" required value={apiKey} onInput={(e) => setApiKey(e.currentTarget.value)} />
        <label for="api-base">API URL <span class="muted">(empty: this server)</span></label>
        <input id="api-base" name="api-base" type="url" inputMode="url" placeholder="https://api.example.com/prod" value={apiBase} onInput={(e) => setApiBase(e.currentTarget.value)} />
        <p id="key-note" class="muted">
          The key stays in this browser tab (session storage) and is sent only to the API, in the x-api-key header. Closing the tab forgets it.
        </p>
        <button type="submit" disabled={busy}>
          {busy ? 'Checking…' : signIn ? 'Use API key' : 'Sign in'}
        </button>
      </form>
      {problem ? <ErrorBox problem={problem} /> : null}
    </main>
  );
};
