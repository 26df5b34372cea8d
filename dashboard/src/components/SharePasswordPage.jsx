import { useState } from 'react';
import { teamApi } from '../lib/teamApi.js';
import { Logo, Spinner, buttonPrimary, inputClass } from './ui.jsx';
import { ErrorBox, Field, useAction } from './settings/common.jsx';

/** A password-protected share link: asks for the password, then hands the unlocked token to the view. */
export default function SharePasswordPage({ client, domain, shareToken, onUnlocked }) {
  const api = teamApi(client);
  const [password, setPassword] = useState('');
  const [run, busy, error] = useAction();

  async function submit(event) {
    event.preventDefault();
    const unlocked = await run(() => api.unlockShare(shareToken, password));
    if (unlocked) onUnlocked(unlocked.share_token);
  }

  return (
    <main className="flex min-h-screen items-center justify-center px-4">
      <div className="w-full max-w-sm">
        <div className="mb-8 flex justify-center"><Logo /></div>
        <form onSubmit={submit} className="space-y-5 rounded-lg border border-gray-200 bg-white p-6 shadow-sm dark:border-gray-800 dark:bg-gray-900">
          <h1 className="text-xl font-semibold text-gray-900 dark:text-gray-100">Shared dashboard of {domain}</h1>
          <p className="text-sm text-gray-600 dark:text-gray-400">This link is protected by a password.</p>
          {error && <ErrorBox error={error.status === 403 ? { message: 'Wrong password.' } : error} />}
          <Field label="Password">
            <input type="password" required autoFocus value={password} onChange={(e) => setPassword(e.target.value)} className={inputClass} />
          </Field>
          <button type="submit" disabled={busy} className={`${buttonPrimary} w-full`}>{busy && <Spinner />} View dashboard</button>
        </form>
      </div>
    </main>
  );
}
