// convertMany: several outputs (sizes, formats, cloud rules) from ONE decode. The decode calls are counted on the
// decode module instance the package itself uses; every output is checked in Debian's independent decoders.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { convert, convertMany, AdvcompressError } from 'advcompress/heic';
import { loadModule, pickVariant } from '../../dist/loader.js';  // (the module instances the package uses: same file)
import { decodeIndependently, dims, photoBytes } from './helpers.js';

const photo = photoBytes();  // Storm.jpg, 1920 x 1280

// Counts the decode module's decode()/decodeFrames() calls while `f` runs.
async function countingDecodes(f) {
  const dec = await loadModule('decode', await pickVariant());
  const orig = { decode: dec.decode, decodeFrames: dec.decodeFrames };
  let n = 0;
  dec.decode = (...a) => { n++; return orig.decode(...a); };
  dec.decodeFrames = (...a) => { n++; return orig.decodeFrames(...a); };
  try {
    const value = await f();
    return { value, decodes: n };
  } finally {
    Object.assign(dec, orig);
  }
}

const OUTPUTS = [
  { format: 'avif', maxWidth: 1280, effort: 9 },
  'imageMogr2/thumbnail/320x/format/webp',
  { format: 'heic', maxWidth: 640, effort: 0 },
];

test('three outputs (two sizes by option, one by a cloud rule) from one decode, each right', async () => {
  const { value: rs, decodes } = await countingDecodes(() => convertMany(photo, OUTPUTS));
  assert.equal(decodes, 1);
  assert.deepEqual(rs.map((r) => [r.format, r.width, r.height]), [['avif', 1280, 853], ['webp', 320, 213], ['heic', 640, 427]]);
  for (const r of rs) assert.deepEqual(dims(decodeIndependently(r.data, r.format)), { width: r.width, height: r.height });
  assert.ok(rs.every((r) => r.timings.decodeMs === rs[0].timings.decodeMs), 'one shared decode time');
  // the control: the same outputs one convert() at a time decode three times, and give the same files
  const { value: one, decodes: three } = await countingDecodes(() => Promise.all(OUTPUTS.map((o) => convert(photo, o))));
  assert.equal(three, 3);
  one.forEach((r, i) => assert.deepEqual(r.data, rs[i].data, `output ${i} is the file convert() writes`));
});

test('an impossible output fails before anything is decoded; a rule with ignore-error/1 hands back the original', async () => {
  const { decodes } = await countingDecodes(() => assert.rejects(
    convertMany(photo, [{ format: 'webp' }, { format: 'webp', resize: [{ mode: 'scale', scaleX: 1000, scaleY: 1000 }] }]),
    (e) => e instanceof AdvcompressError && e.code === 'OUTPUT_TOO_LARGE'));
  assert.equal(decodes, 0);
  const rs = await convertMany(photo, [{ format: 'webp', effort: 0 }, 'imageMogr2/thumbnail/!1000p/format/webp/ignore-error/1']);
  assert.equal(rs[0].passthrough, false);
  assert.equal(rs[1].passthrough, true);
  assert.deepEqual(rs[1].data, photo);
});

test('outputs are validated: 1 to 16 of them, the same autoOrient and limits', async () => {
  const bad = (outputs, re) => assert.rejects(convertMany(photo, outputs),
    (e) => e instanceof AdvcompressError && e.code === 'INVALID_OPTION' && re.test(e.message));
  await bad([], /1 to 16 outputs/);
  await bad('imageMogr2/format/webp', /1 to 16 outputs/);
  await bad(Array(17).fill({ format: 'webp' }), /17 entries/);
  await bad([{ format: 'webp' }, { format: 'webp', autoOrient: false }], /same autoOrient and limits/);
  await bad([{ format: 'webp' }, { format: 'jpg' }], /format/);
});
