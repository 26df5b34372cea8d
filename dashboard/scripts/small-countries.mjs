// Writes src/lib/smallCountries.json: the centre of each country that Natural Earth's 1:110m
// shapes (the dashboard's map) leave out, taken from its 1:50m shapes (world-atlas), so the map can
// mark a small country with visitors by a dot. Run after updating world-atlas:
//
//   node scripts/small-countries.mjs
import { readFileSync, writeFileSync } from 'node:fs';
import { geoCentroid } from 'd3-geo';
import { feature } from 'topojson-client';
import iso from 'iso-3166-1';

const load = (name) => JSON.parse(readFileSync(new URL(`../node_modules/world-atlas/${name}`, import.meta.url)));
const small = load('countries-110m.json');
const detailed = load('countries-50m.json');
const drawn = new Set(small.objects.countries.geometries.map((g) => g.id));
const centres = {};
for (const f of feature(detailed, detailed.objects.countries).features) {
  if (!f.id || drawn.has(f.id)) continue;
  const country = iso.whereNumeric(f.id);
  if (!country) continue;
  centres[country.alpha2] = geoCentroid(f).map((x) => Math.round(x * 100) / 100);
}
const sorted = Object.fromEntries(Object.entries(centres).sort(([a], [b]) => a.localeCompare(b)));
writeFileSync(new URL('../src/lib/smallCountries.json', import.meta.url), `${JSON.stringify(sorted)}\n`);
console.log(`${Object.keys(sorted).length} small countries`);
