import { useState } from 'react';
import { useFetch } from '../lib/useFetch.js';
import { navigate } from '../lib/router.js';
import { teamApi } from '../lib/teamApi.js';
import ApiKeysSection from './settings/ApiKeysSection.jsx';
import { ErrorBox, Field, Section, Spinner, buttonPrimary, buttonSecondary, inputClass, useAction } from './settings/common.jsx';

/** /settings: the signed-in user's password, sign-ins and API keys. */
export default function AccountPage({ client }) {
  const api = teamApi(client);
  const account = useFetch((signal) => api.account({ signal }), 'account');
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [changed, setChanged] = useState(false);
  const [run, busy, error] = useAction();

  async function changePassword(event) {
    event.preventDefault();
    setChanged(false);
    if (await run(() => api.changePassword(current, next))) {
      setChanged(true);
      setCurrent('');
      setNext('');
    }
  }

  async function logoutEverywhere() {
    if (!window.confirm('Sign out on every device, this one included?')) return;
    if (await run(() => api.logoutEverywhere()) !== undefined) {
      await client.logout().catch(() => {});
      navigate('/login', { replace: true });
    }
  }

  return (
    <main className="mx-auto max-w-4xl px-4 py-8">
      <h1 className="mb-6 text-2xl font-semibold text-gray-900 dark:text-gray-100">Your account</h1>
      {account.error && <ErrorBox error={account.error} onRetry={account.reload} className="mb-4" />}
      {account.data && <p className="mb-6 text-sm text-gray-600 dark:text-gray-400">Signed in as <strong>{account.data.email}</strong>{account.data.admin ? ' · administrator' : ''}</p>}
      <Section title="Password" description="Changing it signs you out everywhere else.">
        <form onSubmit={changePassword} className="grid gap-4 md:grid-cols-[1fr_1fr_auto] md:items-end">
          <Field label="Current password">
            <input type="password" required autoComplete="current-password" value={current} onChange={(e) => setCurrent(e.target.value)} className={inputClass} />
          </Field>
          <Field label="New password" hint="At least 8 characters.">
            <input type="password" required minLength={8} autoComplete="new-password" value={next} onChange={(e) => setNext(e.target.value)} className={inputClass} />
          </Field>
          <button type="submit" disabled={busy} className={buttonPrimary}>{busy && <Spinner />} Change password</button>
        </form>
        {changed && <p role="status" className="mt-3 text-sm text-green-700 dark:text-green-400">Password changed. Other devices were signed out.</p>}
        {error && <ErrorBox error={error} className="mt-3" />}
      </Section>
      <Section title="Sign-ins" description="Ends every session of your account, on every device.">
        <button type="button" onClick={logoutEverywhere} disabled={busy} className={buttonSecondary}>Sign out everywhere</button>
      </Section>
      <ApiKeysSection client={client} api={api} />
    </main>
  );
}
