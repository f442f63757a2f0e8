// The main job on a real photograph: every output decodes in Debian's independent decoder, with the right format,
// dimensions, orientation and closeness to the source.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { convert, encode, decode, probe, psnr as psnrOf, setVariant } from 'advcompress/heic';
import * as permissive from 'advcompress';
import { join } from 'node:path';
import { PHOTO, photoBytes, decodeIndependently, dims, psnr, differingPixels, tmpFile, run, hvcC, av1C } from './helpers.js';

const source = photoBytes();
const sourcePng = tmpFile('source.png', new Uint8Array(0));
run('convert', [PHOTO, sourcePng]);

for (const variant of ['simd', 'baseline']) {
  for (const format of ['heic', 'avif', 'webp']) {
    test(`${format} (${variant}) from a real photo decodes independently, same size, PSNR >= 35 dB`, async () => {
      setVariant(variant);
      const r = await convert(source, { format });
      setVariant(undefined);
      assert.equal(r.format, format);
      assert.equal(r.variant, variant);
      assert.equal(r.mimeType, `image/${format}`);
      assert.equal(r.blob().type, `image/${format}`);
      assert.deepEqual([r.width, r.height], [1920, 1280]);
      assert.ok(r.outputBytes < r.inputBytes, `${r.outputBytes} >= ${r.inputBytes}`);
      assert.equal(r.ratio, r.outputBytes / r.inputBytes);
      const png = decodeIndependently(r.data, format);
      assert.deepEqual(dims(png), { width: 1920, height: 1280 });
      const db = psnr(sourcePng, png);
      assert.ok(db >= 35, `PSNR ${db} dB`);
    });
  }
}

// The simd build runs x265's Neon primitives on wasm SIMD128 (patches/x265/0002), the baseline build x265's C ones:
// the bitstreams must not differ by a byte (4:2:0 and 4:4:4 take different chroma primitives).
for (const [what, options] of [
  ['default options', {}],
  ['quality 90, chroma 444, 960 px wide', { quality: 90, chroma: '444', maxWidth: 960 }],
]) {
  test(`HEIC (${what}): the simd build (x265 Neon on wasm SIMD128) writes the same bytes as the baseline build (C)`, async () => {
    const out = {};
    for (const variant of ['simd', 'baseline']) {
      setVariant(variant);
      try { out[variant] = await convert(source, { format: 'heic', ...options }); } finally { setVariant(undefined); }
      assert.equal(out[variant].variant, variant);
    }
    assert.equal(out.simd.outputBytes, out.baseline.outputBytes);
    assert.ok(Buffer.from(out.simd.data).equals(Buffer.from(out.baseline.data)), 'same bytes');
  });
}

test('the heic and avif outputs carry the right brand; HEIC keeps EXIF (camera model) by default', async () => {
  const h = await convert(source, { format: 'heic', effort: 2 });
  assert.equal(Buffer.from(h.data.subarray(4, 12)).toString('latin1'), 'ftypheic');
  const a = await convert(source, { format: 'avif', effort: 0 });
  assert.equal(Buffer.from(a.data.subarray(4, 12)).toString('latin1'), 'ftypavif');
  const exif = run('exiftool', ['-s', '-Model', tmpFile('meta.heic', h.data)]);
  assert.match(exif, /Canon EOS 400D/);
  const stripped = await convert(source, { format: 'heic', effort: 2, metadata: 'strip' });
  assert.doesNotMatch(run('exiftool', ['-s', '-Model', tmpFile('strip.heic', stripped.data)]), /Canon/);
});

test('EXIF orientation 6 is applied: output is upright (sides swapped) and matches ImageMagick -auto-orient', async () => {
  const small = tmpFile('small.jpg', new Uint8Array(0));
  run('convert', [PHOTO, '-resize', '480x320', '-quality', '95', small]);
  run('exiftool', ['-q', '-overwrite_original', '-n', '-Orientation=6', small]);
  const ref = tmpFile('small-ref.png', new Uint8Array(0));
  run('convert', [small, '-auto-orient', ref]);
  const r = await convert(photoBytes(small), { format: 'webp', quality: 95 });
  assert.deepEqual([r.width, r.height], [320, 480]);
  const png = decodeIndependently(r.data, 'webp');
  assert.ok(psnr(ref, png) >= 35);
  const p = await probe(photoBytes(small));
  assert.equal(p.orientation, 6);
  assert.deepEqual([p.width, p.height, p.format], [480, 320, 'jpeg']);
});

test('lossless WebP from a PNG is bit-exact; lossless HEIC and AVIF are bit-exact too', async () => {
  const png = tmpFile('crop.png', new Uint8Array(0));
  run('convert', [PHOTO, '-crop', '256x192+800+500', '+repage', '-strip', png]);
  for (const format of ['webp', 'heic', 'avif']) {
    const r = await convert(photoBytes(png), { format, lossless: true });
    const out = decodeIndependently(r.data, format);
    assert.equal(differingPixels(png, out), 0, `${format} lossless differs`);
  }
  const q = await convert(photoBytes(png), { format: 'webp', quality: -1 });  // pillow-heif: quality -1 = lossless
  assert.equal(differingPixels(png, decodeIndependently(q.data, 'webp')), 0);
});

test('bitDepth 10 / 12 and 4:4:4 are what the HEIC and AVIF bitstreams declare, and decode independently', async () => {
  const r = await convert(source, { format: 'heic', bitDepth: 10, chroma: '444', effort: 1 });
  assert.equal(r.bitDepth, 10);
  assert.deepEqual(hvcC(r.data), { chroma: 3, bitDepth: 10 });
  const png = decodeIndependently(r.data, 'heic');
  assert.ok(psnr(sourcePng, png) >= 35);
  const d = await convert(source, { format: 'heic', effort: 1 });
  assert.deepEqual(hvcC(d.data), { chroma: 1, bitDepth: 8 });
  const a = await convert(source, { format: 'avif', bitDepth: 12, chroma: '444', effort: 0 });
  assert.deepEqual(av1C(a.data), { bitDepth: 12, chroma: '444' });
  assert.ok(psnr(sourcePng, decodeIndependently(a.data, 'avif')) >= 35);
});

test('encode() takes raw RGBA pixels (e.g. ImageData) and keeps alpha', async () => {
  const width = 64, height = 48;
  const data = new Uint8ClampedArray(width * height * 4);
  for (let i = 0; i < width * height; i++) {
    data[i * 4] = i % 256; data[i * 4 + 1] = (i >> 4) % 256; data[i * 4 + 2] = 128; data[i * 4 + 3] = i % width < 32 ? 255 : 0;
  }
  const r = await encode({ data, width, height }, { format: 'webp', lossless: true });
  assert.deepEqual([r.width, r.height], [64, 48]);
  // Read back by the WebP module's decoder: lossless, so the RGBA samples come back exactly (where alpha > 0;
  // libwebp's `exact` keeps even the colour under transparent pixels).
  const back = await permissive.decode(r.data);
  assert.deepEqual([back.width, back.height, back.channels], [64, 48, 4]);
  assert.ok(Buffer.from(back.data).equals(Buffer.from(data.buffer)), 'lossless WebP round trip');
  const out = decodeIndependently(r.data, 'webp');
  assert.match(run('identify', ['-format', '%[channels]', out]), /a/);
});

test('odd sizes (333x201, 4:2:0) come out at exactly that size in every format', async () => {
  const png = tmpFile('odd.png', new Uint8Array(0));
  run('convert', [PHOTO, '-resize', '333x201!', png]);
  for (const format of ['heic', 'avif', 'webp']) {
    const r = await convert(photoBytes(png), { format, effort: 1 });
    assert.deepEqual([r.width, r.height], [333, 201]);
    const out = decodeIndependently(r.data, format);
    assert.deepEqual(dims(out), { width: 333, height: 201 }, format);
    assert.ok(psnr(png, out) >= 30, `${format}: PSNR ${psnr(png, out)}`);
  }
});

test('onProgress reports loading, decoding, encoding, done in order with rising fractions', async () => {
  const seen = [];
  await convert(source, { format: 'webp', effort: 0 }, { onProgress: (p) => seen.push(p) });
  const stages = seen.map((p) => p.stage).filter((s, i, a) => s !== a[i - 1]);
  assert.deepEqual(stages, ['loading', 'decoding', 'loading', 'encoding', 'done']);
  for (let i = 1; i < seen.length; i++) assert.ok(seen[i].fraction >= seen[i - 1].fraction);
  assert.equal(seen.at(-1).fraction, 1);
});

test('decode() returns oriented RGB pixels of the photo', async () => {
  const d = await decode(source);
  assert.deepEqual([d.width, d.height, d.channels, d.bitDepth], [1920, 1280, 3, 8]);
  assert.equal(d.data.length, 1920 * 1280 * 3);
  assert.ok(d.exif && d.exif.length > 0);
});

test("'advcompress' (permissive) has no HEIC: a clear error points at 'advcompress/heic'", async () => {
  await assert.rejects(permissive.convert(source, { format: 'heic' }),
    (e) => e.code === 'UNSUPPORTED_FORMAT' && /advcompress\/heic/.test(e.message));
  const r = await permissive.convert(source, { format: 'webp', effort: 2 });
  assert.equal(r.format, 'webp');
});

test('decode() reads back HEIC, AVIF and WebP outputs (in their modules), matching heif-convert / avifdec / dwebp', async () => {
  for (const format of ['heic', 'avif', 'webp']) {
    const r = await convert(source, { format, effort: format === 'heic' ? 0 : 6, maxWidth: 640 });
    const px = await decode(r.data);
    assert.deepEqual([px.width, px.height, px.channels, px.bitDepth], [640, 427, 3, 8]);
    const ours = tmpFile(`ours-${format}.ppm`, Buffer.concat([Buffer.from(`P6\n640 427\n255\n`), Buffer.from(px.data)]));
    const theirs = decodeIndependently(r.data, format);
    assert.ok(psnr(ours, theirs) >= 45, `${format}: our decode vs the independent decoder: ${psnr(ours, theirs)} dB`);
  }
  const ten = await convert(source, { format: 'heic', effort: 0, bitDepth: 10, maxWidth: 320 });
  const deep = await decode(ten.data);
  const db = await psnrOf(source, (await convert(source, { format: 'webp' })).data);
  assert.ok(db > 35 && db < 60, `psnr() of a WebP q75: ${db} dB`);
  assert.equal(deep.bitDepth, 10);
  assert.ok(deep.data instanceof Uint16Array);
  const rgba = await decode(ten.data, { rgba8: true });  // for ImageData: 8-bit RGBA whatever the source
  assert.deepEqual([rgba.channels, rgba.data.constructor.name, rgba.data.length], [4, 'Uint8Array', 320 * 213 * 4]);
  assert.ok(Math.abs(rgba.data[0] - Math.round(deep.data[0] / 257)) <= 1);
  assert.equal(rgba.data[3], 255);
  assert.equal(ten.quality, 50);  // the HEIC default, reported
  assert.equal((await convert(source, { format: 'webp', lossless: true, maxWidth: 64 })).quality, 100);
});

test('HEIC and AVIF inputs (our own outputs) convert again: primary image via libheif, resize by the decode module', async () => {
  const heic = await convert(source, { format: 'heic', effort: 0 });
  const webp = await convert(heic.data, { format: 'webp', maxWidth: 960 });
  assert.deepEqual([webp.width, webp.height], [960, 640]);
  const png = decodeIndependently(webp.data, 'webp');
  assert.deepEqual(dims(png), { width: 960, height: 640 });
  const avif = await convert(source, { format: 'avif', maxWidth: 800 });
  const back = await convert(avif.data, 'imageMogr2/thumbnail/!50p/format/heif');
  assert.deepEqual([back.format, back.width, back.height], ['heic', 400, 267]);
  // The MIT entry point has no HEVC decoder: it says where to find one.
  await assert.rejects(permissive.convert(heic.data, { format: 'webp' }), (e) => e.code === 'UNSUPPORTED_FORMAT' && /advcompress\/heic/.test(e.message));
});

test('still WebP input converts (libwebp of the WebP module)', async () => {
  const webp = await convert(source, { format: 'webp', maxWidth: 600 });
  const heic = await convert(webp.data, { format: 'heic', effort: 0 });
  assert.deepEqual([heic.format, heic.width, heic.height], ['heic', 600, 400]);
  assert.deepEqual(dims(decodeIndependently(heic.data, 'heic')), { width: 600, height: 400 });
});

test('advanced WebP fields take effect: use_sharp_yuv changes the lossy WebP (an RGB import used to bypass it)', async () => {
  const photo = photoBytes();
  const plain = await convert(photo, { format: 'webp', maxWidth: 512 });
  const sharp = await convert(photo, { format: 'webp', maxWidth: 512, advanced: { use_sharp_yuv: '1' } });
  assert.notDeepEqual(Buffer.from(sharp.data), Buffer.from(plain.data));
  assert.ok(psnr(decodeIndependently(plain.data, 'webp', 'sharp-off'), decodeIndependently(sharp.data, 'webp', 'sharp-on')) > 30);
});
