// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { readFileSync } from 'node:fs';
import ThemePicker from '../src/components/ThemePicker.jsx';
import { applyTheme, chooseTheme, storedTheme } from '../src/lib/theme.js';
import { memoryStorage } from './helpers.js';

afterEach(() => {
  cleanup();
  applyTheme('system');
});

const root = () => document.documentElement;
const colorScheme = () => document.querySelector('meta[name="color-scheme"]').getAttribute('content');

describe('theme', () => {
  it('follows the system until a theme is chosen, and ignores what it does not know', () => {
    const storage = memoryStorage();
    expect(storedTheme(storage)).toBe('system');
    storage.setItem('tf.theme', 'sepia');
    expect(storedTheme(storage)).toBe('system');
  });

  it('marks the page dark or light, sets its color-scheme, and stores the choice; system clears both', () => {
    document.head.innerHTML = '<meta name="color-scheme" content="light dark" />';
    const storage = memoryStorage();
    chooseTheme(storage, 'dark');
    expect(root().classList.contains('dark')).toBe(true);
    expect(root().classList.contains('light')).toBe(false);
    expect(colorScheme()).toBe('dark');
    expect(storedTheme(storage)).toBe('dark');
    chooseTheme(storage, 'light');
    expect([...root().classList]).toEqual(['light']);
    expect(colorScheme()).toBe('light');
    chooseTheme(storage, 'system');
    expect([...root().classList]).toEqual([]);
    expect(colorScheme()).toBe('light dark');
    expect(storage.getItem('tf.theme')).toBeNull();
  });

  it('offers system, light and dark in the header, showing and applying the stored choice', () => {
    const storage = memoryStorage();
    storage.setItem('tf.theme', 'dark');
    render(<ThemePicker storage={storage} />);
    const picker = screen.getByLabelText('Theme');
    expect(picker.value).toBe('dark');
    expect([...picker.options].map((o) => o.value)).toEqual(['system', 'light', 'dark']);
    fireEvent.change(picker, { target: { value: 'light' } });
    expect(picker.value).toBe('light');
    expect(storage.getItem('tf.theme')).toBe('light');
    expect(root().classList.contains('light')).toBe(true);
  });

  it('lets the chosen class, not only the system preference, switch Tailwind\'s dark variant', () => {
    const css = readFileSync('src/index.css', 'utf8') // vitest runs in dashboard/;
    expect(css).toMatch(/@custom-variant dark \{[^]*html\.dark[^]*prefers-color-scheme: dark[^]*html:not\(\.light\)/);
  });
});
