// The colour theme: the system's (prefers-color-scheme), or light or dark as the user chose,
// kept in localStorage. index.css makes Tailwind's dark: variant follow the class set here, and
// the system's preference while neither class is set; no inline script is needed (the CSP
// allows none), so a stored choice applies when the bundle starts.

export const THEMES = ['system', 'light', 'dark'];
const KEY = 'tf.theme';

/** The stored choice, or "system". */
export function storedTheme(storage) {
  const theme = storage.getItem(KEY);
  return THEMES.includes(theme) ? theme : 'system';
}

/** Shows the page in `theme`: a class on <html>, and the color-scheme form controls and scrollbars follow. */
export function applyTheme(theme, doc = document) {
  const root = doc.documentElement;
  root.classList.toggle('dark', theme === 'dark');
  root.classList.toggle('light', theme === 'light');
  doc.querySelector('meta[name="color-scheme"]')?.setAttribute('content', theme === 'system' ? 'light dark' : theme);
}

/** Remembers `theme` and shows it. */
export function chooseTheme(storage, theme, doc = document) {
  if (theme === 'system') storage.removeItem(KEY);
  else storage.setItem(KEY, theme);
  applyTheme(theme, doc);
}
