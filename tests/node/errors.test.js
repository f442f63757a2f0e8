// Bad input and bad options get typed errors (stable code + message naming value and limit), never a crash.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { convert, probe, AdvcompressError } from 'advcompress/heic';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { photoBytes, run, tmp } from './helpers.js';
import { heapBytes } from '../../dist/loader.js';  // (the module instance the package uses: same file)

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

// A JPEG that is all header: SOI, a baseline SOF0 of `w` x `h` with three components, a scan header with two bytes
// of data, EOI. probe() reads it; decoding it fails (no quantisation or Huffman tables), so an answer other than
// CORRUPT_INPUT was given before decoding.
function jpegHeaderOnly(w, h) {
  const sof = [0xff, 0xc0, 0, 17, 8, h >> 8, h & 255, w >> 8, w & 255, 3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1];
  const sos = [0xff, 0xda, 0, 12, 3, 1, 0x00, 2, 0x11, 3, 0x11, 0, 63, 0];
  return new Uint8Array([0xff, 0xd8, ...sof, ...sos, 0, 0, 0xff, 0xd9]);
}
test('OUTPUT_TOO_LARGE comes from the header sizes, before decoding (12000 x 9000 JPEG, no maxWidth)', async () => {
  const big = jpegHeaderOnly(12000, 9000);
  await rejectsWith(convert(big, { format: 'webp' }), 'OUTPUT_TOO_LARGE', /12000x9000 px; each side must be at most 9999/);
  // the same file with a resize that fits: now it is decoded, and only then found to be no real JPEG
  await rejectsWith(convert(big, { format: 'webp', maxWidth: 4096 }), 'CORRUPT_INPUT');
  // the limit applies to the planned output, not the source: a 1920 x 1280 photo resized to 640 px wide passes 1000
  const r = await convert(photo, { format: 'webp', effort: 0, maxWidth: 640, limits: { maxOutputSide: 1000 } });
  assert.deepEqual([r.width, r.height], [640, 427]);
});

test('a real 12000 x 9000 JPEG without maxWidth: OUTPUT_TOO_LARGE with no pixel memory allocated', async () => {
  const file = join(tmp, 'gradient-12000x9000.jpg');
  run('convert', ['-size', '12000x9000', 'gradient:navy-orange', '-quality', '85', file]);
  const bytes = readFileSync(file);
  await probe(photo);  // the decode module loaded, so that its start-up memory is not counted below
  const before = heapBytes();
  await rejectsWith(convert(bytes, { format: 'webp' }), 'OUTPUT_TOO_LARGE', /12000x9000/);
  // decoding it would need 324 MB (12000 x 9000 x 3) of wasm memory
  assert.ok(heapBytes() - before < 4 * 1024 * 1024, `wasm memory grew by ${heapBytes() - before} bytes`);
});

test('a caller mistake for the input is INVALID_OPTION naming what was received', async () => {
  await rejectsWith(convert(null), 'INVALID_OPTION', /^Expected a File, Blob, ArrayBuffer or typed array for input but received null$/);
  await rejectsWith(convert(undefined), 'INVALID_OPTION', /received undefined$/);
  await rejectsWith(convert('not an image'), 'INVALID_OPTION', /received the string "not an image"$/);
  await rejectsWith(convert(12345), 'INVALID_OPTION', /received the number 12345$/);
  await rejectsWith(probe({ bytes: photo }), 'INVALID_OPTION', /received \[object Object\]$/);
  const gone = photo.slice().buffer;
  structuredClone(gone, { transfer: [gone] });  // (as postMessage with a transfer list leaves it)
  await rejectsWith(convert(gone), 'INVALID_OPTION', /detached ArrayBuffer/);
});
test('any typed array (or DataView) of the file bytes is read as the file', async () => {
  const copy = photo.slice();
  const asInt8 = new Int8Array(copy.buffer, copy.byteOffset, copy.byteLength);
  const r = await probe(asInt8);
  assert.deepEqual([r.format, r.width, r.height], ['jpeg', 1920, 1280]);
  const r2 = await probe(new DataView(copy.buffer));
  assert.deepEqual([r2.format, r2.width, r2.height], ['jpeg', 1920, 1280]);
});

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
