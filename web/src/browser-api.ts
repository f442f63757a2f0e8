/**
 * The browser API: the same functions as in Node, each call run in a pooled module Web Worker (so the page never
 * freezes), with page inputs (`File`, `Blob`, `ArrayBuffer`, `Uint8Array`, `ImageData`, `ImageBitmap`, canvas)
 * accepted and results carrying `blob()` and a suggested file name.
 * SPDX-License-Identifier: MIT
 */
import * as Comlink from 'comlink';
import type { CallOptions, ConvertResult, DecodedFrames, DecodedImage, DecodeOptions, Input, Pixels, ProbeResult, PsnrOptions,
  RulePlan } from './api.js';
import { AdvcompressError } from './errors.js';
import { checkInput, checkOutputs, describeValue } from './input.js';
import type { Variant } from './loader.js';
import type { EncodeOptions, Limits } from './options.js';
import { WorkerPool, type PoolLease, type PoolOptions } from './pool.js';
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
  psnr(a: Input, b: Input, options?: PsnrOptions, ctl?: Pick<CallOptions, 'signal'>): Promise<number>;
  /** Forces the wasm variant of every worker of this pool (`undefined`: detect SIMD). */
  setVariant(variant: Variant | undefined): void;
  /** Terminates the workers; running and queued jobs reject with AbortError; later calls spawn new workers. */
  terminate(): void;
  /** The pool behind these functions (size, queued, concurrency). */
  readonly pool: WorkerPool;
}

/** Builds the API over a pool of workers made by `spawn`. */
export function makeBrowserApi(spawn: () => Worker, options?: PoolOptions): BrowserApi {
  const pool = new WorkerPool(spawn, options);
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
    setVariant: (v) => {
      if (v !== undefined && v !== 'baseline' && v !== 'simd')
        throw new AdvcompressError('INVALID_OPTION', `Expected 'baseline' or 'simd' for variant but received ${String(v)}`);
      pool.setVariant(v);
    },
    terminate: () => pool.terminate(),
    pool,
  };
}
