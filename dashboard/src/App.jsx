import { useEffect, useMemo, useState } from 'react';
import { createClient, createSession } from './lib/api.js';
import { matchRoute, navigate, sitePath, useLocation } from './lib/router.js';
import { useFetch } from './lib/useFetch.js';
import { browserStorage } from './lib/storage.js';
import LoginPage from './components/LoginPage.jsx';
import SitesPage from './components/SitesPage.jsx';
import Dashboard from './components/Dashboard.jsx';
import { ErrorBox, Logo, Spinner } from './components/ui.jsx';

const storage = browserStorage();
const session = createSession(storage);

function toLogin() {
  if (window.location.pathname === '/login') return;
  const here = window.location.pathname + window.location.search;
  navigate(`/login${here === '/' ? '' : `?next=${encodeURIComponent(here)}`}`, { replace: true });
}

function Redirect({ to }) {
  useEffect(() => navigate(to, { replace: true }), [to]);
  return null;
}

function Header({ client, shared }) {
  return (
    <header className="border-b border-gray-200 bg-white dark:border-gray-800 dark:bg-gray-900">
      <div className="mx-auto flex h-14 max-w-6xl items-center gap-4 px-4">
        <a href="/" onClick={(e) => { e.preventDefault(); if (!shared) navigate('/'); }}><Logo /></a>
        <div className="ml-auto flex items-center gap-4 text-sm text-gray-600 dark:text-gray-400">
          {shared
            ? <span className="rounded bg-gray-100 px-2 py-1 text-xs dark:bg-gray-800">Shared dashboard · read-only</span>
            : (
              <>
                <a href="/sites" onClick={(e) => { e.preventDefault(); navigate('/sites'); }} className="hover:text-gray-900 dark:hover:text-gray-100">Sites</a>
                <span className="hidden sm:inline">{session.user}</span>
                <button type="button" className="hover:text-gray-900 dark:hover:text-gray-100"
                  onClick={() => client.logout().finally(() => navigate('/login'))}>Log out</button>
              </>
            )}
        </div>
      </div>
    </header>
  );
}

/** "/" opens the last site viewed, or the first one, or the sites page when there is none. */
function Home({ client }) {
  const sites = useFetch((signal) => client.sites({ signal }), 'home');
  if (sites.error) return <main className="mx-auto max-w-xl p-8"><ErrorBox error={sites.error} onRetry={sites.reload} /></main>;
  if (!sites.data) return <main className="flex justify-center p-16 text-gray-400"><Spinner className="h-6 w-6" /></main>;
  const last = storage.getItem('tf.lastSite');
  const target = sites.data.find((s) => s.domain === last) ?? sites.data[0];
  return <Redirect to={target ? sitePath(target.domain) : '/sites'} />;
}

export default function App() {
  const { pathname, search } = useLocation();
  const route = matchRoute(pathname);
  const shareToken = route.page === 'share' ? new URLSearchParams(search).get('auth') : null;
  const [revoked, setRevoked] = useState(null);
  const client = useMemo(
    () => createClient({
      fetchFn: (...args) => window.fetch(...args),
      session,
      shareToken,
      onAuthFailure: shareToken ? () => setRevoked(shareToken) : toLogin,
    }),
    [shareToken],
  );

  useEffect(() => {
    if (route.page === 'dashboard') storage.setItem('tf.lastSite', route.domain);
    document.title = route.domain ? `${route.domain} · TrackFlow` : 'TrackFlow';
  }, [route.page, route.domain]);

  if (route.page === 'login') return <LoginPage client={client} search={search} />;
  if (route.page === 'share') {
    if (!shareToken || revoked === shareToken) {
      const message = shareToken ? 'This share link is invalid or has been revoked.' : 'This share link is missing its ?auth= token.';
      return <main className="mx-auto max-w-xl p-8"><div className="mb-6"><Logo /></div><ErrorBox error={{ message }} /></main>;
    }
    return (
      <>
        <Header client={client} shared />
        <Dashboard key={route.domain} client={client} domain={route.domain} search={search} shared />
      </>
    );
  }
  if (!session.token) return <LoginRedirect />;

  let page;
  if (route.page === 'home') page = <Home client={client} />;
  else if (route.page === 'sites') page = <SitesPage client={client} />;
  else if (route.page === 'dashboard') page = <Dashboard key={route.domain} client={client} domain={route.domain} search={search} />;
  else page = <main className="mx-auto max-w-xl p-8 text-gray-600">Page not found. <a className="text-indigo-700 underline" href="/">Go home</a></main>;
  return (
    <>
      <Header client={client} />
      {page}
    </>
  );
}

function LoginRedirect() {
  useEffect(toLogin, []);
  return null;
}
