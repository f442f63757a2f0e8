// The test app both consumer builds (Vite, webpack) bundle: a minimal page that uses advcompress as an app would,
// plus hooks (window.t) for the Playwright tests to drive it and read what happened. Imports only the package's
// public entry point, resolved by the bundler through the installed tarball.
import { convert, convertMany, probe, psnr, ssimulacra2, setVariant, terminate, createPool, defaultConcurrency, init,
  AdvcompressError } from 'advcompress/heic';

// (Vite's and webpack's pages have a #log; Rsbuild's generated page has only its #root)
const log = document.querySelector('#log') ?? document.body.appendChild(document.createElement('pre'));
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
    blobType: r.blob().type, fileName: r.fileName, variant: r.variant, bitDepth: r.bitDepth, grid: r.grid,
    quality: r.quality, score: r.score, encodes: r.encodes, warnings: r.warnings,
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

function b64(data) {
  let s = '';
  for (let i = 0; i < data.length; i += 0x8000) s += String.fromCharCode(...data.subarray(i, i + 0x8000));
  return btoa(s);
}

// A JPEG that is all header (SOI, baseline SOF0 of w x h, three components, a scan header, EOI): what a lying
// header looks like to a decoder that trusts it.
function jpegHeader(w, h) {
  const sof = [0xff, 0xc0, 0, 17, 8, h >> 8, h & 255, w >> 8, w & 255, 3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1];
  const sos = [0xff, 0xda, 0, 12, 3, 1, 0x00, 2, 0x11, 3, 0x11, 0, 63, 0];
  return new Uint8Array([0xff, 0xd8, ...sof, ...sos, 0, 0, 0xff, 0xd9]);
}

// A 1 x 1 GIF89a with `n` frames (each a graphic control extension and a 1-pixel image): a frame-count bomb.
function manyFrameGif(n) {
  const head = [0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 1, 0, 1, 0, 0x80, 0, 0, 0, 0, 0, 255, 255, 255];
  const frame = [0x21, 0xf9, 4, 0, 1, 0, 0, 0, 0x2c, 0, 0, 0, 0, 1, 0, 1, 0, 0, 2, 2, 0x44, 0x01, 0];
  const out = [...head];
  for (let i = 0; i < n; i++) out.push(...frame);
  out.push(0x3b);
  return new Uint8Array(out);
}

window.t = {
  ready: true,
  longTasks,
  cspViolations,
  crossOriginIsolated: globalThis.crossOriginIsolated === true,
  setVariant,
  terminate,
  /** The CSP violations so far (a function, for WebDriver clients that call rather than read). */
  violations: () => cspViolations,
  /** The pool size this device gets by default, and a default pool's. */
  concurrency: () => ({ fn: defaultConcurrency(), pool: createPool().pool.concurrency }),
  async convert(url, options) {
    try { return summary(await convert(await photo(url), options)); } catch (e) { return { error: errorOf(e) }; }
  },
  async probe(url) { return probe(await photo(url)); },
  /** Several outputs from one decode in a worker; each output's summary and its bytes (base64). */
  async convertMany(url, outputs) {
    try {
      const rs = await convertMany(await photo(url), outputs);
      return rs.map((r) => ({ ...summary(r), b64: b64(r.data) }));
    } catch (e) { return { error: errorOf(e) }; }
  },
  /** The output file itself, base64 (for the test to decode it outside the browser). */
  async convertBase64(url, options) {
    return b64((await convert(await photo(url), options)).data);
  },
  /** SSIMULACRA2 and PSNR of an output (base64, as convertBase64 gave it) against the photo, in workers. */
  async score(url, b64data) {
    const file = await photo(url);
    const data = Uint8Array.from(atob(b64data), (c) => c.charCodeAt(0));
    try { return { ssimulacra2: await ssimulacra2(file, data), psnr: await psnr(file, data) }; } catch (e) { return { error: errorOf(e) }; }
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
  /** A grid HEIC: the summary, the file (base64), the tile counts progress reported, the workers alive during and
   * after; then the same photo again, aborted once `abortAtTile` tiles are done, and a small conversion after it. */
  async gridThenAbort(url, options, abortAtTile) {
    const file = await photo(url);
    const pool = createPool();  // (default concurrency: the page's cores, at most 4)
    const tiles = [];
    let workersDuring = 0;
    const t0 = performance.now();
    const r = await pool.convert(file, options, { onProgress: (p) => {
      if (p.tiles) { tiles.push(p.tiles.done); workersDuring = Math.max(workersDuring, pool.pool.size); }
    } });
    const ms = performance.now() - t0;
    const ctl = new AbortController();
    let aborted;
    try {
      await pool.convert(file, options, { signal: ctl.signal, onProgress: (p) => { if (p.tiles?.done >= abortAtTile) ctl.abort(); } });
      aborted = { error: null };
    } catch (e) { aborted = errorOf(e); }
    const workersAfterAbort = pool.pool.size;
    let next;
    try { next = summary(await pool.convert(await photo('/photos/Storm.jpg'), { format: 'heic', effort: 0, maxWidth: 1200 })); }
    catch (e) { next = { error: errorOf(e) }; }
    const concurrency = pool.pool.concurrency;
    pool.terminate();
    return { ...summary(r), b64: b64(r.data), ms, tiles, workersDuring, concurrency, aborted, workersAfterAbort, next };
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
  /**
   * The soak: `n` mixed conversions through ONE pool (HEIC/AVIF/WebP in turn, three real photos and an animated
   * GIF), every `abortEvery`-th one aborted 30 ms after it starts. Returns each call's outcome and time, the page's
   * animation frames during the run, and every 10th output (base64) for the test to decode independently.
   */
  async soak(n, abortEvery, idleTimeoutMs) {
    const names = ['Storm-1280.jpg', 'Dune-1280.jpg', 'LadyBird-1280.jpg', 'iss634.gif'];
    const files = await Promise.all(names.map((u) => photo(`/photos/${u}`)));
    const pool = createPool({ concurrency: 2, idleTimeoutMs });
    const formats = ['webp', 'avif', 'heic'];
    let frames = 0, rafOn = true;
    const raf = () => { frames++; if (rafOn) requestAnimationFrame(raf); };
    requestAnimationFrame(raf);
    const calls = [], samples = [];
    const t0 = performance.now();
    for (let i = 0; i < n; i++) {
      const file = files[i % files.length], format = formats[i % 3];
      const options = { format, effort: 0, maxWidth: 480, saveAll: false };
      const ctl = new AbortController();
      const abort = i % abortEvery === abortEvery - 1;
      if (abort) setTimeout(() => ctl.abort(), 30);
      const c0 = performance.now();
      try {
        const r = await pool.convert(file, options, { signal: ctl.signal });
        calls.push({ i, abort, format, ms: performance.now() - c0, width: r.width, height: r.height, out: r.format, source: file.name });
        if (i % 10 === 0) samples.push({ i, format, source: file.name, data: b64(r.data) });
      } catch (e) {
        calls.push({ i, abort, format, ms: performance.now() - c0, error: errorOf(e), source: file.name });
      }
    }
    const elapsed = performance.now() - t0;
    rafOn = false;
    const workersAtEnd = pool.pool.size;
    await new Promise((res) => setTimeout(res, idleTimeoutMs + 500));
    return { calls, samples, frames, elapsed, workersAtEnd, workersAfterIdle: pool.pool.size, recycled: pool.pool.recycled };
  },
  /**
   * The hostile inputs: each case through one pool, its answer's code and time, then a good photo converted on
   * the same pool (it must still work). `frames`: the page's animation frames meanwhile (it kept rendering).
   */
  async hostile() {
    const good = await photo('/photos/Storm-1280.jpg');
    const jpeg = new Uint8Array(await good.arrayBuffer());
    const gif = new Uint8Array(await (await photo('/photos/iss634.gif')).arrayBuffer());
    const pool = createPool({ concurrency: 1 });
    const made = async (format) => (await pool.convert(good, { format, effort: 0, maxWidth: 320 })).data;
    const [heic, avif, webp] = [await made('heic'), await made('avif'), await made('webp')];
    const bitmap = await createImageBitmap(good);
    const canvas = new OffscreenCanvas(64, 48);
    canvas.getContext('2d').drawImage(bitmap, 0, 0, 64, 48);
    const png = new Uint8Array(await (await canvas.convertToBlob({ type: 'image/png' })).arrayBuffer());
    const random = (size, seed) => { const b = new Uint8Array(size); let x = seed; for (let i = 0; i < size; i++) { x = (x * 1103515245 + 12345) >>> 0; b[i] = x >>> 24; } return b; };
    const cut = (b, f) => b.subarray(0, Math.max(1, Math.floor(b.length * f)));
    const gone = new ArrayBuffer(64);
    structuredClone(gone, { transfer: [gone] });
    const tooBig = new Uint8Array(33 * 1024 * 1024);
    tooBig.set(jpeg);
    const C = (name, input, options, code) => ({ name, input, options, code });
    const cases = [
      C('empty file', new Uint8Array(0), undefined, 'CORRUPT_INPUT'),
      C('1 KB of random bytes', random(1024, 1), undefined, 'UNSUPPORTED_FORMAT'),
      C('1 MB of random bytes', random(1 << 20, 2), undefined, 'UNSUPPORTED_FORMAT'),
      C('plain text', new TextEncoder().encode('this is not an image\n'.repeat(20)), undefined, 'UNSUPPORTED_FORMAT'),
      C('JPEG cut at 10 %', cut(jpeg, 0.1), { format: 'webp' }, 'CORRUPT_INPUT'),
      C('JPEG cut at 60 %', cut(jpeg, 0.6), { format: 'webp' }, 'CORRUPT_INPUT'),
      C('JPEG signature only', jpeg.subarray(0, 3), undefined, 'CORRUPT_INPUT'),
      C('PNG cut at 50 %', cut(png, 0.5), { format: 'webp' }, 'CORRUPT_INPUT'),
      C('PNG signature only', png.subarray(0, 8), undefined, 'CORRUPT_INPUT'),
      C('GIF cut at 30 %', cut(gif, 0.3), { format: 'webp' }, 'CORRUPT_INPUT'),
      C('WebP cut at 50 %', cut(webp, 0.5), { format: 'avif' }, 'CORRUPT_INPUT'),
      C('HEIC cut at 50 %', cut(heic, 0.5), { format: 'webp' }, 'CORRUPT_INPUT'),
      C('AVIF cut at 50 %', cut(avif, 0.5), { format: 'webp' }, 'CORRUPT_INPUT'),
      C('HEIC with its ftyp only', heic.subarray(0, 32), { format: 'webp' }, 'CORRUPT_INPUT'),
      C('JPEG header saying 60000 x 60000', jpegHeader(60000, 60000), undefined, 'DIMENSIONS_TOO_LARGE'),
      C('JPEG header saying 20000 x 20000 (400 MP)', jpegHeader(20000, 20000), undefined, 'DIMENSIONS_TOO_LARGE'),
      C('JPEG header saying 12000 x 9000 (output side)', jpegHeader(12000, 9000), undefined, 'OUTPUT_TOO_LARGE'),
      C('PNG header saying 30000 x 30000', hugePng(30000, 30000), undefined, 'DIMENSIONS_TOO_LARGE'),
      C('PNG bomb header 15000 x 15000 with maxPixels raised', hugePng(15000, 15000), { limits: { maxPixels: 2 ** 40 } }, 'OUTPUT_TOO_LARGE'),
      C('GIF of 301 frames', manyFrameGif(301), { format: 'webp' }, 'TOO_MANY_FRAMES'),
      C('33 MB file', tooBig, undefined, 'INPUT_TOO_LARGE'),
      C('TPG file', new Uint8Array([0x54, 0x50, 0x47, ...random(64, 3)]), undefined, 'UNSUPPORTED_FORMAT'),
      C('null', null, undefined, 'INVALID_OPTION'),
      C('undefined', undefined, undefined, 'INVALID_OPTION'),
      C('a number', 12345, undefined, 'INVALID_OPTION'),
      C('a string', 'photo.jpg', undefined, 'INVALID_OPTION'),
      C('a plain object', { data: jpeg }, undefined, 'INVALID_OPTION'),
      C('an array', [1, 2, 3], undefined, 'INVALID_OPTION'),
      C('a detached ArrayBuffer', gone, undefined, 'INVALID_OPTION'),
      C('quality 150', good, { quality: 150 }, 'INVALID_OPTION'),
      C("quality 'high'", good, { quality: 'high' }, 'INVALID_OPTION'),
      C("format 'jpg'", good, { format: 'jpg' }, 'INVALID_OPTION'),
      C('effort 99', good, { effort: 99 }, 'INVALID_OPTION'),
      C("chroma '411'", good, { chroma: '411' }, 'INVALID_OPTION'),
      C('bitDepth 9', good, { bitDepth: 9 }, 'INVALID_OPTION'),
      C('maxWidth -5', good, { maxWidth: -5 }, 'INVALID_OPTION'),
      C("resize 'big'", good, { resize: 'big' }, 'INVALID_OPTION'),
      C('limits.maxSide -1', good, { limits: { maxSide: -1 } }, 'INVALID_OPTION'),
      C('an unknown option', good, { qualiti: 3 }, 'INVALID_OPTION'),
      C('a function in the options', good, { advanced: { f: () => 0 } }, 'INVALID_OPTION'),
      C('colorPrimaries 999', good, { colorPrimaries: 999 }, 'INVALID_OPTION'),
      C("rule 'imageMogr2/format/jpg'", good, 'imageMogr2/format/jpg', 'INVALID_RULE'),
      C("rule 'image/resize,w_abc'", good, 'image/resize,w_abc', 'INVALID_RULE'),
      C("rule 'nonsense'", good, 'nonsense', 'INVALID_RULE'),
      C("rule 'imageMogr2/thumbnail/20000x' (output side)", good, 'imageMogr2/thumbnail/20000x/format/webp', 'OUTPUT_TOO_LARGE'),
    ];
    let frames = 0, rafOn = true;
    const raf = () => { frames++; if (rafOn) requestAnimationFrame(raf); };
    requestAnimationFrame(raf);
    const out = [];
    const t0 = performance.now();
    for (const c of cases) {
      const c0 = performance.now();
      let answer;
      try { await pool.convert(c.input, c.options); answer = { error: null }; } catch (e) { answer = errorOf(e); }
      const ms = performance.now() - c0;
      const after = await pool.convert(good, { format: 'webp', effort: 0, maxWidth: 320 }).then(summary, (e) => ({ error: errorOf(e) }));
      out.push({ ...answer, case: c.name, expected: c.code, ms, after: after.error ? after : { format: after.format, width: after.width } });
    }
    rafOn = false;
    const elapsed = performance.now() - t0;
    pool.terminate();
    return { cases: out, frames, elapsed };
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
  /** The pool's memory bound: a first job tells the pool how large a worker gets (h); then two jobs at once on a
   * pool with room for two such workers, and on one with room for one and a half (they queue), and a bound
   * below one worker (the worker is ended after its job). Most workers alive at once during each pair. */
  async memoryBound(url, options) {
    const file = await photo(url);
    const pair = async (maxMemoryBytes) => {
      const pool = createPool({ concurrency: 2, maxMemoryBytes });
      await pool.convert(file, options);
      const h = pool.pool.heldBytes;
      let most = 0;
      const watch = setInterval(() => { most = Math.max(most, pool.pool.size); }, 5);
      const rs = await Promise.all([pool.convert(file, options), pool.convert(file, options)]);
      clearInterval(watch);
      most = Math.max(most, pool.pool.size);
      const after = { size: pool.pool.size, held: pool.pool.heldBytes };
      pool.terminate();
      return { h, most, after, formats: rs.map((r) => r.format) };
    };
    const probe = createPool({ concurrency: 1, maxMemoryBytes: Infinity });
    await probe.convert(file, options);
    const h = probe.pool.heldBytes;
    probe.terminate();
    let negative;
    try { createPool({ maxMemoryBytes: -1 }); negative = 'no error'; } catch (e) { negative = errorOf(e); }
    return { h, roomForTwo: await pair(3.5 * h), roomForOneAndAHalf: await pair(1.5 * h), belowOne: await pair(h / 2), negative };
  },
  /** init() with wrong arguments: each typed error. */
  initMistakes() {
    const out = {};
    for (const [name, arg] of [['null', null], ['base', { wasmBase: 5 }], ['badUrl', { wasmBase: 'http://[' }],
      ['locate', { locateFile: 'x' }], ['key', { modules: { 'x.wasm': {} } }],
      ['module', { modules: { 'advcompress-webp.simd.wasm': new Uint8Array(8) } }]]) {
      try { init(arg); out[name] = 'no error'; } catch (e) { out[name] = errorOf(e); }
    }
    return out;
  },
  /** The wasm served from another place (`wasmBase`), then a module compiled by the page and handed in
   * (`modules`): converts with each, returning the outputs (base64). */
  async wasmElsewhere(url, base) {
    init({ wasmBase: base });
    const heic = await convert(await photo(url), { format: 'heic', effort: 0, maxWidth: 640 });
    const webp = await convert(await photo(url), { format: 'webp', maxWidth: 640 });
    const t0 = performance.now();
    const compiled = await WebAssembly.compileStreaming(fetch(`${base}advcompress-avif.simd.wasm`));
    const compileMs = performance.now() - t0;
    init({ wasmBase: base, modules: { 'advcompress-avif.simd.wasm': compiled } });
    const avif = await convert(await photo(url), { format: 'avif', effort: 9, maxWidth: 640 });
    return { heic: b64(heic.data), webp: b64(webp.data), avif: b64(avif.data), variant: avif.variant, compileMs };
  },
};
log.textContent = 'ready';
