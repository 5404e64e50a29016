import { useEffect, useMemo, useState } from 'preact/hooks';
import { ApiClient, type Credentials } from './api';
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

export const App = ({ defaultApiBase }: { defaultApiBase: string }) => {
  const [creds, setCreds] = useState<Credentials | undefined>(() => loadCredentials(window.sessionStorage));
  const hash = useHash();
  const route = parseRoute(hash);
  const api = useMemo(() => (creds ? new ApiClient(creds) : undefined), [creds]);

  useEffect(() => {
    const title = route.view === 'trends' ? 'Trends' : route.view === 'review' ? 'Review' : 'Reviews';
    document.title = `${title} · IaC Review`;
  }, [route.view]);

  if (!creds || !api) {
    return (
      <SignIn
        defaultApiBase={defaultApiBase}
        onSignedIn={(c) => {
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
        <span class="who muted">{creds.apiBase || window.location.host}</span>
        <button type="button" class="link" onClick={signOut}>
          Sign out
        </button>
      </header>
      <main id="main" tabIndex={-1}>
        {route.view === 'review' ? <ReviewPage api={api} id={route.id} /> : route.view === 'trends' ? <TrendsView api={api} /> : <ReviewList key={route.query.toString()} api={api} query={route.query} />}
      </main>
    </>
  );
};
