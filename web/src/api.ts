/**
 * The public API, running in the current thread (Node, or inside a worker). convert = probe (limits from headers)
 * -> decode (decode module) -> encode (the format's module).
 */
import { AdvcompressError, fromWasm, throwIfAborted, type WasmError } from './errors.js';
import { checkInput, checkOutputs, viewOf } from './input.js';
import { dropModule, loadModule, pickVariant, registerModules, type ModuleName, type ModuleTable, type Variant } from './loader.js';
import { encodeTiles, isOpaque, gridOf, type TileHelpers, type TileJob } from './tiles.js';
import { PROXY_OFFSET, searchTarget, shiftedGuess, TARGET_MODEL, type ScorePoint } from './target.js';
import { DEFAULT_AUTO_TARGET, DEFAULT_TILE_SIZE, defaultAccept, MIME_TYPES, resolveOptions, type EncodeOptions, type Format, type Limits, type ResizeStep,
  type ResolvedOptions } from './options.js';

/** Encoded input: a Blob/File, an ArrayBuffer, or a typed array (e.g. a Uint8Array or Node Buffer) of the file's
 * bytes. Anything else, or a detached ArrayBuffer, is refused with `INVALID_OPTION` before any work (input.ts). */
export type Input = Blob | ArrayBuffer | ArrayBufferView;

/** Options of `decode()` and `decodeFrames()`. */
export interface DecodeOptions {
  /** Rotate/flip per the EXIF orientation and reset the tag (default true, as imageMogr2 `/auto-orient`). */
  autoOrient?: boolean;
  /** Overrides of the default {@link Limits}, checked from the headers before decoding. */
  limits?: Limits;
  /** 8-bit RGBA whatever the source (ready for `new ImageData`), converted where the decoding ran (a worker in
   * browsers); default false: RGB(A), 16-bit for deeper sources. */
  rgba8?: boolean;
}

/** Options of the image metrics `psnr()` and `ssimulacra2()`. */
export interface MetricOptions {
  /** Overrides of the default {@link Limits} for decoding both images. */
  limits?: Limits;
}
/** Options of `psnr()`: {@link MetricOptions} under its earlier name. */
export type PsnrOptions = MetricOptions;

/** Stages reported to `onProgress`. */
export type Stage = 'loading' | 'decoding' | 'encoding' | 'done';
/** What `onProgress` receives: the stage, the fraction of the job done so far (0–1) and, while grid tiles are
 * coded, how many of them are done. */
export interface Progress {
  /** The stage the job is in. */
  stage: Stage;
  /** Fraction of the job done so far, 0–1. */
  fraction: number;
  /** While grid tiles are coded: tiles finished and tiles in all. */
  tiles?: {
    /** Tiles coded so far. */
    done: number;
    /** Tiles of the grid. */
    total: number;
  };
}
/** Per-call controls. */
export interface CallOptions {
  /** Aborting rejects with a DOMException named AbortError (checked between stages and between grid tiles in this
   * thread; in browsers the pool also ends the workers of the job). */
  signal?: AbortSignal;
  /** Called at each stage, and after each grid tile, with the progress so far. */
  onProgress?: (p: Progress) => void;
}
/** CallOptions plus where grid tiles may be coded besides this thread (set by the entry points, not by callers). */
interface RunControl extends CallOptions {
  tiles?: TileHelpers;
}

/** What `probe()` reads from headers alone (no pixels decoded). */
export interface ProbeResult {
  /** Input format: 'jpeg', 'png', 'gif', 'bmp', 'webp', 'heif', 'avif', 'tpg'. */
  format: string;
  /** Width in pixels, as stored (before EXIF orientation). */
  width: number;
  /** Height in pixels, as stored (before EXIF orientation). */
  height: number;
  /** Frames of an animation or top-level images of a HEIF/AVIF; 1 for a still. */
  frameCount: number;
  /** Bits per sample of the source. */
  bitDepth: number;
  /** Whether the source has an alpha channel (or GIF/PNG transparency). */
  hasAlpha: boolean;
  /** EXIF orientation 1–8. */
  orientation: number;
  /** JPEG only: the quality (1–100, libjpeg's scale) its luminance quantisation table was written with, as
   * estimated from the table (what imageMogr2 `quality/` and OSS `Q_`/`q_` are relative to). */
  quality?: number;
}

/** A quality step of a rule: `absolute` min(q, value) (imageMogr2 `quality/<Q>`, OSS `Q_`), `forced` value
 * (`quality/<Q>!`), `relative` q × value / 100 (`rquality/`, OSS `q_`), `lowest` max(q, value) (`lquality/`);
 * q starts as the source's JPEG quality (100 for other sources). */
export interface QualityStep {
  /** How `value` applies to the quality so far (see above). */
  op: 'absolute' | 'forced' | 'relative' | 'lowest';
  /** 0–100. */
  value: number;
}

/** What a cloud rule asks for, in advcompress's vocabulary (see `parseRule()`). */
export interface RulePlan {
  /** imageMogr2 `format/`, OSS `format,`; absent when the rule has none. */
  format?: Format;
  /** The quality steps, in rule order (empty when the rule sets no quality). */
  quality: QualityStep[];
  /** imageMogr2 `thumbnail/`, OSS `resize,`, in rule order. */
  resize: ResizeStep[];
  /** imageMogr2 `auto-orient` (true), OSS `auto-orient,0|1`; absent when the rule has none. */
  autoOrient?: boolean;
  /** imageMogr2 `strip`. */
  strip: boolean;
  /** imageMogr2 `ignore-error/1`: an input beyond a limit gives back the original instead of an error. */
  ignoreError: boolean;
  /** Where advcompress behaves differently from the cloud, in words. */
  warnings: string[];
}

/** Decoded pixels: interleaved RGB(A), 8-bit (`Uint8Array`) or 16-bit (`Uint16Array`, 0–65535), no padding. */
export interface DecodedImage {
  /** The samples, row by row, `channels` per pixel. */
  data: Uint8Array | Uint16Array;
  /** Width in pixels (after EXIF orientation when autoOrient). */
  width: number;
  /** Height in pixels (after EXIF orientation when autoOrient). */
  height: number;
  /** 3 (RGB) or 4 (RGBA). */
  channels: 3 | 4;
  /** Bits per sample of the source (8, 16, ...); `data` is 16-bit when > 8. */
  bitDepth: number;
  /** Whether the source has an alpha channel (`channels` is 4 then). */
  hasAlpha: boolean;
  /** The source's ICC profile, when it has one. */
  icc?: Uint8Array;
  /** EXIF as a TIFF stream ("II*\0"/"MM\0*"), orientation reset to 1 after autoOrient. */
  exif?: Uint8Array;
  /** The source's XMP packet (UTF-8), when it has one. */
  xmp?: Uint8Array;
}

/** Every image of an input, as `decodeFrames()` returns them. */
export interface DecodedFrames {
  /** The frames of an animation (GIF, WebP), each composited onto the full canvas as a browser shows it; or the
   * top-level images of a multi-image HEIF/AVIF (sizes may differ); or one still image. */
  frames: DecodedImage[];
  /** Display time of each frame in ms (as stored: a GIF delay of 0 stays 0); empty when the input has no timing. */
  durations: number[];
  /** Times an animation plays in total, 0 = forever (WebP's loop count; a GIF's repeat count + 1, as gif2webp). */
  loopCount: number;
  /** Index of the primary image (a HEIF `pitm`; 0 otherwise). */
  primaryIndex: number;
}

/** Raw pixels for `encode()`: RGBA or RGB, 8-bit (`Uint8Array`/`Uint8ClampedArray`) or 16-bit (`Uint16Array`). */
export interface Pixels {
  /** The samples, row by row, no padding (16-bit: 0–65535). */
  data: Uint8Array | Uint8ClampedArray | Uint16Array;
  /** Width in pixels. */
  width: number;
  /** Height in pixels. */
  height: number;
  /** Default: data.length / (width × height). */
  channels?: 3 | 4;
  /** ICC profile to store with the output (default: none, i.e. sRGB). */
  icc?: Uint8Array;
  /** EXIF (a TIFF stream) to store with the output. */
  exif?: Uint8Array;
  /** XMP packet (UTF-8) to store with the output. */
  xmp?: Uint8Array;
}

/** The result of `convert()` / `encode()`. */
export interface ConvertResult {
  /** The encoded file. */
  data: Uint8Array;
  /** The file as a Blob of `mimeType`. */
  blob(): Blob;
  /** A suggested file name: the input File's name with the new extension (`IMG_1234.heic`), else `image.heic`. */
  fileName: string;
  /** 'image/heic' | 'image/avif' | 'image/webp' (the source's type when `passthrough`). */
  mimeType: string;
  /** The output format; the input's format ('jpeg', 'png', …) only when `passthrough`. */
  format: Format | InputFormat;
  /** True when a rule's `ignore-error/1` handed back the original because it exceeded a limit (`data` is the
   * input, unchanged; `warnings` says which limit). */
  passthrough: boolean;
  /** Where a rule or an option could not be honoured as the cloud would, in words (empty when none). */
  warnings: string[];
  /** Width of the output in pixels. */
  width: number;
  /** Height of the output in pixels. */
  height: number;
  /** Coded bit depth. */
  bitDepth: number;
  /** 0–100: the quality the encoder used (the option, a rule's quality steps resolved against the source, or the
   * format's default); 100 when lossless; the source's JPEG quality (or 100) when `passthrough`. */
  quality: number;
  /** Images written: an animation's frames or a multi-image file's images; 1 for a still. */
  frameCount: number;
  /** Bytes of the input (raw pixel bytes for `encode()`). */
  inputBytes: number;
  /** Bytes of the output (`data.byteLength`). */
  outputBytes: number;
  /** outputBytes / inputBytes. */
  ratio: number;
  /** Wall-clock time in the thread that ran the job. */
  timings: {
    /** Milliseconds spent decoding (0 for `encode()`). */
    decodeMs: number;
    /** Milliseconds spent encoding (all encodes of a `maxBytes` search). */
    encodeMs: number;
  };
  /** Full-size encodes the result took: 1, more when `maxBytes` or `target` searched for a quality (the cheaper
   * encodes of their half-size proxy, on larger stills, not counted; `format: 'auto'`: over every format tried);
   * 0 when `passthrough`. */
  encodes: number;
  /** With `target`: the output's SSIMULACRA2 against the (oriented, resized) source, decoded by this package (the
   * score the search measured; 100 = identical). */
  score?: number;
  /** Present when the output is a grid image (`tileSize`): pixels per tile side, columns × rows of tiles, and how
   * many helpers (other workers or threads) coded tiles besides the calling one, in the last encode. */
  grid?: {
    /** Pixels per tile side. */
    tileSize: number;
    /** Tiles across. */
    columns: number;
    /** Tiles down. */
    rows: number;
    /** Other workers or threads that coded tiles besides the calling one. */
    helpers: number;
  };
  /** Module variant used. */
  variant: Variant;
}

interface WasmPixels {
  data: Uint8Array; width: number; height: number; channels: number; bytesPerSample: number; sourceBitDepth: number;
  icc?: Uint8Array; exif?: Uint8Array; xmp?: Uint8Array; nclx?: object;
  /** EXIF orientation as it stands in `exif` (1 once applied). */
  orientation?: number;
}
/** Every image of an input (wasm/bindings/common.h frames_value). */
interface WasmFrames { frames: WasmPixels[]; durations: number[]; loopCount: number; primaryIndex: number }
type WasmEncoded = { data: Uint8Array; width: number; height: number; bitDepth: number; quality: number; frameCount: number;
  grid?: ConvertResult['grid'] };
type DecodeOpts = { autoOrient: boolean; limits: Required<Limits>; resize: ResizeStep[] };
/** Input formats `probe()` names. */
export type InputFormat = 'jpeg' | 'png' | 'gif' | 'bmp' | 'webp' | 'heif' | 'avif' | 'tpg';
const INPUT_MIME: Record<string, string> = { jpeg: 'image/jpeg', png: 'image/png', gif: 'image/gif', bmp: 'image/bmp',
  webp: 'image/webp', heif: 'image/heif', avif: 'image/avif' };

interface DecodeModule {
  probe(bytes: Uint8Array, limits: Limits): ProbeResult | WasmError;
  decode(bytes: Uint8Array, options: DecodeOpts): WasmPixels | WasmError;
  decodeFrames(bytes: Uint8Array, options: DecodeOpts): WasmFrames | WasmError;
  parseRule(rule: string): RulePlan | WasmError;
  transform(pixels: Uint8Array, info: object, options: DecodeOpts & { orientation: number }): WasmPixels | WasmError;
  planOutput(size: { width: number; height: number; orientation: number }, options: DecodeOpts): { width: number; height: number } | WasmError;
  sniff(bytes: Uint8Array): InputFormat | 'unknown';
  resolveQuality(steps: QualityStep[], sourceQuality: number): number;
}
/** The metric module (wasm/bindings/metric.cpp). */
interface MetricModule {
  ssimulacra2(a: Uint8Array, aInfo: object, b: Uint8Array, bInfo: object): number | WasmError;
}
interface EncodeModule {
  encode(pixels: Uint8Array, info: object, options: object, limits: Limits): WasmEncoded | WasmError;
  encodeFrames(frames: WasmPixels[], animation: { durations: number[]; loopCount: number; primaryIndex: number },
    options: object, limits: Limits): WasmEncoded | WasmError;
  decode(bytes: Uint8Array, limits: Limits): WasmPixels | WasmError;
  decodeFrames(bytes: Uint8Array, limits: Limits): WasmFrames | WasmError;
  /** HEIC and AVIF modules only. */
  probe(bytes: Uint8Array, limits: Limits): ProbeResult | WasmError;
  /** HEIC and AVIF modules only: one grid tile, and the grid file from the coded tiles (tiles.ts). */
  encodeTile(pixels: Uint8Array, info: object, tileSize: number, options: object, limits: Limits): { data: Uint8Array } | WasmError;
  encodeGrid(tiles: Uint8Array[], grid: { width: number; height: number; tileSize: number; sourceBitDepth: number },
    meta: object, options: object, limits: Limits): WasmEncoded | WasmError;
}

/** Codes one grid tile in this thread (what a helper worker runs too). */
export async function encodeTile(job: TileJob): Promise<Uint8Array> {
  return unwrap(await call<EncodeModule, { data: Uint8Array } | WasmError>(job.format, job.variant,
    (m) => m.encodeTile(job.data, job.info, job.tileSize, job.options, job.limits))).data;
}

/** The encoder module that decodes `b` (a HEIF/HEIC, AVIF or WebP file), else undefined (the decode module's own
 * formats, or none): from the decode module's sniff(), the one sniffer (C++ advcompress::sniff). */
function decoderModuleOf(dec: DecodeModule, b: Uint8Array): 'heic' | 'avif' | 'webp' | undefined {
  const f = dec.sniff(b.subarray(0, SNIFF_BYTES));
  return f === 'webp' ? 'webp' : f === 'heif' ? 'heic' : f === 'avif' ? 'avif' : undefined;
}

/** What the sniffer reads: the signatures and a HEIF's ftyp box (its brands) sit in the first bytes, and the
 * binding copies what it is given into the wasm heap, so it is given this much, not a 32 MB file. */
const SNIFF_BYTES = 4096;

const now = () => performance.now();

async function bytesOf(input: Input): Promise<Uint8Array> {
  checkInput(input);
  if (typeof Blob !== 'undefined' && input instanceof Blob) return new Uint8Array(await input.arrayBuffer());
  return viewOf(input as ArrayBuffer | ArrayBufferView);
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
 * limits, without decoding pixels: JPEG, PNG (an APNG's frames from its acTL), GIF (frames counted), BMP and WebP in
 * the decode module; HEIF/HEIC and AVIF through libheif's reading of the boxes in the AVIF module (any HEIF,
 * whatever its codec; `frameCount` = top-level images, the size that of the primary image).
 * @throws AdvcompressError INPUT_TOO_LARGE, DIMENSIONS_TOO_LARGE, TOO_MANY_FRAMES, UNSUPPORTED_FORMAT, CORRUPT_INPUT.
 */
export async function probe(input: Input, limits?: Limits): Promise<ProbeResult> {
  const bytes = await bytesOf(input);
  const l = resolveOptions({ limits }, 'avif').limits;
  const variant = await pickVariant();
  const dec = await loadModule<DecodeModule>('decode', variant);
  const brand = decoderModuleOf(dec, bytes);
  if (brand === 'heic' || brand === 'avif')
    return unwrap(await call<EncodeModule, ProbeResult | WasmError>('avif', variant, (m) => m.probe(bytes, l)));
  return unwrap(await call<DecodeModule, ProbeResult | WasmError>('decode', variant, (m) => m.probe(bytes, l)));
}

/**
 * Parses a Tencent Cloud CI `imageMogr2/…` rule (several joined by `|` apply in order) or an Alibaba OSS
 * `image/…` rule (the `x-oss-process` value; a leading `?` or `x-oss-process=` is accepted) into a
 * {@link RulePlan}. `convert(input, rule)` applies it. Supported: imageMogr2 `format/heif|heic|avif|webp`,
 * `quality/<Q>[!]`, `rquality/<Q>`, `lquality/<Q>`, `thumbnail/<geometry>` (every documented form), `strip`,
 * `auto-orient`, `ignore-error/1`; OSS `format,heic|avif|webp`, `resize,w_,h_,l_,s_,m_,p_,limit_,color_`,
 * `quality,q_|Q_`, `auto-orient,0|1`.
 * @throws AdvcompressError INVALID_RULE naming the 0-based position and the token (unknown or unsupported
 *   operation, bad argument, or a format that is not an advanced-compression format such as jpg or png).
 * @example await parseRule('image/format,heic/resize,l_900,h_600')
 *   // { format: 'heic', resize: [{ mode: 'fit', height: 600, onlyShrink: true, ... }], ... }
 */
export async function parseRule(rule: string): Promise<RulePlan> {
  if (typeof rule !== 'string') throw new AdvcompressError('INVALID_RULE', `Expected a rule string but received ${typeof rule}`);
  return unwrap(await call<DecodeModule, RulePlan | WasmError>('decode', await pickVariant(), (m) => m.parseRule(rule)));
}

function toDecoded(p: WasmPixels, rgba8 = false): DecodedImage {
  if (rgba8 && (p.bytesPerSample !== 1 || p.channels !== 4)) {
    // 8-bit RGBA for ImageData / canvas, converted here (in a worker in browsers), not on the page's thread.
    const n = p.width * p.height, out = new Uint8ClampedArray(n * 4);
    const src = p.bytesPerSample === 2 ? new Uint16Array(p.data.buffer, p.data.byteOffset, p.data.byteLength / 2) : p.data;
    const k = p.bytesPerSample === 2 ? 1 / 257 : 1;
    for (let i = 0, j = 0; i < n; i++, j += p.channels) {
      out[i * 4] = src[j] * k; out[i * 4 + 1] = src[j + 1] * k; out[i * 4 + 2] = src[j + 2] * k;
      out[i * 4 + 3] = p.channels === 4 ? src[j + 3] * k : 255;
    }
    return { data: new Uint8Array(out.buffer), width: p.width, height: p.height, channels: 4, bitDepth: p.sourceBitDepth,
      hasAlpha: p.channels === 4, icc: p.icc, exif: p.exif, xmp: p.xmp };
  }
  const data = p.bytesPerSample === 2 ? new Uint16Array(p.data.buffer, p.data.byteOffset, p.data.byteLength / 2) : p.data;
  return { data, width: p.width, height: p.height, channels: p.channels as 3 | 4, bitDepth: p.sourceBitDepth,
    hasAlpha: p.channels === 4, icc: p.icc, exif: p.exif, xmp: p.xmp };
}

async function encodePixels(pixels: WasmPixels, o: ResolvedOptions, variant: Variant, inputBytes: number,
  decodeMs: number, ctl: RunControl, warnings: string[] = []): Promise<ConvertResult> {
  return encodeImages({ frames: [pixels], durations: [], loopCount: 0, primaryIndex: 0 }, o, variant, inputBytes,
    decodeMs, ctl, warnings);
}

// Encodes what a decoder gave: one image (a still, or `saveAll: false`), a multi-image HEIF/AVIF or an animated WebP.
async function encodeImages(src: WasmFrames, o: ResolvedOptions, variant: Variant, inputBytes: number,
  decodeMs: number, ctl: RunControl, warnings: string[] = []): Promise<ConvertResult> {
  throwIfAborted(ctl.signal);
  ctl.onProgress?.({ stage: 'loading', fraction: 0.3 });
  await loadModule(o.format, variant);
  throwIfAborted(ctl.signal);
  ctl.onProgress?.({ stage: 'encoding', fraction: 0.35 });
  const n = src.frames.length;
  const primary = o.primaryIndex === undefined ? src.primaryIndex : o.primaryIndex === -1 ? n - 1 : o.primaryIndex;
  if (primary >= n)
    throw new AdvcompressError('INVALID_OPTION', `primaryIndex ${o.primaryIndex} is out of range: the input has ${n} image${n === 1 ? '' : 's'}`);
  const animated = src.durations.length === n && n > 1;
  let all = o.saveAll && n > 1;
  if (all && o.format === 'webp') {
    const [w, h] = [src.frames[0].width, src.frames[0].height];
    if (!animated || src.frames.some((f) => f.width !== w || f.height !== h)) {
      warnings.push(`WebP holds one image or an animation: the input's ${n} images are not an animation, so only the primary image (${primary}) was written`);
      all = false;
    } else if (o.primaryIndex !== undefined) {
      warnings.push('primaryIndex: an animated WebP has no primary image; all frames were written in order');
    }
  } else if (all && animated) {
    warnings.push(`HEIF image items carry no timing: the frame durations of the ${n}-frame animation are not kept (each frame is an image item)`);
  }
  const t0 = now();
  const wasmOptions = { format: o.format, quality: o.quality, lossless: o.lossless, chroma: o.chroma,
    bitDepth: o.bitDepth, effort: o.effort, metadata: o.metadata, advanced: o.advanced, colorPrimaries: o.colorPrimaries,
    transferCharacteristics: o.transferCharacteristics, matrixCoefficients: o.matrixCoefficients, fullRange: o.fullRange };
  let encodes = 0;
  // One encode of `images` at `quality` (undefined: the option's, else the format's default); `proxy`: of the
  // half-size proxy maxBytes and target search on, not counted in `encodes`. `images` holds every frame, or just the
  // one written (a search's proxy, target's single image).
  const encodeAt = async (images: WasmFrames, quality: number | undefined, proxy = false): Promise<WasmEncoded> => {
    throwIfAborted(ctl.signal);
    if (!proxy) encodes++;
    if (encodes > 1) ctl.onProgress?.({ stage: 'encoding', fraction: 0.35 + 0.6 * (1 - 1 / encodes) });
    const opts = { ...wasmOptions, quality: quality ?? o.quality };
    const one = images.frames.length === 1 ? images.frames[0] : images.frames[primary];
    const tileSize = all ? 0 : tileSizeFor(o, one);
    if (tileSize) return encodeGrid(one, tileSize, opts, o, variant, ctl, encodes === 1 && !proxy);
    return unwrap(await call<EncodeModule, WasmEncoded | WasmError>(o.format, variant, (m) => all
      ? m.encodeFrames(images.frames, { durations: images.durations, loopCount: images.loopCount, primaryIndex: primary },
        opts, o.limits)
      : m.encode(one.data, one, opts, o.limits)));
  };
  let r: WasmEncoded, score: number | undefined;
  if (o.target) {
    if (all)
      throw new AdvcompressError('INVALID_OPTION', `target applies to single-image outputs: this input has ${n} images `
        + '(saveAll: false writes the primary one)');
    const single = { ...src, frames: [src.frames[primary]], primaryIndex: 0 };
    const found = await reachTarget(single, o.target.ssimulacra2, o.format, encodeAt, variant, o.limits);
    ({ r, score } = found);
    if (!found.reached)
      warnings.push(`target: SSIMULACRA2 ${o.target.ssimulacra2} is beyond what ${o.format.toUpperCase()} reaches `
        + `on this image; the best found, ${score.toFixed(1)} at quality ${r.quality}, was written`);
    if (o.maxBytes !== undefined && r.data.byteLength > o.maxBytes) {
      r = await fitMaxBytes(single, r, o.maxBytes, o.allowResize, o.metadata === 'keep', encodeAt, variant, o.limits);
      score = await scoreOf(single.frames[0], r, o.format, variant, o.limits);
      warnings.push(`target: maxBytes ${o.maxBytes} lowered the quality to ${r.quality} (SSIMULACRA2 ${score.toFixed(1)})`);
    }
  } else {
    r = await encodeAt(src, undefined);
    if (o.maxBytes !== undefined && r.data.byteLength > o.maxBytes)
      r = await fitMaxBytes(src, r, o.maxBytes, o.allowResize, o.metadata === 'keep', encodeAt, variant, o.limits);
  }
  const encodeMs = now() - t0;
  ctl.onProgress?.({ stage: 'done', fraction: 1 });
  const mimeType = MIME_TYPES[o.format];
  const data = r.data;
  return { data, blob: () => new Blob([data as BlobPart], { type: mimeType }), fileName: `image.${o.format}`,
    mimeType, format: o.format, passthrough: false, warnings, width: r.width, height: r.height, bitDepth: r.bitDepth,
    quality: r.quality, frameCount: r.frameCount, inputBytes, encodes, ...(r.grid ? { grid: r.grid } : {}),
    ...(score !== undefined ? { score } : {}),
    outputBytes: data.byteLength, ratio: data.byteLength / inputBytes, timings: { decodeMs, encodeMs }, variant };
}

/** SSIMULACRA2 of `distorted` against `original`, decoded pixels, in the metric module. */
async function metricScore(original: WasmPixels, distorted: WasmPixels, variant: Variant): Promise<number> {
  const s = await call<MetricModule, number | WasmError>('metric', variant,
    (m) => m.ssimulacra2(original.data, original, distorted.data, distorted));
  if (typeof s !== 'number') throw fromWasm(s.error);
  return s;
}

/** SSIMULACRA2 of `enc` (decoded by its format's module) against `orig`, the pixels it was encoded from. */
async function scoreOf(orig: WasmPixels, enc: WasmEncoded, format: Format, variant: Variant,
  limits: Required<Limits>): Promise<number> {
  const dec = unwrap(await call<EncodeModule, WasmPixels | WasmError>(format, variant, (m) => m.decode(enc.data, limits)));
  return metricScore(orig, dec, variant);
}

/**
 * `target: { ssimulacra2 }` for one image (web/src/target.ts searchTarget), as oavif does it: images under 0.25 MP
 * are searched at full size from the per-format model (TARGET_MODEL) shifted through each score measured (then the
 * secant of their own points). Larger ones are searched on a half-size proxy first (a quarter of the pixels; its
 * encodes not counted): each full-size step is the proxy's answer for the target corrected by the offset between
 * full size and proxy measured at the last full-size step, so the full size mostly verifies (1-3 encodes; an answer within 1 point of the target ends the search).
 * Returns the lowest-quality output found that reaches the target (else the best one) and its score.
 */
async function reachTarget(src: WasmFrames, target: number, format: Format,
  encodeAt: (images: WasmFrames, quality: number | undefined, proxy?: boolean) => Promise<WasmEncoded>,
  variant: Variant, limits: Required<Limits>): Promise<{ r: WasmEncoded; score: number; reached: boolean }> {
  const px = src.frames[0];
  const model = TARGET_MODEL[format].map(([quality, score]) => ({ quality, score }));
  // (guesses aim 0.4 above the target, so that a step lands between the target and 1 point above it more often
  // than just below it, which would cost another full-size encode)
  const aim = target + 0.4;
  let guess: (points: ScorePoint[]) => number | Promise<number> = shiftedGuess(model, aim);
  if (px.width * px.height >= 250_000) {
    const proxy = { ...src, frames: [await scaled(px, 50, variant, limits)] };
    const scores = new Map<number, Promise<number>>();  // (each proxy quality encoded and scored once)
    const measureProxy = (q: number) => {
      if (!scores.has(q)) scores.set(q, encodeAt(proxy, q, true).then((r) => scoreOf(proxy.frames[0], r, format, variant, limits)));
      return scores.get(q)!;
    };
    const onProxy = async (t: number) => (await searchTarget(measureProxy, t, shiftedGuess(model, t), 8)).answer.quality;
    guess = async (points) => {
      if (points.length === 0) return onProxy(aim - PROXY_OFFSET[format]);
      const last = points[points.length - 1];
      return onProxy(aim - (last.score - await measureProxy(last.quality)));
    };
  }
  const outputs = new Map<number, WasmEncoded>();
  const full = await searchTarget(async (q) => {
    const r = await encodeAt(src, q);
    outputs.set(q, r);
    return scoreOf(px, r, format, variant, limits);
  }, target, guess, 4, 1);
  return { r: outputs.get(full.answer.quality)!, score: full.answer.score, reached: full.reached };
}

/** The tile size `px` is coded with: `tileSize` (else the format's default) when the image is larger than one tile,
 * opaque, and its sides are whole chroma samples (MIAF 7.3.11.4.2: a grid's output size is a multiple of the chroma
 * subsampling; libavif refuses other grids); else 0 (one image). */
function tileSizeFor(o: ResolvedOptions, px: WasmPixels): number {
  if (o.format === 'webp') return 0;
  const t = o.tileSize ?? DEFAULT_TILE_SIZE[o.format];
  const chroma = o.chroma ?? (o.lossless ? '444' : '420');
  const whole = chroma === '444' || (px.width % 2 === 0 && (chroma === '422' || px.height % 2 === 0));
  return t && whole && (px.width > t || px.height > t) && isOpaque(px) ? t : 0;
}

/** `px` as a grid image of `tileSize` tiles: tiles coded here and by the helpers (tiles.ts), assembled here.
 * `report`: tiles are the job's progress (the first encode; not the re-encodes of a maxBytes search). */
async function encodeGrid(px: WasmPixels, tileSize: number, opts: object, o: ResolvedOptions, variant: Variant,
  ctl: RunControl, report: boolean): Promise<WasmEncoded> {
  let helpers = 0;
  const counted: TileHelpers | undefined = ctl.tiles && { lease: async () => {
    const l = await ctl.tiles!.lease();
    if (l) helpers++;
    return l;
  } };
  const units = await encodeTiles(px, tileSize, { format: o.format, options: opts, limits: o.limits, variant }, encodeTile,
    counted, ctl.signal, (done, total) => {
      if (report) ctl.onProgress?.({ stage: 'encoding', fraction: 0.35 + 0.6 * done / total, tiles: { done, total } });
    });
  const r = unwrap(await call<EncodeModule, WasmEncoded | WasmError>(o.format, variant, (m) => m.encodeGrid(units,
    { width: px.width, height: px.height, tileSize, sourceBitDepth: px.sourceBitDepth },
    { icc: px.icc, exif: px.exif, xmp: px.xmp, nclx: px.nclx }, opts, o.limits)));
  return { ...r, grid: { tileSize, ...gridOf(px.width, px.height, tileSize), helpers } };
}

/**
 * `maxBytes`: the output at `first.quality` (the option's or the format's default) is larger than `maxBytes`; finds
 * the highest quality whose output fits: for a still of 1 MP or more first on a half-size proxy (viaProxy), else (or
 * where the proxy was off) from quality 0 by searchQuality; 3-8 full-size encodes on photos. Bytes need not be
 * strictly monotonic in quality (x265 gives an odd quality the file of the next even one): the answer is a quality
 * that fits whose next step up did not. When quality 0 does not fit: MAX_BYTES_UNREACHABLE, or with `allowResize`
 * the frames are scaled down (aspect kept; the area scaled by the byte ratio, then 10 % more per retry) until the
 * output at `first.quality` fits.
 */
async function fitMaxBytes(src: WasmFrames, first: WasmEncoded, maxBytes: number, allowResize: boolean,
  keepsMetadata: boolean, encodeAt: (images: WasmFrames, quality: number | undefined, proxy?: boolean) => Promise<WasmEncoded>,
  variant: Variant, limits: Required<Limits>): Promise<WasmEncoded> {
  const qHi = first.quality;
  // (what does not shrink with quality: the metadata carried over, and the container; the interpolation is on the
  // rest, so a photo with 10 KB of EXIF is not taken for one whose size hardly depends on quality)
  const meta = src.frames.reduce((n, f) => n + (f.exif?.byteLength ?? 0) + (f.xmp?.byteLength ?? 0) + (f.icc?.byteLength ?? 0), 0);
  const fixed = Math.min(keepsMetadata ? meta : 0, 0.5 * first.data.byteLength);
  // A still of 1 MP or more: search on a half-size proxy first (a quarter of the pixels, so each encode costs about
  // a quarter), its bytes scaled by the full/proxy ratio measured at qHi, then verify at full size: usually two
  // full-size encodes (the answer, and one step up over the budget) besides the first.
  const px = src.frames[0];
  let over = first;  // the lowest quality measured over the budget at full size
  if (qHi > 0 && src.frames.length === 1 && px.width * px.height >= 1_000_000) {
    const found = await viaProxy(src, first, maxBytes, fixed, encodeAt, variant, limits);
    if (found.r) return found.r;
    if (found.over) over = found.over;
  }
  const lowest = qHi === 0 ? first : over.quality === 0 ? over : await encodeAt(src, 0);
  if (lowest.data.byteLength > maxBytes) {
    if (!allowResize) {
      throw new AdvcompressError('MAX_BYTES_UNREACHABLE', `maxBytes ${maxBytes} cannot be met: at quality 0 the `
        + `${lowest.width}x${lowest.height} output is ${lowest.data.byteLength} bytes (allowResize: true scales it down until it fits)`);
    }
    let images = src, bytes = first.data.byteLength, shrink = 1;
    for (let round = 0; round < 12; round++) {
      shrink *= Math.sqrt(maxBytes / bytes) * (round === 0 ? 1 : 0.9);
      const scale = Math.max(shrink * 100, 0.01);
      const w = Math.round(src.frames[0].width * shrink), h = Math.round(src.frames[0].height * shrink);
      if (w < 8 || h < 8) break;
      images = { ...src, frames: await Promise.all(src.frames.map((px) => scaled(px, scale, variant, limits))) };
      const r = await encodeAt(images, qHi);
      if (r.data.byteLength <= maxBytes) return r;
      bytes = r.data.byteLength;
    }
    throw new AdvcompressError('MAX_BYTES_UNREACHABLE', `maxBytes ${maxBytes} cannot be met, even scaled down to a `
      + `few pixels at quality ${qHi} (the container and metadata alone may be larger: try metadata: 'strip')`);
  }
  return searchQuality(src, lowest, over, maxBytes, Math.min(fixed, 0.9 * lowest.data.byteLength), encodeAt);
}

// The proxy search of fitMaxBytes. `r`: the answer, when the full-size checks confirm the proxy's guess (it fits and
// one step up does not; where one step up fits too, the full-size search goes on from there). Otherwise `over`, the
// lowest quality measured over the budget at full size (the caller searches below it from quality 0), or nothing
// when the proxy predicts that even quality 0 does not fit.
async function viaProxy(src: WasmFrames, first: WasmEncoded, maxBytes: number, fixed: number,
  encodeAt: (images: WasmFrames, quality: number | undefined, proxy?: boolean) => Promise<WasmEncoded>,
  variant: Variant, limits: Required<Limits>): Promise<{ r?: WasmEncoded; over?: WasmEncoded }> {
  const qHi = first.quality;
  const proxy = { ...src, frames: [await scaled(src.frames[0], 50, variant, limits)] };
  const encodeProxy = (images: WasmFrames, q: number | undefined) => encodeAt(images, q, true);
  const pHi = await encodeProxy(proxy, qHi);
  const ratio = Math.max(1e-3, first.data.byteLength - fixed) / Math.max(1, pHi.data.byteLength - fixed);
  const budget = fixed + (maxBytes - fixed) / ratio;  // the proxy's bytes that predict maxBytes at full size
  if (pHi.data.byteLength <= budget) return {};  // (the ratio says qHi fits: it did not; no guess to make)
  const pLow = await encodeProxy(proxy, 0);
  if (pLow.data.byteLength > budget) return {};
  const guess = (await searchQuality(proxy, pLow, pHi, budget, fixed, encodeProxy)).quality;
  const r = await encodeAt(src, guess);
  if (r.data.byteLength > maxBytes) {
    if (guess === 0) return { over: r };
    const down = await encodeAt(src, guess - 1);
    return down.data.byteLength <= maxBytes ? { r: down } : { over: down };  // (guess, one step up, is over)
  }
  if (guess + 1 >= qHi) return { r };  // (qHi is over)
  const up = await encodeAt(src, guess + 1);
  if (up.data.byteLength > maxBytes) return { r };
  return { r: await searchQuality(src, up, first, maxBytes, fixed, encodeAt) };
}

/**
 * The highest quality in [lo.quality, hi.quality) whose output of `images` is at most `budget` bytes, given that
 * `lo` fits and `hi` does not: regula falsi on log(bytes − fixed) between the bracket ends, a bisection step
 * whenever the same end moved twice. Returns the fitting result whose next quality step up was measured over budget.
 */
async function searchQuality(images: WasmFrames, lo: WasmEncoded, hi: WasmEncoded, budget: number, fixed: number,
  encodeAt: (images: WasmFrames, quality: number | undefined) => Promise<WasmEncoded>): Promise<WasmEncoded> {
  const ln = (bytes: number) => Math.log(Math.max(1, bytes - fixed));
  let qLo = lo.quality, loR = lo, qHi = hi.quality, hiBytes = hi.data.byteLength, lastMoved = '';
  let sameEnd = 0;
  while (qHi - qLo > 1) {
    let q: number;
    if (sameEnd >= 2) { q = Math.floor((qLo + qHi) / 2); sameEnd = 0; } else {
      // (hiBytes > budget >= loR's bytes, so the denominator is positive; the guard is for the impossible case)
      const t = (ln(budget) - ln(loR.data.byteLength)) / (ln(hiBytes) - ln(loR.data.byteLength));
      q = Number.isFinite(t) ? Math.min(qHi - 1, Math.max(qLo + 1, Math.round(qLo + t * (qHi - qLo)))) : Math.floor((qLo + qHi) / 2);
    }
    const r = await encodeAt(images, q);
    const moved = r.data.byteLength <= budget ? 'lo' : 'hi';
    sameEnd = moved === lastMoved ? sameEnd + 1 : 1;
    lastMoved = moved;
    if (moved === 'lo') { qLo = q; loR = r; } else { qHi = q; hiBytes = r.data.byteLength; }
  }
  return loR;
}

// A frame scaled to `percent` of its size (stb_image_resize2 in the decode module, as every resize).
async function scaled(px: WasmPixels, percent: number, variant: Variant, limits: Required<Limits>): Promise<WasmPixels> {
  return unwrap(await call<DecodeModule, WasmPixels | WasmError>('decode', variant, (m) => m.transform(px.data, px,
    { autoOrient: false, orientation: 1, limits, resize: [{ mode: 'scale', scaleX: percent, scaleY: percent }] })));
}

/** The limit errors imageMogr2's `ignore-error/1` turns into "hand back the original". */
const LIMIT_CODES = new Set(['INPUT_TOO_LARGE', 'DIMENSIONS_TOO_LARGE', 'TOO_MANY_FRAMES', 'OUTPUT_TOO_LARGE']);

// The original, unchanged, as ignore-error/1 answers (format and size from the headers when they can be read).
function passthrough(bytes: Uint8Array, dec: DecodeModule, reason: AdvcompressError, warnings: string[],
  variant: Variant): ConvertResult {
  const unlimited = { maxInputBytes: 2 ** 52, maxSide: 2 ** 31, maxPixels: 2 ** 52, maxFrames: 2 ** 31, maxOutputSide: 2 ** 31 };
  const info = dec.probe(bytes, unlimited);
  const p = 'error' in info ? undefined : info;
  const sniffed = dec.sniff(bytes.subarray(0, SNIFF_BYTES));
  const format = (p?.format ?? (sniffed === 'unknown' ? 'jpeg' : sniffed)) as InputFormat;
  const mimeType = INPUT_MIME[format] ?? 'application/octet-stream';
  const w = [...warnings, `ignore-error/1: ${reason.code} (${reason.message}); the original is returned unchanged`];
  return { data: bytes, blob: () => new Blob([bytes as BlobPart], { type: mimeType }),
    fileName: `image.${format === 'jpeg' ? 'jpg' : format}`, mimeType, format,
    passthrough: true, warnings: w, width: p?.width ?? 0, height: p?.height ?? 0, bitDepth: p?.bitDepth ?? 8,
    quality: p?.quality ?? 100,
    frameCount: p?.frameCount ?? 1, inputBytes: bytes.byteLength, outputBytes: bytes.byteLength, ratio: 1, encodes: 0,
    timings: { decodeMs: 0, encodeMs: 0 }, variant };
}

/**
 * Entry-point specific implementation: `formats` are those the entry point may write (no 'heic' from the
 * permissive `advcompress`, even when `advcompress/heic` is loaded elsewhere in the same app), `formats[0]` the
 * default; `modules` the wasm modules it may load. Registering them here, when the API is made, rather than as a
 * statement of the entry module keeps them with the functions that need them: the package says
 * `"sideEffects": false`, so a bundler may drop a module whose exports go unused, statements and all.
 */
export function makeApi(formats: readonly Format[], modules: ModuleTable, extras: { tiles?: TileHelpers } = {}) {
  registerModules(modules);
  // (a worker of the browser pool is handed its helpers per call, by the page: RunControl.tiles)
  const control = (ctl: CallOptions): RunControl => ({ ...ctl, tiles: (ctl as RunControl).tiles ?? extras.tiles });
  const defaultFormat = formats[0];
  function checkFormat(o: ResolvedOptions): void {
    if (!formats.includes(o.format)) {
      throw new AdvcompressError('UNSUPPORTED_FORMAT', o.format === 'heic'
        ? "HEIC output needs the 'advcompress/heic' entry point (GPL, because of x265): import { convert } from 'advcompress/heic'"
        : `this entry point writes ${formats.join(', ')}, not ${o.format}`);
    }
  }
  function resolve(options: EncodeOptions | undefined): ResolvedOptions {
    const o = resolveOptions(options, defaultFormat);
    checkFormat(o);
    return o;
  }

  // Applies a parsed rule on top of the resolved options: what the rule sets wins (with a warning where it
  // replaces an option the caller gave).
  function applyRule(o: ResolvedOptions, given: EncodeOptions, plan: RulePlan, warnings: string[]): void {
    warnings.push(...plan.warnings);
    if (plan.format) {
      if (given.format !== undefined && o.format !== plan.format)
        warnings.push(`format: the rule's ${plan.format} replaces the option's ${given.format}`);
      o.format = plan.format;
    }
    if (plan.strip) o.metadata = 'strip';
    if (plan.autoOrient !== undefined) o.autoOrient = plan.autoOrient;
    o.resize = [...o.resize, ...plan.resize];
    if (plan.quality.length && given.quality !== undefined)
      warnings.push(`quality: the rule's quality steps replace the option's ${given.quality}`);
  }

  // Parses `o.rule` (when there is one) and applies it to `o`; returns the plan (its quality steps are resolved
  // against the source once the headers are read).
  async function applyRuleOf(o: ResolvedOptions, given: EncodeOptions, warnings: string[], variant: Variant): Promise<RulePlan | undefined> {
    if (o.rule === undefined) return undefined;
    const rule = o.rule;
    const plan = unwrap(await call<DecodeModule, RulePlan | WasmError>('decode', variant, (m) => m.parseRule(rule)));
    applyRule(o, given, plan, warnings);
    checkFormat(o);
    return plan;
  }

  // The headers of `bytes`, limits checked, from the module that reads them: JPEG/PNG/GIF/BMP/WebP in the decode
  // module, HEIF/AVIF in the HEIC or AVIF module (orientation 1: libheif applies irot/imir when it decodes).
  // undefined for a HEIC this entry point does not read (decodeBytes then says so).
  async function probeHeaders(bytes: Uint8Array, limits: Limits, variant: Variant): Promise<ProbeResult | undefined> {
    const brand = decoderModuleOf(await loadModule<DecodeModule>('decode', variant), bytes);
    if (brand === 'heic' || brand === 'avif') {
      if (!formats.includes(brand)) return undefined;
      const p = unwrap(await call<EncodeModule, ProbeResult | WasmError>(brand, variant, (m) => m.probe(bytes, limits)));
      return { ...p, orientation: 1 };
    }
    return unwrap(await call<DecodeModule, ProbeResult | WasmError>('decode', variant, (m) => m.probe(bytes, limits)));
  }

  // The one place that picks a decoder. JPEG/PNG/GIF/BMP: the decode module decodes, orients and resizes in one
  // call. HEIF/AVIF/WebP: the images come from the HEIC/AVIF/WebP module's decoder (libheif with transformations
  // applied, libwebp), then the decode module applies the EXIF orientation (WebP) and the resize steps. `all`:
  // every frame / image item (convert), else the primary image only (decode, psnr).
  async function decodeBytes(bytes: Uint8Array, o: DecodeOpts, variant: Variant, all: boolean): Promise<WasmFrames> {
    const one = (px: WasmPixels): WasmFrames => ({ frames: [px], durations: [], loopCount: 0, primaryIndex: 0 });
    const opts = { autoOrient: o.autoOrient, limits: o.limits, resize: o.resize };
    const brand = decoderModuleOf(await loadModule<DecodeModule>('decode', variant), bytes);
    if (!brand)
      return unwrap(await call<DecodeModule, WasmFrames | WasmError>('decode', variant,
        (m) => all ? m.decodeFrames(bytes, opts) : one(unwrap(m.decode(bytes, opts)))));
    if (!formats.includes(brand))
      throw new AdvcompressError('UNSUPPORTED_FORMAT', brand === 'heic'
        ? "HEIC input is decoded by the HEIC module: import from 'advcompress/heic'"
        : `${brand.toUpperCase()} input is not decodable from this entry point`);
    const src = unwrap(await call<EncodeModule, WasmFrames | WasmError>(brand, variant,
      (m) => all ? m.decodeFrames(bytes, o.limits) : one(unwrap(m.decode(bytes, o.limits)))));
    // An animation's EXIF (on its first frame) describes every frame.
    const fileOrientation = src.frames[0].orientation ?? 1;
    const animated = src.durations.length > 0;
    for (let i = 0; i < src.frames.length; i++) {
      const px = src.frames[i];
      const orientation = px.orientation ?? (animated ? fileOrientation : 1);
      if ((o.autoOrient && orientation !== 1) || o.resize.length)
        src.frames[i] = unwrap(await call<DecodeModule, WasmPixels | WasmError>('decode', variant,
          (m) => m.transform(px.data, px, { ...opts, orientation })));
    }
    return src;
  }

  /**
   * Converts an encoded image (JPEG, PNG, BMP, GIF, WebP, HEIC, AVIF) to HEIC, AVIF or WebP. Multi-frame inputs
   * (animated GIF/APNG/WebP, multi-image HEIF/AVIF) keep every frame by default: a multi-image HEIC/AVIF (`primaryIndex`
   * the primary image) or an animated WebP with the durations and loop count; `saveAll: false` writes the primary
   * image only. `frameCount` of the result says how many were written.
   * @param input the file's bytes (Blob, File, ArrayBuffer, Uint8Array); at most `limits.maxInputBytes`.
   * @param options see {@link EncodeOptions}; or a cloud rule string (`'imageMogr2/format/heif'`,
   *   `'image/format,heic/resize,l_900,h_600'`, see `parseRule()`), the same as `{ rule }`.
   * @throws AdvcompressError INVALID_OPTION (also a `primaryIndex` beyond the input's frames), INVALID_RULE,
   *   UNSUPPORTED_FORMAT, CORRUPT_INPUT, INPUT_TOO_LARGE, DIMENSIONS_TOO_LARGE, TOO_MANY_FRAMES, OUTPUT_TOO_LARGE,
   *   OUT_OF_MEMORY, ENCODER_ERROR; DOMException AbortError.
   * @example const r = await convert(file, { format: 'webp', quality: 80, maxWidth: 2048 }); upload(r.blob());
   * @example const r = await convert(file, 'imageMogr2/thumbnail/1280x1280>/format/heif');  // as on Tencent CI
   */
  async function convert(input: Input, options?: EncodeOptions | string, ctl: CallOptions = {}): Promise<ConvertResult> {
    return (await run(input, [options], control(ctl)))[0];
  }

  /**
   * Encodes raw pixels (e.g. an ImageData's `data`) to HEIC, AVIF or WebP.
   * @throws AdvcompressError INVALID_OPTION (bad buffer size, options), OUTPUT_TOO_LARGE, OUT_OF_MEMORY, ENCODER_ERROR.
   * @example const r = await encode({ data: imageData.data, width: 640, height: 480 }, { format: 'avif' });
   */
  async function encode(pixels: Pixels, options?: EncodeOptions, ctl: CallOptions = {}): Promise<ConvertResult> {
    const o = resolve(options);
    if (o.rule !== undefined || o.resize.length)
      throw new AdvcompressError('INVALID_OPTION', 'rule, resize, maxWidth and maxHeight apply to convert(), not encode()');
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
    return encodePixels(wasmPixels, o, await pickVariant(), bytes.byteLength, 0, control(ctl));
  }

  /**
   * Decodes an encoded image to RGB(A) pixels, EXIF-oriented by default: JPEG, PNG, GIF and BMP in the decode
   * module; HEIC and AVIF (the primary image, irot/imir applied) and WebP in the HEIC / AVIF / WebP module (an
   * animation: its first frame, as a viewer shows the file before it plays)
   * when this entry point has it, e.g. to preview an output the browser cannot show or to measure it (psnr).
   * `rgba8: true` returns 8-bit RGBA whatever the source (ready for `new ImageData`).
   * @throws AdvcompressError INPUT_TOO_LARGE, DIMENSIONS_TOO_LARGE, TOO_MANY_FRAMES, UNSUPPORTED_FORMAT,
   *   CORRUPT_INPUT, OUT_OF_MEMORY.
   * @example const px = await decode(result.data, { rgba8: true });
   *   ctx.putImageData(new ImageData(new Uint8ClampedArray(px.data.buffer), px.width, px.height), 0, 0);
   */
  async function decodeAny(input: Input, options: DecodeOptions = {}): Promise<DecodedImage> {
    const bytes = await bytesOf(input);
    const o = resolveOptions({ autoOrient: options.autoOrient, limits: options.limits }, defaultFormat);
    const src = await decodeBytes(bytes, { autoOrient: o.autoOrient, limits: o.limits, resize: [] },
      await pickVariant(), false);
    return toDecoded(src.frames[0], options.rgba8 === true);
  }

  /**
   * Decodes every frame of an encoded image: an animated GIF's, APNG's or WebP's frames (composited as browsers
   * show them, with durations in ms and loop count), a HEIF/AVIF file's top-level images (with the primary index),
   * or a still image as one frame.
   * Options as `decode()`.
   * @throws AdvcompressError as decode(); TOO_MANY_FRAMES / DIMENSIONS_TOO_LARGE count every frame.
   * @example const { frames, durations } = await decodeFrames(gifFile, { rgba8: true });
   */
  async function decodeFrames(input: Input, options: DecodeOptions = {}): Promise<DecodedFrames> {
    const bytes = await bytesOf(input);
    const o = resolveOptions({ autoOrient: options.autoOrient, limits: options.limits }, defaultFormat);
    const src = await decodeBytes(bytes, { autoOrient: o.autoOrient, limits: o.limits, resize: [] },
      await pickVariant(), true);
    return { frames: src.frames.map((f) => toDecoded(f, options.rgba8 === true)), durations: src.durations,
      loopCount: src.loopCount, primaryIndex: src.primaryIndex };
  }

  /**
   * PSNR in dB between two encoded images of the same size (e.g. a source and its conversion), over the RGB
   * samples on the 8-bit scale (16-bit samples / 257; alpha ignored); `Infinity` when identical. Both are decoded
   * here (HEIC/AVIF through their modules), so in a browser it runs in a worker.
   * @throws AdvcompressError INVALID_OPTION when the sizes differ, plus decode()'s errors.
   * @example const db = await psnr(file, result.data);   // 40 dB and up: hard to tell apart
   */
  async function psnr(a: Input, b: Input, options: MetricOptions = {}): Promise<number> {
    const [x, y] = [await decodeAny(a, options), await decodeAny(b, options)];
    if (x.width !== y.width || x.height !== y.height)
      throw new AdvcompressError('INVALID_OPTION', `psnr: the images differ in size (${x.width}x${x.height} vs ${y.width}x${y.height})`);
    const n = x.width * x.height;
    const scale = (d: DecodedImage) => (d.data instanceof Uint16Array ? 1 / 257 : 1);
    const sx = scale(x), sy = scale(y);
    let se = 0;
    for (let i = 0; i < n; i++) {
      for (let c = 0; c < 3; c++) {
        const d = x.data[i * x.channels + c] * sx - y.data[i * y.channels + c] * sy;
        se += d * d;
      }
    }
    const mse = se / (n * 3);
    return mse === 0 ? Infinity : 10 * Math.log10((255 * 255) / mse);
  }

  /**
   * SSIMULACRA2 of `b` (e.g. a conversion) against `a` (its source): the perceptual score of libjxl's own
   * implementation (libjxl 0.11 `tools/ssimulacra2`, compiled to wasm with Highway's SIMD as the `metric` module,
   * ~155 KB gzip, loaded on first use). 100 = identical; about 90 visually lossless at 1:1, 80 high quality,
   * 70 medium, 50 low; it can go below 0. Both images are decoded as `decode()` does (EXIF-oriented, the primary
   * image / first frame) and read as sRGB (an ICC profile is not applied); alpha as libjxl's tool treats it: when
   * `a` has an alpha channel the lower score over a dark (0.1) and a bright (0.9) grey background.
   * The scores equal libjxl's native tool's on the same pixels (within 1e-8 on the test's photos; README,
   * "SSIMULACRA2 (the metric module)"). Time: ~1.6 s for a 2.5 MP pair in one thread, ~2.5× the native tool.
   * Memory: ~160 bytes per pixel while it runs (a 12 MP pair needs ~1.9 GB of wasm memory): to score a large photo
   * in a browser, compare downscaled copies (`convert(…, { maxWidth })` of both, losslessly).
   * @param a the original (any input format this entry point decodes), b the distorted image, of the same size.
   * @throws AdvcompressError INVALID_OPTION when the sizes differ or a side is under 8 pixels, OUT_OF_MEMORY, plus
   *   decode()'s errors.
   * @example const score = await ssimulacra2(file, result.data);   // 80 and up: hard to tell apart at 1:1
   */
  async function ssimulacra2(a: Input, b: Input, options: MetricOptions = {}): Promise<number> {
    const variant = await pickVariant();
    const o = resolveOptions({ limits: options.limits }, defaultFormat);
    const dec: DecodeOpts = { autoOrient: o.autoOrient, limits: o.limits, resize: [] };
    const x = (await decodeBytes(await bytesOf(a), dec, variant, false)).frames[0];
    const y = (await decodeBytes(await bytesOf(b), dec, variant, false)).frames[0];
    return metricScore(x, y, variant);
  }

  /**
   * Several outputs from one decode (the sizes of a responsive image set, or the rules of one COS `Pic-Operations`
   * header): each entry of `outputs` is what `convert()` takes as its second argument (options or a cloud rule).
   * The input is probed once, every output's size is planned from the headers (an impossible one fails before any
   * decoding), the image is decoded and oriented once, then each output is resized from that and encoded, in order.
   * Decoding is shared, so the outputs must agree on `autoOrient` and `limits` (INVALID_OPTION otherwise).
   * @param outputs 1-16 options objects or rule strings.
   * @returns one ConvertResult per output, in order; `timings.decodeMs` is the one shared decode.
   * @throws AdvcompressError as convert() (the first output that fails rejects the call; a rule with
   *   `ignore-error/1` gives its passthrough result instead); DOMException AbortError.
   * @example const [big, thumb] = await convertMany(file, [{ format: 'avif', maxWidth: 2048 }, 'imageMogr2/thumbnail/320x/format/webp']);
   */
  async function convertMany(input: Input, outputs: Array<EncodeOptions | string>, ctl: CallOptions = {}): Promise<ConvertResult[]> {
    checkOutputs(outputs);
    return run(input, outputs, control(ctl));
  }

  // The pipeline of convert() (one output) and convertMany(): every output resolved (its rule parsed and applied);
  // the headers probed once and every output's size planned from them, so that OUTPUT_TOO_LARGE or a bad resize
  // step costs no decoding whatever the input format; the image decoded once (a single output's resize steps go
  // into that decode: one call, no extra copy), then each output resized from it (several outputs) and encoded.
  // A limit error gives the original back to the outputs it concerns when their rules say ignore-error/1.
  // `format: 'auto'`: one output per accepted format, each with the target (validated here, before any work).
  function expandAuto(given: EncodeOptions): EncodeOptions[] {
    const accept = given.accept ?? defaultAccept(formats);
    if (!Array.isArray(accept) || accept.length === 0 || new Set(accept).size !== accept.length
        || accept.some((f) => f !== 'heic' && f !== 'avif' && f !== 'webp'))
      throw new AdvcompressError('INVALID_OPTION', `Expected distinct formats among 'heic', 'avif', 'webp' for accept but received ${JSON.stringify(accept)}`);
    for (const f of accept) checkFormat({ format: f } as ResolvedOptions);
    for (const k of ['quality', 'lossless', 'rule'] as const)
      if (given[k] !== undefined)
        throw new AdvcompressError('INVALID_OPTION', `${k} does not go with format: 'auto', which compares formats at one target look (give target)`);
    return accept.map((format) => {
      const { accept: _accept, ...rest } = given;
      return { ...rest, format, target: given.target ?? { ...DEFAULT_AUTO_TARGET } };
    });
  }

  // Expands `format: 'auto'` outputs, converts everything from one decode (runOutputs), and keeps the smallest of
  // each auto output's candidates.
  async function run(input: Input, outputs: Array<EncodeOptions | string | undefined>, ctl: RunControl): Promise<ConvertResult[]> {
    const owner: number[] = [];
    const expanded = outputs.flatMap((options, i) => {
      const list = typeof options === 'object' && options !== null && options.format === 'auto' ? expandAuto(options) : [options];
      for (const _ of list) owner.push(i);
      return list;
    });
    const results = await runOutputs(input, expanded, ctl);
    return outputs.map((_, i) => {
      const candidates = results.filter((_r, k) => owner[k] === i);
      if (candidates.length === 1) return candidates[0];
      const encoded = candidates.filter((r) => !r.passthrough);
      if (!encoded.length) return candidates[0];
      const best = encoded.reduce((a, b) => (b.outputBytes < a.outputBytes ? b : a));
      const others = encoded.filter((r) => r !== best).map((r) => `${r.format} ${r.outputBytes} bytes (SSIMULACRA2 ${r.score?.toFixed(1)})`);
      best.warnings.push(`format auto: ${best.format}, ${best.outputBytes} bytes (SSIMULACRA2 ${best.score?.toFixed(1)}), `
        + `the smallest; ${others.join(', ')}`);
      best.encodes = candidates.reduce((t, r) => t + r.encodes, 0);
      return best;
    });
  }

  async function runOutputs(input: Input, outputs: Array<EncodeOptions | string | undefined>, ctl: RunControl): Promise<ConvertResult[]> {
    const each = outputs.map((options) => {
      const given: EncodeOptions = typeof options === 'string' ? { rule: options } : options ?? {};
      const o = resolveOptions(given, defaultFormat);
      if (o.rule === undefined) checkFormat(o);
      return { given, o, warnings: [] as string[], plan: undefined as RulePlan | undefined };
    });
    throwIfAborted(ctl.signal);
    const bytes = await bytesOf(input);
    const variant = await pickVariant();
    ctl.onProgress?.({ stage: 'loading', fraction: 0 });
    const dec = await loadModule<DecodeModule>('decode', variant);
    throwIfAborted(ctl.signal);
    for (const e of each) e.plan = await applyRuleOf(e.o, e.given, e.warnings, variant);
    const shared = each[0].o, single = each.length === 1;
    if (each.some((e) => e.o.autoOrient !== shared.autoOrient || JSON.stringify(e.o.limits) !== JSON.stringify(shared.limits)))
      throw new AdvcompressError('INVALID_OPTION', 'convertMany: every output must have the same autoOrient and limits (the input is decoded once)');
    ctl.onProgress?.({ stage: 'decoding', fraction: 0.05 });
    const t0 = now();
    const results: Array<ConvertResult | undefined> = each.map(() => undefined);
    const todo = () => each.map((_, k) => k).filter((k) => !results[k]);
    // (a limit error for outputs `ks`: the original for each whose rule has ignore-error/1; anything else throws)
    const orOriginal = (err: unknown, ks: number[]) => {
      if (!(err instanceof AdvcompressError && LIMIT_CODES.has(err.code)) || ks.some((k) => !each[k].plan?.ignoreError)) throw err;
      for (const k of ks) results[k] = passthrough(bytes, dec, err, each[k].warnings, variant);
    };
    const finish = () => {
      if (results.some((r) => r?.passthrough)) ctl.onProgress?.({ stage: 'done', fraction: 1 });
      return results as ConvertResult[];
    };
    let info: ProbeResult | undefined;
    try {
      info = await probeHeaders(bytes, shared.limits, variant);
    } catch (err) {
      orOriginal(err, todo());
      return finish();
    }
    for (const [k, e] of each.entries()) {
      if (info) {
        const planned = dec.planOutput({ width: info.width, height: info.height, orientation: info.orientation },
          { autoOrient: e.o.autoOrient, limits: e.o.limits, resize: e.o.resize });
        if ('error' in planned) { orOriginal(fromWasm(planned.error), [k]); continue; }
      }
      if (e.plan?.quality.length) {
        const steps = e.plan.quality;
        e.o.quality = await call<DecodeModule, number>('decode', variant, (m) => m.resolveQuality(steps, info?.quality ?? 0));
      }
    }
    const ks = todo();
    if (!ks.length) return finish();
    // Every frame only when they are written, or when `primaryIndex` names one (an animation's frame N needs frames
    // 0..N to composite it); `saveAll: false` alone needs the primary image only.
    const all = ks.some((k) => each[k].o.saveAll || each[k].o.primaryIndex !== undefined);
    let full: WasmFrames;
    try {
      full = await decodeBytes(bytes, { autoOrient: shared.autoOrient, limits: shared.limits, resize: single ? shared.resize : [] },
        variant, all);
    } catch (err) {
      orOriginal(err, ks);
      return finish();
    }
    const decodeMs = now() - t0;
    for (const k of ks) {
      const e = each[k];
      // (several outputs share the progress: output k of n covers its n-th of the range after decoding)
      const sub: RunControl = single || !ctl.onProgress ? ctl : { signal: ctl.signal, tiles: ctl.tiles, onProgress: ({ stage, fraction }) =>
        ctl.onProgress!({ stage: stage === 'done' && k < ks[ks.length - 1] ? 'encoding' : stage, fraction: 0.1 + 0.9 * (k + fraction) / each.length }) };
      try {
        throwIfAborted(ctl.signal);
        const frames = single || !e.o.resize.length ? full : { ...full, frames: await Promise.all(full.frames.map((px) =>
          call<DecodeModule, WasmPixels | WasmError>('decode', variant, (m) => m.transform(px.data, px,
            { autoOrient: false, orientation: 1, limits: e.o.limits, resize: e.o.resize })).then(unwrap))) };
        results[k] = await encodeImages(frames, e.o, variant, bytes.byteLength, decodeMs, sub, e.warnings);
      } catch (err) {
        orOriginal(err, [k]);
      }
    }
    return finish();
  }

  return { convert, convertMany, encode, decode: decodeAny, decodeFrames, psnr, ssimulacra2 };
}
