/**
 * The worker side of the browser runtime: exposes one entry point's API (permissive or HEIC) over Comlink. Each
 * worker keeps its wasm module instances across jobs; results go back transferred (their ArrayBuffer moves, it is
 * not copied); errors go back as plain `{error}` values so their `code` survives the trip.
 * SPDX-License-Identifier: MIT
 */
import * as Comlink from 'comlink';
import type { makeApi, ConvertResult, DecodedFrames, DecodedImage, DecodeOptions, Input, Pixels, MetricOptions, Stage } from './api.js';
import { encodeTile, parseRule, probe } from './api.js';
import { fromAnswer } from './pool.js';
import type { TileHelpers, TileJob } from './tiles.js';
import { heapBytes, relocate, setVariant, type Variant } from './loader.js';
import type { EncodeOptions, Limits } from './options.js';

/** A ConvertResult without its `blob()` method (functions do not cross postMessage). */
export type PlainResult = Omit<ConvertResult, 'blob'>;
/** How a worker answers: the value, or the error's parts; with the bytes of wasm memory its modules hold after the
 * job (`heapBytes`, for the pool's recycling). */
export type Answer<T> = ({ ok: T } | { error: { name: string; code?: string; message: string; subcode?: number } })
  & { heapBytes?: number };
type Progress = (p: { stage: Stage; fraction: number; tiles?: { done: number; total: number } }) => void;
/** The page's side of grid-tile helpers for one call (browser-api.ts): `lease` reserves another worker of the pool
 * (-1: none free), `encode` runs a tile on it, `release` gives it back. */
export type PageTiles = {
  lease(): Promise<number>;
  encode(lease: number, job: TileJob): Promise<Answer<Uint8Array>>;
  release(lease: number): void;
};
/** What the main thread may send as input: encoded bytes, or an ImageBitmap (transferred) to encode. */
export type WorkerInput = Blob | ArrayBuffer | ArrayBufferView | ImageBitmap;

async function answer<T>(f: () => Promise<T>, transfer: (v: T) => Transferable[] = () => []): Promise<Answer<T>> {
  try {
    const v = await f();
    return Comlink.transfer({ ok: v, heapBytes: heapBytes() }, transfer(v));
  } catch (e) {
    const err = e as { name?: string; code?: string; message?: string; subcode?: number };
    return { error: { name: err?.name ?? 'Error', code: err?.code, message: String(err?.message ?? e), subcode: err?.subcode },
      heapBytes: heapBytes() };
  }
}

// The page's tile helpers as tiles.ts uses them (each tile's pixels transferred, not copied).
function helpersOf(page: Comlink.Remote<PageTiles> | undefined): TileHelpers | undefined {
  if (!page) return undefined;
  return {
    async lease() {
      const id = await page.lease();
      if (id < 0) return undefined;
      return {
        async encode(job: TileJob) {
          const a = await page.encode(id, Comlink.transfer(job, [job.data.buffer as ArrayBuffer]));
          if ('ok' in a) return a.ok;
          throw fromAnswer(a.error);
        },
        release() { void page.release(id); },
      };
    },
  };
}

function plain(r: ConvertResult): PlainResult {
  const { blob: _blob, ...rest } = r;
  return rest;
}

// ImageBitmap -> RGBA pixels, in the worker (OffscreenCanvas).
function bitmapPixels(bitmap: ImageBitmap): Pixels {
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  const ctx = canvas.getContext('2d');
  if (!ctx) throw Object.assign(new Error('no 2D context in this worker'), { code: 'ENCODER_ERROR' });
  ctx.drawImage(bitmap, 0, 0);
  bitmap.close();
  const d = ctx.getImageData(0, 0, canvas.width, canvas.height);
  return { data: d.data, width: d.width, height: d.height, channels: 4 };
}

/** Exposes `api` (from makeApi) on this worker's global scope. */
export function serve(api: ReturnType<typeof makeApi>): void {
  const worker = {
    convert(input: WorkerInput, options: EncodeOptions | string | undefined, onProgress?: Progress, tiles?: Comlink.Remote<PageTiles>) {
      const ctl = { onProgress, tiles: helpersOf(tiles) };
      return answer(async () => {
        const r = typeof ImageBitmap !== 'undefined' && input instanceof ImageBitmap
          ? await api.encode(bitmapPixels(input), options as EncodeOptions, ctl)
          : await api.convert(input as Input, options, ctl);
        return plain(r);
      }, (r) => [r.data.buffer as ArrayBuffer]);
    },
    convertMany(input: Input, outputs: Array<EncodeOptions | string>, onProgress?: Progress, tiles?: Comlink.Remote<PageTiles>) {
      return answer(async () => (await api.convertMany(input, outputs, { onProgress, tiles: helpersOf(tiles) } as object)).map(plain),
        (rs) => rs.filter((r) => !r.passthrough).map((r) => r.data.buffer as ArrayBuffer));
    },
    encode(pixels: Pixels, options: EncodeOptions | undefined, onProgress?: Progress, tiles?: Comlink.Remote<PageTiles>) {
      return answer(async () => plain(await api.encode(pixels, options, { onProgress, tiles: helpersOf(tiles) } as object)),
        (r) => [r.data.buffer as ArrayBuffer]);
    },
    encodeTile(job: TileJob) { return answer(() => encodeTile(job), (d) => [d.buffer as ArrayBuffer]); },
    probe(input: Input, limits?: Limits) { return answer(() => probe(input, limits)); },
    decode(input: Input, options?: DecodeOptions) {
      return answer(() => api.decode(input, options), (d) => [d.data.buffer as ArrayBuffer]);
    },
    decodeFrames(input: Input, options?: DecodeOptions) {
      return answer(() => api.decodeFrames(input, options), (d) => d.frames.map((f) => f.data.buffer as ArrayBuffer));
    },
    parseRule(rule: string) { return answer(() => parseRule(rule)); },
    psnr(a: Input, b: Input, options?: MetricOptions) { return answer(() => api.psnr(a, b, options)); },
    ssimulacra2(a: Input, b: Input, options?: MetricOptions) { return answer(() => api.ssimulacra2(a, b, options)); },
    setVariant(v: Variant | undefined) { setVariant(v); },
    relocate(files: Record<string, string>, modules?: Record<string, WebAssembly.Module>) { relocate(files, modules); },
  };
  Comlink.expose(worker);
}

/** The remote side's shape, for the pool. */
export type WorkerApi = {
  convert(input: WorkerInput, options: EncodeOptions | string | undefined, onProgress?: Progress, tiles?: PageTiles): Promise<Answer<PlainResult>>;
  convertMany(input: Input, outputs: Array<EncodeOptions | string>, onProgress?: Progress, tiles?: PageTiles): Promise<Answer<PlainResult[]>>;
  encode(pixels: Pixels, options: EncodeOptions | undefined, onProgress?: Progress, tiles?: PageTiles): Promise<Answer<PlainResult>>;
  encodeTile(job: TileJob): Promise<Answer<Uint8Array>>;
  probe(input: Input, limits?: Limits): Promise<Answer<Awaited<ReturnType<typeof probe>>>>;
  decode(input: Input, options?: DecodeOptions): Promise<Answer<DecodedImage>>;
  decodeFrames(input: Input, options?: DecodeOptions): Promise<Answer<DecodedFrames>>;
  parseRule(rule: string): Promise<Answer<Awaited<ReturnType<typeof parseRule>>>>;
  psnr(a: Input, b: Input, options?: MetricOptions): Promise<Answer<number>>;
  ssimulacra2(a: Input, b: Input, options?: MetricOptions): Promise<Answer<number>>;
  setVariant(v: Variant | undefined): Promise<void>;
  relocate(files: Record<string, string>, modules?: Record<string, WebAssembly.Module>): Promise<void>;
};
