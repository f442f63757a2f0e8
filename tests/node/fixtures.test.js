// The fixture set itself (issue 3, "Done means" 1): scripts/fetch-fixtures.sh gathers real edge-case files from
// Debian source packages and indexes them with independent Debian tools. These tests check that the set is there
// and covers the inputs the issue lists; the decoder tests use the same index through ./fixtures.js.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import {
  COLUMNS, FORMATS, STATUSES, fixturesDir, fixturesSkipReason, loadExpectations, loadFixtures,
} from './fixtures.js';

const skip = fixturesSkipReason() || false;   // (an empty string would skip too)
let all = [];
if (skip) {
  console.log(`skipping the fixture tests: ${skip}`);
} else {
  all = loadFixtures();   // runs scripts/fetch-fixtures.sh: minutes when cold, seconds when warm
}
const where = (pred) => all.filter(pred);
const count = (pred) => where(pred).length;
const names = (list, n = 5) => list.slice(0, n).map((f) => `${f.set}/${f.path}`).join(', ');

// At least this many decodable files per format (the set has about twice as many; see the summary of the script).
const MIN_DECODABLE = { jpeg: 150, png: 500, gif: 100, bmp: 40, webp: 15, heif: 10, avif: 15 };
// Files every independent tool rejects: at least this many per format.
const MIN_CORRUPT = { jpeg: 15, png: 30, gif: 10, bmp: 6, webp: 3, heif: 10 };

test('the index is well formed', { skip }, () => {
  assert.ok(all.length > 1000, `only ${all.length} files`);
  const seen = new Set();
  for (const f of all) {
    assert.ok(FORMATS.includes(f.format), `${f.set}/${f.path}: format ${f.format}`);
    assert.ok(STATUSES.includes(f.status), `${f.set}/${f.path}: status ${f.status}`);
    assert.ok(!seen.has(`${f.set}/${f.path}`), `${f.set}/${f.path} listed twice`);
    seen.add(`${f.set}/${f.path}`);
    if (f.status === 'decodable') {
      assert.ok(f.width > 0 && f.height > 0, `${f.set}/${f.path}: decodable without a size`);
      assert.ok(f.frames >= 1, `${f.set}/${f.path}: decodable without frames`);
    }
  }
  assert.equal(COLUMNS.length, 13);
});

test('every listed file exists with the listed size', { skip }, () => {
  const bad = where((f) => {
    try { return statSync(f.file).size !== f.bytes; } catch { return true; }
  });
  assert.deepEqual(bad.map((f) => f.file), []);
});

for (const [format, n] of Object.entries(MIN_DECODABLE)) {
  test(`at least ${n} decodable ${format} files`, { skip }, () => {
    const c = count((f) => f.format === format && f.status === 'decodable');
    assert.ok(c >= n, `${c} decodable ${format} files`);
  });
}

for (const [format, n] of Object.entries(MIN_CORRUPT)) {
  test(`at least ${n} corrupt ${format} files`, { skip }, () => {
    const c = count((f) => f.format === format && f.status === 'corrupt');
    assert.ok(c >= n, `${c} corrupt ${format} files`);
  });
}

// One or more decodable real files for each kind of input issue 3 lists (features are what the tools reported).
const has = (k, v) => (f) => (v === undefined ? f.features[k] !== undefined : String(f.features[k]) === String(v));
const COVERAGE = [
  ['jpeg', 'baseline', has('baseline')],
  ['jpeg', 'progressive', has('progressive')],
  ['jpeg', 'greyscale', has('gray')],
  ['jpeg', 'arithmetic coding', has('arithmetic')],
  ['jpeg', 'CMYK / YCCK (Adobe)', (f) => f.features.cmyk && f.features['adobe-transform'] !== undefined],
  ...[2, 3, 4, 5, 6, 7, 8].map((o) => ['jpeg', `EXIF orientation ${o}`, has('orientation', o)]),
  ['jpeg', 'embedded ICC profile', has('icc')],
  ...[1, 2, 4, 8].map((d) => ['png', `${d}-bit palette`, (f) => f.features.colortype === '3' && f.features.bitdepth === String(d)]),
  ['png', 'palette with tRNS', (f) => f.features.colortype === '3' && f.features.alpha],
  ['png', 'grey + alpha', has('colortype', 4)],
  ['png', 'RGB 16-bit', (f) => f.features.colortype === '2' && f.features.bitdepth === '16'],
  ['png', 'RGBA 16-bit', (f) => f.features.colortype === '6' && f.features.bitdepth === '16'],
  ['png', 'interlaced (Adam7)', has('interlaced')],
  ['png', 'iCCP', has('icc')],
  ['png', 'APNG', has('apng')],
  ...[1, 4, 8, 16, 24, 32].map((b) => ['bmp', `${b}-bit`, has('bpp', b)]),
  ['bmp', 'RLE4', has('rle4')],
  ['bmp', 'RLE8', has('rle8')],
  ['bmp', 'bitfields', has('bitfields')],
  ['bmp', 'top-down', has('top-down')],
  ['bmp', 'alpha', has('alpha')],
  ['gif', 'static', (f) => f.frames === 1],
  ['gif', 'animated', has('animated')],
  ['gif', 'disposal to background', (f) => /Background/.test(f.features.dispose || '')],
  ['gif', 'disposal to previous', (f) => /Previous/.test(f.features.dispose || '')],
  ['gif', 'transparency', has('alpha')],
  ['webp', 'lossy', has('lossy')],
  ['webp', 'lossless', has('lossless')],
  ['webp', 'alpha', has('alpha')],
  ['webp', 'animated', has('animated')],
  ['webp', 'EXIF orientation', has('orientation')],
  ['heif', 'HEVC 8-bit', (f) => /hvc1/.test(f.features.items || '') && f.depth === 8],
  ['heif', '10-bit', has('10bit')],
  ['heif', 'alpha', has('alpha')],
  ['heif', 'grid', has('grid')],
  ['heif', 'several top-level images', has('images')],
  ['heif', 'irot', has('irot')],
  ['heif', 'ICC', has('icc')],
  ['heif', 'NCLX', has('nclx')],
  ['heif', 'EXIF', has('exif')],
  ['avif', '8-bit', (f) => f.depth === 8],
  ['avif', 'alpha', has('alpha')],
  ['avif', 'irot', has('irot')],
  ['avif', 'imir', has('imir')],
  ['avif', 'monochrome (4:0:0)', has('yuv400')],
  ['avif', 'EXIF + XMP', (f) => f.features.exif && f.features.xmp],
  ['avif', 'ICC', has('icc')],
  // (firefox-esr's AVIF tests)
  ['avif', '10-bit', has('10bit')],
  ['avif', '12-bit', has('12bit')],
  ['avif', '4:2:2', has('yuv422')],
  ['avif', 'image sequence', has('sequence')],
];
// Kinds no Debian source package served here ships (libavif's own test data is not served: its source answers 404).
const MISSING = [
  ['heif', '12-bit', has('12bit')],
  ['avif', 'grid', has('grid')],
  ['tpg', 'any', () => true],
];

for (const [format, what, pred] of COVERAGE) {
  test(`a decodable ${format} file: ${what}`, { skip }, () => {
    const list = where((f) => f.format === format && f.status === 'decodable' && pred(f));
    assert.ok(list.length > 0, `no decodable ${format} file with ${what}`);
  });
}
for (const [format, what, pred] of MISSING) {
  test(`a decodable ${format} file: ${what}`, { skip, todo: 'no Debian source package served here has one' }, () => {
    const list = where((f) => f.format === format && f.status === 'decodable' && pred(f));
    assert.ok(list.length > 0, `no decodable ${format} file with ${what}`);
  });
}

test('the decompression bombs and oversized headers are listed with their header size', { skip }, () => {
  const big = where((f) => f.width && f.height && (f.width > 30000 || f.height > 30000 || f.width * f.height > 250e6));
  assert.ok(big.length >= 3, `only ${big.length}: ${names(big)}`);
  for (const f of big) assert.notEqual(f.status, 'decodable', `${f.set}/${f.path} was decoded`);
});

test('hand-checked expectations name files of the index', { skip }, () => {
  const byKey = new Map(all.map((f) => [`${f.set}/${f.path}`, f]));
  const exp = loadExpectations();
  assert.ok(exp.length > 20);
  for (const e of exp) {
    const f = byKey.get(`${e.set}/${e.path}`);
    assert.ok(f, `expectations.tsv: ${e.set}/${e.path} is not in the index`);
    const ref = /^(\S+\.(png|jpg|gif))\b/.exec(e.value)?.[1];
    if (ref && e.fact.startsWith('matches')) {
      assert.ok(byKey.get(`${e.set}/${ref}`)?.status === 'decodable', `${e.set}/${ref} (reference) is not decodable`);
    }
    if (e.fact === 'orientation') assert.equal(f.features.orientation ?? '1', e.value, `${e.set}/${e.path}`);
    if (e.fact === 'limit') assert.notEqual(f.status, 'decodable', `${e.set}/${e.path}`);
  }
});

test('the GIF test suite ships its expected frames next to the files', { skip }, () => {
  const conf = join(fixturesDir(), 'gdk-pixbuf', 'tests', 'test-images', 'gif-test-suite', 'dispose-restore-previous.conf');
  assert.ok(statSync(conf).size > 0);
});
