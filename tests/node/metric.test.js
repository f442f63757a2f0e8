// ssimulacra2(): libjxl's SSIMULACRA2 in the metric module gives the scores of the native libjxl tool
// (scripts/build-ssimulacra2.sh builds it from the same pinned libjxl + Highway sources), to 0.05, on real photos
// and their HEIC, AVIF and WebP encodings at a low and a high quality, decoded by Debian's independent decoders;
// also with alpha (the tool's darker-of-two-backgrounds rule) and 16-bit samples. Plus what a caller meets:
// identical images score 100, a worse encoding scores lower, sizes that differ or are under 8 px are typed errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { convert, ssimulacra2, AdvcompressError } from 'advcompress/heic';
import { decodeIndependently, run, tmp } from './helpers.js';

const BUILD = fileURLToPath(new URL('../../scripts/build-ssimulacra2.sh', import.meta.url));
const NATURE = '/usr/share/backgrounds/mate/nature';
const PHOTOS = ['Storm', 'Dune', 'LadyBird', 'Wood', 'Aqua'];

let tool;
/** The native libjxl ssimulacra2 tool (built once per cache by the script; a warm cache answers at once). */
function nativeTool() {
  if (tool) return tool;
  const r = spawnSync('bash', [BUILD], { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`scripts/build-ssimulacra2.sh failed (${r.status}):\n${(r.stderr || '').slice(-3000)}`);
  tool = r.stdout.trim().split('\n').pop();
  return tool;
}
const native = (a, b) => Number(run(nativeTool(), [a, b]).trim());
const bytes = (p) => new Uint8Array(readFileSync(p));

/** A real photo scaled to `width` px by ImageMagick, as a PNG with no colour chunks (both tools read it as sRGB). */
function reference(name, width, extra = []) {
  const out = join(tmp, `${name}-${width}${extra.length ? '-x' : ''}.png`);
  run('convert', [join(NATURE, `${name}.jpg`), '-strip', '-resize', `${width}x`, ...extra,
    '-define', 'png:exclude-chunks=all', out]);
  return out;
}

test('SSIMULACRA2 equals the native libjxl tool on photos and their HEIC, AVIF and WebP encodings', async () => {
  const rows = [];
  for (const name of PHOTOS) {
    const ref = reference(name, 768);
    for (const format of ['heic', 'avif', 'webp']) {
      for (const quality of [25, 75]) {
        const out = await convert(bytes(ref), { format, quality, effort: 0 });
        const png = decodeIndependently(out.data, format, `${name}-${format}-${quality}`);
        const want = native(ref, png);
        const got = await ssimulacra2(bytes(ref), bytes(png));
        rows.push({ name, format, quality, want, got });
        assert.ok(Math.abs(got - want) <= 0.05, `${name} ${format} q${quality}: ${got} vs the native tool's ${want}`);
      }
    }
  }
  // The scores mean something: every photo's quality-75 encodings score above its quality-25 ones.
  for (const r of rows.filter((x) => x.quality === 75))
    assert.ok(r.got > rows.find((x) => x.name === r.name && x.format === r.format && x.quality === 25).got, `${r.name} ${r.format}`);
  const worst = Math.max(...rows.map((r) => Math.abs(r.got - r.want)));
  console.log(`# ${rows.length} pairs, scores ${Math.min(...rows.map((r) => r.want)).toFixed(1)}..` +
    `${Math.max(...rows.map((r) => r.want)).toFixed(1)}, largest difference to the native tool ${worst.toExponential(2)}`);
});

test('the encoded file itself can be scored: our decoding against the independent one', async () => {
  // ssimulacra2(source, output) decodes the output with this package's decoders; Debian's give the same score to
  // within rounding of the YUV -> RGB conversion.
  const ref = reference('Storm', 768);
  for (const format of ['heic', 'avif', 'webp']) {
    const out = await convert(bytes(ref), { format, quality: 50, effort: 0 });
    const direct = await ssimulacra2(bytes(ref), out.data);
    const independent = native(ref, decodeIndependently(out.data, format, `direct-${format}`));
    assert.ok(Math.abs(direct - independent) <= 0.5, `${format}: ${direct} (ours) vs ${independent} (Debian's decoder)`);
  }
});

test('alpha: the darker of two backgrounds, as the native tool; 16-bit samples', async () => {
  // An alpha ramp over a real photo, encoded lossy to WebP (alpha kept), decoded by dwebp to an RGBA PNG.
  const ref = reference('LadyBird', 512, ['(', '+clone', '-fx', 'i/w', ')', '-alpha', 'off', '-compose', 'CopyOpacity',
    '-composite']);
  assert.match(run('identify', ['-format', '%[channels]', ref]), /a/, 'the reference has an alpha channel');
  const out = await convert(bytes(ref), { format: 'webp', quality: 40 });
  const png = decodeIndependently(out.data, 'webp', 'alpha-webp');
  const want = native(ref, png);
  const got = await ssimulacra2(bytes(ref), bytes(png));
  assert.ok(Math.abs(got - want) <= 0.05, `alpha: ${got} vs ${want}`);

  // 16-bit: a 16-bit PNG and its 10-bit AVIF, which avifdec writes back as a 16-bit PNG.
  const ref16 = reference('Wood', 512, ['-depth', '16']);
  const avif = await convert(bytes(ref16), { format: 'avif', quality: 40, bitDepth: 10 });
  const png16 = decodeIndependently(avif.data, 'avif', 'deep-avif');
  assert.match(run('identify', ['-format', '%z', png16]), /16/, 'avifdec wrote 16-bit samples');
  const want16 = native(ref16, png16);
  const got16 = await ssimulacra2(bytes(ref16), bytes(png16));
  assert.ok(Math.abs(got16 - want16) <= 0.05, `16-bit: ${got16} vs ${want16}`);
});

test('identical images score 100; sizes that differ or are under 8 px are typed errors', async () => {
  const ref = reference('Dune', 256);
  assert.equal(await ssimulacra2(bytes(ref), bytes(ref)), 100);
  const other = reference('Dune', 200);
  await assert.rejects(ssimulacra2(bytes(ref), bytes(other)), (e) => e instanceof AdvcompressError &&
    e.code === 'INVALID_OPTION' && /differ in size \(256x\d+ vs 200x\d+\)/.test(e.message));
  const tiny = reference('Dune', 7);
  await assert.rejects(ssimulacra2(bytes(tiny), bytes(tiny)), (e) => e instanceof AdvcompressError &&
    e.code === 'INVALID_OPTION' && /8x8 or more/.test(e.message));
  await assert.rejects(ssimulacra2(bytes(ref), new Uint8Array([1, 2, 3])), (e) => e instanceof AdvcompressError &&
    e.code === 'UNSUPPORTED_FORMAT');
});
