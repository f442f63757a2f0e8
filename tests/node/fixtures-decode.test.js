// Every real fixture file (scripts/fetch-fixtures.sh) through our decoders: what Debian's tools decode, we decode at
// the same size; what they call corrupt gives a typed AdvcompressError (or decodes, as libpng does for damage in
// ancillary chunks only), never a crash, an untyped exception or a hang. Every frame is decoded (decodeFrames: all
// frames of animations, all top-level images of HEIF files). What we do not decode (RLE BMP) must be refused by name
// with UNSUPPORTED_FORMAT, not misread.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fixturesDir } from './fixtures.js';
import { psnr, tmp } from './helpers.js';
import { decode, decodeFrames, AdvcompressError } from 'advcompress/heic';
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
    const all = await Promise.race([decodeFrames(bytes, { autoOrient: false }), deadline]);
    return { image: all.frames[all.primaryIndex], frames: all.frames.length };
  } catch (e) {
    return { error: e };
  } finally {
    clearTimeout(timer);
  }
}

// Files the tools decode that our libraries refuse (typed CORRUPT_INPUT, never a wrong image), each for a
// reason of the library's: giflib's DGifSlurp reads every record and stops at the first it dislikes, where
// ImageMagick keeps what it has; stb_image knows no 16-byte OS/2 2.x header.
const LIBRARY_STRICTER = new Map([
  ['pillow/Tests/images/hopper_zero_comment_subblocks.gif', 'giflib: zero-length comment sub-blocks'],
  ['pillow/Tests/images/issue_2811.gif', 'giflib: data ends inside the LZW stream'],
  ['pillow/Tests/images/test_extents_transparency.gif', 'giflib: record after the image'],
  ['gdk-pixbuf/tests/test-images/gif-test-suite/max-codes.gif', 'giflib: LZW stream past the last code'],
  ['pillow/Tests/images/bmp/q/pal8os2v2-16.bmp', 'stb_image: 16-byte OS/2 2.x header'],
  ['vips/test/test-suite/images/garden.gif', 'giflib: a bad record in frame data (ImageMagick keeps the frames before it)'],
  ['vips/test/test-suite/images/invalid_multiframe.gif', 'giflib: a bad record after the first frames'],
  // Refused by design: a GIF frame without any colour table has no colours (GIF89a leaves them to "the decoder";
  // Pillow invents a grey ramp, browsers draw nothing): CORRUPT_INPUT rather than invented pixels.
  ['pillow/Tests/images/no_palette.gif', 'no colour table'],
  ['pillow/Tests/images/no_palette_after_rgb.gif', 'no colour table in the second frame'],
]);

const groups = [
  ['jpeg', 'JPEG (libjpeg-turbo)'], ['png', 'PNG (libpng)'], ['heif', 'HEIF/HEIC images (libheif + libde265)'],
  ['avif', 'AVIF images (libheif + libaom)'], ['webp', 'WebP (libwebp, demux)'], ['gif', 'GIF (giflib)'],
  ['bmp', 'BMP (stb_image)'],
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
        // A file the tools decode must decode here too, except for what we refuse by design (12-bit JPEG) or a limit, and HEIF item types our libheif build lacks (uncompressed, JPEG 2000).
        // Also when the tools decoded it only with "Corrupt JPEG data" warnings (djpeg exits 2): lost data is
        // CORRUPT_INPUT here by design, never a silently damaged image.
        const warned = r.error.code === 'CORRUPT_INPUT' && /Corrupt JPEG data|premature end/i.test(f.note);
        const stricter = LIBRARY_STRICTER.has(name);
        if (f.status === 'decodable' && !warned && !stricter && !/12-bit|animated|RLE|not supported|Unsupported|limit/i.test(r.error.message))
          problems.push(`${name}: tools decode it (${f.width}x${f.height}), we said ${r.error.code}: ${r.error.message}`);
        continue;
      }
      tally.decoded++;
      if (f.status === 'corrupt') tally.corruptDecoded++;
      if (f.status === 'decodable' && f.width && f.height && (r.image.width !== f.width || r.image.height !== f.height))
        problems.push(`${name}: ${r.image.width}x${r.image.height}, the tools say ${f.width}x${f.height}`);
      if (f.status === 'decodable' && f.format !== 'heif' && f.format !== 'avif' && Number(f.frames) > 0 && r.frames !== Number(f.frames))
        problems.push(`${name}: ${r.frames} frames, the tools say ${f.frames}`);
    }
    console.log(`${what}: ${files.length} files, ${tally.decoded} decoded (${tally.corruptDecoded} of them marked corrupt by the tools), ${tally.typed} typed errors`);
    assert.deepEqual(problems, []);
  });
}

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

test('real still GIF and BMP files convert losslessly to exactly what ImageMagick reads from them; a GIF bomb is refused', { skip }, async () => {
  const { convert } = await import('advcompress/heic');
  const { decodeIndependently, dims } = await import('./helpers.js');
  const dir = join(fixturesDir(), 'pillow/Tests/images');
  for (const [name, format] of [['hopper.gif', 'webp'], ['hopper.bmp', 'heic'], ['bmp/g/pal8.bmp', 'webp']]) {
    const src = join(dir, name);
    const r = await convert(new Uint8Array(readFileSync(src)), { format, lossless: true, effort: 2 });
    const out = decodeIndependently(r.data, format);
    assert.deepEqual(dims(out), name.startsWith('bmp/') ? { width: 127, height: 64 } : { width: 128, height: 128 }, name);
    const db = psnr(src, out);
    assert.equal(db, Infinity, `${name} -> lossless ${format}: ${db} dB against ImageMagick's reading of the source`);
  }
  // A 13-byte GIF claiming 50000 x 50000: refused from its header, in milliseconds, with the limit named.
  const t0 = performance.now();
  await assert.rejects(convert(new Uint8Array(Buffer.from('GIF89a\x50\xC3\x50\xC3\x00\x00\x00', 'latin1'))),
    (e) => e instanceof AdvcompressError && e.code === 'DIMENSIONS_TOO_LARGE' && /50000.*30000/.test(e.message));
  assert.ok(performance.now() - t0 < 1000);
});
