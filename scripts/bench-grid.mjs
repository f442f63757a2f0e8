// Usage: node scripts/bench-grid.mjs WORKDIR SSIMULACRA2 PHOTO... (run by scripts/bench-grid.sh, which says what
// is measured). Prints one Markdown table.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { convert, setVariant, setTileThreads } from '../dist/heic.js';

const [dir, ssimulacra2, ...photos] = process.argv.slice(2);
const tiles = (process.env.BENCH_TILES ?? '256 512 1024').split(/\s+/).filter(Boolean).map(Number);
const threads = (process.env.BENCH_THREADS ?? '1 2').split(/\s+/).filter(Boolean).map(Number);
setVariant('simd');

const sh = (cmd, args) => execFileSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 26 });
/** SSIMULACRA2 of a HEIC against the source PNG, decoded by Debian's heif-convert. */
function score(refPng, heic) {
  const f = join(dir, 'grid-bench.heic'), png = join(dir, 'grid-bench.png');
  writeFileSync(f, heic);
  sh('heif-convert', [f, png]);
  return Number(sh(ssimulacra2, [refPng, png]).trim());
}
/** log(bytes) at `s`, interpolated (extrapolated at the ends) through the (score, bytes) points. */
function bytesAt(points, s) {
  const p = [...points].sort((a, b) => a.score - b.score);
  let i = 0;
  while (i < p.length - 2 && s > p[i + 1].score) i++;
  const [a, b] = [p[i], p[i + 1]];
  const t = (s - a.score) / (b.score - a.score);
  return Math.exp(Math.log(a.bytes) + t * (Math.log(b.bytes) - Math.log(a.bytes)));
}

console.log('| Photo | Encode | Threads | Bytes | SSIMULACRA2 | Encode s | ÷ native time | Bytes ÷ one image at equal score |');
console.log('|---|---|---:|---:|---:|---:|---:|---:|');
for (const photo of photos) {
  const input = new Uint8Array(readFileSync(photo));
  const ref = join(dir, `${basename(photo)}.png`);
  sh('convert', [photo, ref]);
  const [w, h] = sh('identify', ['-format', '%w %h', photo]).split(' ').map(Number);
  const name = `${basename(photo)} (${(w * h / 1e6).toFixed(1)} MP)`;
  const out = join(dir, 'native.heic');
  const t0 = performance.now();
  sh('taskset', ['-c', '0', 'heif-enc', '-q', '50', '-p', 'preset=slow', '-p', 'tune=ssim', '-o', out, photo]);
  const nativeMs = performance.now() - t0;
  const native = { bytes: statSync(out).size, score: score(ref, readFileSync(out)) };
  console.log(`| ${name} | native heif-enc | 1 | ${native.bytes} | ${native.score.toFixed(2)} | ${(nativeMs / 1000).toFixed(2)} | 1.00× | |`);
  setTileThreads(1);
  const one = [];
  let oneMs = 0;
  for (const quality of [46, 50, 54]) {
    const r = await convert(input, { format: 'heic', quality, tileSize: 0 });
    one.push({ quality, bytes: r.outputBytes, score: score(ref, r.data) });
    if (quality === 50) oneMs = r.timings.encodeMs;
  }
  const o50 = one.find((p) => p.quality === 50);
  console.log(`| ${name} | wasm simd, one image | 1 | ${o50.bytes} | ${o50.score.toFixed(2)} | ${(oneMs / 1000).toFixed(2)} | ${(oneMs / nativeMs).toFixed(2)}× | 1.000 |`);
  for (const tileSize of tiles) {
    for (const n of threads) {
      setTileThreads(n);
      const r = await convert(input, { format: 'heic', tileSize });
      const s = score(ref, r.data);
      console.log(`| ${name} | wasm simd, ${r.grid.columns}×${r.grid.rows} tiles of ${tileSize} | ${r.grid.helpers + 1} | ${r.outputBytes} | `
        + `${s.toFixed(2)} | ${(r.timings.encodeMs / 1000).toFixed(2)} | ${(r.timings.encodeMs / nativeMs).toFixed(2)}× | `
        + `${(r.outputBytes / bytesAt(one, s)).toFixed(3)} |`);
    }
  }
}
process.exit(0);
