// Usage: node scripts/bench-tuning.mjs [WIDTH] [FORMAT...]   (after scripts/build.sh; WIDTH default 768; formats:
// heic avif webp, default all)
// Still-image tuning by measurement (issue 15 item 4): for each candidate setting, the bytes it needs for the same
// look as the format's default, over the 12 photos of Debian's mate-backgrounds (nature) scaled to WIDTH px by
// ImageMagick. Each photo and setting is encoded at qualities 20..95 and scored by the package's ssimulacra2()
// (libjxl's); log(bytes) is interpolated at SSIMULACRA2 70, 80 and 90 and divided by the default's. Prints one
// Markdown table: the median ratio over the photos (< 1: the setting is smaller at equal look), the range, and the
// encode-time ratio. Deterministic in bytes and scores; times are noisy on shared cores.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { convert, ssimulacra2 } from '../dist/heic.js';

const width = Number(process.argv[2] ?? 768);
const only = process.argv.slice(3);
const dir = '/usr/share/backgrounds/mate/nature';
const tmp = mkdtempSync(join(tmpdir(), 'advcompress-tuning-'));
const QUALITIES = [20, 30, 40, 50, 60, 70, 80, 90, 95];
const SCORES = [70, 80, 90];
/** [format, label, extra options]; the first of each format is its default, the baseline of the ratios. */
const SETTINGS = [
  ['avif', 'default (libheif: ALL_INTRA, tune ssim)', {}],
  ['avif', 'tune iq', { advanced: { tune: 'iq' } }],
  ['heic', 'default (8-bit, preset slow, tune ssim)', {}],
  ['heic', '10-bit', { bitDepth: 10 }],
  ['webp', 'default (method 6)', {}],
  ['webp', 'sharp YUV', { advanced: { use_sharp_yuv: '1' } }],
].filter(([format]) => !only.length || only.includes(format));

/** log(bytes) at score `s` by linear interpolation over the (score, log bytes) points (sorted by score). */
function logBytesAt(points, s) {
  const p = points.slice().sort((a, b) => a.score - b.score);
  for (let i = 1; i < p.length; i++) {
    if (p[i - 1].score <= s && s <= p[i].score && p[i].score > p[i - 1].score)
      return p[i - 1].lb + (s - p[i - 1].score) / (p[i].score - p[i - 1].score) * (p[i].lb - p[i - 1].lb);
  }
  return undefined;  // (the setting does not span this score on this photo)
}

const photos = readdirSync(dir).filter((f) => f.endsWith('.jpg')).sort();
const ratios = SETTINGS.map(() => SCORES.map(() => []));
const times = SETTINGS.map(() => []);
for (const f of photos) {
  const ref = join(tmp, f.replace(/\.jpg$/, '.png'));
  execFileSync('convert', [join(dir, f), '-strip', '-resize', `${width}x`, '-define', 'png:exclude-chunks=all', ref]);
  const src = new Uint8Array(readFileSync(ref));
  const curves = [];
  for (const [si, [format, , extra]] of SETTINGS.entries()) {
    const pts = [];
    let ms = 0;
    for (const quality of QUALITIES) {
      const r = await convert(src, { format, quality, ...extra });
      ms += r.timings.encodeMs;
      pts.push({ score: await ssimulacra2(src, r.data), lb: Math.log(r.outputBytes) });
    }
    curves.push(pts);
    const base = SETTINGS.findIndex(([fm]) => fm === format);
    times[si].push(ms);
    for (const [k, s] of SCORES.entries()) {
      const a = logBytesAt(pts, s), b = logBytesAt(curves[base], s);
      if (a !== undefined && b !== undefined) ratios[si][k].push(Math.exp(a - b));
    }
  }
  process.stderr.write(`${f} done\n`);
}
const median = (v) => { const s = v.slice().sort((a, b) => a - b); return (s[(s.length - 1) >> 1] + s[s.length >> 1]) / 2; };
console.log(`| Format | Setting | ${SCORES.map((s) => `Bytes ÷ default at SSIMULACRA2 ${s} (median, range, photos)`).join(' | ')} | Encode time ÷ default |`);
console.log(`|---|---|${SCORES.map(() => '---|').join('')}---|`);
for (const [si, [format, label]] of SETTINGS.entries()) {
  const base = SETTINGS.findIndex(([fm]) => fm === format);
  const cells = ratios[si].map((v) => (v.length ? `${median(v).toFixed(3)} (${Math.min(...v).toFixed(2)}–${Math.max(...v).toFixed(2)}, ${v.length})` : 'n/a'));
  const t = times[si].reduce((a, b) => a + b, 0) / times[base].reduce((a, b) => a + b, 0);
  console.log(`| ${format.toUpperCase()} | ${label} | ${cells.join(' | ')} | ${t.toFixed(2)} |`);
}
