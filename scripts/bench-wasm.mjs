// Usage: node scripts/bench-wasm.mjs PHOTO FORMAT VARIANT [REPEAT]
// One conversion with the built package (dist/), single thread, default options: prints JSON
// {bytes, decodeMs, encodeMs} with the fastest of REPEAT runs (default 1). Used by scripts/bench.sh.
import { readFile } from 'node:fs/promises';
import { convert, setVariant } from '../dist/heic.js';

const [photo, format, variant, repeat = '1'] = process.argv.slice(2);
setVariant(variant);
const input = new Uint8Array(await readFile(photo));
let best;
for (let i = 0; i < Number(repeat); i++) {
  const r = await convert(input, { format });
  const t = { bytes: r.outputBytes, decodeMs: r.timings.decodeMs, encodeMs: r.timings.encodeMs, variant: r.variant };
  if (!best || t.encodeMs < best.encodeMs) best = t;
}
process.stdout.write(JSON.stringify(best) + '\n');
