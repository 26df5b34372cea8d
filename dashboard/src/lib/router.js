// A few lines of client-side routing on the History API; the server falls back to index.html.
import { useSyncExternalStore } from 'react';

const EVENT = 'tf:navigate';

function subscribe(callback) {
  window.addEventListener('popstate', callback);
  window.addEventListener(EVENT, callback);
  return () => {
    window.removeEventListener('popstate', callback);
    window.removeEventListener(EVENT, callback);
  };
}

const snapshot = () => window.location.pathname + window.location.search;

export function useLocation() {
  const href = useSyncExternalStore(subscribe, snapshot);
  const q = href.indexOf('?');
  return { pathname: q < 0 ? href : href.slice(0, q), search: q < 0 ? '' : href.slice(q) };
}

export function navigate(to, { replace = false } = {}) {
  if (to === snapshot()) return;
  window.history[replace ? 'replaceState' : 'pushState'](null, '', to);
  window.dispatchEvent(new Event(EVENT));
}

/** Which page a path shows. Dashboards live at /{domain}, as in Plausible. */
export function matchRoute(pathname) {
  const parts = pathname.split('/').filter(Boolean).map(decodeURIComponent);
  if (parts.length === 0) return { page: 'home' };
  if (parts[0] === 'login' && parts.length === 1) return { page: 'login' };
  if (parts[0] === 'sites' && parts.length === 1) return { page: 'sites' };
  if (parts[0] === 'share' && parts.length === 2) return { page: 'share', domain: parts[1] };
  if (parts.length === 1 && ['setup', 'invite', 'settings'].includes(parts[0])) return { page: parts[0] };
  if (parts[0] === 'admin' && parts[1] === 'users' && parts.length === 2) return { page: 'users' };
  if (parts.length === 2 && parts[1] === 'settings') return { page: 'siteSettings', domain: parts[0] };
  if (parts.length === 1) return { page: 'dashboard', domain: parts[0] };
  if (parts.length === 2 && parts[1] === 'goals') return { page: 'goals', domain: parts[0] };
  return { page: 'notfound' };
}

export function sitePath(domain) {
  return `/${encodeURIComponent(domain)}`;
}

/** Where a site's goals and funnels are set up. */
export function goalsPath(domain) {
  return `${sitePath(domain)}/goals`;
}

export function siteSettingsPath(domain) {
  return `${sitePath(domain)}/settings`;
}
