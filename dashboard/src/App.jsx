import { useEffect, useMemo, useRef, useState } from 'react';
import { createClient, createSession } from './lib/api.js';
import { matchRoute, navigate, sitePath, useLocation } from './lib/router.js';
import { teamApi, unlockedShareKey } from './lib/teamApi.js';
import { useFetch } from './lib/useFetch.js';
import { browserStorage } from './lib/storage.js';
import LoginPage from './components/LoginPage.jsx';
import SitesPage from './components/SitesPage.jsx';
import Dashboard from './components/Dashboard.jsx';
import SetupPage from './components/SetupPage.jsx';
import InvitePage from './components/InvitePage.jsx';
import SiteSettingsPage from './components/SiteSettingsPage.jsx';
import AccountPage from './components/AccountPage.jsx';
import UsersPage from './components/UsersPage.jsx';
import SharePasswordPage from './components/SharePasswordPage.jsx';
import GoalSettingsPage from './components/goals/GoalSettingsPage.jsx';
import ThemePicker from './components/ThemePicker.jsx';
import { ErrorBox, Logo, Spinner } from './components/ui.jsx';

const storage = browserStorage();
const tabStorage = browserStorage(window, 'sessionStorage');
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
  const account = useFetch((signal) => (shared ? Promise.resolve(null) : teamApi(client).account({ signal })), `account:${shared}`);
  const go = (path) => (e) => { e.preventDefault(); navigate(path); };
  return (
    <header className="border-b border-gray-200 bg-white dark:border-gray-800 dark:bg-gray-900">
      <div className="mx-auto flex h-14 max-w-6xl items-center gap-4 px-4">
        <a href="/" onClick={(e) => { e.preventDefault(); if (!shared) navigate('/'); }}><Logo /></a>
        <div className="ml-auto flex items-center gap-4 text-sm text-gray-600 dark:text-gray-400">
          <ThemePicker storage={storage} />
          {shared
            ? <span className="rounded bg-gray-100 px-2 py-1 text-xs dark:bg-gray-800">Shared dashboard · read-only</span>
            : (
              <>
                <a href="/sites" onClick={go('/sites')} className="hover:text-gray-900 dark:hover:text-gray-100">Sites</a>
                {account.data?.admin && <a href="/admin/users" onClick={go('/admin/users')} className="hover:text-gray-900 dark:hover:text-gray-100">Users</a>}
                <a href="/settings" onClick={go('/settings')} className="hover:text-gray-900 dark:hover:text-gray-100" title="Account settings">
                  <span className="hidden sm:inline">{session.user}</span><span className="sm:hidden">Account</span>
                </a>
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
  const linkToken = route.page === 'share' ? new URLSearchParams(search).get('auth') : null;
  const [revoked, setRevoked] = useState(null);
  // A password-protected link reads with the token /api/share/unlock gave, kept for this tab.
  const [unlocked, setUnlocked] = useState(() => (linkToken ? tabStorage.getItem(unlockedShareKey(linkToken)) : null));
  const [locked, setLocked] = useState(null);
  // Read inside failure callbacks of clients made before the latest unlock.
  const unlockedRef = useRef(unlocked);
  unlockedRef.current = unlocked;
  const shareToken = linkToken && locked !== linkToken ? (unlocked ?? linkToken) : linkToken;
  const client = useMemo(
    () => createClient({
      fetchFn: (...args) => window.fetch(...args),
      session,
      shareToken,
      onAuthFailure: linkToken
        ? (error) => {
          // A request sent with the link's own token before it was unlocked may answer after the
          // unlock: it says nothing about the unlocked view.
          if (shareToken === linkToken && unlockedRef.current) return;
          if (error?.code === 'share_password_required' || error?.code === 'share_session_expired') {
            tabStorage.removeItem(unlockedShareKey(linkToken));
            unlockedRef.current = null;
            setUnlocked(null);
            setLocked(linkToken);
          } else {
            setRevoked(linkToken);
          }
        }
        : toLogin,
    }),
    [shareToken, linkToken],
  );

  useEffect(() => {
    if (route.page === 'dashboard') storage.setItem('tf.lastSite', route.domain);
    document.title = route.domain ? `${route.domain} · TrackFlow` : 'TrackFlow';
  }, [route.page, route.domain]);

  if (route.page === 'login') return <LoginPage client={client} search={search} />;
  if (route.page === 'setup') return <SetupPage client={client} />;
  if (route.page === 'invite') return <InvitePage client={client} session={session} />;
  if (route.page === 'share') {
    if (linkToken && locked === linkToken) {
      return (
        <SharePasswordPage client={client} domain={route.domain} shareToken={linkToken}
          onUnlocked={(token) => {
            tabStorage.setItem(unlockedShareKey(linkToken), token);
            unlockedRef.current = token;
            setUnlocked(token);
            setLocked(null);
          }} />
      );
    }
    if (!linkToken || revoked === linkToken) {
      const message = linkToken ? 'This share link is invalid, has expired or has been revoked.' : 'This share link is missing its ?auth= token.';
      return <main className="mx-auto max-w-xl p-8"><div className="mb-6"><Logo /></div><ErrorBox error={{ message }} /></main>;
    }
    return (
      <>
        <Header client={client} shared />
        <Dashboard key={`${route.domain}:${shareToken}`} client={client} domain={route.domain} search={search} shared />
      </>
    );
  }
  if (!session.token) return <LoginRedirect />;

  let page;
  if (route.page === 'home') page = <Home client={client} />;
  else if (route.page === 'sites') page = <SitesPage client={client} />;
  else if (route.page === 'dashboard') page = <Dashboard key={route.domain} client={client} domain={route.domain} search={search} />;
  else if (route.page === 'siteSettings') page = <SiteSettingsPage key={route.domain} client={client} domain={route.domain} me={session.user} />;
  else if (route.page === 'settings') page = <AccountPage client={client} />;
  else if (route.page === 'users') page = <UsersPage client={client} me={session.user} />;
  else if (route.page === 'goals') page = <GoalSettingsPage key={route.domain} client={client} domain={route.domain} />;
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
