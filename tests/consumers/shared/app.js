// The test app both consumer builds (Vite, webpack) bundle: a minimal page that uses advcompress as an app would,
// plus hooks (window.t) for the Playwright tests to drive it and read what happened. Imports only the package's
// public entry point, resolved by the bundler through the installed tarball.
import { convert, probe, setVariant, terminate, createPool, AdvcompressError } from 'advcompress/heic';

const log = document.querySelector('#log');
const longTasks = [];
const cspViolations = [];
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) longTasks.push({ start: e.startTime, duration: e.duration });
}).observe({ type: 'longtask', buffered: true });
document.addEventListener('securitypolicyviolation', (e) =>
  cspViolations.push(`${e.violatedDirective}: ${e.blockedURI}`));

async function photo(url) {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url}: ${res.status}`);
  const blob = await res.blob();
  return new File([blob], url.split('/').pop(), { type: blob.type });
}

function summary(r) {
  return { format: r.format, width: r.width, height: r.height, bytes: r.outputBytes, mimeType: r.mimeType,
    blobType: r.blob().type, fileName: r.fileName, variant: r.variant, bitDepth: r.bitDepth,
    head: Array.from(r.data.subarray(0, 16)) };
}

function errorOf(e) {
  return { name: e?.name, code: e?.code, message: String(e?.message ?? e), typed: e instanceof AdvcompressError };
}

// A PNG header claiming `w` x `h` 16-bit RGBA with a 1-byte IDAT: decoding must allocate w*h*8 bytes first.
function hugePng(w, h) {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (bytes) => { let c = 0xffffffff; for (const b of bytes) c = crcTable[(c ^ b) & 255] ^ (c >>> 8); return (c ^ 0xffffffff) >>> 0; };
  const chunk = (type, data) => {
    const out = new Uint8Array(12 + data.length);
    const dv = new DataView(out.buffer);
    dv.setUint32(0, data.length);
    const td = new Uint8Array([...type].map((c) => c.charCodeAt(0)).concat([...data]));
    out.set(td, 4);
    dv.setUint32(8 + data.length, crc(td));
    return out;
  };
  const ihdr = new Uint8Array(13);
  const dv = new DataView(ihdr.buffer);
  dv.setUint32(0, w); dv.setUint32(4, h);
  ihdr.set([16, 6, 0, 0, 0], 8);
  const parts = [new Uint8Array([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr),
    chunk('IDAT', new Uint8Array([0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01])), chunk('IEND', new Uint8Array())];
  return new Blob(parts, { type: 'image/png' });
}

window.t = {
  ready: true,
  longTasks,
  cspViolations,
  crossOriginIsolated: globalThis.crossOriginIsolated === true,
  setVariant,
  terminate,
  async convert(url, options) {
    try { return summary(await convert(await photo(url), options)); } catch (e) { return { error: errorOf(e) }; }
  },
  async probe(url) { return probe(await photo(url)); },
  /** The output file itself, base64 (for the test to decode it outside the browser). */
  async convertBase64(url, options) {
    const r = await convert(await photo(url), options);
    let s = '';
    for (let i = 0; i < r.data.length; i += 0x8000) s += String.fromCharCode(...r.data.subarray(i, i + 0x8000));
    return btoa(s);
  },
  /** Converts while counting the main thread's long tasks (> 50 ms, PerformanceObserver) during the job. */
  async convertMeasured(url, options) {
    const file = await photo(url);
    const from = performance.now();
    let ticks = 0;
    const timer = setInterval(() => ticks++, 50);
    const r = await convert(file, options);
    clearInterval(timer);
    const to = performance.now();
    await new Promise((res) => setTimeout(res, 100));  // let the observer deliver
    const during = longTasks.filter((x) => x.start >= from && x.start <= to);
    return { ...summary(r), ms: to - from, ticks, longTasks: during, maxLongTask: Math.max(0, ...during.map((x) => x.duration)) };
  },
  /** Control for the long-task measurement: blocks the main thread for `ms` and returns the longest task the
   * observer then reports (proves the observer works in this browser). */
  async blockMainThread(ms) {
    const t0 = performance.now();
    // (in a task of the page's own, as a click handler would be; a DevTools evaluation is not reported)
    await new Promise((res) => setTimeout(() => { while (performance.now() - t0 < ms) { /* busy */ } res(); }, 0));
    await new Promise((res) => setTimeout(res, 200));
    return Math.max(0, ...longTasks.filter((x) => x.start >= t0 - 1).map((x) => x.duration));
  },
  /** Starts a conversion, aborts it after `afterMs`, then runs `next` conversion: what a user sees. */
  async abortThenNext(url, options, afterMs, nextUrl, nextOptions) {
    const file = await photo(url);
    const ctl = new AbortController();
    const stages = [];
    const p = convert(file, options, { signal: ctl.signal, onProgress: (s) => stages.push(s.stage) });
    let abortedAt = 0;
    setTimeout(() => { abortedAt = performance.now(); ctl.abort(); }, afterMs);
    let aborted;
    // ms: from abort() to the rejection the caller sees
    try { await p; aborted = { error: null }; } catch (e) { aborted = { error: errorOf(e), ms: performance.now() - abortedAt }; }
    const next = await this.convert(nextUrl, nextOptions);
    return { aborted, stages, next };
  },
  /** A job that cannot get its memory, next to a normal one: the first fails alone, the pool goes on. */
  async oomThenNext(nextUrl, nextOptions) {
    const huge = hugePng(30000, 30000);
    // (every limit that would refuse it from its header raised: the decoder must really run out of memory)
    const limits = { maxPixels: 2 ** 40, maxInputBytes: 2 ** 40, maxOutputSide: 30000 };
    const [oom, ok] = await Promise.allSettled([convert(huge, { format: 'webp', limits }), convert(await photo(nextUrl), nextOptions)]);
    const after = await this.convert(nextUrl, nextOptions);
    return { oom: oom.status === 'rejected' ? errorOf(oom.reason) : { error: null }, ok: ok.status === 'fulfilled' ? summary(ok.value) : errorOf(ok.reason), after };
  },
  /** Caller mistakes on a pool of ONE worker (null, undefined, a string, a number, a plain object, a detached
   * ArrayBuffer; options postMessage cannot send), each answered by a typed error, then a real photo on the same
   * pool: it must still convert (no worker was left marked busy), and no mistake cost a worker. */
  async mistakesThenPhoto(url, options) {
    const pool = createPool({ concurrency: 1 });
    const gone = new ArrayBuffer(1024);
    structuredClone(gone, { transfer: [gone] });
    const mistakes = {};
    for (const [name, input] of [['null', null], ['undefined', undefined], ['string', 'not an image'], ['number', 12345],
      ['object', { data: 1 }], ['detached', gone]]) {
      try { await pool.convert(input, options); mistakes[name] = { error: null }; } catch (e) { mistakes[name] = errorOf(e); }
    }
    for (const [name, call] of [['probe(null)', () => pool.probe(null)], ['decode(42)', () => pool.decode(42)],
      ['psnr(null, null)', () => pool.psnr(null, null)], ['encode(null)', () => pool.encode(null)]]) {
      try { await call(); mistakes[name] = { error: null }; } catch (e) { mistakes[name] = errorOf(e); }
    }
    const workersAfterMistakes = pool.pool.size;
    // An argument only postMessage can refuse (a function inside the options: DataCloneError): the worker never
    // saw the job, so it goes back to the pool idle instead of being killed.
    try { await pool.convert(await photo(url), { ...options, advanced: { f: () => 0 } }); mistakes.unsendable = { error: null }; }
    catch (e) { mistakes.unsendable = errorOf(e); }
    const workersAfterUnsendable = pool.pool.size;
    const t0 = performance.now();
    const after = await Promise.race([pool.convert(await photo(url), options).then(summary, (e) => ({ error: errorOf(e) })),
      new Promise((res) => setTimeout(() => res({ error: { message: 'no answer in 60 s: the pool is jammed' } }), 60000))]);
    const workersAfter = pool.pool.size;
    pool.terminate();
    return { mistakes, workersAfterMistakes, workersAfterUnsendable, after, ms: performance.now() - t0, workersAfter };
  },
  /** Memory recycling: the same photo on one-worker pools that end the worker after a job (recycleAboveBytes 0),
   * keep it (Infinity), and the default (256 MiB: a 2.5 MP WebP stays below it). Workers alive after each job. */
  async recycling(url, options) {
    const file = await photo(url);
    const out = {};
    for (const [name, recycleAboveBytes] of [['always', 0], ['never', Infinity], ['default', undefined]]) {
      const pool = createPool({ concurrency: 1, recycleAboveBytes });
      const first = summary(await pool.convert(file, options));
      const afterFirst = pool.pool.size;
      const second = summary(await pool.convert(file, options));  // a recycled pool starts a worker again
      out[name] = { afterFirst, afterSecond: pool.pool.size, recycled: pool.pool.recycled, same: first.bytes === second.bytes };
      pool.terminate();
    }
    try { createPool({ recycleAboveBytes: -1 }); out.negative = { error: null }; } catch (e) { out.negative = errorOf(e); }
    return out;
  },
  /** Page inputs: ImageData, ImageBitmap and a canvas drawn from the photo. */
  async pageInputs(url) {
    const bitmap = await createImageBitmap(await photo(url));
    const canvas = document.createElement('canvas');
    canvas.width = 320; canvas.height = 200;
    const ctx = canvas.getContext('2d');
    ctx.drawImage(bitmap, 0, 0, 320, 200);
    const imageData = ctx.getImageData(0, 0, 320, 200);
    const out = {};
    for (const [name, input] of [['imageData', imageData], ['bitmap', bitmap], ['canvas', canvas]]) {
      try { out[name] = summary(await convert(input, { format: 'webp' })); } catch (e) { out[name] = { error: errorOf(e) }; }
    }
    out.bitmapStillUsable = bitmap.width > 0;
    return out;
  },
};
log.textContent = 'ready';
