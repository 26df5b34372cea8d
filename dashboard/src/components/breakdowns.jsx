// How the breakdown cards (src/lib/cards.js) label their rows: by displayValue, except countries.
import { CARDS as CARD_DEFINITIONS } from '../lib/cards.js';
import { displayValue } from '../lib/labels.js';

// A code badge rather than a flag emoji: Windows and many Linux desktops draw flags as letters.
const country = (value) => (
  <span>
    <span className="mr-2 inline-block w-7 rounded bg-white/70 text-center font-mono text-[11px] text-gray-500 ring-1 ring-gray-200 dark:bg-gray-800 dark:ring-gray-700" aria-hidden="true">
      {value ?? '??'}
    </span>
    {displayValue('visit:country', value)}
  </span>
);

export const CARDS = CARD_DEFINITIONS.map((card) => ({
  ...card,
  tabs: card.tabs.map((tab) => (tab.dimension === 'visit:country' ? { ...tab, renderLabel: country } : tab)),
}));
