import { useState } from 'react';
import { useFetch } from '../../lib/useFetch.js';
import { absoluteLink } from '../../lib/teamApi.js';
import {
  ErrorBox, Field, OnceSecret, Section, Spinner, buttonPrimary, dangerLink, formatDate, inputClass, linkButton, useAction,
} from './common.jsx';

/** Members with their roles, pending invitations, the invitation form and ownership transfer. */
export default function PeopleSection({ api, domain, role, me }) {
  const [version, setVersion] = useState(0);
  const reload = () => setVersion((v) => v + 1);
  const members = useFetch((signal) => api.members(domain, { signal }), `${domain}:m:${version}`);
  const invitations = useFetch((signal) => api.invitations(domain, { signal }), `${domain}:i:${version}`);
  const [email, setEmail] = useState('');
  const [inviteRole, setInviteRole] = useState('viewer');
  const [created, setCreated] = useState(null);
  const [run, busy, error] = useAction();
  const isOwner = role === 'owner';

  async function invite(event) {
    event.preventDefault();
    const invitation = await run(() => api.invite(domain, email.trim(), inviteRole));
    if (invitation) {
      setCreated(invitation);
      setEmail('');
      reload();
    }
  }

  async function act(action, question) {
    if (question && !window.confirm(question)) return;
    if (await run(action) !== undefined) reload();
  }

  return (
    <Section title="People" description="Owners and admins manage the site; viewers read its stats. A site has exactly one owner.">
      {error && <ErrorBox error={error} className="mb-4" />}
      {members.error && <ErrorBox error={members.error} onRetry={members.reload} />}
      <table className="w-full text-sm" aria-label="Members">
        <thead><tr className="text-left text-gray-500"><th className="py-2 font-medium">Email</th><th className="font-medium">Role</th><th /></tr></thead>
        <tbody>
          {members.data?.map((m) => (
            <tr key={m.email} className="border-t border-gray-100 dark:border-gray-800" data-member={m.email}>
              <td className="py-2">{m.email}{m.email === me && <span className="ml-2 text-xs text-gray-400">(you)</span>}</td>
              <td>
                {m.role === 'owner'
                  ? <span className="font-medium">owner</span>
                  : (
                    <select aria-label={`Role of ${m.email}`} value={m.role} disabled={busy} className="rounded border border-gray-300 bg-white px-2 py-1 text-sm dark:border-gray-700 dark:bg-gray-900"
                      onChange={(e) => act(() => api.changeRole(domain, m.email, e.target.value))}>
                      <option value="viewer">viewer</option>
                      <option value="admin">admin</option>
                    </select>
                  )}
              </td>
              <td className="space-x-3 text-right">
                {isOwner && m.role !== 'owner' && (
                  <button type="button" className={linkButton} disabled={busy}
                    onClick={() => act(() => api.transferOwnership(domain, m.email),
                      `Make ${m.email} the owner of ${domain}? You will stay as admin.`)}>Make owner</button>
                )}
                {m.role !== 'owner' && (
                  <button type="button" className={dangerLink} disabled={busy}
                    onClick={() => act(() => api.removeMember(domain, m.email), `Remove ${m.email} from ${domain}?`)}>Remove</button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>

      <h3 className="mb-2 mt-6 text-sm font-medium text-gray-900 dark:text-gray-100">Invite someone</h3>
      <form onSubmit={invite} className="grid gap-3 md:grid-cols-[1fr_10rem_auto] md:items-end">
        <Field label="Email to invite">
          <input type="email" required value={email} onChange={(e) => setEmail(e.target.value)} className={inputClass} placeholder="colleague@example.com" />
        </Field>
        <Field label="Role">
          <select value={inviteRole} onChange={(e) => setInviteRole(e.target.value)} className={inputClass}>
            <option value="viewer">viewer</option>
            <option value="admin">admin</option>
          </select>
        </Field>
        <button type="submit" disabled={busy} className={buttonPrimary}>{busy && <Spinner />} Invite</button>
      </form>
      {created && (
        <OnceSecret title={`Invitation link for ${created.email}`} value={absoluteLink(created.path, window.location.origin)}
          note="No mail server is configured: copy this link and send it yourself. It is shown only now, works once and expires in 7 days." />
      )}

      {invitations.data?.length > 0 && (
        <>
          <h3 className="mb-2 mt-6 text-sm font-medium text-gray-900 dark:text-gray-100">Pending invitations</h3>
          <ul className="divide-y divide-gray-100 text-sm dark:divide-gray-800" aria-label="Pending invitations">
            {invitations.data.map((i) => (
              <li key={i.id} className="flex items-center gap-3 py-2" data-invitation={i.email}>
                <span>{i.email}</span>
                <span className="text-gray-500">{i.role}</span>
                <span className={`text-xs ${i.expired ? 'text-red-700' : 'text-gray-400'}`}>
                  {i.expired ? 'expired' : `expires ${formatDate(i.expires_at)}`}
                </span>
                <button type="button" className={`${dangerLink} ml-auto`} disabled={busy}
                  onClick={() => act(() => api.revokeInvitation(domain, i.id))}>Revoke</button>
              </li>
            ))}
          </ul>
        </>
      )}
    </Section>
  );
}
