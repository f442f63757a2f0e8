// Every real fixture file (scripts/fetch-fixtures.sh) through our decoders: what Debian's tools decode, we decode at
// the same size; what they call corrupt gives a typed AdvcompressError (or decodes, as libpng does for damage in
// ancillary chunks only), never a crash, an untyped exception or a hang. Formats whose decoders are still to come
// (GIF, BMP, animated WebP) must be refused by name with UNSUPPORTED_FORMAT, not misread.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fixturesDir } from './fixtures.js';
import { psnr, tmp } from './helpers.js';
import { decode, AdvcompressError } from 'advcompress/heic';
import { fixturesSkipReason, loadFixtures } from './fixtures.js';

const skip = fixturesSkipReason() || false;
const all = skip ? [] : loadFixtures();
const generous = { maxPixels: 2 ** 40, maxSide: 2 ** 20, maxInputBytes: 2 ** 40 };

// Decodes with a deadline: a hang is a failure like any other.
async function tryDecode(f) {
  const bytes = new Uint8Array(readFileSync(f.file));
  let timer;
  const deadline = new Promise((_, reject) => { timer = setTimeout(() => reject(new Error('timeout (20 s)')), 20000); });
  try {
    return { image: await Promise.race([decode(bytes, { autoOrient: false }), deadline]) };
  } catch (e) {
    return { error: e };
  } finally {
    clearTimeout(timer);
  }
}

const groups = [
  ['jpeg', 'JPEG (libjpeg-turbo)'], ['png', 'PNG (libpng)'], ['heif', 'HEIF/HEIC primary image (libheif + libde265)'],
  ['avif', 'AVIF primary image (libheif + libaom)'], ['webp', 'still WebP (libwebp)'],
];

for (const [format, what] of groups) {
  test(`${what}: every fixture decodes at the tools' size or fails with a typed error`, { skip }, async () => {
    const files = all.filter((f) => f.format === format);
    assert.ok(files.length > 0);
    const problems = [];
    const tally = { decoded: 0, typed: 0, corruptDecoded: 0 };
    for (const f of files) {
      const r = await tryDecode(f);
      const name = `${f.set}/${f.path}`;
      if (r.error && !(r.error instanceof AdvcompressError)) { problems.push(`${name}: untyped ${r.error}`); continue; }
      if (r.error) {
        tally.typed++;
        // A file the tools decode must decode here too, except for what we refuse by design (12-bit JPEG,
        // animated WebP) or a limit, and HEIF item types our libheif build lacks (uncompressed, JPEG 2000).
        // Also when the tools decoded it only with "Corrupt JPEG data" warnings (djpeg exits 2): lost data is
        // CORRUPT_INPUT here by design, never a silently damaged image.
        const warned = r.error.code === 'CORRUPT_INPUT' && /Corrupt JPEG data|premature end/i.test(f.note);
        if (f.status === 'decodable' && !warned && !/12-bit|animated|not supported|Unsupported|limit/i.test(r.error.message))
          problems.push(`${name}: tools decode it (${f.width}x${f.height}), we said ${r.error.code}: ${r.error.message}`);
        continue;
      }
      tally.decoded++;
      if (f.status === 'corrupt') tally.corruptDecoded++;
      if (f.status === 'decodable' && f.width && f.height && (r.image.width !== f.width || r.image.height !== f.height))
        problems.push(`${name}: ${r.image.width}x${r.image.height}, the tools say ${f.width}x${f.height}`);
    }
    console.log(`${what}: ${files.length} files, ${tally.decoded} decoded (${tally.corruptDecoded} of them marked corrupt by the tools), ${tally.typed} typed errors`);
    assert.deepEqual(problems, []);
  });
}

test('GIF and BMP are recognised and refused by name until their decoders land', { skip }, async () => {
  for (const format of ['gif', 'bmp']) {
    for (const f of all.filter((x) => x.format === format).slice(0, 40)) {
      const r = await tryDecode(f);
      assert.ok(r.error instanceof AdvcompressError, `${f.path}: ${r.error ?? 'decoded'}`);
      assert.ok(['UNSUPPORTED_FORMAT', 'CORRUPT_INPUT'].includes(r.error.code), `${f.path}: ${r.error.code}`);
    }
  }
});

test('CMYK JPEG (Adobe-inverted YCCK) decodes to the right colours, not inverted (Pillow\'s pil_sample pair)', { skip }, async () => {
  const dir = join(fixturesDir(), 'pillow/Tests/images');
  const px = await decode(new Uint8Array(readFileSync(join(dir, 'pil_sample_cmyk.jpg'))));
  assert.equal(px.channels, 3);
  assert.equal(px.icc, undefined);  // a CMYK profile must not travel with RGB pixels
  const ours = join(tmp, 'cmyk-ours.ppm');
  writeFileSync(ours, Buffer.concat([Buffer.from(`P6\n${px.width} ${px.height}\n255\n`), Buffer.from(px.data)]));
  const db = psnr(ours, join(dir, 'pil_sample_rgb.jpg'));
  assert.ok(db >= 28, `against the RGB version of the same picture: ${db} dB (inverted would be ~2.5 dB)`);
});
