import { useState } from 'react';
import { navigate } from '../lib/router.js';
import { teamApi } from '../lib/teamApi.js';
import { Logo, Spinner, buttonPrimary, inputClass } from './ui.jsx';
import { Field, useAction, ErrorBox } from './settings/common.jsx';

/** First run: no account exists yet; whoever has the setup token from the log creates the owner. */
export default function SetupPage({ client }) {
  const api = teamApi(client);
  const [token, setToken] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [run, busy, error] = useAction();

  async function submit(event) {
    event.preventDefault();
    const done = await run(() => api.setup(token.trim(), email.trim(), password));
    if (done) navigate('/sites', { replace: true });
  }

  return (
    <main className="flex min-h-screen items-center justify-center px-4">
      <div className="w-full max-w-md">
        <div className="mb-8 flex justify-center"><Logo /></div>
        <form onSubmit={submit} className="space-y-5 rounded-lg border border-gray-200 bg-white p-6 shadow-sm dark:border-gray-800 dark:bg-gray-900">
          <h1 className="text-xl font-semibold text-gray-900 dark:text-gray-100">Create the owner account</h1>
          <p className="text-sm text-gray-600 dark:text-gray-400">
            This server has no account yet. Copy the setup token from the server's log (the line starting
            {' '}<code className="font-mono">First run:</code>), so nobody else who reaches this page can claim it.
          </p>
          {error && <ErrorBox error={error} />}
          <Field label="Setup token">
            <input required value={token} onChange={(e) => setToken(e.target.value)} className={`${inputClass} font-mono`} autoComplete="off" />
          </Field>
          <Field label="Email">
            <input type="email" required autoComplete="username" value={email} onChange={(e) => setEmail(e.target.value)} className={inputClass} />
          </Field>
          <Field label="Password" hint="At least 8 characters.">
            <input type="password" required minLength={8} autoComplete="new-password" value={password}
              onChange={(e) => setPassword(e.target.value)} className={inputClass} />
          </Field>
          <button type="submit" disabled={busy} className={`${buttonPrimary} w-full`}>{busy && <Spinner />} Create account</button>
        </form>
      </div>
    </main>
  );
}
