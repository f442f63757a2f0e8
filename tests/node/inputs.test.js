// Multi-frame inputs end to end, on real files from Debian source packages (scripts/fetch-fixtures.sh):
// GIF frames composited as the GIF test suite (gdk-pixbuf's copy of Robert Ancell's suite) says, byte for byte;
// real animated GIFs and WebPs frame for frame against ImageMagick's -coalesce; outputs read back by Debian's
// webpmux/ImageMagick (animated WebP) and heif-info (multi-image HEIF/AVIF, primary image); HEIF inputs with several
// images, 10-bit grids, NCLX, ICC, EXIF and XMP (exiv2's and libheif's test files) carried over; probe() of WebP and
// HEIF headers; NCLX overrides; 10/12-bit AVIF with alpha (Firefox's test files) against avifdec.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { convert, decodeFrames, AdvcompressError } from 'advcompress/heic';
import { fixturesDir, fixturesSkipReason } from './fixtures.js';
import { av1C, psnr, run, tmp } from './helpers.js';

const skip = fixturesSkipReason() || false;
const dir = skip ? '' : fixturesDir();
const bytesOf = (p) => new Uint8Array(readFileSync(p));
let serial = 0;

// ImageMagick's reading of every frame of `file` (coalesced: each frame as shown), laid over magenta so that fully
// transparent pixels compare equal whatever RGB they hide. Returns the PNG paths in order.
function coalesced(file) {
  const prefix = join(tmp, `im-${serial++}`);
  run('convert', [file, '-coalesce', '-background', '#ff00ff', '-alpha', 'remove', '-alpha', 'off', `${prefix}-%04d.png`]);
  const base = prefix.split('/').pop();
  return readdirSync(tmp).filter((f) => f.startsWith(`${base}-`)).sort().map((f) => join(tmp, f));
}

// One of our decoded frames (rgba8) as a PNG laid over magenta, like coalesced().
function framePng(px) {
  const raw = join(tmp, `ours-${serial++}.rgba`);
  writeFileSync(raw, px.data);
  const png = raw.replace(/\.rgba$/, '.png');
  run('convert', ['-size', `${px.width}x${px.height}`, '-depth', '8', `rgba:${raw}`, '-background', '#ff00ff', '-alpha', 'remove',
    '-alpha', 'off', png]);
  return png;
}

// webpmux -info: frame count, loop count, per-frame durations (ms).
function webpInfo(data) {
  const f = join(tmp, `anim-${serial++}.webp`);
  writeFileSync(f, data);
  const out = run('webpmux', ['-info', f]);
  const frames = Number(/Number of frames: (\d+)/.exec(out)?.[1] ?? 1);
  const loop = Number(/Loop Count\s*:\s*(\d+)/.exec(out)?.[1] ?? NaN);
  const durations = [...out.matchAll(/^\s*\d+:\s+\d+\s+\d+\s+\w+\s+\d+\s+\d+\s+(\d+)/gm)].map((m) => Number(m[1]));
  return { file: f, frames, loop, durations };
}

// heif-info: the top-level images in file order and which one is primary.
function heifImages(data, ext) {
  const f = join(tmp, `multi-${serial++}.${ext}`);
  writeFileSync(f, data);
  const images = [...run('heif-info', [f]).matchAll(/^image: (\d+)x(\d+) \(id=\d+\)(, primary)?/gm)]
    .map((m) => ({ width: Number(m[1]), height: Number(m[2]), primary: Boolean(m[3]) }));
  return { file: f, images };
}

// ---- the GIF test suite: expected RGBA of every frame, delays and loop counts --------------------------------------
const SUITE = 'gdk-pixbuf/tests/test-images/gif-test-suite';

function readConf(path) {
  const conf = {};
  let section = 'config';
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const s = /^\[(.+)\]$/.exec(line.trim());
    if (s) { section = s[1]; conf[section] = {}; continue; }
    const kv = /^([\w-]+)\s*=\s*(.*)$/.exec(line.trim());
    if (kv) (conf[section] ??= {})[kv[1]] = kv[2].trim();
  }
  return conf;
}

// Where we answer differently from the suite's generator, and why.
const SUITE_DEVIATIONS = new Map([
  ['plain-text', 'the image after a Plain Text Extension is decoded and the text ignored, as browsers do; the suite lists no frames'],
  ['max-codes', 'giflib refuses an LZW stream running past the last code (typed CORRUPT_INPUT; fixtures-decode lists it too)'],
]);

test('GIF test suite: every listed case decodes to the expected frames, delays and loop count, byte for byte', { skip }, async () => {
  const suite = join(dir, SUITE);
  const listed = readFileSync(join(suite, 'TESTS'), 'utf8').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  const problems = [];
  let frames = 0;
  for (const name of listed) {
    const conf = readConf(join(suite, `${name}.conf`));
    const c = conf.config;
    const expected = c.frames ? c.frames.split(',').map((f) => f.trim()).filter(Boolean) : [];
    let got;
    try {
      // (max-width/max-height are 65535 px sides: beyond the default 30,000 px limit, so raised here)
      got = await decodeFrames(bytesOf(join(suite, c.input)), { rgba8: true, limits: { maxSide: 65535 } });
    } catch (e) {
      if (SUITE_DEVIATIONS.has(name) && e instanceof AdvcompressError) continue;
      if (!(e instanceof AdvcompressError)) problems.push(`${name}: untyped ${e}`);
      else if (expected.length) problems.push(`${name}: ${e.code} ${e.message}`);
      continue;  // no frames expected: the suite calls the file invalid, a typed error is the right answer
    }
    if (!expected.length) {
      if (!SUITE_DEVIATIONS.has(name)) problems.push(`${name}: decoded ${got.frames.length} frames, the suite expects an error`);
      continue;
    }
    if (got.frames.length !== expected.length) { problems.push(`${name}: ${got.frames.length} frames, expected ${expected.length}`); continue; }
    // The generator loops its forced animations (no loop extension) forever; browsers and gif2webp play those once.
    const loops = c['force-animation'] === 'yes' && !/NETSCAPE|ANIMEXTS/.test(readFileSync(join(suite, c.input), 'latin1')) ? 1
      : c['loop-count'] === 'infinite' ? 0 : Math.min(Number(c['loop-count']) + 1, 65535);
    if (got.loopCount !== loops) problems.push(`${name}: loop count ${got.loopCount}, expected ${loops}`);
    expected.forEach((id, i) => {
      const want = readFileSync(join(suite, conf[id].pixels));
      const px = got.frames[i];
      if (px.width !== Number(c.width) || px.height !== Number(c.height)) problems.push(`${name}[${i}]: ${px.width}x${px.height}`);
      else if (!Buffer.from(px.data).equals(want)) problems.push(`${name}[${i}]: pixels ${Buffer.from(px.data).toString('hex')} != ${want.toString('hex')}`);
      const delay = Number(conf[id].delay ?? 0) * 10;
      if (expected.length > 1 && got.durations[i] !== delay) problems.push(`${name}[${i}]: ${got.durations[i]} ms, expected ${delay}`);
      frames++;
    });
  }
  console.log(`GIF test suite: ${listed.length} cases, ${frames} frames compared`);
  assert.deepEqual(problems, []);
});

// ---- real animated GIF and WebP files against ImageMagick ---------------------------------------------------------
const ANIMATED = [
  'pillow/Tests/images/dispose_bgnd.gif', 'pillow/Tests/images/dispose_prev.gif', 'pillow/Tests/images/dispose_none.gif',
  'pillow/Tests/images/dispose_bgnd_transparency.gif', 'pillow/Tests/images/transparent_dispose.gif',
  'pillow/Tests/images/iss634.gif', 'vips/test/test-suite/images/dispose-background.gif',
  'vips/test/test-suite/images/dispose-previous.gif', 'vips/test/test-suite/images/cogs.gif', 'giflib/pic/fire.gif',
  'pillow/Tests/images/iss634.webp', 'vips/test/test-suite/images/big-height.webp',
];

test('real animated GIFs and WebPs: every frame as ImageMagick coalesces it, with its delay', { skip }, async () => {
  const problems = [];
  for (const rel of ANIMATED) {
    const file = join(dir, rel);
    const got = await decodeFrames(bytesOf(file), { rgba8: true });
    const theirs = coalesced(file);
    if (got.frames.length !== theirs.length) { problems.push(`${rel}: ${got.frames.length} frames, ImageMagick ${theirs.length}`); continue; }
    // GIF delays in centiseconds (identify %T); WebP durations in ms (webpmux).
    const delays = rel.endsWith('.gif')
      ? run('identify', ['-format', '%T,', file]).split(',').filter(Boolean).map((t) => Number(t) * 10)
      : webpInfo(bytesOf(file)).durations;
    assert.deepEqual(got.durations, delays, rel);
    got.frames.forEach((px, i) => {
      const db = psnr(framePng(px), theirs[i]);
      if (db !== Infinity) problems.push(`${rel}[${i}]: ${db} dB against ImageMagick's frame`);
    });
  }
  assert.deepEqual(problems, []);
});

test('animated GIF -> lossless animated WebP: same frames (ImageMagick), durations and loop count (webpmux)', { skip }, async () => {
  for (const rel of ['pillow/Tests/images/dispose_prev.gif', 'pillow/Tests/images/iss634.gif']) {
    const file = join(dir, rel);
    const src = await decodeFrames(bytesOf(file));
    const r = await convert(bytesOf(file), { format: 'webp', lossless: true });
    assert.equal(r.frameCount, src.frames.length, rel);
    assert.deepEqual(r.warnings, []);
    const info = webpInfo(r.data);
    assert.equal(info.frames, src.frames.length, rel);
    assert.deepEqual(info.durations, src.durations, rel);
    assert.equal(info.loop, src.loopCount, rel);
    const [a, b] = [coalesced(file), coalesced(info.file)];
    assert.equal(b.length, a.length);
    a.forEach((f, i) => assert.equal(psnr(f, b[i]), Infinity, `${rel} frame ${i}`));
  }
});

test('animated WebP -> lossy animated WebP keeps frames, durations and loop; saveAll: false writes one frame', { skip }, async () => {
  const file = join(dir, 'pillow/Tests/images/iss634.webp');
  const srcInfo = webpInfo(bytesOf(file));
  const r = await convert(bytesOf(file), { format: 'webp', quality: 90 });
  const info = webpInfo(r.data);
  assert.equal(info.frames, 42);
  assert.deepEqual(info.durations, srcInfo.durations);
  assert.equal(info.loop, srcInfo.loop);
  const [a, b] = [coalesced(file), coalesced(info.file)];
  a.forEach((f, i) => { const db = psnr(f, b[i]); assert.ok(db >= 30, `frame ${i}: ${db} dB`); });
  const one = await convert(bytesOf(file), { format: 'webp', quality: 90, saveAll: false, primaryIndex: 5 });
  assert.equal(one.frameCount, 1);
  const oneInfo = webpInfo(one.data);
  assert.equal(oneInfo.frames, 1);
  assert.ok(psnr(coalesced(oneInfo.file)[0], a[5]) >= 30, 'saveAll: false + primaryIndex 5 writes frame 5');
});

test('animated GIF -> multi-image HEIC and AVIF: one image item per frame, primaryIndex chooses the primary', { skip }, async () => {
  const file = join(dir, 'pillow/Tests/images/dispose_prev.gif');  // 100 x 100, 5 frames
  const theirs = coalesced(file);
  // (4:4:4: GIF frames are flat colours with hard edges, which 4:2:0 chroma smears to ~26 dB.)
  for (const [format, primaryIndex, expectPrimary] of [['heic', undefined, 0], ['avif', -1, 4], ['heic', 2, 2]]) {
    const r = await convert(bytesOf(file), { format, quality: 90, chroma: '444', primaryIndex });
    assert.equal(r.frameCount, 5);
    assert.ok(r.warnings.some((w) => /no timing/.test(w)), 'says that the durations are not kept');
    const { images } = heifImages(r.data, format);
    assert.equal(images.length, 5, `${format}: heif-info lists every frame`);
    assert.deepEqual(images.map((im) => im.primary), [0, 1, 2, 3, 4].map((i) => i === expectPrimary), `${format} primary`);
    // Read back by our decoder too: the images in order, each close to ImageMagick's frame.
    const back = await decodeFrames(r.data, { rgba8: true });
    assert.equal(back.primaryIndex, expectPrimary);
    back.frames.forEach((px, i) => { const db = psnr(framePng(px), theirs[i]); assert.ok(db >= 40, `${format} frame ${i}: ${db} dB`); });
  }
  const still = await convert(bytesOf(file), { format: 'heic', saveAll: false });
  assert.equal(still.frameCount, 1);
  assert.equal(heifImages(still.data, 'heic').images.length, 1);
  await assert.rejects(convert(bytesOf(file), { format: 'heic', primaryIndex: 5 }),
    (e) => e instanceof AdvcompressError && e.code === 'INVALID_OPTION' && /primaryIndex 5.*5 images/.test(e.message));
});

test('multi-image HEIC input (libheif example.heic, 2 images): both images kept, resized alike, primary kept', { skip }, async () => {
  const file = join(dir, 'libheif/examples/example.heic');
  const src = await decodeFrames(bytesOf(file));
  assert.equal(src.frames.length, 2);
  assert.equal(src.primaryIndex, 0);
  assert.deepEqual(src.durations, []);
  const r = await convert(bytesOf(file), { format: 'avif', maxWidth: 320, effort: 6 });
  assert.equal(r.frameCount, 2);
  const { images } = heifImages(r.data, 'avif');
  assert.deepEqual(images, [{ width: 320, height: 214, primary: true }, { width: 320, height: 214, primary: false }]);
  // WebP has no multi-image form: the primary image, with a warning that says so.
  const w = await convert(bytesOf(file), { format: 'webp', maxWidth: 320 });
  assert.equal(w.frameCount, 1);
  assert.ok(w.warnings.some((x) => /not an animation/.test(x)), w.warnings.join('; '));
});

test('HEIF inputs keep what they carry: 10-bit grid + NCLX + EXIF + XMP (Canon.HIF), ICC + EXIF (iPhone grid)', { skip }, async () => {
  const canon = join(dir, 'exiv2/test/data/Canon.HIF');  // 2400 x 1600, 10-bit HEVC grid, nclx, Exif, XMP
  const a = await convert(bytesOf(canon), { format: 'avif', maxWidth: 1200, effort: 6 });
  assert.deepEqual([a.width, a.height, a.bitDepth], [1200, 800, 10], '16-bit pixels are written as 10-bit by default');
  assert.equal(av1C(a.data).bitDepth, 10);
  const aFile = join(tmp, 'canon.avif');
  writeFileSync(aFile, a.data);
  const tags = JSON.parse(run('exiftool', ['-j', '-Make', '-Model', '-XMP:Rating', aFile]))[0];
  assert.deepEqual([tags.Make, tags.Model, tags.Rating], ['Canon', 'Canon EOS R5', 0], 'EXIF and XMP carried over');
  const info = run('heif-info', [aFile]);
  assert.match(info, /color profile: nclx/);
  assert.match(info, /XMP: 3072 bytes/);
  // Pixels: against heif-convert's decoding of the source, scaled by ImageMagick.
  const ref = join(tmp, 'canon-ref.png');
  run('heif-convert', [canon, ref]);
  run('convert', [ref, '-resize', '1200x800', ref]);
  const out = join(tmp, 'canon-out.png');
  run('avifdec', [aFile, out]);
  assert.ok(psnr(ref, out) >= 30, `Canon.HIF -> AVIF: ${psnr(ref, out)} dB`);

  const iphone = join(dir, 'exiv2/test/data/IMG_3578.heic');  // 4032 x 3024 grid of 49 tiles, Display P3 ICC, Exif
  const w = await convert(bytesOf(iphone), { format: 'webp', maxWidth: 1008 });
  assert.deepEqual([w.width, w.height], [1008, 756]);
  const wFile = join(tmp, 'iphone.webp');
  writeFileSync(wFile, w.data);
  const t = JSON.parse(run('exiftool', ['-j', '-Make', '-ProfileDescription', '-Orientation', wFile]))[0];
  assert.deepEqual([t.Make, t.ProfileDescription], ['Apple', 'Display P3']);
  assert.ok(t.Orientation === undefined || t.Orientation === 'Horizontal (normal)', String(t.Orientation));
  const stripped = await convert(bytesOf(iphone), { format: 'webp', maxWidth: 1008, metadata: 'strip' });
  const sFile = join(tmp, 'iphone-strip.webp');
  writeFileSync(sFile, stripped.data);
  const s = JSON.parse(run('exiftool', ['-j', '-Make', '-ProfileDescription', sFile]))[0];
  assert.deepEqual([s.Make, s.ProfileDescription], [undefined, undefined]);
});

test('frame limits count every frame, from the headers: TOO_MANY_FRAMES and width x height x frames', { skip }, async () => {
  const gif = bytesOf(join(dir, 'pillow/Tests/images/iss634.gif'));  // 245 x 245 x 42
  await assert.rejects(convert(gif, { format: 'webp', limits: { maxFrames: 41 } }),
    (e) => e instanceof AdvcompressError && e.code === 'TOO_MANY_FRAMES' && /more than 41 frames/.test(e.message));
  await assert.rejects(convert(gif, { format: 'webp', limits: { maxPixels: 245 * 245 * 41 } }),
    (e) => e instanceof AdvcompressError && e.code === 'DIMENSIONS_TOO_LARGE' && /42 frames/.test(e.message));
  const webp = bytesOf(join(dir, 'pillow/Tests/images/iss634.webp'));
  // (convert() reads the WebP's headers in the decode module first, whose walk stops past the limit: "more than 41")
  await assert.rejects(convert(webp, { format: 'webp', limits: { maxFrames: 41 } }),
    (e) => e instanceof AdvcompressError && e.code === 'TOO_MANY_FRAMES' && /more than 41 frames/.test(e.message));
  await assert.rejects(convert(webp, { format: 'webp', limits: { maxPixels: 245 * 245 * 41 } }),
    (e) => e instanceof AdvcompressError && e.code === 'DIMENSIONS_TOO_LARGE' && /42 frames/.test(e.message));
});

test('probe() reads WebP headers (canvas, frames, alpha, EXIF orientation); decode() applies a WebP\'s orientation', { skip }, async () => {
  const { probe, decode } = await import('advcompress/heic');
  const images = join(dir, 'pillow/Tests/images');
  assert.deepEqual(await probe(bytesOf(join(images, 'iss634.webp'))),
    { format: 'webp', width: 245, height: 245, frameCount: 42, bitDepth: 8, hasAlpha: true, orientation: 1 });
  for (let o = 2; o <= 8; o++) {
    const file = join(images, `hopper_orientation_${o}.webp`);
    assert.equal((await probe(bytesOf(file))).orientation, o);
    // Against ImageMagick's -auto-orient of the same file (both decode with libwebp: exact).
    const px = await decode(bytesOf(file), { rgba8: true });
    const ref = join(tmp, `hopper-${o}.png`);
    run('convert', [file, '-auto-orient', '-alpha', 'off', ref]);
    assert.equal(psnr(framePng(px), ref), Infinity, `orientation ${o}`);
  }
});

// The first 'colr' box of type 'nclx': {colorPrimaries, transferCharacteristics, matrixCoefficients, fullRange},
// read from the bytes (ISO/IEC 23008-12), independent of our code.
function colrNclx(data) {
  const buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const at = buf.indexOf('colrnclx', 0, 'latin1');
  if (at < 0) return undefined;
  const p = at + 8;
  return { colorPrimaries: buf.readUInt16BE(p), transferCharacteristics: buf.readUInt16BE(p + 2),
    matrixCoefficients: buf.readUInt16BE(p + 4), fullRange: (buf[p + 6] & 0x80) !== 0 };
}

test('probe() reads HEIF/AVIF headers through libheif, from either entry point, limits first', { skip }, async () => {
  const heic = await import('advcompress/heic');
  const permissive = await import('advcompress');
  const data = join(dir, 'exiv2/test/data');
  for (const api of [heic, permissive]) {
    assert.deepEqual(await api.probe(bytesOf(join(data, 'Canon.HIF'))),
      { format: 'heif', width: 2400, height: 1600, frameCount: 1, bitDepth: 10, hasAlpha: false, orientation: 1 });
    assert.equal((await api.probe(bytesOf(join(dir, 'libheif/examples/example.heic')))).frameCount, 2);
    assert.deepEqual(await api.probe(bytesOf(join(dir, 'kimageformats/autotests/read/avif/rgba.avif'))),
      { format: 'avif', width: 32, height: 32, frameCount: 1, bitDepth: 8, hasAlpha: true, orientation: 1 });
  }
  // irot 90: the size as displayed, as Debian's tools decode it (scripts/fetch-fixtures.sh's index), not as coded.
  const rel = 'kimageformats/autotests/read/avif/rotated090.avif';
  const rot = await heic.probe(bytesOf(join(dir, rel)));
  const row = readFileSync(join(dir, 'index.tsv'), 'utf8').split('\n').find((l) => l.split('\t')[1] === rel.split('/').slice(1).join('/'));
  assert.deepEqual([rot.width, rot.height], row.split('\t').slice(4, 6).map(Number));
  // Sony.HIF is 8640 x 5760 (49.8 MP): a lowered pixel limit refuses it from the boxes, before its 11 tiles are
  // decoded (the message carries the header's sizes).
  await assert.rejects(heic.convert(bytesOf(join(data, 'Sony.HIF')), { limits: { maxPixels: 40_000_000 } }),
    (e) => e instanceof AdvcompressError && e.code === 'DIMENSIONS_TOO_LARGE' && /8640 x 5760/.test(e.message));
  await assert.rejects(heic.probe(bytesOf(join(data, 'Sony.HIF')), { maxPixels: 40_000_000 }),
    (e) => e instanceof AdvcompressError && e.code === 'DIMENSIONS_TOO_LARGE');
});

test('NCLX: the source\'s is kept (Canon.HIF); colorPrimaries/transferCharacteristics/matrixCoefficients/fullRange override it', { skip }, async () => {
  const canon = bytesOf(join(dir, 'exiv2/test/data/Canon.HIF'));
  const source = colrNclx(canon);
  assert.ok(source, 'Canon.HIF has an nclx colr box');
  const kept = await convert(canon, { format: 'heic', maxWidth: 600, effort: 0 });
  assert.deepEqual(colrNclx(kept.data), source);
  // pillow-heif 0.14 semantics: each given value replaces the source's; the matrix and range drive the conversion,
  // so an independent decoder still gets the picture right.
  const { PHOTO, photoBytes } = await import('./helpers.js');
  const over = { colorPrimaries: 9, transferCharacteristics: 16, matrixCoefficients: 9, fullRange: false };
  for (const format of ['heic', 'avif']) {
    const r = await convert(photoBytes(), { format, maxWidth: 640, effort: format === 'heic' ? 0 : 6, ...over });
    assert.deepEqual(colrNclx(r.data), over, format);
    const out = join(tmp, `nclx.${format}`);
    writeFileSync(out, r.data);
    const png = out + '.png';
    run(format === 'heic' ? 'heif-convert' : 'avifdec', [out, png]);
    const ref = join(tmp, 'storm-640.png');
    run('convert', [PHOTO, '-resize', '640x', ref]);
    const db = psnr(ref, png);
    assert.ok(db >= 30, `${format} with BT.2020 matrix, limited range: ${db} dB`);
  }
  await assert.rejects(convert(photoBytes(), { format: 'webp', colorPrimaries: 9 }),
    (e) => e instanceof AdvcompressError && e.code === 'INVALID_OPTION' && /WebP/.test(e.message));
  await assert.rejects(convert(photoBytes(), { format: 'heic', lossless: true, matrixCoefficients: 6 }),
    (e) => e instanceof AdvcompressError && e.code === 'INVALID_OPTION' && /matrixCoefficients/.test(e.message));
});

test('16-bit PNG (pngsuite basn2c16/basn6a16) is written as 10-bit by default, 12-bit on request; 8-bit RGBA losslessly bit-exact', { skip }, async () => {
  const suite = join(dir, 'libpng1.6/contrib/pngsuite');
  for (const name of ['basn2c16.png', 'basn6a16.png']) {
    const src = bytesOf(join(suite, name));
    const a = await convert(src, { format: 'avif', quality: 90 });
    assert.equal(a.bitDepth, 10, name);
    assert.equal(av1C(a.data).bitDepth, 10, `${name}: av1C`);
    const h = await convert(src, { format: 'heic', quality: 90, bitDepth: 12 });
    assert.equal(h.bitDepth, 12, name);
    const out = join(tmp, `${name}.avif`);
    writeFileSync(out, a.data);
    run('avifdec', [out, `${out}.png`]);
    const db = psnr(join(suite, name), `${out}.png`);
    assert.ok(db >= 30, `${name} -> 10-bit AVIF: ${db} dB`);  // (basn6a16: 33 dB, its alpha is a steep gradient)
  }
  // 8-bit RGBA with real transparency: lossless in every format gives back ImageMagick's reading of the PNG exactly,
  // alpha included (compared over magenta, which shows any alpha difference).
  const rgba = join(suite, 'basn6a08.png');
  const theirs = coalesced(rgba)[0];
  for (const format of ['webp', 'heic', 'avif']) {
    const r = await convert(bytesOf(rgba), { format, lossless: true });
    const back = await decodeFrames(r.data, { rgba8: true });
    assert.equal(back.frames[0].hasAlpha, true, `${format} keeps alpha`);
    assert.equal(psnr(framePng(back.frames[0]), theirs), Infinity, `${format} lossless RGBA`);
  }
});

// A PNG chunk with its CRC (the test input is written here; libpng reads it).
function pngChunk(type, body) {
  let c = ~0;
  for (const b of Buffer.concat([Buffer.from(type, 'latin1'), body])) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  const len = Buffer.alloc(4); len.writeUInt32BE(body.length);
  const crc = Buffer.alloc(4); crc.writeUInt32BE((~c) >>> 0);
  return Buffer.concat([len, Buffer.from(type, 'latin1'), body, crc]);
}

test('a PNG\'s cICP chunk (PNG 3rd edition) is its NCLX: kept in HEIC/AVIF (matrix back to BT.601 for YCbCr)', { skip }, async () => {
  const src = readFileSync(join(dir, 'libpng1.6/contrib/pngsuite/basn2c08.png'));
  const idat = src.indexOf('IDAT', 8, 'latin1') - 4;  // cICP must come before IDAT
  const png = Buffer.concat([src.subarray(0, idat), pngChunk('cICP', Buffer.from([9, 16, 0, 1])), src.subarray(idat)]);
  for (const format of ['heic', 'avif']) {
    const r = await convert(new Uint8Array(png), { format, quality: 90 });
    assert.deepEqual(colrNclx(r.data), { colorPrimaries: 9, transferCharacteristics: 16, matrixCoefficients: 6, fullRange: true }, format);
  }
  const plain = await convert(new Uint8Array(src), { format: 'heic', quality: 90 });
  assert.deepEqual(colrNclx(plain.data), { colorPrimaries: 1, transferCharacteristics: 13, matrixCoefficients: 6, fullRange: true });
});

test('10- and 12-bit AVIF inputs with 50% alpha (Firefox\'s test files): depth and alpha read, kept, 12-bit on request', { skip }, async () => {
  const { decode } = await import('advcompress/heic');
  for (const bits of [10, 12]) {
    const file = join(dir, `firefox-esr/image/test/gtest/transparent-green-50pct-${bits}bit-yuv444.avif`);
    const px = await decode(bytesOf(file));
    assert.deepEqual([px.width, px.height, px.channels, px.bitDepth], [100, 100, 4, bits]);
    assert.ok(px.data instanceof Uint16Array, 'deep samples stay 16-bit');
    const alpha = px.data[3] / 65535;
    assert.ok(Math.abs(alpha - 0.5) < 0.02, `alpha ${alpha}`);
    // Pixels against libavif + dav1d (avifdec), both over magenta.
    const ref = join(tmp, `ff-${bits}-ref.png`);
    run('avifdec', ['--depth', '8', file, ref]);
    const flat = join(tmp, `ff-${bits}-ref-flat.png`);
    run('convert', [ref, '-background', '#ff00ff', '-alpha', 'remove', '-alpha', 'off', flat]);
    const db = psnr(framePng(await decode(bytesOf(file), { rgba8: true })), flat);
    assert.ok(db >= 40, `${bits}-bit: ${db} dB against avifdec`);
    // Out: a 12-bit AVIF when asked (pillow-heif's save_to_12bit), alpha kept; 10-bit by default (deep sources).
    const twelve = await convert(bytesOf(file), { format: 'avif', bitDepth: 12, quality: 90 });
    assert.equal(av1C(twelve.data).bitDepth, 12);
    const f12 = join(tmp, `ff-${bits}-out.avif`);
    writeFileSync(f12, twelve.data);
    assert.match(run('heif-info', [f12]), /alpha channel: yes/);
    const heic = await convert(bytesOf(file), { format: 'heic', quality: 90 });
    assert.equal(heic.bitDepth, 10);
  }
});

// The input format is sniffed in one place (the decode module's sniff(), C++ advcompress::sniff): a HEIF whose
// ftyp names only the generic 'mif1' brand is a HEIF to the TypeScript side too (it used to go to the decode module
// and fail), and goes to the HEIC module, which reads it.
test("a HEIC whose ftyp names only 'mif1' converts (one sniffer for C++ and TypeScript)", async () => {
  const photo = new Uint8Array(readFileSync('/usr/share/backgrounds/mate/nature/Storm.jpg'));
  const heic = (await convert(photo, { format: 'heic', effort: 0, maxWidth: 320 })).data.slice();
  const size = new DataView(heic.buffer).getUint32(0);
  assert.equal(String.fromCharCode(...heic.subarray(4, 8)), 'ftyp');
  for (let i = 8; i + 4 <= size; i += 4) if (i !== 12) heic.set([0x6d, 0x69, 0x66, 0x31], i);  // every brand 'mif1'
  const brands = [];
  for (let i = 8; i + 4 <= size; i += 4) if (i !== 12) brands.push(String.fromCharCode(...heic.subarray(i, i + 4)));
  assert.deepEqual([...new Set(brands)], ['mif1']);
  const r = await convert(heic, { format: 'webp', effort: 0 });
  assert.deepEqual([r.format, r.width, r.height], ['webp', 320, 213]);
});

// `heif` rewritten with a 64-bit `largesize` ftyp header (size field 1, then the size in 8 bytes; ISO/IEC 14496-12
// 4.2): 8 bytes longer, so every file offset in `iloc` moves by 8 too.
function withLargesizeFtyp(heif) {
  const dv = new DataView(heif.buffer, heif.byteOffset, heif.byteLength);
  const ftypSize = dv.getUint32(0);
  const out = new Uint8Array(heif.length + 8);
  const odv = new DataView(out.buffer);
  odv.setUint32(0, 1);
  out.set(heif.subarray(4, 8), 4);                              // 'ftyp'
  odv.setBigUint64(8, BigInt(ftypSize + 8));
  out.set(heif.subarray(8), 16);                                 // brands, then every later box, 8 bytes on
  // find meta/iloc in the new file and add 8 to each file offset
  const box = (at) => ({ size: odv.getUint32(at), type: String.fromCharCode(...out.subarray(at + 4, at + 8)) });
  let at = ftypSize + 8, meta = -1;
  while (at + 8 <= out.length) { const b = box(at); if (b.type === 'meta') { meta = at; break; } at += b.size; }
  assert.ok(meta > 0, 'a meta box');
  let c = meta + 12, iloc = -1;                                  // (meta is a FullBox: version + flags)
  while (c < meta + box(meta).size) { const b = box(c); if (b.type === 'iloc') { iloc = c; break; } c += b.size; }
  assert.ok(iloc > 0, 'an iloc box');
  const version = out[iloc + 8];
  const offSize = out[iloc + 12] >> 4, baseSize = out[iloc + 13] >> 4, indexSize = version >= 1 ? out[iloc + 13] & 15 : 0;
  let p = iloc + 14;
  const read = (n) => { const v = n === 8 ? Number(odv.getBigUint64(p)) : n === 4 ? odv.getUint32(p) : n === 2 ? odv.getUint16(p) : 0; p += n; return v; };
  const add8 = (n) => { if (n === 4) odv.setUint32(p, odv.getUint32(p) + 8); else if (n === 8) odv.setBigUint64(p, odv.getBigUint64(p) + 8n); p += n; };
  const items = read(version < 2 ? 2 : 4);
  for (let i = 0; i < items; i++) {
    read(version < 2 ? 2 : 4);                                   // item_ID
    const method = version >= 1 ? read(2) & 15 : 0;             // construction_method (0: file offsets)
    read(2);                                                     // data_reference_index
    const fileOffsets = method === 0;
    if (fileOffsets && baseSize) add8(baseSize); else read(baseSize);
    const extents = read(2);
    for (let e = 0; e < extents; e++) {
      read(indexSize);
      if (fileOffsets && !baseSize) add8(offSize); else read(offSize);
      read(out[iloc + 12] & 15);                                 // extent_length
    }
  }
  return out;
}

test('a HEIC whose ftyp uses a 64-bit largesize converts (the sniffer reads the brands after it)', async () => {
  const photo = new Uint8Array(readFileSync('/usr/share/backgrounds/mate/nature/Storm.jpg'));
  const heic = (await convert(photo, { format: 'heic', effort: 0, maxWidth: 320 })).data;
  const large = withLargesizeFtyp(heic);
  assert.equal(new DataView(large.buffer).getUint32(0), 1);
  writeFileSync(join(tmp, 'largesize.heic'), large);
  run('heif-info', [join(tmp, 'largesize.heic')]);              // (libheif itself reads the rewritten file)
  const r = await convert(large, { format: 'webp', effort: 0 });
  assert.deepEqual([r.format, r.width, r.height], ['webp', 320, 213]);
});
