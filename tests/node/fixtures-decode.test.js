// Every real fixture file (scripts/fetch-fixtures.sh) through our decoders: what Debian's tools decode, we decode at
// the same size; what they call corrupt gives a typed AdvcompressError (or decodes, as libpng does for damage in
// ancillary chunks only), never a crash, an untyped exception or a hang. Every frame is decoded (decodeFrames: all
// frames of animations, all top-level images of HEIF files). What we do not decode must be refused by name with
// UNSUPPORTED_FORMAT, not misread.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fixturesDir } from './fixtures.js';
import { psnr, run, tmp } from './helpers.js';
import { convert, decode, decodeFrames, probe, AdvcompressError } from 'advcompress/heic';
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
  // bmpsuite's "bad" RLE file, made to overrun buffers: a delta past the bitmap (libnsbmp refuses; ImageMagick clips)
  ['pillow/Tests/images/bmp/b/badrle.bmp', 'libnsbmp: an RLE delta past the bitmap'],
  // one of Firefox's AVIF crash tests: libaom says "Corrupt frame detected" (so does avifdec -c aom); dav1d reads it
  ['firefox-esr/image/test/crashtests/1910211-1.avif', 'libaom: corrupt frame (dav1d reads it)'],
]);

const groups = [
  ['jpeg', 'JPEG (libjpeg-turbo)'], ['png', 'PNG and APNG (libpng + APNG patch)'], ['heif', 'HEIF/HEIC images (libheif + libde265)'],
  ['avif', 'AVIF images (libheif + libaom)'], ['webp', 'WebP (libwebp, demux)'], ['gif', 'GIF (giflib)'],
  ['bmp', 'BMP (stb_image; RLE4/RLE8: libnsbmp)'],
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
        // An APNG whose animation chunks are damaged: the tools read its default image only; tests/node/apng.test.js
        // holds every APNG fixture to Chromium's reading instead (which refuses these as we do, or is listed there).
        const stricter = LIBRARY_STRICTER.has(name) || (f.format === 'png' && f.features.apng !== undefined);
        if (f.status === 'decodable' && !warned && !stricter && !/12-bit|animated|not supported|Unsupported|limit/i.test(r.error.message))
          problems.push(`${name}: tools decode it (${f.width}x${f.height}), we said ${r.error.code}: ${r.error.message}`);
        continue;
      }
      tally.decoded++;
      if (f.status === 'corrupt') tally.corruptDecoded++;
      if (f.status === 'decodable' && f.width && f.height && (r.image.width !== f.width || r.image.height !== f.height))
        problems.push(`${name}: ${r.image.width}x${r.image.height}, the tools say ${f.width}x${f.height}`);
      // (ImageMagick reads an APNG's default image only: its frame count is exiftool's, from the acTL chunk)
      const frames = f.format === 'png' && f.features.apng ? Number(f.features.apng) : Number(f.frames);
      if (f.status === 'decodable' && f.format !== 'heif' && f.format !== 'avif' && frames > 0 && r.frames !== frames)
        problems.push(`${name}: ${r.frames} frames, the tools say ${frames}`);
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
  for (const [name, format] of [['hopper.gif', 'webp'], ['hopper.bmp', 'heic'], ['bmp/g/pal8.bmp', 'webp'],
    ['hopper_rle8.bmp', 'webp'], ['bmp/g/pal4rle.bmp', 'avif']]) {
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

// RGBA pixels (ours) or an image file laid over magenta as a PNG: fully transparent pixels compare equal whatever
// colour they hide.
function overMagenta(src, name) {
  const png = join(tmp, `${name}-magenta.png`);
  if (typeof src === 'string') {
    run('convert', [src, '-background', '#ff00ff', '-alpha', 'remove', '-alpha', 'off', png]);
  } else {
    const raw = join(tmp, `${name}.rgba`);
    writeFileSync(raw, src.data);
    run('convert', ['-size', `${src.width}x${src.height}`, '-depth', '8', `rgba:${raw}`, '-background', '#ff00ff',
      '-alpha', 'remove', '-alpha', 'off', png]);
  }
  return png;
}

test('RLE4/RLE8 BMPs (libnsbmp): as their uncompressed twins, skipped pixels transparent as bmpsuite renders them', { skip }, async () => {
  const dir = join(fixturesDir(), 'pillow/Tests/images');
  const cases = [
    // bmpsuite (Pillow's copy): the same picture uncompressed, read by ImageMagick
    ['bmp/g/pal8rle.bmp', 'bmp/g/pal8.bmp'], ['bmp/g/pal4rle.bmp', 'bmp/g/pal4.bmp'],
    // RLE deltas leave pixels undefined: bmpsuite's reference rendering (html/*.png) shows them transparent
    ['bmp/q/pal8rletrns.bmp', 'bmp/html/pal8rletrns.png'], ['bmp/q/pal4rletrns.bmp', 'bmp/html/pal4rletrns.png'],
    // Pillow's: an end-of-line after the last row (patches/netsurf/0001), runs that wrap to the next row
    ['hopper_rle8.bmp', 'hopper_rle8.bmp'], ['hopper_rle8_row_overflow.bmp', 'hopper_rle8.bmp'],
    ['hopper_rle8_grayscale.bmp', 'hopper_rle8_grayscale.bmp'],
  ];
  for (const [rle, reference] of cases) {
    const px = await decode(new Uint8Array(readFileSync(join(dir, rle))), { rgba8: true });
    const name = rle.replace(/\W/g, '_');
    const db = psnr(overMagenta(px, name), overMagenta(join(dir, reference), `${name}-ref`));
    assert.equal(db, Infinity, `${rle}: ${db} dB against ${reference}`);
  }
  const trns = await decode(new Uint8Array(readFileSync(join(dir, 'bmp/q/pal8rletrns.bmp'))));
  assert.equal(trns.channels, 4, 'undefined pixels make an alpha channel');
  const opaque = await decode(new Uint8Array(readFileSync(join(dir, 'bmp/g/pal8rle.bmp'))));
  assert.equal(opaque.channels, 3, 'a fully defined RLE image stays RGB');
});

// The output limit from the headers, whatever the format: every fixture with a side over 9,999 px (the 17000 x 17000
// AVIF among them, which would take minutes and gigabytes to decode) is refused with OUTPUT_TOO_LARGE by the planner
// (plan_output) right after probing; the limits that would refuse it earlier are raised.
test('every fixture with a side over 9,999 px is refused with OUTPUT_TOO_LARGE before decoding', { skip }, async () => {
  const big = all.filter((f) => ['decodable', 'toolarge'].includes(f.status) && ['jpeg', 'png', 'gif', 'bmp', 'webp', 'heif', 'avif'].includes(f.format)
    && (Number(f.width) > 9999 || Number(f.height) > 9999) && Number(f.width) <= 30000 && Number(f.height) <= 30000);
  const checked = [];
  for (const f of big) {
    const bytes = new Uint8Array(readFileSync(f.file));
    // (files whose headers our probe refuses, e.g. exiv2's crafted JPEGs, are the corrupt-file tests' business)
    if (!await probe(bytes, generous).then(() => true, () => false)) continue;
    checked.push(f);
    await assert.rejects(convert(bytes, { format: 'webp', limits: generous }), (e) => {
      assert.ok(e instanceof AdvcompressError, `${f.set}/${f.path}: ${e}`);
      assert.equal(e.code, 'OUTPUT_TOO_LARGE', `${f.set}/${f.path}: ${e.code} ${e.message}`);
      return true;
    });
  }
  // (today one: vips' 17000 x 17000 AVIF; a crafted JPEG in errors.test.js and the 30000 x 30000 PNG of the
  // browser tests cover the decode module's formats)
  assert.ok(checked.some((f) => f.format === 'avif'), `an AVIF among them: ${checked.map((f) => `${f.set}/${f.path}`)}`);
});
