// Bad input and bad options get typed errors (stable code + message naming value and limit), never a crash.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { convert, probe, AdvcompressError } from 'advcompress/heic';
import { photoBytes } from './helpers.js';

const photo = photoBytes();
const rejectsWith = (p, code, re) => assert.rejects(p, (e) => {
  assert.ok(e instanceof AdvcompressError, `not an AdvcompressError: ${e}`);
  assert.equal(e.code, code, e.message);
  if (re) assert.match(e.message, re);
  return true;
});

test('truncated JPEG -> CORRUPT_INPUT', () => rejectsWith(convert(photo.subarray(0, photo.length / 2), { format: 'webp' }), 'CORRUPT_INPUT'));
test('text file -> UNSUPPORTED_FORMAT', () => rejectsWith(convert(new TextEncoder().encode('hello, this is not an image\n')), 'UNSUPPORTED_FORMAT'));
test('empty file -> CORRUPT_INPUT', () => rejectsWith(convert(new Uint8Array(0)), 'CORRUPT_INPUT', /empty/));
test('40 MB file -> INPUT_TOO_LARGE naming the size and the limit', () => {
  const big = new Uint8Array(40 * 1024 * 1024);
  big.set(photo);
  return rejectsWith(convert(big), 'INPUT_TOO_LARGE', /41943040.*33554432/);
});
test('a lowered limit applies: maxSide 1000 -> DIMENSIONS_TOO_LARGE', () =>
  rejectsWith(probe(photo, { maxSide: 1000 }), 'DIMENSIONS_TOO_LARGE', /1920/));
test('output side above 9999 px -> OUTPUT_TOO_LARGE (lowered maxOutputSide shows it on a real photo)', () =>
  rejectsWith(convert(photo, { format: 'webp', limits: { maxOutputSide: 1000 } }), 'OUTPUT_TOO_LARGE', /1000/));
test('a GIF without any image is CORRUPT_INPUT naming GIF', () =>
  rejectsWith(convert(new TextEncoder().encode('GIF89a\x01\x00\x01\x00\x00\x00\x00;')), 'CORRUPT_INPUT', /GIF has no image/));
test('TPG is refused by name', () =>
  rejectsWith(convert(new TextEncoder().encode('TPG\x00' + 'x'.repeat(64))), 'UNSUPPORTED_FORMAT', /TPG/));

test('option messages name the option, range and received value', async () => {
  await rejectsWith(convert(photo, { quality: 150 }), 'INVALID_OPTION', /^Expected integer between 0 and 100 for quality but received 150 of type number$/);
  await rejectsWith(convert(photo, { format: 'jpg' }), 'INVALID_OPTION', /format/);
  await rejectsWith(convert(photo, { chroma: '411' }), 'INVALID_OPTION', /chroma/);
  await rejectsWith(convert(photo, { format: 'webp', bitDepth: 10 }), 'INVALID_OPTION', /bitDepth/);
  await rejectsWith(convert(photo, { effort: 3, speed: 3 }), 'INVALID_OPTION', /effort or speed/);
  await rejectsWith(convert(photo, { qualiti: 3 }), 'INVALID_OPTION', /qualiti/);
  await rejectsWith(convert(photo, { lossless: true, chroma: '420' }), 'INVALID_OPTION', /444/);
  await rejectsWith(convert(photo, { format: 'heic', effort: 0, advanced: { 'no-such': '1' } }), 'INVALID_OPTION', /no-such/);
});

test('abort before start rejects with AbortError', async () => {
  const ac = new AbortController();
  ac.abort();
  await assert.rejects(convert(photo, {}, { signal: ac.signal }), (e) => e.name === 'AbortError');
});

test('after errors the modules still work', async () => {
  const r = await convert(photo, { format: 'webp', effort: 0 });
  assert.equal(r.format, 'webp');
});
