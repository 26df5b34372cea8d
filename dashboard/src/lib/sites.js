// Site form helpers: the domain users paste and the time zones they pick from.

/** "https://www.Example.com/blog?x" → "www.example.com"; null when nothing like a host is left. */
export function normalizeDomain(input) {
  let text = String(input ?? '').trim().toLowerCase();
  text = text.replace(/^[a-z][a-z0-9+.-]*:\/\//, '');
  text = text.split(/[/?#]/)[0];
  text = text.replace(/:\d+$/, '').replace(/\.$/, '');
  if (!/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/.test(text)) return null;
  return text;
}

export function timeZones() {
  let zones = [];
  try {
    zones = Intl.supportedValuesOf('timeZone');
  } catch {
    zones = [];
  }
  return zones.includes('UTC') ? zones : ['UTC', ...zones];
}

export function browserTimeZone() {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  } catch {
    return 'UTC';
  }
}

export function trackingSnippet(domain, origin) {
  return `<script defer data-domain="${domain}" src="${origin}/tracker.js"></script>`;
}
