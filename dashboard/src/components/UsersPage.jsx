import { useState } from 'react';
import { useFetch } from '../lib/useFetch.js';
import { teamApi } from '../lib/teamApi.js';
import { ErrorBox, Section, dangerLink, formatDate, inputClass, useAction } from './settings/common.jsx';

/** /admin/users: instance administrators list and delete users, handing over sites a user owns. */
export default function UsersPage({ client, me }) {
  const api = teamApi(client);
  const [version, setVersion] = useState(0);
  const users = useFetch((signal) => api.users({ signal }), `users:${version}`);
  const [heir, setHeir] = useState({});
  const [run, busy, error] = useAction();

  async function remove(user) {
    if (!window.confirm(`Delete ${user.email}? Their memberships and API keys go with them.`)) return;
    if (await run(() => api.deleteUser(user.id, heir[user.id])) !== undefined) setVersion((v) => v + 1);
  }

  return (
    <main className="mx-auto max-w-4xl px-4 py-8">
      <h1 className="mb-6 text-2xl font-semibold text-gray-900 dark:text-gray-100">Users</h1>
      <Section title="Everyone with an account" description="A user who owns sites can only be deleted once another user takes them over.">
        {error && <ErrorBox error={error} className="mb-4" />}
        {users.error && <ErrorBox error={users.error} onRetry={users.reload} />}
        <table className="w-full text-sm" aria-label="Users">
          <thead><tr className="text-left text-gray-500"><th className="py-2 font-medium">Email</th><th className="font-medium">Since</th><th className="font-medium">Their sites go to</th><th /></tr></thead>
          <tbody>
            {users.data?.map((u) => (
              <tr key={u.id} className="border-t border-gray-100 dark:border-gray-800" data-user={u.email}>
                <td className="py-2">{u.email}{u.admin && <span className="ml-2 text-xs text-gray-400">administrator</span>}</td>
                <td className="text-gray-500">{formatDate(u.created_at)}</td>
                <td>
                  {u.email !== me && (
                    <select aria-label={`New owner of ${u.email}'s sites`} value={heir[u.id] ?? ''} className={`${inputClass} py-1`}
                      onChange={(e) => setHeir({ ...heir, [u.id]: e.target.value || undefined })}>
                      <option value="">(nobody: refuse if they own sites)</option>
                      {users.data.filter((o) => o.id !== u.id).map((o) => <option key={o.id} value={o.email}>{o.email}</option>)}
                    </select>
                  )}
                </td>
                <td className="text-right">
                  {u.email !== me && <button type="button" className={dangerLink} disabled={busy} onClick={() => remove(u)}>Delete</button>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </Section>
    </main>
  );
}
