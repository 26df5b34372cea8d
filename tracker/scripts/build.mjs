// Builds src/tracker.js into dist/tracker.js: one minified IIFE for every evergreen browser, no
// modules. Prints the raw and gzipped sizes and fails when the gzipped size passes the budget.
import { build } from 'esbuild';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const BUDGET_GZIP_BYTES = 1500;

/** Bundles and minifies the tracker in memory and returns its source text. */
export async function bundle() {
  const result = await build({
    entryPoints: [join(root, 'src/tracker.js')],
    bundle: true,
    format: 'iife',
    minify: true,
    // The oldest engines still called evergreen; keeps the output free of newer syntax.
    target: ['chrome100', 'edge100', 'firefox100', 'safari15'],
    legalComments: 'none',
    write: false,
  });
  return result.outputFiles[0].text.trim();
}

/** Gzip size at the level a server would use for a static asset. */
export function gzipSize(code) {
  return gzipSync(code, { level: 9 }).length;
}

async function main() {
  const code = await bundle();
  const raw = Buffer.byteLength(code);
  const gzip = gzipSize(code);
  mkdirSync(join(root, 'dist'), { recursive: true });
  writeFileSync(join(root, 'dist/tracker.js'), code + '\n');
  console.log(`dist/tracker.js: ${raw} bytes, ${gzip} bytes gzipped (budget ${BUDGET_GZIP_BYTES})`);
  if (gzip > BUDGET_GZIP_BYTES) {
    console.error(`tracker is ${gzip - BUDGET_GZIP_BYTES} bytes over the gzipped size budget`);
    process.exit(1);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main();
}
