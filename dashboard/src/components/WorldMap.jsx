// The countries card's map: Natural Earth's 1:110m countries (world-atlas) drawn with d3-geo, each
// filled by its visitors; countries too small for that scale are dots at their centre (taken from
// the 1:50m shapes by scripts/small-countries.mjs). Loaded as its own chunk.
import { useMemo, useState } from 'react';
import { geoEqualEarth, geoPath } from 'd3-geo';
import { feature } from 'topojson-client';
import world from 'world-atlas/countries-110m.json';
import smallCountries from '../lib/smallCountries.json';
import { shapeCode } from '../lib/geo.js';
import { countryName } from '../lib/labels.js';
import { formatNumber } from '../lib/format.js';

const WIDTH = 800;
const HEIGHT = 400;
const shapes = feature(world, world.objects.countries).features
  // Antarctica has no visitors and takes a fifth of the height.
  .filter((f) => f.properties?.name !== 'Antarctica');
const projection = geoEqualEarth().fitExtent([[4, 4], [WIDTH - 4, HEIGHT - 4]], { type: 'FeatureCollection', features: shapes });
const path = geoPath(projection);
const drawn = shapes.map((f) => ({ code: shapeCode(f), name: f.properties?.name, d: path(f) }));

/** Fill from light to dark indigo by the share of the busiest country (square root, so small counts show). */
function fill(visitors, max) {
  if (!visitors) return undefined;
  const t = Math.sqrt(visitors / max);
  return `color-mix(in srgb, #4f46e5 ${Math.round(20 + t * 80)}%, #e0e7ff)`;
}

export default function WorldMap({ rows, onSelect }) {
  const [hover, setHover] = useState(null);
  const visitors = useMemo(() => new Map(rows.map((r) => [r.dimensions[0], r.metrics[0]])), [rows]);
  const max = Math.max(1, ...visitors.values());
  const dots = [...visitors.keys()].filter((code) => smallCountries[code]);
  const select = (code) => (onSelect && visitors.get(code) ? () => onSelect(code) : undefined);
  const label = (code) => `${countryName(code)}: ${formatNumber(visitors.get(code) ?? 0)} visitors`;

  return (
    <div className="relative">
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} className="h-auto w-full" role="img" aria-label="Visitors by country">
        {drawn.map((s, i) => {
          const count = s.code ? visitors.get(s.code) : undefined;
          return (
            <path key={s.code ?? `x${i}`} d={s.d} data-country={s.code ?? undefined} data-visitors={count ?? 0}
              style={{ fill: fill(count, max) }}
              className={`stroke-white stroke-[0.5] dark:stroke-gray-900 ${count ? (onSelect ? 'cursor-pointer hover:opacity-80' : '') : 'fill-gray-200 dark:fill-gray-700'}`}
              onClick={select(s.code)} onMouseEnter={() => setHover(count ? s.code : null)} onMouseLeave={() => setHover(null)}>
              {count ? <title>{label(s.code)}</title> : <title>{s.code ? countryName(s.code) : s.name}</title>}
            </path>
          );
        })}
        {dots.map((code) => {
          const [x, y] = projection(smallCountries[code]);
          return (
            <circle key={code} cx={x} cy={y} r={4} data-country={code} data-visitors={visitors.get(code)}
              style={{ fill: fill(visitors.get(code), max) }} className="stroke-white dark:stroke-gray-900"
              onClick={select(code)} onMouseEnter={() => setHover(code)} onMouseLeave={() => setHover(null)}>
              <title>{label(code)}</title>
            </circle>
          );
        })}
      </svg>
      {hover && (
        <div className="pointer-events-none absolute left-2 top-2 rounded-md bg-gray-900 px-2 py-1 text-xs text-white shadow" data-testid="map-hover">
          {label(hover)}
        </div>
      )}
    </div>
  );
}
