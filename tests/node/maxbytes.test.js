// maxBytes: a size budget that holds. The output never exceeds it, is the highest quality that fits (one quality
// step up is over: checked by encoding it), decodes in Debian's independent decoders at the right size; a budget the
// default already meets costs one encode and changes nothing; an unreachable one is a typed MAX_BYTES_UNREACHABLE,
// or with allowResize a smaller image that fits; the CLI's --max-bytes does the same.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { convert, AdvcompressError } from 'advcompress/heic';
import { decodeIndependently, dims, photoBytes, tmp, PHOTO } from './helpers.js';
import { fixturesSkipReason, loadFixtures } from './fixtures.js';

const photo = photoBytes();
// (640 x 427: each encode a fraction of a second; metadata stripped, or the photo's 10 KB of EXIF would be most of
// the budget at this size)
const base = { effort: 0, maxWidth: 640, metadata: 'strip' };
const CLI = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));

for (const format of ['heic', 'avif', 'webp']) {
  test(`${format}: maxBytes at 70 % of the default output gives the best quality that fits, never over`, async () => {
    const plain = await convert(photo, { ...base, format });
    const maxBytes = Math.round(plain.outputBytes * 0.7);
    const r = await convert(photo, { ...base, format, maxBytes });
    assert.ok(r.outputBytes <= maxBytes, `${r.outputBytes} > ${maxBytes}`);
    assert.ok(r.quality < plain.quality, `quality ${r.quality} (default ${plain.quality})`);
    assert.ok(r.encodes >= 2 && r.encodes <= 9, `${r.encodes} encodes`);
    const up = await convert(photo, { ...base, format, quality: r.quality + 1 });
    assert.ok(up.outputBytes > maxBytes, `quality ${r.quality + 1} gives ${up.outputBytes} bytes, which fits too`);
    assert.deepEqual(dims(decodeIndependently(r.data, format)), { width: 640, height: 427 });
  });
}

test('a photo of 1 MP or more searches on a half-size proxy: the same guarantee, few full-size encodes', async () => {
  const dune = photoBytes('/usr/share/backgrounds/mate/nature/Dune.jpg');  // 1680 x 1050
  const opts = { format: 'heic', effort: 0, metadata: 'strip' };
  const plain = await convert(dune, opts);
  const maxBytes = Math.round(plain.outputBytes * 0.6);
  const r = await convert(dune, { ...opts, maxBytes });
  assert.ok(r.outputBytes <= maxBytes, `${r.outputBytes} > ${maxBytes}`);
  const up = await convert(dune, { ...opts, quality: r.quality + 1 });
  assert.ok(up.outputBytes > maxBytes, `quality ${r.quality + 1} gives ${up.outputBytes} bytes, which fits too`);
  assert.ok(r.encodes <= 5, `${r.encodes} full-size encodes`);
  assert.deepEqual([r.width, r.height], [1680, 1050]);
});

test('a budget the default output meets: one encode, the same bytes as without maxBytes', async () => {
  const plain = await convert(photo, { ...base, format: 'heic' });
  const r = await convert(photo, { ...base, format: 'heic', maxBytes: plain.outputBytes });
  assert.equal(r.encodes, 1);
  assert.equal(plain.encodes, 1);
  assert.deepEqual(r.data, plain.data);
});

test('an unreachable budget is MAX_BYTES_UNREACHABLE naming the smallest size; allowResize scales down until it fits', async () => {
  const q0 = await convert(photo, { ...base, format: 'avif', quality: 0 });
  const maxBytes = Math.round(q0.outputBytes / 2);
  await assert.rejects(convert(photo, { ...base, format: 'avif', maxBytes }), (e) => {
    assert.ok(e instanceof AdvcompressError);
    assert.equal(e.code, 'MAX_BYTES_UNREACHABLE');
    assert.equal(e.message, `maxBytes ${maxBytes} cannot be met: at quality 0 the 640x427 output is ${q0.outputBytes} bytes `
      + '(allowResize: true scales it down until it fits)');
    return true;
  });
  const r = await convert(photo, { ...base, format: 'avif', maxBytes, allowResize: true });
  assert.ok(r.outputBytes <= maxBytes, `${r.outputBytes}`);
  assert.ok(r.width < 640 && r.width >= 8, `${r.width}x${r.height}`);
  assert.ok(Math.abs(r.width / r.height - 640 / 427) < 0.05, 'aspect ratio kept');
  assert.deepEqual(dims(decodeIndependently(r.data, 'avif')), { width: r.width, height: r.height });
});

test('maxBytes and allowResize are validated', async () => {
  const bad = async (options, re) => assert.rejects(convert(photo, options),
    (e) => e instanceof AdvcompressError && e.code === 'INVALID_OPTION' && re.test(e.message));
  await bad({ maxBytes: 0 }, /maxBytes/);
  await bad({ maxBytes: 1.5 }, /maxBytes/);
  await bad({ maxBytes: '100' }, /maxBytes/);
  await bad({ maxBytes: 10000, lossless: true }, /lossless/);
  await bad({ allowResize: true }, /allowResize goes with maxBytes/);
});

test('CLI --max-bytes: the file on disk fits; an unreachable budget exits 1 with the code', () => {
  const out = join(tmp, 'budget.heic');
  let r = spawnSync('node', [CLI, PHOTO, '-f', 'heic', '-e', '0', '--max-width', '640', '--strip', '--max-bytes', '3000', '-o', out],
    { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.ok(statSync(out).size <= 3000, `${statSync(out).size}`);
  assert.match(r.stdout, /quality \d+ \(\d+ encodes to fit --max-bytes\)/);
  assert.deepEqual(dims(decodeIndependently(readFileSync(out), 'heic')), { width: 640, height: 427 });
  r = spawnSync('node', [CLI, PHOTO, '-f', 'webp', '--max-bytes', '100', '-o', join(tmp, 'no.webp')], { encoding: 'utf8' });
  assert.equal(r.status, 1);
  assert.match(r.stderr, /MAX_BYTES_UNREACHABLE: maxBytes 100 cannot be met/);
});

// Every decodable JPEG fixture (scripts/fetch-fixtures.sh: Pillow's, libjpeg-turbo's, exiv2's... 64 px to 2 MP),
// two budgets each (50 % and 20 % of its default WebP), allowResize on: never over the budget, and typed when not
// met at all (a budget under the container's own size); every 10th output through dwebp.
test('every JPEG fixture under two budgets: never over, typed when unreachable', { skip: fixturesSkipReason() || false }, async () => {
  const files = loadFixtures().filter((f) => f.status === 'decodable' && f.format === 'jpeg'
    && Number(f.width) * Number(f.height) >= 4096 && Number(f.width) * Number(f.height) <= 2_000_000);
  assert.ok(files.length >= 100, `${files.length} files`);
  let checked = 0, unreachable = 0, searches = 0;
  for (const f of files) {
    const bytes = new Uint8Array(readFileSync(f.file));
    // (files our decoders refuse, typed, are the corrupt-file tests' business)
    const plain = await convert(bytes, { format: 'webp', effort: 0, metadata: 'strip' }).catch((e) => {
      assert.ok(e instanceof AdvcompressError, `${f.set}/${f.path}: ${e}`);
      return undefined;
    });
    if (!plain) continue;
    for (const share of [0.5, 0.2]) {
      const maxBytes = Math.max(1, Math.floor(plain.outputBytes * share));
      try {
        const r = await convert(bytes, { format: 'webp', effort: 0, metadata: 'strip', maxBytes, allowResize: true });
        assert.ok(r.outputBytes <= maxBytes, `${f.set}/${f.path}: ${r.outputBytes} > ${maxBytes}`);
        searches += r.encodes;
        if (checked++ % 10 === 0) decodeIndependently(r.data, 'webp');
      } catch (e) {
        assert.ok(e instanceof AdvcompressError && e.code === 'MAX_BYTES_UNREACHABLE', `${f.set}/${f.path}: ${e}`);
        unreachable++;
      }
    }
  }
  assert.ok(checked >= files.length, `${checked} budgets met, ${unreachable} unreachable, of ${files.length} files`);
  console.log(`maxBytes over ${files.length} JPEG fixtures: ${checked} budgets met (${(searches / checked).toFixed(1)} encodes each), ${unreachable} unreachable`);
});
