/**
 * The browser API: the same functions as in Node, each call run in a pooled module Web Worker (so the page never
 * freezes), with page inputs (`File`, `Blob`, `ArrayBuffer`, `Uint8Array`, `ImageData`, `ImageBitmap`, canvas)
 * accepted and results carrying `blob()` and a suggested file name.
 * SPDX-License-Identifier: MIT
 */
import * as Comlink from 'comlink';
import type { CallOptions, ConvertResult, DecodedFrames, DecodedImage, DecodeOptions, Input, Pixels, ProbeResult, MetricOptions,
  RulePlan } from './api.js';
import { AdvcompressError } from './errors.js';
import { checkInput, checkOutputs, describeValue } from './input.js';
import type { Variant } from './loader.js';
import type { EncodeOptions, Limits } from './options.js';
import { WorkerPool, type PoolLease, type PoolOptions, type WasmFiles } from './pool.js';
import { MODULE_NAMES, moduleFile, VARIANTS } from './wasm-files.js';
import type { TileJob } from './tiles.js';
import type { Answer, PageTiles, PlainResult, WorkerInput } from './worker-core.js';

/** What the browser `convert()` accepts: encoded bytes, or page pixels (encoded as they are, no decoding). */
export type PageInput = Input | ImageData | ImageBitmap | HTMLCanvasElement | OffscreenCanvas;

const EXT: Record<string, string> = { heic: 'heic', avif: 'avif', webp: 'webp', jpeg: 'jpg', png: 'png', gif: 'gif',
  bmp: 'bmp', heif: 'heif' };

function withBlob(r: PlainResult, input: unknown): ConvertResult {
  const name = typeof File !== 'undefined' && input instanceof File && input.name
    ? input.name.replace(/\.[^./]*$/, '') : 'image';
  const data = r.data;
  return { ...r, fileName: `${name}.${EXT[r.format] ?? r.format}`,
    blob: () => new Blob([data as BlobPart], { type: r.mimeType }) };
}

const isImageData = (x: unknown): x is ImageData => typeof ImageData !== 'undefined' && x instanceof ImageData;
const isBitmap = (x: unknown): x is ImageBitmap => typeof ImageBitmap !== 'undefined' && x instanceof ImageBitmap;
const isCanvas = (x: unknown): x is HTMLCanvasElement | OffscreenCanvas =>
  (typeof HTMLCanvasElement !== 'undefined' && x instanceof HTMLCanvasElement) ||
  (typeof OffscreenCanvas !== 'undefined' && x instanceof OffscreenCanvas);

/** The browser API bound to one worker pool (see {@link createPool}). */
export interface BrowserApi {
  /**
   * Converts a photo to HEIC, AVIF or WebP in a worker. `input`: encoded bytes (`File`, `Blob`, `ArrayBuffer`,
   * `Uint8Array`; JPEG, PNG) or page pixels (`ImageData`, `ImageBitmap`, `HTMLCanvasElement`, `OffscreenCanvas`;
   * encoded as they are, RGBA 8-bit). `options`: {@link EncodeOptions} or a cloud rule string. `ctl.signal` aborts
   * (the worker is terminated; rejects with AbortError); `ctl.onProgress` reports stages.
   * @throws AdvcompressError as the Node `convert()`; ENCODER_ERROR / OUT_OF_MEMORY when the worker dies.
   * @example const r = await convert(fileInput.files[0], { format: 'heic' }); upload(r.blob(), r.fileName);
   */
  convert(input: PageInput, options?: EncodeOptions | string, ctl?: CallOptions): Promise<ConvertResult>;
  /**
   * Several outputs from one decode, in one worker (see the Node `convertMany()`): `input` encoded bytes,
   * `outputs` 1-16 options objects or cloud rules. Resolves one ConvertResult per output, in order.
   * @throws AdvcompressError as convert(); AbortError.
   * @example const [big, thumb] = await convertMany(file, [{ format: 'avif' }, 'imageMogr2/thumbnail/320x/format/webp']);
   */
  convertMany(input: Input, outputs: Array<EncodeOptions | string>, ctl?: CallOptions): Promise<ConvertResult[]>;
  /** Encodes raw RGB(A) pixels in a worker (see the Node `encode()`). */
  encode(pixels: Pixels, options?: EncodeOptions, ctl?: CallOptions): Promise<ConvertResult>;
  /** Reads an encoded image's headers in a worker (see the Node `probe()`). */
  probe(input: Input, limits?: Limits, ctl?: Pick<CallOptions, 'signal'>): Promise<ProbeResult>;
  /** Decodes an encoded image to pixels in a worker (see the Node `decode()`); with `rgba8: true` the pixels come
   * back as 8-bit RGBA ready for `ImageData`, converted in the worker; useful to preview HEIC. */
  decode(input: Input, options?: DecodeOptions, ctl?: Pick<CallOptions, 'signal'>): Promise<DecodedImage>;
  /** Parses a cloud rule (see the Node `parseRule()`). */
  parseRule(rule: string): Promise<RulePlan>;
  /** Decodes every frame of an animation or multi-image file in a worker (see the Node `decodeFrames()`). */
  decodeFrames(input: Input, options?: DecodeOptions, ctl?: Pick<CallOptions, 'signal'>): Promise<DecodedFrames>;
  /** PSNR (dB) between two encoded images of the same size, decoded and compared in a worker (see the Node
   * `psnr()`; the same arguments, plus `ctl`). */
  psnr(a: Input, b: Input, options?: MetricOptions, ctl?: Pick<CallOptions, 'signal'>): Promise<number>;
  /** SSIMULACRA2 of `b` against `a` (libjxl's perceptual score, 100 = identical), decoded and scored in a worker
   * (see the Node `ssimulacra2()`; the same arguments, plus `ctl`). The worker loads the metric module on first use. */
  ssimulacra2(a: Input, b: Input, options?: MetricOptions, ctl?: Pick<CallOptions, 'signal'>): Promise<number>;
  /** Forces the wasm variant of every worker of this pool (`undefined`: detect SIMD). */
  setVariant(variant: Variant | undefined): void;
  /** Terminates the workers; running and queued jobs reject with AbortError; later calls spawn new workers. */
  terminate(): void;
  /** The pool behind these functions (size, queued, concurrency). */
  readonly pool: WorkerPool;
}

/**
 * Where the workers load the wasm modules from (`init`). By default each module's glue (`.js`) and code (`.wasm`)
 * are the files your bundler copied next to the package's worker; these options move them, as jSquash's
 * `init(module)` and Emscripten's `locateFile` do. File names are those of the package's `dist/wasm/`, e.g.
 * `advcompress-heic.simd.js` and `advcompress-heic.simd.wasm` (module `decode`, `heic`, `avif` or `webp` ×
 * variant `baseline` or `simd`; serve the glue and the `.wasm` of the same package version together).
 */
export interface WasmOptions {
  /** A folder URL holding the files of `dist/wasm/` (absolute, e.g. a CDN, or relative to the page's URL). */
  wasmBase?: string | URL;
  /** The URL of each file (absolute or relative to the page); wins over `wasmBase`. Called once per file name by
   * `init`, on the page; return `undefined` to keep a file where it was. */
  locateFile?: (file: string) => string | URL | undefined;
  /** Compiled modules, keyed by their `.wasm` file name (`WebAssembly.compileStreaming(fetch(url))`, or from your
   * cache): handed to every worker, which instantiates them instead of fetching and compiling the file. */
  modules?: Record<string, WebAssembly.Module>;
}

/** The pools made so far (weakly: a pool the app dropped can go), for `init` to reach them. */
const pools = new Set<WeakRef<WorkerPool>>();
let wasmFiles: WasmFiles | undefined;

/**
 * Sets where every pool of this page (the default one and `createPool`'s) loads the wasm modules from, for the
 * workers started after the call: call it before the first conversion (idle workers are ended; a running job
 * finishes with what it loaded). Under a Content-Security-Policy, another origin must be allowed in `script-src`
 * (the glue) and `connect-src` (the `.wasm`). Browsers only (Node reads the package's own files).
 * @throws AdvcompressError INVALID_OPTION for an option of the wrong type, a URL that does not parse, or a
 *   `modules` key that is not a `.wasm` file name of the package or whose value is not a `WebAssembly.Module`.
 * @example init({ wasmBase: 'https://cdn.example.com/advcompress@0.1.0/dist/wasm/' });
 */
export function init(options: WasmOptions): void {
  if (typeof options !== 'object' || options === null)
    throw new AdvcompressError('INVALID_OPTION', `Expected an object {wasmBase?, locateFile?, modules?} for init options but received ${describeValue(options)}`);
  const { wasmBase, locateFile, modules = {} } = options;
  const page = typeof document !== 'undefined' ? document.baseURI : globalThis.location?.href;
  const url = (what: string, u: unknown, base: string | undefined): URL => {
    if (typeof u !== 'string' && !(u instanceof URL))
      throw new AdvcompressError('INVALID_OPTION', `Expected a string or URL for ${what} but received ${describeValue(u)}`);
    try { return new URL(u, base); } catch {
      throw new AdvcompressError('INVALID_OPTION', `Expected a URL for ${what} but received ${JSON.stringify(String(u))}`);
    }
  };
  let base: URL | undefined;
  if (wasmBase !== undefined) {
    base = url('wasmBase', wasmBase, page);
    if (!base.pathname.endsWith('/')) base.pathname += '/';  // (a folder: 'cdn/wasm' means 'cdn/wasm/')
  }
  if (locateFile !== undefined && typeof locateFile !== 'function')
    throw new AdvcompressError('INVALID_OPTION', `Expected a function for locateFile but received ${describeValue(locateFile)}`);
  if (typeof modules !== 'object' || modules === null)
    throw new AdvcompressError('INVALID_OPTION', `Expected an object of WebAssembly.Module for modules but received ${describeValue(modules)}`);
  const names = MODULE_NAMES.flatMap((m) => VARIANTS.flatMap((v) => [moduleFile(m, v, 'js'), moduleFile(m, v, 'wasm')]));
  for (const [k, m] of Object.entries(modules)) {
    if (!names.includes(k) || !k.endsWith('.wasm'))
      throw new AdvcompressError('INVALID_OPTION', `Expected .wasm file names of the package (e.g. 'advcompress-webp.simd.wasm') as modules keys but received '${k}'`);
    if (!(m instanceof WebAssembly.Module))
      throw new AdvcompressError('INVALID_OPTION', `Expected a WebAssembly.Module for modules['${k}'] but received ${describeValue(m)}`);
  }
  const files: Record<string, string> = {};
  for (const f of names) {
    const located = locateFile?.(f);
    if (located !== undefined) files[f] = url(`locateFile('${f}')`, located, page).href;
    else if (base) files[f] = new URL(f, base).href;
  }
  wasmFiles = { files, modules: { ...modules } };
  for (const ref of pools) {
    const p = ref.deref();
    if (p) p.setWasm(wasmFiles); else pools.delete(ref);
  }
}

/** Builds the API over a pool of workers made by `spawn`. */
export function makeBrowserApi(spawn: () => Worker, options?: PoolOptions): BrowserApi {
  const pool = new WorkerPool(spawn, options);
  pools.add(new WeakRef(pool));
  if (wasmFiles) pool.setWasm(wasmFiles);
  const progress = (ctl?: CallOptions) => (ctl?.onProgress ? Comlink.proxy(ctl.onProgress) : undefined);

  // Grid-tile helpers for one call (tiles.ts): other workers of the pool, reserved while they are free, given back
  // when the call ends, ended with it when it was aborted.
  async function withTiles<T>(ctl: CallOptions, call: (tiles: PageTiles) => Promise<T>): Promise<T> {
    const leases = new Map<number, PoolLease>();
    let next = 0;
    const page: PageTiles = {
      async lease() {
        const l = ctl.signal?.aborted ? undefined : pool.lease();
        if (!l) return -1;
        leases.set(next, l);
        return next++;
      },
      async encode(id: number, job: TileJob): Promise<Answer<Uint8Array>> {
        const l = leases.get(id);
        try {
          if (!l) throw new AdvcompressError('ENCODER_ERROR', 'the helper worker was given back');
          const d = await l.run((w) => w.encodeTile(Comlink.transfer(job, [job.data.buffer as ArrayBuffer])));
          return Comlink.transfer({ ok: d }, [d.buffer as ArrayBuffer]);
        } catch (e) {
          const err = e as { name?: string; code?: string; message?: string; subcode?: number };
          return { error: { name: err?.name ?? 'Error', code: err?.code, message: String(err?.message ?? e), subcode: err?.subcode } };
        }
      },
      release(id: number) {
        leases.get(id)?.release();
        leases.delete(id);
      },
    };
    try {
      return await call(Comlink.proxy(page));
    } finally {
      for (const l of leases.values()) if (ctl.signal?.aborted) l.kill(); else l.release();
      leases.clear();
    }
  }

  // Every entry checks its arguments here, on the page's thread, before a worker is taken: a caller's mistake is a
  // typed rejection and costs no worker (input.ts).
  async function convert(input: PageInput, options?: EncodeOptions | string, ctl: CallOptions = {}): Promise<ConvertResult> {
    checkInput(input, 'input', true);
    if (isImageData(input)) {
      if (typeof options === 'string') throw new AdvcompressError('INVALID_OPTION', 'a rule needs encoded input, not pixels');
      return encode({ data: input.data, width: input.width, height: input.height, channels: 4 }, options, ctl);
    }
    let send: WorkerInput;
    const transfer: Transferable[] = [];
    if (isBitmap(input) || isCanvas(input)) {
      if (typeof options === 'string') throw new AdvcompressError('INVALID_OPTION', 'a rule needs encoded input, not pixels');
      const copy = await createImageBitmap(input);  // (a copy: the caller's bitmap or canvas stays usable)
      send = copy;
      transfer.push(copy);
    } else {
      send = input;
    }
    const r = await withTiles(ctl, (tiles) =>
      pool.run((w) => w.convert(Comlink.transfer(send, transfer), options, progress(ctl), tiles), ctl.signal));
    return withBlob(r, input);
  }

  async function encode(pixels: Pixels, options?: EncodeOptions, ctl: CallOptions = {}): Promise<ConvertResult> {
    if (typeof pixels !== 'object' || pixels === null || !ArrayBuffer.isView(pixels.data))
      throw new AdvcompressError('INVALID_OPTION', `Expected {data, width, height, channels} with a typed array as data for pixels but received ${describeValue(pixels)}`);
    checkInput(pixels.data, 'pixels.data');
    const r = await withTiles(ctl, (tiles) => pool.run((w) => w.encode(pixels, options, progress(ctl), tiles), ctl.signal));
    return withBlob(r, undefined);
  }

  async function convertMany(input: Input, outputs: Array<EncodeOptions | string>, ctl: CallOptions = {}): Promise<ConvertResult[]> {
    checkInput(input);
    checkOutputs(outputs);
    const rs = await withTiles(ctl, (tiles) => pool.run((w) => w.convertMany(input, outputs, progress(ctl), tiles), ctl.signal));
    return rs.map((r) => withBlob(r, input));
  }

  return {
    convert,
    convertMany,
    encode,
    probe: async (input, limits, ctl) => { checkInput(input); return pool.run((w) => w.probe(input, limits), ctl?.signal); },
    decode: async (input, options, ctl) => { checkInput(input); return pool.run((w) => w.decode(input, options), ctl?.signal); },
    decodeFrames: async (input, options, ctl) => {
      checkInput(input);
      return pool.run((w) => w.decodeFrames(input, options), ctl?.signal);
    },
    parseRule: async (rule) => {
      if (typeof rule !== 'string') throw new AdvcompressError('INVALID_RULE', `Expected a rule string but received ${describeValue(rule)}`);
      return pool.run((w) => w.parseRule(rule));
    },
    psnr: async (a, b, options, ctl) => {
      checkInput(a, 'a'); checkInput(b, 'b');
      return pool.run((w) => w.psnr(a, b, options), ctl?.signal);
    },
    ssimulacra2: async (a, b, options, ctl) => {
      checkInput(a, 'a'); checkInput(b, 'b');
      return pool.run((w) => w.ssimulacra2(a, b, options), ctl?.signal);
    },
    setVariant: (v) => {
      if (v !== undefined && v !== 'baseline' && v !== 'simd')
        throw new AdvcompressError('INVALID_OPTION', `Expected 'baseline' or 'simd' for variant but received ${String(v)}`);
      pool.setVariant(v);
    },
    terminate: () => pool.terminate(),
    pool,
  };
}
