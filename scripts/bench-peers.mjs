// Usage: node scripts/bench-peers.mjs BENCH_DIR SSIMULACRA2 PEERS_DIR PHOTO...   (run by scripts/bench-peers.sh)
//
// advcompress against the in-browser peers, side by side in one run, in Node: icodec 0.6.0 and jSquash
// (@jsquash/avif 2.1.1, @jsquash/webp 1.5.0), pinned in scripts/peers/, and the native tools of the same libraries
// where Debian has them (heif-enc: libheif 1.15 + x265 3.5 with assembly; cwebp). Every encoder gets the same
// pixels (the photo decoded once by advcompress) and its library's defaults, which here coincide: HEIC quality 50 =
// x265 crf 25, preset slow, tune ssim; AVIF quality 50, libaom speed 6; WebP quality 75, method 4 for the peers and
// cwebp, 6 for advcompress's default (so advcompress at effort 6 = method 4 is measured too). Each output is decoded
// by Debian's decoder and scored with SSIMULACRA2 against the decoded photo. Prints a Markdown table; the ratios
// (time and bytes ÷ advcompress's one-thread encode of the same format) are the signal, seconds on 2 shared cores
// are not. icodec's HEIC encoder is built with pthreads (it needs Web Workers and cross-origin isolation), so it
// cannot run in Node: not measured here.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { decode, encode, setTileThreads } from '../dist/heic.js';

const [dir, ssimulacra2, peersDir, ...photos] = process.argv.slice(2);
const peer = (p) => import(pathToFileURL(join(peersDir, 'node_modules', p)).href);
const wasm = (p) => WebAssembly.compile(readFileSync(join(peersDir, 'node_modules', p)));

const icodec = await peer('icodec/lib/node.js');
await icodec.avif.loadEncoder();
await icodec.webp.loadEncoder();
const jsqAvif = await peer('@jsquash/avif/encode.js');
await jsqAvif.init(await wasm('@jsquash/avif/codec/enc/avif_enc.wasm'));  // (the single-thread build, as in Node)
const jsqWebp = await peer('@jsquash/webp/encode.js');
await jsqWebp.init(await wasm('@jsquash/webp/codec/enc/webp_enc_simd.wasm'));

/** The encoders: name, settings, format, and a function from {rgb, rgba, width, height, file} to the output bytes. */
const ENCODERS = [
  // (pinned to one core: x265's wavefront threads would otherwise use both)
  ['native heif-enc', 'q50 (x265 3.5, asm, 1 core)', 'heic', (p, out) => { execFileSync('taskset', ['-c', '0', 'heif-enc', '-q', '50', '-o', out, p.png]); return readFileSync(out); }],
  ['advcompress', 'defaults, one image, 1 thread', 'heic', async (p) => { setTileThreads(1); return (await encode(p.rgb, { format: 'heic', tileSize: 0 })).data; }],
  ['advcompress', 'defaults (grid 1024, 2 threads)', 'heic', async (p) => { setTileThreads(2); return (await encode(p.rgb, { format: 'heic' })).data; }],
  ['advcompress', 'defaults (q50, speed 6)', 'avif', async (p) => (await encode(p.rgb, { format: 'avif' })).data],
  ['icodec 0.6.0', 'defaults (q50, speed 6)', 'avif', (p) => icodec.avif.encode(p.image, {})],
  ['jSquash 2.1.1', 'defaults (q50, speed 6)', 'avif', async (p) => new Uint8Array(await jsqAvif.default(p.image, {}))],
  ['native cwebp', 'q75 m4 (libwebp 1.2)', 'webp', (p, out) => { execFileSync('cwebp', ['-quiet', '-q', '75', '-m', '4', p.png, '-o', out]); return readFileSync(out); }],
  ['advcompress', 'defaults (q75, method 6)', 'webp', async (p) => (await encode(p.rgb, { format: 'webp' })).data],
  ['advcompress', 'effort 6 (q75, method 4)', 'webp', async (p) => (await encode(p.rgb, { format: 'webp', effort: 6 })).data],
  ['icodec 0.6.0', 'defaults (q75, method 4)', 'webp', (p) => icodec.webp.encode(p.image, {})],
  ['jSquash 1.5.0', 'defaults (q75, method 4)', 'webp', async (p) => new Uint8Array(await jsqWebp.default(p.image, {}))],
];
/** The reference row of each format: advcompress one thread (its one-image HEIC, its default AVIF and WebP). */
const REFERENCE = { heic: 1, avif: 3, webp: 7 };

function ppm(rgb, w, h) {
  return Buffer.concat([Buffer.from(`P6\n${w} ${h}\n255\n`), Buffer.from(rgb.buffer, rgb.byteOffset, rgb.byteLength)]);
}
function score(ref, bytes, format, stem) {
  const src = join(dir, `${stem}.${format}`), png = `${src}.png`;
  writeFileSync(src, bytes);
  if (format === 'heic') execFileSync('heif-convert', [src, png], { stdio: 'pipe' });
  else if (format === 'avif') execFileSync('avifdec', [src, png], { stdio: 'pipe' });
  else execFileSync('dwebp', ['-quiet', src, '-o', png]);
  return Number(execFileSync(ssimulacra2, [ref, png], { encoding: 'utf8' }).trim());
}

const rows = [];
for (const photo of photos) {
  const d = await decode(readFileSync(photo));  // (8-bit RGB for a JPEG)
  const { width, height } = d;
  const rgbBytes = new Uint8Array(d.data.buffer, d.data.byteOffset, d.data.byteLength);
  const rgba = new Uint8ClampedArray(width * height * 4);
  for (let i = 0, j = 0; i < rgbBytes.length; i += 3, j += 4) { rgba[j] = rgbBytes[i]; rgba[j + 1] = rgbBytes[i + 1]; rgba[j + 2] = rgbBytes[i + 2]; rgba[j + 3] = 255; }
  const stem = basename(photo).replace(/\.[^.]*$/, '');
  const ref = join(dir, `${stem}.ref.ppm`);
  writeFileSync(ref, ppm(rgbBytes, width, height));
  // (the native tools read PNG: the same pixels, written losslessly by ImageMagick)
  execFileSync('convert', [ref, `${ref}.png`]);
  const p = { rgb: { data: rgbBytes, width, height, channels: 3 }, image: { data: rgba, width, height, depth: 8 }, png: `${ref}.png` };
  // Warm-up: each encoder once on a 256 × 256 crop-sized image, so no timed run pays for compiling its module.
  const small = { rgb: { data: rgbBytes.subarray(0, 256 * 256 * 3), width: 256, height: 256, channels: 3 },
    image: { data: rgba.subarray(0, 256 * 256 * 4), width: 256, height: 256, depth: 8 }, png: join(dir, 'warm.png') };
  writeFileSync(join(dir, 'warm.ppm'), ppm(small.rgb.data, 256, 256));
  execFileSync('convert', [join(dir, 'warm.ppm'), small.png]);
  for (const [, , , run] of ENCODERS) await run(small, join(dir, 'warm.out'));
  const measured = [];
  for (const [i, [name, settings, format, run]] of ENCODERS.entries()) {
    const t0 = performance.now();
    const bytes = await run(p, join(dir, `${stem}.${i}.out`));
    const s = (performance.now() - t0) / 1000;
    measured.push({ name, settings, format, bytes: bytes.byteLength, s, score: score(ref, bytes, format, `${stem}.${i}`) });
    process.stderr.write(`${stem} ${format} ${name} ${settings}: ${bytes.byteLength} B, ${s.toFixed(2)} s\n`);
  }
  for (const m of measured) {
    const r = measured[REFERENCE[m.format]];
    rows.push([`${stem.replace(/-\d+x\d+$/, '')} ${(width * height / 1e6).toFixed(1)} MP`, m.format.toUpperCase(), m.name, m.settings, m.bytes.toLocaleString('en-US'),
      m.score.toFixed(2), m.s.toFixed(2), (m.s / r.s).toFixed(2), (m.bytes / r.bytes).toFixed(3)]);
  }
}
const head = ['photo', 'format', 'encoder', 'settings', 'bytes', 'SSIMULACRA2', 'encode s', 'time ÷ advcompress', 'bytes ÷ advcompress'];
const line = (r) => `| ${r.join(' | ')} |`;
process.stdout.write([line(head), line(head.map(() => '---')), ...rows.map(line)].join('\n') + '\n');
process.exit(0);  // (the peers' Emscripten runtimes keep handles open)
