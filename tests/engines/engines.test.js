// The package in Firefox and WebKit, not only Chromium (Safari is where HEIC users are): the Vite and webpack
// consumer apps (no bundler configuration, built by scripts/test-browser.sh from the packed tarball) served with
// the documented CSP, opened in Debian's Firefox ESR and WebKitGTK (tests/engines/engines.js). Per engine and app:
// a real photo to HEIC, AVIF and WebP in workers (decoded by Debian's independent decoders), the SIMD build picked
// by detection and the baseline one when forced, an abort mid-encode, and typed errors for caller mistakes with
// the pool still working after them.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { independentSize } from '../browser/decoders.js';
import { firefox, freePort, waitForPort, webkit } from './engines.js';

const SERVER = fileURLToPath(new URL('../browser/server.js', import.meta.url));
let server, base;

before(async () => {
  const port = await freePort();
  server = spawn('node', [SERVER, '--port', String(port)], { stdio: 'ignore' });
  await waitForPort(port);
  base = `http://127.0.0.1:${port}`;
});
after(() => server?.kill());

for (const [engine, launch] of [['Firefox ESR', firefox], ['WebKitGTK', webkit]]) {
  for (const app of ['vite', 'webpack']) {
    test(`${engine}, ${app} app: HEIC, AVIF and WebP in workers, SIMD detected and baseline forced, abort, typed errors`,
      { timeout: 10 * 60 * 1000 }, async () => {
        const b = await launch();
        try {
          await b.open(`${base}/${app}/`);
          for (const format of ['heic', 'avif', 'webp']) {
            const r = await b.call('convert', '/photos/Storm.jpg', { format, effort: 0 });
            assert.equal(r.error, undefined, `${format}: ${JSON.stringify(r.error)}`);
            assert.deepEqual([r.format, r.width, r.height, r.blobType, r.fileName], [format, 1920, 1280, `image/${format}`, `Storm.${format}`]);
            assert.equal(r.variant, 'simd');  // (both engines have wasm SIMD; wasm-feature-detect finds it)
            const b64 = await b.call('convertBase64', '/photos/Storm.jpg', { format, effort: 0, maxWidth: 800 });
            assert.equal(independentSize(Buffer.from(b64, 'base64'), format), '800 533');
          }
          const ab = await b.call('abortThenNext', '/photos/Elephants-12MP.jpg', { format: 'heic' }, 1500,
            '/photos/Storm.jpg', { format: 'webp' });
          assert.equal(ab.aborted.error?.name, 'AbortError', JSON.stringify(ab.aborted));
          assert.ok(ab.aborted.ms < 1000, `rejected ${ab.aborted.ms} ms after abort()`);
          assert.deepEqual([ab.next.format, ab.next.width], ['webp', 1920]);

          const m = await b.call('mistakesThenPhoto', '/photos/Storm.jpg', { format: 'webp' });
          for (const k of ['null', 'undefined', 'string', 'number', 'detached'])
            assert.deepEqual([m.mistakes[k].typed, m.mistakes[k].code], [true, 'INVALID_OPTION'], `${k}: ${JSON.stringify(m.mistakes[k])}`);
          assert.equal(m.after.error, undefined, JSON.stringify(m.after.error));
          assert.equal(m.after.format, 'webp');

          await b.call('setVariant', 'baseline');
          const baseline = await b.call('convert', '/photos/Storm.jpg', { format: 'avif', effort: 9, maxWidth: 640 });
          assert.equal(baseline.error, undefined, JSON.stringify(baseline.error));
          assert.equal(baseline.variant, 'baseline');
          assert.deepEqual(await b.call('violations'), []);
          assert.deepEqual(b.errors, []);
          console.log(`${engine} (${b.version}), ${app}: ok`);
        } finally {
          await b.close();
        }
      });
  }
}
