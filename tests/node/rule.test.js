// Cloud rules applied locally (issue 4): the seeds' own rules on real photos, every output decoded and measured by
// an independent decoder (heif-convert, avifdec, dwebp) and ImageMagick; quality semantics checked byte for byte
// against the equivalent explicit option; ignore-error, warnings and errors as a user meets them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { convert, parseRule, probe, AdvcompressError } from 'advcompress/heic';
import * as permissive from 'advcompress';
import { PHOTO, photoBytes, decodeIndependently, dims, psnr, run, tmp, tmpFile } from './helpers.js';

const photo = photoBytes();  // 1920 x 1280, JPEG quality 98

// Seed 003's source is a 3924 x 2550 JPEG: the same shape, made from a real 5640 x 3172 photograph.
const ELEPHANTS = '/usr/share/backgrounds/mate/abstract/Elephants_5640x3172.jpg';
const seed003Path = join(tmp, 'seed003-3924x2550.jpg');
run('convert', [ELEPHANTS, '-resize', '3924x2550!', '-quality', '92', seed003Path]);
const seed003 = new Uint8Array(readFileSync(seed003Path));

const rejectsWith = (p, code, re) => assert.rejects(p, (e) => {
  assert.ok(e instanceof AdvcompressError, `not an AdvcompressError: ${e}`);
  assert.equal(e.code, code, e.message);
  if (re) assert.match(e.message, re);
  return true;
});

test('parseRule: the seeds\' rules', async () => {
  assert.equal((await parseRule('imageMogr2/format/heif')).format, 'heic');
  assert.equal((await parseRule('imageMogr2/format/avif')).format, 'avif');
  const oss = await parseRule('image/format,heic/resize,l_900,h_600');
  assert.equal(oss.format, 'heic');
  assert.deepEqual(oss.resize, [{ mode: 'fit', height: 600, onlyShrink: true, onlyEnlarge: false }]);
  assert.deepEqual(oss.warnings, []);
});

test('seed 003: image/format,heic/resize,l_900,h_600 turns a 3924 x 2550 JPEG into a 923 x 600 HEIC', async () => {
  const r = await convert(seed003, 'image/format,heic/resize,l_900,h_600');
  assert.equal(r.format, 'heic');
  assert.deepEqual([r.width, r.height], [923, 600]);
  const png = decodeIndependently(r.data, 'heic', 'seed003');
  assert.deepEqual(dims(png), { width: 923, height: 600 });
  // Close to ImageMagick's own resize of the source to the same size.
  const ref = join(tmp, 'seed003-ref.png');
  run('convert', [seed003Path, '-resize', '923x600!', ref]);
  const db = psnr(ref, png);
  assert.ok(db >= 30, `PSNR against ImageMagick's resize: ${db} dB`);
  assert.ok(r.outputBytes < seed003.byteLength / 20, `${r.outputBytes} bytes`);
});

test('imageMogr2 thumbnail forms on a real photo (AVIF, WebP), sizes read back by avifdec/dwebp', async () => {
  const cases = [
    ['imageMogr2/thumbnail/!50p/format/avif', 'avif', [960, 640]],
    ['imageMogr2/thumbnail/640x/format/webp', 'webp', [640, 427]],
    ['imageMogr2/thumbnail/x300/format/webp', 'webp', [450, 300]],
    ['imageMogr2/thumbnail/500x500/format/webp', 'webp', [500, 333]],
    ['imageMogr2/thumbnail/!500x500r/format/webp', 'webp', [750, 500]],
    ['imageMogr2/thumbnail/300x300!/format/webp', 'webp', [300, 300]],
    ['imageMogr2/thumbnail/3000x3000%3E/format/webp', 'webp', [1920, 1280]],
    ['imageMogr2/thumbnail/60000@/format/webp', 'webp', [300, 200]],
    ['image/resize,w_300,h_160,m_fill/format,webp', 'webp', [300, 160]],
    ['image/resize,w_300,h_160,m_pad,color_FF0000/format,webp', 'webp', [300, 160]],
    ['image/resize,p_25/format,avif', 'avif', [480, 320]],
  ];
  for (const [rule, format, size] of cases) {
    const r = await convert(photo, rule);
    assert.equal(r.format, format, rule);
    assert.deepEqual([r.width, r.height], size, rule);
    assert.deepEqual(Object.values(dims(decodeIndependently(r.data, format))), size, rule);
  }
});

test('m_pad fills the canvas with the rule colour; m_fill keeps the centre', async () => {
  const pad = await convert(photo, 'image/resize,w_300,h_300,m_pad,color_FF0000/format,webp/quality,Q_90');
  const png = decodeIndependently(pad.data, 'webp', 'pad');
  const corner = run('convert', [png, '-format', '%[pixel:p{2,2}]', 'info:']).trim();
  assert.match(corner, /^s?rgb\((25[0-5]|24\d),([0-5]),([0-5])\)$|^red$/, corner);
  const fill = await convert(photo, { format: 'webp', quality: 90, resize: [{ mode: 'fill', width: 200, height: 400 }] });
  const ref = join(tmp, 'fill-ref.png');
  run('convert', [PHOTO, '-resize', '200x400^', '-gravity', 'center', '-extent', '200x400', ref]);
  const db = psnr(ref, decodeIndependently(fill.data, 'webp', 'fill'));
  assert.ok(db >= 28, `fill vs ImageMagick's centre crop: ${db} dB`);
});

test('quality steps are relative to the source JPEG quality (98 here, as ImageMagick estimates it)', async () => {
  const info = await probe(photo);
  assert.equal(info.quality, Number(run('identify', ['-format', '%Q', PHOTO]).trim()));
  const same = async (rule, quality) => {
    const a = await convert(photo, { rule, effort: 0 });
    const b = await convert(photo, { format: 'webp', quality, effort: 0 });
    assert.ok(Buffer.from(a.data).equals(Buffer.from(b.data)), `${rule} should equal quality ${quality}`);
    assert.equal(a.quality, quality, 'the result reports the quality the encoder used');
    assert.ok(a.warnings.some((w) => w.startsWith('quality:')), a.warnings.join('; '));
  };
  await same('imageMogr2/quality/60/format/webp', 60);          // min(98, 60)
  await same('imageMogr2/rquality/50/format/webp', 49);         // 98 x 50 %
  await same('imageMogr2/lquality/99/format/webp', 99);         // max(98, 99)
  await same('image/quality,q_50/format,webp', 49);             // OSS relative
  await same('image/format,webp/quality,Q_100', 98);            // OSS absolute: min(98, 100)
});

test('strip and auto-orient from the rule; a chained rule and a pipe', async () => {
  const r = await convert(photo, 'imageMogr2/thumbnail/800x/strip|imageMogr2/format/heif/auto-orient');
  assert.equal(r.format, 'heic');
  assert.deepEqual([r.width, r.height], [800, 533]);
  const f = tmpFile('strip.heic', r.data);
  assert.doesNotMatch(run('exiftool', ['-s', '-Model', f]), /Model/);
});

test('ignore-error/1 hands back the original when the output would exceed 9999 px; without it, OUTPUT_TOO_LARGE', async () => {
  const r = await convert(photo, 'imageMogr2/thumbnail/!1000p/format/heif/ignore-error/1');
  assert.equal(r.passthrough, true);
  assert.equal(r.format, 'jpeg');
  assert.equal(r.mimeType, 'image/jpeg');
  assert.ok(Buffer.from(r.data).equals(Buffer.from(photo)));
  assert.ok(r.warnings.some((w) => /OUTPUT_TOO_LARGE/.test(w)), r.warnings.join('; '));
  await rejectsWith(convert(photo, 'imageMogr2/thumbnail/!1000p/format/heif'), 'OUTPUT_TOO_LARGE', /19200x12800.*9999/);
});

test('a bad rule is INVALID_RULE with position and token; jpg/png are not advanced-compression formats', async () => {
  await rejectsWith(convert(photo, 'imageMogr2/thumbnial/100x'), 'INVALID_RULE', /position 11 \('thumbnial'\)/);
  await rejectsWith(convert(photo, 'imageMogr2/format/png'), 'INVALID_RULE', /not an advanced-compression format/);
  await rejectsWith(parseRule('image/resize,w_100,m_stretch'), 'INVALID_RULE', /m must be lfit, mfit, fill, pad or fixed/);
  // The MIT entry point cannot write HEIC, whichever way it is asked.
  await rejectsWith(permissive.convert(photo, 'imageMogr2/format/heif'), 'UNSUPPORTED_FORMAT', /advcompress\/heic/);
});

test('maxWidth / maxHeight scale down only; an explicit option replaced by the rule is reported', async () => {
  const r = await convert(photo, { format: 'webp', maxWidth: 800, maxHeight: 800 });
  assert.deepEqual([r.width, r.height], [800, 533]);
  const small = await convert(photo, { format: 'webp', maxWidth: 4000 });
  assert.deepEqual([small.width, small.height], [1920, 1280]);
  const o = await convert(photo, { format: 'avif', rule: 'imageMogr2/format/webp', effort: 0 });
  assert.equal(o.format, 'webp');
  assert.ok(o.warnings.some((w) => /replaces the option's avif/.test(w)), o.warnings.join('; '));
  await rejectsWith(convert(photo, { maxWidth: 0 }), 'INVALID_OPTION', /maxWidth/);
});
