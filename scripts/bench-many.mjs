#!/usr/bin/env node
// Usage: node scripts/bench-many.mjs          (after scripts/setup.sh)
//
// Several outputs from one photo, side by side in one run: `convertMany` (decode and orient once, then resize and
// encode each output) against one `convert()` per output (each decodes the JPEG again). The outputs are those of a
// responsive image set: WebP at 2048, 1280, 640 and 320 px wide (effort 4), from a 12 MP photo (Elephants from
// Debian's mate-backgrounds, scaled to 4608x2592 with ImageMagick, JPEG q92, in $CACHE/bench). SIMD build, one
// thread, best of 3. Prints a Markdown table; the ratio is the signal (2 shared cores).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { elephants } from './bench-photos.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
if (!existsSync(join(ROOT, 'dist', 'index.js'))) { console.error('build first: bash scripts/setup.sh'); process.exit(1); }
const { convert, convertMany } = await import(join(ROOT, 'dist', 'index.js'));
const photo = elephants(4608, 2592);
const bytes = new Uint8Array(readFileSync(photo));
const outputs = [2048, 1280, 640, 320].map((w) => ({ format: 'webp', maxWidth: w, effort: 4 }));

async function best(f) {
  let ms = Infinity, out;
  for (let i = 0; i < 3; i++) { const t0 = performance.now(); out = await f(); ms = Math.min(ms, performance.now() - t0); }
  return { ms, out };
}
await convert(bytes, outputs[3]);  // (modules loaded and compiled before timing)
const many = await best(() => convertMany(bytes, outputs));
const each = await best(() => (async () => { const rs = []; for (const o of outputs) rs.push(await convert(bytes, o)); return rs; })());
const same = many.out.every((r, i) => Buffer.compare(Buffer.from(r.data), Buffer.from(each.out[i].data)) === 0);
console.log('| outputs (WebP widths) | convert() each, s | convertMany, s | convertMany ÷ each | identical files |');
console.log('|---|---:|---:|---:|---|');
console.log(`| ${outputs.map((o) => o.maxWidth).join(', ')} from 4608x2592 | ${(each.ms / 1000).toFixed(2)} | ${(many.ms / 1000).toFixed(2)} | ${(many.ms / each.ms).toFixed(2)}× | ${same ? 'yes' : 'no'} |`);
