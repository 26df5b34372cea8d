// Goals as the settings page reads and writes them.

/** Currencies offered for revenue goals; the API accepts any ISO 4217 code. */
export const CURRENCIES = ['EUR', 'USD', 'GBP', 'CHF', 'JPY', 'CAD', 'AUD', 'SEK', 'NOK', 'DKK', 'PLN', 'CZK', 'INR', 'BRL'];

/** What triggers a goal, in words. */
export function goalDescription(goal) {
  if (goal.event_name) return `Event ${goal.event_name}`;
  if (goal.page_path) return `Visit ${goal.page_path}`;
  return '';
}

/** The API body for the goal form: an event or page goal, a display name and currency when given. */
export function goalRequest({ kind, target, displayName = '', currency = '' }) {
  const body = kind === 'page' ? { page_path: target.trim() } : { event_name: target.trim() };
  if (displayName.trim()) body.display_name = displayName.trim();
  if (kind === 'event' && currency) body.currency = currency;
  return body;
}
