// APNG (animated PNG) inputs: frames read by libpng with the APNG patch (patches/libpng1.6/0001, Mozilla's) and
// composited by us, checked frame for frame against Chromium's own APNG decoder (WebCodecs ImageDecoder in Debian's
// chromium, unpremultiplied RGBA) on the APNG test suite Pillow carries (Tests/images/apng, from
// philip.html5.org/tests/apng: blend and dispose operations, delays, plays, colour types, chunk and sequence errors)
// plus Pillow's iss634.apng (41 frames). Then conversions of APNGs, read back by Debian's webpmux, ImageMagick and
// heif-info, and the limits probe() checks from the acTL chunk.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';
import { chromium } from 'playwright';
import { convert, decode, decodeFrames, probe, AdvcompressError } from 'advcompress/heic';
import { fixturesDir, fixturesSkipReason, loadFixtures } from './fixtures.js';
import { av1C, execFileSync, run, tmpFile } from './helpers.js';

const skip = fixturesSkipReason() || false;
const dir = skip ? '' : join(fixturesDir(), 'pillow/Tests/images');
// The suite's directory plus every fixture exiftool finds an acTL in (tests/node/fixtures-decode.test.js leaves
// damaged APNGs to this file).
const SUITE = skip ? [] : readdirSync(join(dir, 'apng')).filter((f) => f.endsWith('.png')).map((f) => `apng/${f}`);
const INDEXED = skip ? [] : loadFixtures().filter((f) => f.format === 'png' && f.features.apng !== undefined)
  .map((f) => join(f.set, f.path));
const FILES = [...new Set([...SUITE, ...INDEXED.map((p) => (p.startsWith('pillow/Tests/images/') ? p.slice(20) : `../../../${p}`))])];
const bytesOf = (rel) => new Uint8Array(readFileSync(join(dir, rel)));

// Where our reading differs from Chromium's, and why. Stricter: a typed CORRUPT_INPUT where Chromium shows what it
// has; libpng's APNG reader stops at missing frame data and refuses an acTL frame count >= 2^31 (png_get_uint_31),
// where Chromium shows the frames it got or the default image. Laxer: a second copy of the last fdAT chunk after
// the final frame is skipped by libpng's sequential reader (png_read_end leaves fdAT to the unknown-chunk path), so
// the frames, which are complete, decode; Chromium and Pillow refuse the file.
const STRICTER = new Map([
  ['apng/chunk_no_fdat.png', 'the second frame has no fdAT'],
  ['apng/syntax_num_frames_high.png', 'acTL promises more frames than the file has'],
  ['apng/syntax_num_frames_invalid.png', 'acTL num_frames >= 2^31'],
]);
const LAXER = new Map([['apng/sequence_repeat_chunk.png', 'repeated fdAT after the last frame']]);

// Chromium's decoding of every file: frame count, repetitions, durations (ms) and RGBA pixels per frame, or its error.
let browser, server, reference = new Map();
before(async () => {
  if (skip) return;
  // ImageDecoder exists in secure contexts only: an http://localhost page.
  server = http.createServer((q, r) => { r.setHeader('content-type', 'text/html'); r.end('<!doctype html><title>apng</title>'); });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args: ['--no-sandbox'] });
  const page = await browser.newPage();
  await page.goto(`http://localhost:${server.address().port}/`);
  for (const rel of FILES) {
    const got = await page.evaluate(async (b64) => {
      const data = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      const toBase64 = (px) => {
        let s = '';
        for (let i = 0; i < px.length; i += 8192) s += String.fromCharCode(...px.subarray(i, i + 8192));
        return btoa(s);
      };
      const frames = [];
      try {
        const dec = new ImageDecoder({ data, type: 'image/png', premultiplyAlpha: 'none', colorSpaceConversion: 'none' });
        await dec.tracks.ready;
        await dec.completed;
        const track = dec.tracks.selectedTrack;
        for (let i = 0; i < track.frameCount; i++) {
          const { image } = await dec.decode({ frameIndex: i });
          const px = new Uint8Array(image.allocationSize({ format: 'RGBA' }));
          await image.copyTo(px, { format: 'RGBA' });
          frames.push({ width: image.displayWidth, height: image.displayHeight, ms: image.duration / 1000,
            rgba: toBase64(px) });
          image.close();
        }
        if (track.frameCount === 0) return { error: 'no frames' };
        return { frames, repetitions: track.repetitionCount === Infinity ? -1 : track.repetitionCount };
      } catch (e) {
        return { error: String(e) };
      }
    }, Buffer.from(bytesOf(rel)).toString('base64'));
    if (got.frames) got.frames.forEach((f) => { f.rgba = new Uint8Array(Buffer.from(f.rgba, 'base64')); });
    reference.set(rel, got);
  }
});
after(async () => { await browser?.close(); server?.close(); });

// Largest difference of any sample between two RGBA frames; pixels transparent in both compare equal.
function maxDiff(a, b) {
  let m = 0;
  for (let i = 0; i < a.length; i += 4) {
    if (a[i + 3] === 0 && b[i + 3] === 0) continue;
    for (let c = 0; c < 4; c++) m = Math.max(m, Math.abs(a[i + c] - b[i + c]));
  }
  return m;
}

test('APNG test suite + iss634.apng: frames, durations and plays as Chromium decodes them', { skip }, async () => {
  const problems = [];
  let compared = 0;
  for (const rel of FILES) {
    const theirs = reference.get(rel);
    let ours;
    try {
      ours = await decodeFrames(bytesOf(rel), { rgba8: true });
    } catch (e) {
      if (!(e instanceof AdvcompressError)) { problems.push(`${rel}: untyped ${e}`); continue; }
      if (theirs.frames && !STRICTER.has(rel)) problems.push(`${rel}: Chromium decodes ${theirs.frames.length} frames, we said ${e.code}: ${e.message}`);
      if (theirs.frames && STRICTER.has(rel) && e.code !== 'CORRUPT_INPUT') problems.push(`${rel}: ${e.code}, expected CORRUPT_INPUT`);
      continue;
    }
    if (theirs.error) {
      if (!LAXER.has(rel)) problems.push(`${rel}: Chromium fails (${theirs.error}), we decoded ${ours.frames.length} frames`);
      continue;
    }
    if (STRICTER.has(rel)) problems.push(`${rel}: listed as refused here, but it decodes now: update STRICTER`);
    if (ours.frames.length !== theirs.frames.length) {
      problems.push(`${rel}: ${ours.frames.length} frames, Chromium ${theirs.frames.length}`);
      continue;
    }
    // Durations: an animation's frames' (a still has none); plays: Chromium's repetitions + 1, 0 = forever.
    if (ours.frames.length > 1) {
      assert.deepEqual(ours.durations, theirs.frames.map((f) => f.ms), `${rel} durations`);
      assert.equal(ours.loopCount, theirs.repetitions === -1 ? 0 : theirs.repetitions + 1, `${rel} plays`);
    }
    ours.frames.forEach((f, i) => {
      const t = theirs.frames[i];
      assert.deepEqual([f.width, f.height], [t.width, t.height], rel);
      const d = maxDiff(f.data, t.rgba);
      compared++;
      // (16-bit frames are compared after our 16 -> 8-bit rounding and Chromium's: at most 1 apart)
      if (d > 1) problems.push(`${rel} frame ${i}: samples differ by up to ${d} from Chromium's`);
    });
  }
  assert.deepEqual(problems, []);
  assert.ok(compared >= 250, `${compared} frames compared`);
});

test('APNG still reads: decode() gives the first frame shown (a default image outside the animation is not)', { skip }, async () => {
  // single_frame_default.png: a red default image (IDAT without fcTL) and one green animation frame.
  const px = await decode(bytesOf('apng/single_frame_default.png'));
  assert.deepEqual([px.width, px.height, px.channels], [128, 64, 4]);
  assert.deepEqual([...px.data.subarray(0, 4)], [0, 255, 0, 255]);
  const p = await probe(bytesOf('apng/single_frame_default.png'));
  assert.equal(p.frameCount, 1);
  assert.equal((await probe(bytesOf('iss634.apng'))).frameCount, 41);
});

test('APNG -> animated WebP (lossless): every frame, duration and the play count kept (webpmux, ImageMagick)', { skip }, async () => {
  const rel = 'iss634.apng';
  const src = await decodeFrames(bytesOf(rel), { rgba8: true });
  const r = await convert(bytesOf(rel), { format: 'webp', lossless: true });
  assert.equal(r.frameCount, 41);
  const file = tmpFile('iss634-apng.webp', r.data);
  const info = run('webpmux', ['-info', file]);
  assert.equal(Number(/Number of frames: (\d+)/.exec(info)[1]), 41);
  const durations = [...info.matchAll(/^\s*\d+:\s+\d+\s+\d+\s+\w+\s+\d+\s+\d+\s+(\d+)/gm)].map((m) => Number(m[1]));
  assert.deepEqual(durations, src.durations);
  assert.equal(Number(/Loop Count\s*:\s*(\d+)/.exec(info)[1]), src.loopCount);
  // Pixels: the WebP's frames as ImageMagick coalesces them, byte for byte against Chromium's frames of the APNG.
  const theirs = reference.get(rel).frames;
  const all = execFileSync('convert', [file, '-coalesce', '-depth', '8', 'rgba:-'], { maxBuffer: 1 << 28 });
  const frameBytes = 4 * theirs[0].width * theirs[0].height;
  assert.equal(all.length, 41 * frameBytes);
  theirs.forEach((t, i) => assert.ok(maxDiff(all.subarray(i * frameBytes, (i + 1) * frameBytes), t.rgba) <= 1, `frame ${i}`));
});

test('APNG -> multi-image AVIF: one image item per frame; 16-bit APNG frames become 10-bit', { skip }, async () => {
  const r = await convert(bytesOf('apng/dispose_op_none.png'), { format: 'avif', quality: 90, chroma: '444' });
  assert.equal(r.frameCount, 3);
  const f = tmpFile('apng-multi.avif', r.data);
  assert.equal([...run('heif-info', [f]).matchAll(/^image: 128x64/gm)].length, 3, 'heif-info lists the 3 frames');
  const deep = await convert(bytesOf('apng/mode_16bit.png'), { format: 'avif', quality: 90 });
  assert.equal(deep.frameCount, 2);
  assert.equal(deep.bitDepth, 10);
  assert.equal(av1C(deep.data).bitDepth, 10);
});

// A PNG header, then an acTL chunk (CRCs are not read by probe()), then the start of an IDAT.
function forgedApng(width, height, frames) {
  const chunk = (type, body) => {
    const b = Buffer.alloc(12 + body.length);
    b.writeUInt32BE(body.length, 0); b.write(type, 4, 'latin1'); body.copy(b, 8);
    return b;
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0); ihdr.writeUInt32BE(height, 4); ihdr[8] = 8; ihdr[9] = 6;
  const actl = Buffer.alloc(8);
  actl.writeUInt32BE(frames, 0);
  return new Uint8Array(Buffer.concat([Buffer.from('\x89PNG\r\n\x1a\n', 'latin1'), chunk('IHDR', ihdr), chunk('acTL', actl),
    chunk('IDAT', Buffer.alloc(4))]));
}

test('APNG limits from the acTL chunk, before any pixel: frames x size, and the frame count', { skip }, async () => {
  // 10000 x 10000 is 100 MP (allowed); 3 frames of it are 300 MP (> 250 MP).
  await assert.rejects(probe(forgedApng(10000, 10000, 3)),
    (e) => e instanceof AdvcompressError && e.code === 'DIMENSIONS_TOO_LARGE' && /300000000/.test(e.message));
  await assert.rejects(probe(forgedApng(1, 1, 301)), (e) => e.code === 'TOO_MANY_FRAMES' && /301 frames/.test(e.message));
  await assert.rejects(decodeFrames(bytesOf('iss634.apng'), { limits: { maxFrames: 40 } }),
    (e) => e.code === 'TOO_MANY_FRAMES' && /40/.test(e.message));
  assert.equal((await probe(forgedApng(16, 16, 300))).frameCount, 300);
});
