// Usage: node scripts/target-model.mjs [WIDTH]      (after scripts/build.sh; WIDTH default 768)
// Measures the starting point of the SSIMULACRA2 target search (`target: { ssimulacra2 }`, web/src/target.ts): for
// each output format, the median score real photos reach at each quality: the 12 photos of Debian's
// mate-backgrounds (nature), scaled to WIDTH px by ImageMagick, each encoded at qualities 10..95 with the package's
// defaults and scored by its own ssimulacra2() (libjxl's, the metric module). Prints every measurement, then the
// median curve per format with the spread over photos; TARGET_MODEL in target.ts holds the curves this printed.
// One thread; about ten minutes.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { convert, ssimulacra2 } from '../dist/heic.js';

const width = Number(process.argv[2] ?? 768);
const dir = '/usr/share/backgrounds/mate/nature';
const tmp = mkdtempSync(join(tmpdir(), 'advcompress-model-'));
const QUALITIES = [10, 20, 30, 40, 50, 60, 70, 80, 90, 95];
const photos = readdirSync(dir).filter((f) => f.endsWith('.jpg')).sort();
const points = { heic: [], avif: [], webp: [] };
for (const f of photos) {
  const ref = join(tmp, f.replace(/\.jpg$/, '.png'));
  execFileSync('convert', [join(dir, f), '-strip', '-resize', `${width}x`, '-define', 'png:exclude-chunks=all', ref]);
  const src = new Uint8Array(readFileSync(ref));
  for (const format of Object.keys(points)) {
    const row = [];
    for (const q of QUALITIES) {
      const out = await convert(src, { format, quality: q });
      const s = await ssimulacra2(src, out.data);
      points[format].push({ q, s });
      row.push(`${q}:${s.toFixed(1)}`);
    }
    console.log(`${f} ${format} ${row.join(' ')}`);
  }
}
// The model: per format and quality, the median score over the photos (target.ts inverts it by interpolation).
console.log('\nTARGET_MODEL (quality: median SSIMULACRA2):');
for (const [format, pts] of Object.entries(points)) {
  const med = QUALITIES.map((q) => {
    const v = pts.filter((x) => x.q === q).map((x) => x.s).sort((x, y) => x - y);
    return [q, Number(((v[(v.length - 1) >> 1] + v[v.length >> 1]) / 2).toFixed(1))];
  });
  const spread = QUALITIES.map((q) => {
    const v = pts.filter((x) => x.q === q).map((x) => x.s);
    return (Math.max(...v) - Math.min(...v)).toFixed(0);
  });
  console.log(`  ${format}: ${JSON.stringify(med)},   // spread over photos: ${spread.join(' ')}`);
}
