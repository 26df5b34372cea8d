import { useEffect, useState } from 'react';
import { navigate } from '../lib/router.js';
import { teamApi } from '../lib/teamApi.js';
import { Logo, Spinner, buttonPrimary, inputClass } from './ui.jsx';

/** Where to go after login: only same-site paths, never another origin. */
export function safeNext(search) {
  const next = new URLSearchParams(search).get('next');
  return next && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/login') ? next : '/';
}

export default function LoginPage({ client, search }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);

  // A server without any account offers to create the owner instead.
  useEffect(() => {
    const controller = new AbortController();
    teamApi(client).setupStatus({ signal: controller.signal })
      .then((status) => { if (status?.needed) navigate('/setup', { replace: true }); })
      .catch(() => {});
    return () => controller.abort();
  }, [client]);

  async function submit(event) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await client.login(email.trim(), password);
      navigate(safeNext(search), { replace: true });
    } catch (e) {
      setError(e.status === 401 ? 'Wrong email or password.' : e.message || 'Could not sign in.');
      setBusy(false);
    }
  }

  return (
    <main className="flex min-h-screen items-center justify-center px-4">
      <div className="w-full max-w-sm">
        <div className="mb-8 flex justify-center"><Logo /></div>
        <form onSubmit={submit} className="space-y-5 rounded-lg border border-gray-200 bg-white p-6 shadow-sm dark:border-gray-800 dark:bg-gray-900">
          <h1 className="text-xl font-semibold text-gray-900 dark:text-gray-100">Sign in to your account</h1>
          {error && (
            <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800 dark:bg-red-950 dark:text-red-200">{error}</p>
          )}
          <label className="block">
            <span className="mb-1 block text-sm font-medium text-gray-700 dark:text-gray-300">Email</span>
            <input type="email" required autoComplete="username" autoFocus value={email}
              onChange={(e) => setEmail(e.target.value)} className={inputClass} placeholder="you@example.com" />
          </label>
          <label className="block">
            <span className="mb-1 block text-sm font-medium text-gray-700 dark:text-gray-300">Password</span>
            <input type="password" required autoComplete="current-password" value={password}
              onChange={(e) => setPassword(e.target.value)} className={inputClass} />
          </label>
          <button type="submit" disabled={busy} className={`${buttonPrimary} w-full`}>
            {busy && <Spinner />} Sign in
          </button>
        </form>
      </div>
    </main>
  );
}
