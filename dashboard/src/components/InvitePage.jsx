import { useState } from 'react';
import { useFetch } from '../lib/useFetch.js';
import { navigate, sitePath } from '../lib/router.js';
import { inviteToken, teamApi } from '../lib/teamApi.js';
import { Logo, Spinner, buttonPrimary, buttonSecondary, inputClass } from './ui.jsx';
import { ErrorBox, Field, useAction } from './settings/common.jsx';

/**
 * Opening an invitation link (/invite#<token>): a new person sets a password; someone with an
 * account accepts while signed in as the invited email, or is sent to sign in first.
 */
export default function InvitePage({ client, session }) {
  const api = teamApi(client);
  const token = inviteToken(window.location.hash);
  const preview = useFetch((signal) => (token ? api.previewInvitation(token, { signal })
    : Promise.reject(new Error('This invitation link is incomplete: open the whole link you were sent.'))), token);
  const [password, setPassword] = useState('');
  const [run, busy, error] = useAction();
  const invitation = preview.data;

  async function accept(event) {
    event?.preventDefault();
    const done = await run(() => api.acceptInvitation(token, invitation.account_exists ? undefined : password));
    if (done) navigate(sitePath(invitation.domain), { replace: true });
  }

  let body;
  if (preview.error) body = <ErrorBox error={preview.error} />;
  else if (!invitation) body = <div className="flex justify-center p-6 text-gray-400"><Spinner className="h-6 w-6" /></div>;
  else {
    const signedInAs = session.token ? session.user : null;
    const intro = (
      <p className="text-sm text-gray-700 dark:text-gray-300">
        You are invited to <strong>{invitation.site_name}</strong> ({invitation.domain}) as <strong>{invitation.role}</strong>.
        The invitation is for <strong>{invitation.email}</strong>.
      </p>
    );
    if (!invitation.account_exists) {
      body = (
        <form onSubmit={accept} className="space-y-4">
          {intro}
          {signedInAs && <p className="text-sm text-gray-500">Accepting creates a new account for {invitation.email}.</p>}
          <Field label="Choose a password" hint="At least 8 characters.">
            <input type="password" required minLength={8} autoComplete="new-password" value={password}
              onChange={(e) => setPassword(e.target.value)} className={inputClass} />
          </Field>
          <button type="submit" disabled={busy} className={`${buttonPrimary} w-full`}>{busy && <Spinner />} Create account and join</button>
        </form>
      );
    } else if (signedInAs === invitation.email) {
      body = (
        <div className="space-y-4">
          {intro}
          <button type="button" disabled={busy} onClick={accept} className={`${buttonPrimary} w-full`}>{busy && <Spinner />} Accept invitation</button>
        </div>
      );
    } else {
      const here = `/invite${window.location.hash}`;
      body = (
        <div className="space-y-4">
          {intro}
          <p className="text-sm text-gray-600 dark:text-gray-400">
            {signedInAs ? `You are signed in as ${signedInAs}. ` : ''}Sign in as {invitation.email} to accept.
          </p>
          <button type="button" className={`${buttonSecondary} w-full`} onClick={async () => {
            if (signedInAs) await client.logout();
            navigate(`/login?next=${encodeURIComponent(here)}`);
          }}>Sign in as {invitation.email}</button>
        </div>
      );
    }
  }

  return (
    <main className="flex min-h-screen items-center justify-center px-4">
      <div className="w-full max-w-md">
        <div className="mb-8 flex justify-center"><Logo /></div>
        <div className="space-y-4 rounded-lg border border-gray-200 bg-white p-6 shadow-sm dark:border-gray-800 dark:bg-gray-900">
          <h1 className="text-xl font-semibold text-gray-900 dark:text-gray-100">Invitation</h1>
          {error && <ErrorBox error={error} />}
          {body}
        </div>
      </div>
    </main>
  );
}
