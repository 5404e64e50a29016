import { useEffect, useMemo, useState } from 'preact/hooks';
import { ApiClient, type Credentials } from './api';
import type { SignInConfig } from './oidc';
import { parseRoute } from './route';
import { clearCredentials, loadCredentials, saveCredentials } from './session';
import { ReviewList } from './views/review-list';
import { ReviewPage } from './views/review-page';
import { SignIn } from './views/sign-in';
import { TrendsView } from './views/trends-view';

const useHash = () => {
  const [hash, setHash] = useState(window.location.hash);
  useEffect(() => {
    const on = () => setHash(window.location.hash);
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }, []);
  return hash;
};

export const App = ({ defaultApiBase, signIn, notice: initialNotice }: { defaultApiBase: string; signIn?: SignInConfig; notice?: string }) => {
  const [creds, setCreds] = useState<Credentials | undefined>(() => loadCredentials(window.sessionStorage));
  const [notice, setNotice] = useState<string | undefined>(initialNotice);
  const hash = useHash();
  const route = parseRoute(hash);
  const api = useMemo(
    () =>
      creds
        ? new ApiClient(creds, undefined, () => {
            // A person's token expired or was refused: back to sign-in, saying why.
            clearCredentials(window.sessionStorage);
            setNotice('Your sign-in has expired or is no longer accepted. Sign in again.');
            setCreds(undefined);
          })
        : undefined,
    [creds],
  );

  useEffect(() => {
    const title = route.view === 'trends' ? 'Trends' : route.view === 'review' ? 'Review' : 'Reviews';
    document.title = `${title} · IaC Review`;
  }, [route.view]);

  if (!creds || !api) {
    return (
      <SignIn
        defaultApiBase={defaultApiBase}
        signIn={signIn}
        notice={notice}
        onSignedIn={(c) => {
          setNotice(undefined);
          saveCredentials(window.sessionStorage, c);
          setCreds(c);
        }}
      />
    );
  }
  const signOut = () => {
    clearCredentials(window.sessionStorage);
    setCreds(undefined);
  };
  return (
    <>
      <a class="skip" href="#main" onClick={(e) => { e.preventDefault(); document.getElementById('main')?.focus(); }}>
        Skip to content
      </a>
      <header class="top">
        <a class="brand" href="#/">IaC Review</a>
        <nav aria-label="Main">
          <a href="#/" aria-current={route.view === 'reviews' ? 'page' : undefined}>Reviews</a>
          <a href="#/trends" aria-current={route.view === 'trends' ? 'page' : undefined}>Trends</a>
        </nav>
        {creds.bearer ? (
          <span class="who muted" data-testid="who">
            Signed in as <strong>{creds.bearer.person.name}</strong>
            {creds.bearer.person.groups.length ? ` (${creds.bearer.person.groups.join(', ')})` : ''}
          </span>
        ) : (
          <span class="who muted">API key · {creds.apiBase || window.location.host}</span>
        )}
        <button type="button" class="link" onClick={signOut}>
          Sign out
        </button>
      </header>
      <main id="main" tabIndex={-1}>
        {notice ? (
          <div class="error" role="alert">
            <p>{notice}</p>
            <button type="button" onClick={() => setNotice(undefined)}>
              Dismiss
            </button>
          </div>
        ) : null}
        {route.view === 'review' ? <ReviewPage api={api} id={route.id} /> : route.view === 'trends' ? <TrendsView api={api} /> : <ReviewList key={route.query.toString()} api={api} query={route.query} />}
      </main>
    </>
  );
};
