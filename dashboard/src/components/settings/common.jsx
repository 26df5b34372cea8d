import { useState } from 'react';
import { Card, ErrorBox, Spinner, buttonPrimary, buttonSecondary, inputClass } from '../ui.jsx';

export const buttonDanger = 'inline-flex items-center justify-center gap-2 rounded-md bg-red-600 px-4 py-2 text-sm font-medium text-white shadow-sm hover:bg-red-700 disabled:cursor-not-allowed disabled:opacity-60';
export const linkButton = 'text-sm font-medium text-indigo-700 hover:underline disabled:opacity-50 dark:text-indigo-400';
export const dangerLink = 'text-sm font-medium text-red-700 hover:underline disabled:opacity-50 dark:text-red-400';

export { Card, ErrorBox, Spinner, buttonPrimary, buttonSecondary, inputClass };

export function Section({ title, description, children, id }) {
  return (
    <Card className="mb-6">
      <div className="border-b border-gray-100 px-5 py-3 dark:border-gray-800" id={id}>
        <h2 className="font-medium text-gray-900 dark:text-gray-100">{title}</h2>
        {description && <p className="mt-1 text-sm text-gray-500 dark:text-gray-400">{description}</p>}
      </div>
      <div className="p-5">{children}</div>
    </Card>
  );
}

export function Field({ label, hint, children }) {
  return (
    <label className="block">
      <span className="mb-1 block text-sm font-medium text-gray-700 dark:text-gray-300">{label}</span>
      {children}
      {hint && <span className="mt-1 block text-xs text-gray-500">{hint}</span>}
    </label>
  );
}

/**
 * Runs an async action with a busy flag and an error message; returns [run, busy, error, clear].
 * The action's own result is returned by run, or undefined when it failed.
 */
export function useAction() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  async function run(action) {
    setBusy(true);
    setError(null);
    try {
      return await action();
    } catch (e) {
      setError(e);
      return undefined;
    } finally {
      setBusy(false);
    }
  }
  return [run, busy, error, () => setError(null)];
}

/** A secret shown once (an invitation link, a share link, an API key) with a copy button. */
export function OnceSecret({ title, value, note }) {
  const [copied, setCopied] = useState(false);
  async function copy() {
    try {
      await navigator.clipboard.writeText(value);
      setCopied(true);
    } catch {
      // Clipboard refused (plain http): the value stays selectable.
    }
  }
  return (
    <div className="mt-4 rounded-md border border-green-200 bg-green-50 p-3 dark:border-green-900 dark:bg-green-950" role="status">
      <p className="text-sm font-medium text-green-800 dark:text-green-300">{title}</p>
      <div className="mt-2 flex items-center gap-2">
        <input readOnly value={value} aria-label={title} onFocus={(e) => e.target.select()}
          className={`${inputClass} font-mono text-xs`} data-secret />
        <button type="button" onClick={copy} className={buttonSecondary}>{copied ? 'Copied' : 'Copy'}</button>
      </div>
      {note && <p className="mt-2 text-xs text-green-800 dark:text-green-300">{note}</p>}
    </div>
  );
}

/**
 * A destructive action that needs the exact word typed first (the site's domain), as Plausible
 * and GitHub ask before deleting.
 */
export function ConfirmByTyping({ word, action, label, busy, onConfirm }) {
  const [typed, setTyped] = useState('');
  const ready = typed.trim() === word;
  return (
    <form onSubmit={(e) => { e.preventDefault(); if (ready) onConfirm(); }} className="flex flex-wrap items-end gap-3">
      <Field label={`Type ${word} to ${action}`}>
        <input value={typed} onChange={(e) => setTyped(e.target.value)} className={inputClass} autoComplete="off" />
      </Field>
      <button type="submit" disabled={!ready || busy} className={buttonDanger}>{busy && <Spinner />} {label}</button>
    </form>
  );
}

export function formatDate(iso) {
  return iso ? new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' }) : '';
}
