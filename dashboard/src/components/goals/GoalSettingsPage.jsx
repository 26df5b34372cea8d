import { useState } from 'react';
import { useFetch } from '../../lib/useFetch.js';
import { navigate, sitePath } from '../../lib/router.js';
import { CURRENCIES, goalDescription, goalRequest } from '../../lib/goals.js';
import { useAction } from '../settings/common.jsx';
import { Card, ErrorBox, Skeleton, Spinner, buttonPrimary, buttonSecondary, inputClass } from '../ui.jsx';

const labelClass = 'mb-1 block text-sm font-medium text-gray-700 dark:text-gray-300';

function GoalForm({ client, domain, onCreated }) {
  const [kind, setKind] = useState('event');
  const [target, setTarget] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [currency, setCurrency] = useState('');
  const [run, busy, error] = useAction();

  async function submit(event) {
    event.preventDefault();
    const created = await run(async () => {
      await client.createGoal(domain, goalRequest({ kind, target, displayName, currency }));
      return true;
    });
    if (!created) return;
    setTarget('');
    setDisplayName('');
    setCurrency('');
    onCreated();
  }

  return (
    <form onSubmit={submit} className="grid gap-4 p-5 md:grid-cols-2" aria-label="Add a goal">
      <fieldset className="md:col-span-2">
        <legend className={labelClass}>Goal trigger</legend>
        <div className="flex gap-4 text-sm text-gray-700 dark:text-gray-300">
          <label className="flex items-center gap-2">
            <input type="radio" name="kind" value="event" checked={kind === 'event'} onChange={() => setKind('event')} />
            Custom event
          </label>
          <label className="flex items-center gap-2">
            <input type="radio" name="kind" value="page" checked={kind === 'page'} onChange={() => { setKind('page'); setCurrency(''); }} />
            Pageview
          </label>
        </div>
      </fieldset>
      <label className="block">
        <span className={labelClass}>{kind === 'event' ? 'Event name' : 'Page path'}</span>
        <input required value={target} onChange={(e) => setTarget(e.target.value)} className={inputClass}
          placeholder={kind === 'event' ? 'Signup' : '/blog/* (* matches any characters)'} />
      </label>
      <label className="block">
        <span className={labelClass}>Display name <span className="font-normal text-gray-400">(optional)</span></span>
        <input value={displayName} onChange={(e) => setDisplayName(e.target.value)} className={inputClass}
          placeholder={target ? goalDescription({ event_name: kind === 'event' ? target : null, page_path: kind === 'page' ? target : null }) : ''} />
      </label>
      {kind === 'event' && (
        <label className="block">
          <span className={labelClass}>Revenue currency <span className="font-normal text-gray-400">(optional: makes it a revenue goal)</span></span>
          <select value={currency} onChange={(e) => setCurrency(e.target.value)} className={inputClass}>
            <option value="">No revenue</option>
            {CURRENCIES.map((c) => <option key={c} value={c}>{c}</option>)}
          </select>
        </label>
      )}
      <div className="flex items-end md:col-span-2">
        <button type="submit" disabled={busy} className={buttonPrimary}>{busy && <Spinner />} Add goal</button>
      </div>
      {error && <ErrorBox error={error} className="md:col-span-2" />}
    </form>
  );
}

function FunnelForm({ client, domain, goals, onCreated }) {
  const [name, setName] = useState('');
  const [steps, setSteps] = useState(['', '']);
  const [run, busy, error] = useAction();

  async function submit(event) {
    event.preventDefault();
    const created = await run(async () => {
      await client.createFunnel(domain, { name: name.trim(), steps: steps.filter(Boolean) });
      return true;
    });
    if (!created) return;
    setName('');
    setSteps(['', '']);
    onCreated();
  }

  return (
    <form onSubmit={submit} className="space-y-4 p-5" aria-label="Add a funnel">
      <label className="block max-w-md">
        <span className={labelClass}>Funnel name</span>
        <input required value={name} onChange={(e) => setName(e.target.value)} placeholder="Checkout" className={inputClass} />
      </label>
      <ol className="space-y-2">
        {steps.map((step, i) => (
          <li key={i} className="flex max-w-md items-center gap-2">
            <span className="w-14 shrink-0 text-sm text-gray-500">Step {i + 1}</span>
            <select required aria-label={`Step ${i + 1}`} value={step} className={inputClass}
              onChange={(e) => setSteps(steps.map((s, j) => (j === i ? e.target.value : s)))}>
              <option value="">Choose a goal</option>
              {goals.map((g) => <option key={g.id} value={g.display_name}>{g.display_name}</option>)}
            </select>
            {steps.length > 2 && (
              <button type="button" aria-label={`Remove step ${i + 1}`} className="text-gray-400 hover:text-gray-700"
                onClick={() => setSteps(steps.filter((_, j) => j !== i))}>✕</button>
            )}
          </li>
        ))}
      </ol>
      <div className="flex gap-3">
        {steps.length < 8 && (
          <button type="button" className={buttonSecondary} onClick={() => setSteps([...steps, ''])}>Add step</button>
        )}
        <button type="submit" disabled={busy || goals.length < 2} className={buttonPrimary}>{busy && <Spinner />} Add funnel</button>
      </div>
      {goals.length < 2 && <p className="text-sm text-gray-500">A funnel needs at least two goals.</p>}
      {error && <ErrorBox error={error} />}
    </form>
  );
}

/** The site's goals and funnels: listed for everyone who reads the site, changed by admins and owners. */
export default function GoalSettingsPage({ client, domain }) {
  const [version, setVersion] = useState(0);
  const goals = useFetch((signal) => client.goals(domain, { signal }), `${domain}:${version}`);
  const funnels = useFetch((signal) => client.funnels(domain, { signal }), `${domain}:${version}`);
  const sites = useFetch((signal) => client.sites({ signal }), domain);
  const role = sites.data?.find((s) => s.domain === domain)?.role;
  const canManage = role === 'admin' || role === 'owner';
  const [run, , error] = useAction();
  const changed = () => setVersion((v) => v + 1);

  async function remove(action) {
    if (await run(async () => { await action(); return true; })) changed();
  }

  return (
    <main className="mx-auto max-w-5xl space-y-6 px-4 py-8">
      <div className="flex flex-wrap items-center gap-3">
        <h1 className="text-2xl font-semibold text-gray-900 dark:text-gray-100">Goals and funnels</h1>
        <span className="text-gray-500">{domain}</span>
        <button type="button" className={`${buttonSecondary} ml-auto`} onClick={() => navigate(sitePath(domain))}>
          ← Back to the dashboard
        </button>
      </div>
      {error && <ErrorBox error={error} />}

      <Card>
        <h2 className="border-b border-gray-100 px-5 py-3 font-medium text-gray-900 dark:border-gray-800 dark:text-gray-100">Goals</h2>
        {goals.error && <ErrorBox error={goals.error} onRetry={goals.reload} className="m-5" />}
        {!goals.data && !goals.error && <div className="p-5"><Skeleton className="h-10" /></div>}
        {goals.data?.length === 0 && (
          <p className="px-5 py-4 text-sm text-gray-500">
            No goals yet. A goal counts visitors who sent a custom event (<code>trackflow(&apos;Signup&apos;)</code>) or viewed a page.
          </p>
        )}
        {goals.data?.length > 0 && (
          <ul className="divide-y divide-gray-100 dark:divide-gray-800" aria-label="Goals">
            {goals.data.map((g) => (
              <li key={g.id} className="flex flex-wrap items-center gap-3 px-5 py-3 text-sm">
                <span className="font-medium text-gray-900 dark:text-gray-100">{g.display_name}</span>
                <span className="text-gray-500">{goalDescription(g)}</span>
                {g.currency && <span className="rounded bg-green-50 px-2 py-0.5 text-xs text-green-800 dark:bg-green-950 dark:text-green-300">Revenue in {g.currency}</span>}
                {canManage && (
                  <button type="button" className="ml-auto text-red-700 hover:underline dark:text-red-400"
                    aria-label={`Delete goal ${g.display_name}`} onClick={() => remove(() => client.deleteGoal(domain, g.id))}>
                    Delete
                  </button>
                )}
              </li>
            ))}
          </ul>
        )}
        {canManage && (
          <div className="border-t border-gray-100 dark:border-gray-800">
            <GoalForm client={client} domain={domain} onCreated={changed} />
          </div>
        )}
      </Card>

      <Card>
        <h2 className="border-b border-gray-100 px-5 py-3 font-medium text-gray-900 dark:border-gray-800 dark:text-gray-100">Funnels</h2>
        {funnels.error && <ErrorBox error={funnels.error} onRetry={funnels.reload} className="m-5" />}
        {funnels.data?.length === 0 && (
          <p className="px-5 py-4 text-sm text-gray-500">
            No funnels yet. A funnel counts the visitors who complete its goals in order, within one visit.
          </p>
        )}
        {funnels.data?.length > 0 && (
          <ul className="divide-y divide-gray-100 dark:divide-gray-800" aria-label="Funnels">
            {funnels.data.map((f) => (
              <li key={f.id} className="flex flex-wrap items-center gap-3 px-5 py-3 text-sm">
                <span className="font-medium text-gray-900 dark:text-gray-100">{f.name}</span>
                <span className="text-gray-500">{f.steps.join(' → ')}</span>
                {canManage && (
                  <button type="button" className="ml-auto text-red-700 hover:underline dark:text-red-400"
                    aria-label={`Delete funnel ${f.name}`} onClick={() => remove(() => client.deleteFunnel(domain, f.id))}>
                    Delete
                  </button>
                )}
              </li>
            ))}
          </ul>
        )}
        {canManage && goals.data && (
          <div className="border-t border-gray-100 dark:border-gray-800">
            <FunnelForm client={client} domain={domain} goals={goals.data} onCreated={changed} />
          </div>
        )}
      </Card>
    </main>
  );
}
