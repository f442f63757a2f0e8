// The package in real apps: the Vite and webpack consumer builds (tests/consumers, installed from the packed
// tarball) loaded in Debian's Chromium, served with the documented CSP, once without and once with cross-origin
// isolation. What a web developer would check: conversions to every format happen in workers and come out right,
// the page stays responsive during a 12 MP HEIC encode, abort and out-of-memory jobs fail alone, the baseline
// variant loads when SIMD is forced off, and only the requested format's wasm is downloaded.
import { test, expect } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const tmp = mkdtempSync(join(tmpdir(), 'advcompress-browser-'));
const APPS = ['vite', 'webpack'];
const MODES = [{ name: 'not isolated', port: 4173, coi: false }, { name: 'cross-origin isolated', port: 4174, coi: true }];

// Opens an app and collects what the page did: console errors, failed requests, wasm downloads.
async function open(page, app, port) {
  const seen = { errors: [], wasm: [], failed: [] };
  page.on('console', (m) => { if (m.type() === 'error') seen.errors.push(m.text()); });
  page.on('pageerror', (e) => seen.errors.push(String(e)));
  page.on('requestfailed', (r) => seen.failed.push(r.url()));
  page.context().on('response', (r) => { if (r.status() >= 400) seen.failed.push(`${r.status()} ${r.url()}`); });
  // (the context sees the workers' requests too)
  page.context().on('request', (r) => {
    const name = r.url().split('/').pop();
    if (name.endsWith('.wasm') && !seen.wasm.includes(name)) seen.wasm.push(name);
  });
  await page.goto(`http://127.0.0.1:${port}/${app}/`);
  await page.waitForFunction(() => window.t?.ready === true);
  return seen;
}

/** Decodes an output with Debian's independent decoder; returns "W H" as ImageMagick sees the result. */
function independentSize(bytes, format) {
  const src = join(tmp, `out-${Math.random().toString(36).slice(2)}.${format}`);
  const png = `${src}.png`;
  writeFileSync(src, Buffer.from(bytes));
  if (format === 'heic') execFileSync('heif-convert', [src, png], { stdio: 'pipe' });
  else if (format === 'avif') execFileSync('avifdec', [src, png], { stdio: 'pipe' });
  else execFileSync('dwebp', [src, '-o', png], { stdio: 'pipe' });
  return execFileSync('identify', ['-format', '%w %h', png], { encoding: 'utf8' });
}

for (const app of APPS) {
  for (const mode of MODES) {
    test(`${app}, ${mode.name}: a real photo converts to HEIC, AVIF and WebP in workers, under the CSP`, async ({ page }) => {
      const seen = await open(page, app, mode.port);
      expect(await page.evaluate(() => window.t.crossOriginIsolated)).toBe(mode.coi);
      for (const format of ['heic', 'avif', 'webp']) {
        const r = await page.evaluate(([f]) => window.t.convert('/photos/Storm.jpg', { format: f, effort: f === 'heic' ? 2 : undefined }), [format]);
        expect(r.error, JSON.stringify(r.error)).toBeUndefined();
        expect(r.format).toBe(format);
        expect([r.width, r.height]).toEqual([1920, 1280]);
        expect(r.mimeType).toBe(`image/${format}`);
        expect(r.blobType).toBe(`image/${format}`);
        expect(r.fileName).toBe(`Storm.${format}`);
      }
      // The bytes leave the page (as a download would) and decode in Debian's independent decoders.
      for (const format of ['heic', 'avif', 'webp']) {
        const b64 = await page.evaluate(([f]) => window.t.convertBase64('/photos/Storm.jpg', { format: f, effort: 0, maxWidth: 800 }), [format]);
        expect(independentSize(Buffer.from(b64, 'base64'), format)).toBe('800 533');
      }
      expect(await page.evaluate(() => window.t.cspViolations)).toEqual([]);
      expect(seen.errors).toEqual([]);
      expect(seen.failed).toEqual([]);
    });
  }

  test(`${app}: a 12 MP photo becomes a HEIC grid whose tiles the pool's workers code together; abort stops them all`, async ({ page }) => {
    const seen = await open(page, app, 4173);
    const r = await page.evaluate(() => window.t.gridThenAbort('/photos/Elephants-12MP.jpg', { format: 'heic', effort: 0 }, 5));
    expect([r.width, r.height, r.format]).toEqual([4608, 2592, 'heic']);
    expect(r.grid).toEqual({ tileSize: 1024, columns: 5, rows: 3, helpers: r.concurrency - 1 });
    expect(r.concurrency).toBeGreaterThan(1);
    expect(r.workersDuring).toBe(r.concurrency);
    expect(r.tiles).toEqual(Array.from({ length: 15 }, (_, i) => i + 1));
    console.log(`${app}: 12 MP HEIC grid in ${(r.ms / 1000).toFixed(1)} s on ${r.concurrency} workers`);
    expect(independentSize(Buffer.from(r.b64, 'base64'), 'heic')).toBe('4608 2592');
    expect(r.aborted.name).toBe('AbortError');
    expect(r.workersAfterAbort).toBe(0);  // the job's worker and its helpers were ended
    expect(r.next.error, JSON.stringify(r.next.error)).toBeUndefined();
    expect(r.next.grid).toEqual({ tileSize: 1024, columns: 2, rows: 1, helpers: 1 });
    expect(seen.errors).toEqual([]);
  });

  test(`${app}: the default pool size follows cores and device memory (a 1 GB phone gets one worker)`, async ({ page }) => {
    for (const [cores, memory, want] of [[8, 8, 4], [8, 2, 2], [8, 1, 1], [8, 0.5, 1], [2, 8, 2], [6, undefined, 4]]) {
      await page.addInitScript(([c, m]) => {
        Object.defineProperty(Navigator.prototype, 'hardwareConcurrency', { get: () => c, configurable: true });
        Object.defineProperty(Navigator.prototype, 'deviceMemory', { get: () => m, configurable: true });
      }, [cores, memory]);
      await open(page, app, 4173);
      expect(await page.evaluate(() => window.t.concurrency()), `${cores} cores, ${memory} GB`).toEqual({ fn: want, pool: want });
    }
  });

  test(`${app}: the page stays responsive during a 12 MP HEIC encode (no long task over 100 ms)`, async ({ page }) => {
    await open(page, app, 4173);
    const r = await page.evaluate(() => window.t.convertMeasured('/photos/Elephants-12MP.jpg', { format: 'heic', effort: 0 }));
    expect([r.width, r.height]).toEqual([4608, 2592]);
    expect(r.format).toBe('heic');
    console.log(`${app}: 12 MP HEIC in ${(r.ms / 1000).toFixed(1)} s, ${r.longTasks.length} long tasks, longest ${r.maxLongTask.toFixed(0)} ms, ${r.ticks} timer ticks`);
    expect(r.maxLongTask).toBeLessThanOrEqual(100);
    expect(r.ticks).toBeGreaterThan(r.ms / 50 * 0.5);  // the main thread's timers kept firing
    // Control: the same observer does report a 200 ms block of the main thread as a task over 100 ms (durations
    // are coarsened by the browser, so the check is against the threshold, not the exact 200).
    expect(await page.evaluate(() => window.t.blockMainThread(200))).toBeGreaterThan(150);
  });

  test(`${app}: convertMany gives several outputs (sizes, formats, a cloud rule) from one decode in a worker`, async ({ page }) => {
    await open(page, app, 4173);
    const rs = await page.evaluate(() => window.t.convertMany('/photos/Storm.jpg',
      [{ format: 'heic', maxWidth: 800, effort: 0 }, 'imageMogr2/thumbnail/320x/format/webp', { format: 'avif', maxWidth: 640, effort: 9 }]));
    expect(rs.error, JSON.stringify(rs.error)).toBeUndefined();
    expect(rs.map((r) => [r.format, r.width, r.height, r.fileName, r.blobType])).toEqual([
      ['heic', 800, 533, 'Storm.heic', 'image/heic'], ['webp', 320, 213, 'Storm.webp', 'image/webp'],
      ['avif', 640, 427, 'Storm.avif', 'image/avif']]);
    for (const r of rs) expect(independentSize(Buffer.from(r.b64, 'base64'), r.format)).toBe(`${r.width} ${r.height}`);
  });

  test(`${app}: abort mid-encode rejects with AbortError and the next job succeeds`, async ({ page }) => {
    await open(page, app, 4173);
    const r = await page.evaluate(() => window.t.abortThenNext('/photos/Elephants-12MP.jpg', { format: 'heic' }, 1500,
      '/photos/Storm.jpg', { format: 'webp' }));
    expect(r.aborted.error?.name).toBe('AbortError');
    expect(r.aborted.ms).toBeLessThan(1000);  // rejected at once, not after the encode
    expect(r.next.format).toBe('webp');
    expect([r.next.width, r.next.height]).toEqual([1920, 1280]);
  });

  test(`${app}: an out-of-memory job fails alone with OUT_OF_MEMORY and the pool goes on`, async ({ page }) => {
    await open(page, app, 4173);
    const r = await page.evaluate(() => window.t.oomThenNext('/photos/Storm.jpg', { format: 'webp' }));
    expect(r.oom.code, JSON.stringify(r.oom)).toBe('OUT_OF_MEMORY');
    expect(r.oom.typed).toBe(true);
    expect(r.ok.format).toBe('webp');
    expect(r.after.format).toBe('webp');
  });

  test(`${app}: forcing SIMD off loads the baseline build; only the requested format's wasm is fetched`, async ({ page }) => {
    const seen = await open(page, app, 4173);
    const simd = await page.evaluate(() => window.t.convert('/photos/Storm.jpg', { format: 'webp' }));
    expect(simd.variant).toBe('simd');
    expect(seen.wasm.some((u) => /decode\.simd/.test(u))).toBe(true);
    expect(seen.wasm.length).toBe(2);  // the decoder and the WebP encoder, nothing else
    expect(seen.wasm.some((u) => /heic|avif/.test(u))).toBe(false);
    await page.evaluate(() => window.t.setVariant('baseline'));
    const base = await page.evaluate(() => window.t.convert('/photos/Storm.jpg', { format: 'webp' }));
    expect(base.variant).toBe('baseline');
    expect(seen.wasm.some((u) => /webp\.baseline/.test(u))).toBe(true);
    expect(seen.wasm.some((u) => /heic|avif/.test(u))).toBe(false);
  });

  test(`${app}: caller mistakes get typed errors and never jam the pool (one worker, then a real photo)`, async ({ page }) => {
    await open(page, app, 4173);
    const r = await page.evaluate(() => window.t.mistakesThenPhoto('/photos/Storm.jpg', { format: 'webp' }));
    for (const [name, e] of Object.entries(r.mistakes)) {
      expect(e.typed, `${name}: ${JSON.stringify(e)}`).toBe(true);
      expect(e.code, `${name}: ${e.message}`).toBe('INVALID_OPTION');
    }
    expect(r.mistakes.null.message).toBe('Expected a File, Blob, ArrayBuffer, typed array, ImageData, ImageBitmap or canvas for input but received null');
    expect(r.mistakes.string.message).toMatch(/received the string "not an image"$/);
    expect(r.mistakes.number.message).toMatch(/received the number 12345$/);
    expect(r.mistakes.detached.message).toMatch(/detached ArrayBuffer/);
    expect(r.mistakes.unsendable.message).toMatch(/could not be sent to the worker/);
    expect(r.workersAfterMistakes).toBe(0);  // the arguments were refused before a worker was even started
    expect(r.workersAfterUnsendable).toBe(1);  // the worker that postMessage never reached is idle, not killed
    expect(r.after.error, JSON.stringify(r.after.error)).toBeUndefined();
    expect([r.after.format, r.after.width, r.after.height]).toEqual(['webp', 1920, 1280]);
    expect(r.workersAfter).toBe(1);
  });

  test(`${app}: a worker whose wasm memory grew past recycleAboveBytes is ended after its job, and the pool goes on`, async ({ page }) => {
    await open(page, app, 4173);
    const r = await page.evaluate(() => window.t.recycling('/photos/Storm.jpg', { format: 'webp' }));
    expect(r.always).toEqual({ afterFirst: 0, afterSecond: 0, recycled: 2, same: true });
    expect(r.never).toEqual({ afterFirst: 1, afterSecond: 1, recycled: 0, same: true });
    expect(r.default).toEqual({ afterFirst: 1, afterSecond: 1, recycled: 0, same: true });
    expect(r.negative.code).toBe('INVALID_OPTION');
  });

  test(`${app}: page inputs (ImageData, ImageBitmap, canvas) encode in workers`, async ({ page }) => {
    await open(page, app, 4173);
    const r = await page.evaluate(() => window.t.pageInputs('/photos/Storm.jpg'));
    for (const k of ['imageData', 'bitmap', 'canvas']) {
      expect(r[k].error, `${k}: ${JSON.stringify(r[k].error)}`).toBeUndefined();
      expect([r[k].width, r[k].height, r[k].format]).toEqual(k === 'bitmap' ? [1920, 1280, 'webp'] : [320, 200, 'webp']);
    }
    expect(r.bitmapStillUsable).toBe(true);
  });
}
