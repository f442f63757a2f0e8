// Grid tiles (tileSize): the image cut into square tiles coded at once (this thread + worker threads), assembled
// into one HEIF grid image. What a user cares about: the file decodes in independent decoders at the right size
// and orientation, looks like the one-image encode, costs about the same bytes, keeps EXIF/ICC, and every error
// is typed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { availableParallelism } from 'node:os';
import { convert, encode } from 'advcompress/heic';
import { PHOTO, photoBytes, decodeIndependently, dims, psnr, tmpFile, run, hvcC } from './helpers.js';
import { loadFixtures } from './fixtures.js';

const source = photoBytes();  // 1920x1280: 2 x 2 tiles of 1024 by default, the right and bottom ones padded
const sourcePng = tmpFile('grid-source.png', new Uint8Array(0));
run('convert', [PHOTO, sourcePng]);

/** Item types of a HEIF file's infe boxes, in order (ISO/IEC 23008-12; infe version 2/3: item_type after the
 * 4-byte header, item_ID (2 or 4 bytes) and protection index). */
function itemTypes(data) {
  const buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const types = [];
  for (let at = buf.indexOf('infe', 0, 'latin1'); at >= 0; at = buf.indexOf('infe', at + 4, 'latin1')) {
    const version = buf[at + 4];
    const idBytes = version >= 3 ? 4 : 2;
    types.push(buf.toString('latin1', at + 8 + idBytes + 2, at + 8 + idBytes + 6));
  }
  return types;
}

test('HEIC by default: a 1920x1280 photo is a grid of 2x2 tiles of 1024 px, read by heif-convert and ImageMagick at full size', async () => {
  const r = await convert(source, { format: 'heic' });
  assert.deepEqual({ ...r.grid, helpers: undefined }, { tileSize: 1024, columns: 2, rows: 2, helpers: undefined });
  if (availableParallelism() > 1) assert.ok(r.grid.helpers >= 1, `tiles were coded on ${r.grid.helpers} helper threads`);
  const types = itemTypes(r.data);
  assert.equal(types.filter((t) => t === 'grid').length, 1);
  assert.equal(types.filter((t) => t === 'hvc1').length, 4);
  assert.deepEqual(hvcC(r.data), { chroma: 1, bitDepth: 8 });
  const png = decodeIndependently(r.data, 'heic');
  assert.deepEqual(dims(png), { width: 1920, height: 1280 });
  assert.deepEqual(dims(tmpFile('grid-im.heic', r.data)), { width: 1920, height: 1280 });  // ImageMagick (its libheif)
  assert.ok(psnr(sourcePng, png) >= 35, 'close to the source');
});

test('the grid looks like the one-image encode and costs about the same bytes (quality 50, default effort)', async () => {
  const grid = await convert(source, { format: 'heic' });
  const one = await convert(source, { format: 'heic', tileSize: 0 });
  assert.equal(one.grid, undefined);
  assert.deepEqual(itemTypes(one.data).filter((t) => t === 'grid'), []);
  const pGrid = psnr(sourcePng, decodeIndependently(grid.data, 'heic'));
  const pOne = psnr(sourcePng, decodeIndependently(one.data, 'heic'));
  assert.ok(pGrid >= pOne - 0.5, `grid ${pGrid.toFixed(2)} dB vs one image ${pOne.toFixed(2)} dB`);
  const ratio = grid.outputBytes / one.outputBytes;
  assert.ok(ratio > 0.9 && ratio < 1.1, `grid ${grid.outputBytes} B vs one image ${one.outputBytes} B (${ratio.toFixed(3)}x)`);
});

test('a grid keeps EXIF (camera model, orientation applied and reset) and the ICC profile; 10-bit grids decode', async () => {
  const rotated = tmpFile('grid-rot.jpg', new Uint8Array(0));
  run('convert', [PHOTO, '-resize', '1200x800', '-quality', '92', rotated]);
  run('exiftool', ['-q', '-overwrite_original', '-n', '-Orientation=6', rotated]);
  const r = await convert(photoBytes(rotated), { format: 'heic', tileSize: 256 });
  assert.deepEqual([r.width, r.height, r.grid.columns, r.grid.rows], [800, 1200, 4, 5]);
  const file = tmpFile('grid-rot.heic', r.data);
  assert.match(run('exiftool', ['-s', '-Model', '-Orientation', file]), /Canon EOS 400D[\s\S]*Horizontal \(normal\)/);
  assert.deepEqual(dims(decodeIndependently(r.data, 'heic')), { width: 800, height: 1200 });

  // a real file with an embedded ICC profile, from the fixture index (Debian source packages' test images)
  const withIcc = loadFixtures().find((e) => e.status === 'decodable'
    && ['jpeg', 'png'].includes(e.format) && e.features.icc && e.width > 300 && e.height > 300 && e.frames === 1);
  assert.ok(withIcc, 'a fixture with an ICC profile');
  const c = await convert(photoBytes(withIcc.file), { format: 'heic', tileSize: 128 });
  assert.ok(c.grid);
  const want = run('exiftool', ['-s', '-s', '-s', '-ProfileDescription', withIcc.file]).trim();
  assert.equal(run('exiftool', ['-s', '-s', '-s', '-ProfileDescription', tmpFile('grid-icc.heic', c.data)]).trim(), want);

  const deep = tmpFile('grid-16.png', new Uint8Array(0));
  run('convert', [PHOTO, '-resize', '900x600', '-depth', '16', deep]);
  const d = await convert(photoBytes(deep), { format: 'heic', tileSize: 256 });
  assert.equal(d.bitDepth, 10);
  assert.deepEqual(hvcC(d.data), { chroma: 1, bitDepth: 10 });
  const png = decodeIndependently(d.data, 'heic');
  assert.deepEqual(dims(png), { width: 900, height: 600 });
});

test('what is coded whole: transparency, one tile or less, odd sides with 4:2:0, WebP; AVIF grids on request', async () => {
  const width = 700, height = 600;
  const data = new Uint8ClampedArray(width * height * 4);
  for (let i = 0; i < width * height; i++) {
    data[i * 4] = i % 251; data[i * 4 + 1] = (i >> 5) % 256; data[i * 4 + 2] = 90; data[i * 4 + 3] = i % width < 350 ? 255 : 40;
  }
  const alpha = await encode({ data, width, height }, { format: 'heic' });
  assert.equal(alpha.grid, undefined, 'transparency: one image with its alpha');
  assert.match(run('identify', ['-format', '%[channels]', decodeIndependently(alpha.data, 'heic')]), /a/);
  for (let i = 0; i < width * height; i++) data[i * 4 + 3] = 255;
  const opaque = await encode({ data, width, height }, { format: 'heic' });
  assert.equal(opaque.grid, undefined, 'no larger than one tile of 1024');
  const tiled = await encode({ data, width, height }, { format: 'heic', tileSize: 512 });
  assert.deepEqual([tiled.grid.columns, tiled.grid.rows], [2, 2], 'an opaque RGBA buffer is tiled');
  const small = await convert(source, { format: 'heic', maxWidth: 1024 });
  assert.equal(small.grid, undefined);
  const avif = await convert(source, { format: 'avif', effort: 0, maxWidth: 1000 });
  assert.equal(avif.grid, undefined, 'AVIF: one image unless tileSize is given');
  const avifGrid = await convert(source, { format: 'avif', effort: 0, maxWidth: 1002, tileSize: 512 });
  assert.deepEqual([avifGrid.width, avifGrid.height, avifGrid.grid.columns, avifGrid.grid.rows], [1002, 668, 2, 2]);
  assert.deepEqual(dims(decodeIndependently(avifGrid.data, 'avif')), { width: 1002, height: 668 });
  // an odd side with 4:2:0 is not whole chroma samples (MIAF): one image; 4:4:4 has no such constraint
  const odd = await convert(source, { format: 'heic', effort: 0, maxWidth: 1000 });
  assert.deepEqual([odd.width, odd.height, odd.grid], [1000, 667, undefined]);
  const odd444 = await convert(source, { format: 'heic', effort: 0, maxWidth: 1000, chroma: '444', tileSize: 512 });
  assert.deepEqual([odd444.grid.columns, odd444.grid.rows], [2, 2]);
  assert.deepEqual(dims(decodeIndependently(odd444.data, 'heic')), { width: 1000, height: 667 });
});

test('tileSize is checked: a multiple of 64 in 64..4096 or 0, never with WebP', async () => {
  for (const tileSize of [100, 32, 8192, -64, 1.5, '512']) {
    await assert.rejects(convert(source, { format: 'heic', tileSize }), (e) => e.code === 'INVALID_OPTION' && /tileSize/.test(e.message));
  }
  await assert.rejects(convert(source, { format: 'webp', tileSize: 512 }), (e) => e.code === 'INVALID_OPTION' && /webp/.test(e.message));
  const w = await convert(source, { format: 'webp', tileSize: 0, maxWidth: 600 });
  assert.equal(w.grid, undefined);
});

test('progress counts the tiles; an abort between tiles rejects with AbortError', async () => {
  const seen = [];
  await convert(source, { format: 'heic', effort: 1 }, { onProgress: (p) => { if (p.tiles) seen.push(p.tiles.done); } });
  assert.deepEqual(seen, Array.from({ length: 4 }, (_, i) => i + 1));
  const ac = new AbortController();
  const p = convert(source, { format: 'heic', effort: 1, tileSize: 256 }, {
    signal: ac.signal, onProgress: (q) => { if (q.tiles?.done === 3) ac.abort(); } });
  await assert.rejects(p, (e) => e.name === 'AbortError');
  const after = await convert(source, { format: 'heic', effort: 1, maxWidth: 1200 });
  assert.ok(after.grid, 'the next conversion works');
});
