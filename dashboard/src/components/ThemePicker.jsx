import { useState } from 'react';
import { THEMES, chooseTheme, storedTheme } from '../lib/theme.js';

const LABELS = { system: 'System', light: 'Light', dark: 'Dark' };

/** System, light or dark, remembered in this browser. */
export default function ThemePicker({ storage }) {
  const [theme, setTheme] = useState(() => storedTheme(storage));
  return (
    <select aria-label="Theme" value={theme} title="Colour theme"
      onChange={(e) => { chooseTheme(storage, e.target.value); setTheme(e.target.value); }}
      className="rounded border border-gray-200 bg-white px-1.5 py-0.5 text-sm text-gray-700 dark:border-gray-700 dark:bg-gray-900 dark:text-gray-300">
      {THEMES.map((t) => <option key={t} value={t}>{LABELS[t]}</option>)}
    </select>
  );
}
