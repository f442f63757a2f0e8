/**
 * The public API, running in the current thread (Node, or inside a worker). convert = probe (limits from headers)
 * -> decode (decode module) -> encode (the format's module).
 */
import { AdvcompressError, fromWasm, throwIfAborted, type WasmError } from './errors.js';
import { dropModule, loadModule, pickVariant, type ModuleName, type Variant } from './loader.js';
import { MIME_TYPES, resolveOptions, type EncodeOptions, type Format, type Limits, type ResolvedOptions } from './options.js';

/** Encoded input: a Blob/File, an ArrayBuffer, or a Uint8Array of the file's bytes. */
export type Input = Blob | ArrayBuffer | Uint8Array;

/** Stages reported to `onProgress`. */
export type Stage = 'loading' | 'decoding' | 'encoding' | 'done';
/** Per-call controls. */
export interface CallOptions {
  /** Aborting rejects with a DOMException named AbortError (checked between stages in this thread). */
  signal?: AbortSignal;
  /** Called at each stage with the fraction of the job done so far (0–1). */
  onProgress?: (p: { stage: Stage; fraction: number }) => void;
}

/** What `probe()` reads from headers alone (no pixels decoded). */
export interface ProbeResult {
  /** Input format: 'jpeg', 'png', 'gif', 'bmp', 'webp', 'heif', 'avif', 'tpg'. */
  format: string;
  /** Pixels, as stored (before EXIF orientation). */
  width: number;
  height: number;
  frameCount: number;
  /** Bits per sample of the source. */
  bitDepth: number;
  hasAlpha: boolean;
  /** EXIF orientation 1–8. */
  orientation: number;
}

/** Decoded pixels: interleaved RGB(A), 8-bit (`Uint8Array`) or 16-bit (`Uint16Array`, 0–65535), no padding. */
export interface DecodedImage {
  data: Uint8Array | Uint16Array;
  /** Pixels (after EXIF orientation when autoOrient). */
  width: number;
  height: number;
  /** 3 (RGB) or 4 (RGBA). */
  channels: 3 | 4;
  /** Bits per sample of the source (8, 16, ...); `data` is 16-bit when > 8. */
  bitDepth: number;
  hasAlpha: boolean;
  icc?: Uint8Array;
  /** EXIF as a TIFF stream ("II*\0"/"MM\0*"), orientation reset to 1 after autoOrient. */
  exif?: Uint8Array;
  xmp?: Uint8Array;
}

/** Raw pixels for `encode()`: RGBA or RGB, 8-bit (`Uint8Array`/`Uint8ClampedArray`) or 16-bit (`Uint16Array`). */
export interface Pixels {
  data: Uint8Array | Uint8ClampedArray | Uint16Array;
  width: number;
  height: number;
  /** Default: data.length / (width × height). */
  channels?: 3 | 4;
  icc?: Uint8Array;
  exif?: Uint8Array;
  xmp?: Uint8Array;
}

/** The result of `convert()` / `encode()`. */
export interface ConvertResult {
  /** The encoded file. */
  data: Uint8Array;
  /** The file as a Blob of `mimeType`. */
  blob(): Blob;
  /** 'image/heic' | 'image/avif' | 'image/webp'. */
  mimeType: string;
  format: Format;
  /** Pixels of the output. */
  width: number;
  height: number;
  /** Coded bit depth. */
  bitDepth: number;
  frameCount: number;
  /** Bytes in and out; `ratio` = outputBytes / inputBytes (input = raw pixel bytes for `encode()`). */
  inputBytes: number;
  outputBytes: number;
  ratio: number;
  /** Milliseconds spent decoding and encoding (wall clock, in the thread that ran them). */
  timings: { decodeMs: number; encodeMs: number };
  /** Module variant used. */
  variant: Variant;
}

interface WasmPixels {
  data: Uint8Array; width: number; height: number; channels: number; bytesPerSample: number; sourceBitDepth: number;
  icc?: Uint8Array; exif?: Uint8Array; xmp?: Uint8Array; nclx?: object;
}
interface DecodeModule {
  probe(bytes: Uint8Array, limits: Limits): ProbeResult | WasmError;
  decode(bytes: Uint8Array, options: { autoOrient: boolean; limits: Limits }): WasmPixels | WasmError;
}
interface EncodeModule {
  encode(pixels: Uint8Array, info: object, options: object, limits: Limits):
    { data: Uint8Array; width: number; height: number; bitDepth: number } | WasmError;
}

const now = () => performance.now();

async function bytesOf(input: Input): Promise<Uint8Array> {
  if (input instanceof Uint8Array) return input;
  if (input instanceof ArrayBuffer) return new Uint8Array(input);
  if (typeof Blob !== 'undefined' && input instanceof Blob) return new Uint8Array(await input.arrayBuffer());
  throw new AdvcompressError('INVALID_OPTION', `Expected a Blob, File, ArrayBuffer or Uint8Array for input but received ${Object.prototype.toString.call(input)}`);
}

function unwrap<T extends object>(r: T | WasmError): T {
  if ('error' in r) throw fromWasm((r as WasmError).error);
  return r as T;
}

// Calls into a module; a wasm trap (abort: out of memory, codec assertion) drops the instance and becomes a typed
// error instead of leaving a broken module behind.
async function call<M, R>(name: ModuleName, variant: Variant, fn: (m: M) => R): Promise<R> {
  const m = await loadModule<M>(name, variant);
  try {
    return fn(m);
  } catch (e) {
    if (e instanceof AdvcompressError) throw e;
    dropModule(name, variant);
    const msg = String((e as Error)?.message ?? e);
    const oom = /memory|alloc/i.test(msg);
    throw new AdvcompressError(oom ? 'OUT_OF_MEMORY' : 'ENCODER_ERROR', `the ${name} module stopped: ${msg}`);
  }
}

/**
 * Reads format, dimensions, frame count, bit depth, alpha and EXIF orientation from the headers, and checks the
 * limits, without decoding pixels.
 * @throws AdvcompressError INPUT_TOO_LARGE, DIMENSIONS_TOO_LARGE, TOO_MANY_FRAMES, UNSUPPORTED_FORMAT, CORRUPT_INPUT.
 */
export async function probe(input: Input, limits?: Limits): Promise<ProbeResult> {
  const bytes = await bytesOf(input);
  const l = resolveOptions({ limits }, 'avif').limits;
  return unwrap(await call<DecodeModule, ProbeResult | WasmError>('decode', await pickVariant(), (m) => m.probe(bytes, l)));
}

/**
 * Decodes an encoded image (JPEG, PNG) to RGB(A) pixels, EXIF-oriented by default.
 * @throws AdvcompressError as probe(), plus CORRUPT_INPUT and OUT_OF_MEMORY.
 */
export async function decode(input: Input, options: { autoOrient?: boolean; limits?: Limits } = {}): Promise<DecodedImage> {
  const bytes = await bytesOf(input);
  const o = resolveOptions({ autoOrient: options.autoOrient, limits: options.limits }, 'avif');
  const p = unwrap(await call<DecodeModule, WasmPixels | WasmError>('decode', await pickVariant(),
    (m) => m.decode(bytes, { autoOrient: o.autoOrient, limits: o.limits })));
  return toDecoded(p);
}

function toDecoded(p: WasmPixels): DecodedImage {
  const data = p.bytesPerSample === 2 ? new Uint16Array(p.data.buffer, p.data.byteOffset, p.data.byteLength / 2) : p.data;
  return { data, width: p.width, height: p.height, channels: p.channels as 3 | 4, bitDepth: p.sourceBitDepth,
    hasAlpha: p.channels === 4, icc: p.icc, exif: p.exif, xmp: p.xmp };
}

async function encodePixels(pixels: WasmPixels, o: ResolvedOptions, variant: Variant, inputBytes: number,
  decodeMs: number, ctl: CallOptions): Promise<ConvertResult> {
  throwIfAborted(ctl.signal);
  ctl.onProgress?.({ stage: 'loading', fraction: 0.3 });
  await loadModule(o.format, variant);
  throwIfAborted(ctl.signal);
  ctl.onProgress?.({ stage: 'encoding', fraction: 0.35 });
  const t0 = now();
  const wasmOptions = { format: o.format, quality: o.quality, lossless: o.lossless, chroma: o.chroma,
    bitDepth: o.bitDepth, effort: o.effort, metadata: o.metadata, advanced: o.advanced };
  const r = unwrap(await call<EncodeModule, ReturnType<EncodeModule['encode']>>(o.format, variant,
    (m) => m.encode(pixels.data, pixels, wasmOptions, o.limits)));
  const encodeMs = now() - t0;
  ctl.onProgress?.({ stage: 'done', fraction: 1 });
  const mimeType = MIME_TYPES[o.format];
  const data = r.data;
  return { data, blob: () => new Blob([data as BlobPart], { type: mimeType }), mimeType, format: o.format,
    width: r.width, height: r.height, bitDepth: r.bitDepth, frameCount: 1, inputBytes,
    outputBytes: data.byteLength, ratio: data.byteLength / inputBytes, timings: { decodeMs, encodeMs }, variant };
}

/**
 * Entry-point specific implementation: `formats` are those the entry point may write (no 'heic' from the
 * permissive `advcompress`, even when `advcompress/heic` is loaded elsewhere in the same app), `formats[0]` the
 * default.
 */
export function makeApi(formats: readonly Format[]) {
  const defaultFormat = formats[0];
  function resolve(options: EncodeOptions | undefined): ResolvedOptions {
    const o = resolveOptions(options, defaultFormat);
    if (!formats.includes(o.format)) {
      throw new AdvcompressError('UNSUPPORTED_FORMAT', o.format === 'heic'
        ? "HEIC output needs the 'advcompress/heic' entry point (GPL, because of x265): import { convert } from 'advcompress/heic'"
        : `this entry point writes ${formats.join(', ')}, not ${o.format}`);
    }
    return o;
  }
  /**
   * Converts an encoded image (JPEG, PNG) to HEIC, AVIF or WebP.
   * @param input the file's bytes (Blob, File, ArrayBuffer, Uint8Array); at most `limits.maxInputBytes`.
   * @param options see {@link EncodeOptions}.
   * @throws AdvcompressError INVALID_OPTION, UNSUPPORTED_FORMAT, CORRUPT_INPUT, INPUT_TOO_LARGE,
   *   DIMENSIONS_TOO_LARGE, OUTPUT_TOO_LARGE, OUT_OF_MEMORY, ENCODER_ERROR; DOMException AbortError.
   * @example const r = await convert(file, { format: 'webp', quality: 80 }); upload(r.blob());
   */
  async function convert(input: Input, options?: EncodeOptions, ctl: CallOptions = {}): Promise<ConvertResult> {
    const o = resolve(options);
    throwIfAborted(ctl.signal);
    const bytes = await bytesOf(input);
    const variant = await pickVariant();
    ctl.onProgress?.({ stage: 'loading', fraction: 0 });
    await loadModule('decode', variant);
    throwIfAborted(ctl.signal);
    ctl.onProgress?.({ stage: 'decoding', fraction: 0.05 });
    const t0 = now();
    const pixels = unwrap(await call<DecodeModule, WasmPixels | WasmError>('decode', variant,
      (m) => m.decode(bytes, { autoOrient: o.autoOrient, limits: o.limits })));
    return encodePixels(pixels, o, variant, bytes.byteLength, now() - t0, ctl);
  }

  /**
   * Encodes raw pixels (e.g. an ImageData's `data`) to HEIC, AVIF or WebP.
   * @throws AdvcompressError INVALID_OPTION (bad buffer size, options), OUTPUT_TOO_LARGE, OUT_OF_MEMORY, ENCODER_ERROR.
   * @example const r = await encode({ data: imageData.data, width: 640, height: 480 }, { format: 'avif' });
   */
  async function encode(pixels: Pixels, options?: EncodeOptions, ctl: CallOptions = {}): Promise<ConvertResult> {
    const o = resolve(options);
    const { width, height } = pixels;
    if (!Number.isInteger(width) || width <= 0 || !Number.isInteger(height) || height <= 0)
      throw new AdvcompressError('INVALID_OPTION', `Expected positive integer width and height but received ${width}x${height}`);
    const deep = pixels.data instanceof Uint16Array;
    const channels = pixels.channels ?? pixels.data.length / (width * height);
    if (channels !== 3 && channels !== 4)
      throw new AdvcompressError('INVALID_OPTION', `pixel buffer of ${pixels.data.length} samples does not hold ${width}x${height} RGB or RGBA pixels`);
    const bytes = new Uint8Array(pixels.data.buffer, pixels.data.byteOffset, pixels.data.byteLength);
    const wasmPixels: WasmPixels = { data: bytes, width, height, channels, bytesPerSample: deep ? 2 : 1,
      sourceBitDepth: deep ? 16 : 8, icc: pixels.icc, exif: pixels.exif, xmp: pixels.xmp };
    return encodePixels(wasmPixels, o, await pickVariant(), bytes.byteLength, 0, ctl);
  }

  return { convert, encode };
}
