#!/usr/bin/env node
// Usage: node scripts/bench-memory.mjs [--quick]      (after scripts/setup.sh; --quick: the 12 MP photo only)
//
// Peak memory of one conversion, per output format and photo size: each conversion runs in a fresh Node process
// (the SIMD build, one thread, default options) and reports
//  - wasm: the bytes of linear memory its wasm modules hold after the job (decode module + encoder). A module's
//    memory grows to the job's peak and never shrinks, so this is the peak a browser worker holds too, and what
//    the worker pool's `recycleAboveBytes` compares;
//  - rss: the process's peak resident set (sampled every 20 ms; includes Node itself, ~50 MB, and the input and
//    output copies on the JS side).
// Photos: Elephants_5640x3172.jpg from Debian's mate-backgrounds (Sony RX100 IV), scaled with ImageMagick to
// 4608x2592 (12 MP) and 9216x5184 (48 MP, what current phones shoot), JPEG q92, into $CACHE/bench.
// Prints a Markdown table; memory figures are repeatable, the seconds are not (2 shared cores).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { elephants } from './bench-photos.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

if (process.argv[2] === '--child') {
  // one conversion: report wasm heap bytes, peak RSS, seconds
  const [photo, format] = process.argv.slice(3);
  const { convert } = await import(join(ROOT, 'dist', 'heic.js'));
  const { heapBytes } = await import(join(ROOT, 'dist', 'loader.js'));
  const { readFile } = await import('node:fs/promises');
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); }, 20);
  const t0 = performance.now();
  const r = await convert(await readFile(photo), { format });
  const ms = performance.now() - t0;
  clearInterval(timer);
  peak = Math.max(peak, process.memoryUsage().rss);
  console.log(JSON.stringify({ wasm: heapBytes(), rss: peak, ms, bytes: r.outputBytes, width: r.width, height: r.height }));
  process.exit(0);
}

if (!existsSync(join(ROOT, 'dist', 'heic.js'))) { console.error('build first: bash scripts/setup.sh'); process.exit(1); }
const photos = [['12 MP', 4608, 2592], ['48 MP', 9216, 5184]].slice(0, process.argv[2] === '--quick' ? 1 : 2)
  .map(([name, w, h]) => ({ name, w, h, file: elephants(w, h) }));

const MB = (b) => (b / 1048576).toFixed(0);
console.log('| Photo | Format | wasm memory (MiB) | peak RSS (MiB) | s | output bytes |');
console.log('|---|---|---:|---:|---:|---:|');
for (const p of photos) {
  for (const format of ['heic', 'avif', 'webp']) {
    const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--child', p.file, format], { encoding: 'utf8' });
    if (r.status !== 0) { console.error(r.stderr); process.exit(1); }
    const m = JSON.parse(r.stdout.trim().split('\n').pop());
    console.log(`| ${p.name} (${p.w}x${p.h}) | ${format} | ${MB(m.wasm)} | ${MB(m.rss)} | ${(m.ms / 1000).toFixed(1)} | ${m.bytes} |`);
  }
}
