import { formatNumber } from '../lib/format.js';
import { useRealtime } from '../lib/useVisibleInterval.js';

/** Refreshes of the badge: often enough to feel live, paused while the tab is hidden. */
export const BADGE_REFRESH_MS = 15_000;

/** Current visitors (last 5 minutes); a click opens the realtime view. */
export default function RealtimeBadge({ client, domain, onOpen }) {
  const { data, failed } = useRealtime(client, domain, BADGE_REFRESH_MS);
  const visitors = data?.visitors;
  const label = visitors === undefined ? '–' : formatNumber(visitors);
  return (
    <button type="button" onClick={onOpen} title={failed ? 'Realtime data is unavailable right now' : 'Visitors in the last 5 minutes: open the realtime view'}
      className="flex items-center gap-2 rounded-md px-2 py-1.5 text-sm font-medium text-gray-700 hover:bg-gray-100 dark:text-gray-300 dark:hover:bg-gray-800">
      <span className="relative flex h-2.5 w-2.5">
        {!failed && visitors > 0 && <span className="absolute inline-flex h-full w-full animate-ping rounded-full bg-green-400 opacity-75" />}
        <span className={`relative inline-flex h-2.5 w-2.5 rounded-full ${failed ? 'bg-gray-400' : 'bg-green-500'}`} />
      </span>
      <span data-testid="realtime-visitors">{label}</span>
      <span className="hidden sm:inline">current visitor{visitors === 1 ? '' : 's'}</span>
    </button>
  );
}
