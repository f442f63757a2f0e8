/**
 * Options, their defaults and their validation (one vocabulary across C++, Embind, TypeScript and the CLI; the
 * C++ core checks the ranges again). Messages follow sharp's form: "Expected integer between 0 and 100 for
 * quality but received 150 of type number".
 */
import { AdvcompressError } from './errors.js';

/** Output formats: HEIF with HEVC (`heic`, from `advcompress/heic`), AVIF (AV1), WebP. */
export type Format = 'heic' | 'avif' | 'webp';
/** Chroma subsampling of the coded image. */
export type Chroma = '420' | '422' | '444';

/** The restrictions of the cloud services (seeds of Tencent CI), all configurable. */
export interface Limits {
  /** Bytes of encoded input; default 33554432 (32 MiB). */
  maxInputBytes?: number;
  /** Pixels, each input side; default 30000. */
  maxSide?: number;
  /** Input pixels, width × height × frames; default 250000000. */
  maxPixels?: number;
  /** Frames of an animated input; default 300. */
  maxFrames?: number;
  /** Pixels, each output side; default 9999 (larger gives OUTPUT_TOO_LARGE). */
  maxOutputSide?: number;
}

/** Default limits (Tencent CI's: 32 MB input, 30,000 px sides, 250 MP, 300 frames, 9,999 px output sides). */
export const DEFAULT_LIMITS: Required<Limits> = Object.freeze({
  maxInputBytes: 32 * 1024 * 1024,
  maxSide: 30000,
  maxPixels: 250_000_000,
  maxFrames: 300,
  maxOutputSide: 9999,
});

/**
 * One resize step, applied after EXIF auto-orientation (sizes in pixels). What the cloud rules' `thumbnail`
 * (imageMogr2) and `resize` (OSS) operations become; `parseRule()` returns them, `resize` takes them.
 * - `fit`: proportional, as large as possible inside width × height; a missing side is unconstrained
 *   (imageMogr2 `<W>x<H>`, `<W>x`, `x<H>`; OSS `m_lfit`).
 * - `cover`: proportional, as small as possible covering width × height (imageMogr2 `!<W>x<H>r`, OSS `m_mfit`).
 * - `fill`: `cover`, then the centred width × height window (OSS `m_fill`).
 * - `pad`: `fit`, then centred on a width × height canvas of `padColor` (OSS `m_pad`).
 * - `exact`: exactly width × height, aspect ratio ignored (imageMogr2 `<W>x<H>!`, OSS `m_fixed`).
 * - `scale`: `scaleX`/`scaleY` percent of the source (imageMogr2 `!<S>p`, `!<S>px`, `!x<S>p`; OSS `p_`).
 * - `area`: proportional, width × height ≤ `area` pixels (imageMogr2 `<Area>@`).
 */
export interface ResizeStep {
  /** What the step does (see above). */
  mode: 'fit' | 'cover' | 'fill' | 'pad' | 'exact' | 'scale' | 'area';
  /** Width in pixels (fit, cover, fill, pad, exact). */
  width?: number;
  /** Height in pixels (fit, cover, fill, pad, exact). */
  height?: number;
  /** OSS `l_`: pixels along the source's longer side, used when width and height are absent. */
  longSide?: number;
  /** OSS `s_`: pixels along the source's shorter side, used when width and height are absent. */
  shortSide?: number;
  /** Percent of the source width (scale); default 100. */
  scaleX?: number;
  /** Percent of the source height (scale); default 100. */
  scaleY?: number;
  /** Pixels (area). */
  area?: number;
  /** Keep the source size when the step would enlarge it (imageMogr2 `>`, OSS `limit_1`). Default false. */
  onlyShrink?: boolean;
  /** Keep the source size when the step would reduce it (imageMogr2 `<`). Default false. */
  onlyEnlarge?: boolean;
  /** 0xRRGGBB canvas colour of `pad` (OSS `color_`); default 0xFFFFFF (white). */
  padColor?: number;
}

/** A perceptual target (`EncodeOptions.target`). */
export interface Target {
  /** The SSIMULACRA2 score to reach, above 0 and at most 100 (libjxl's scale: 100 identical, 90 visually lossless
   * at 1:1, 80 high quality, 70 medium, 50 low). */
  ssimulacra2: number;
}

/** Options of `convert()` and `encode()`. */
export interface EncodeOptions {
  /** Output format (as imageMogr2 `/format/heif|avif|webp`); `heif` is accepted for `heic`. Default `'heic'` from
   * `advcompress/heic`; `'avif'` from `advcompress`. `'auto'` (`convert()`, `convertMany()`): each format of
   * `accept` is searched for `target` (default {@link DEFAULT_AUTO_TARGET}) from the one decode, and the smallest
   * output is returned, its `warnings` naming the others' sizes; `quality`, `lossless` and `rule` do not go with it. */
  format?: Format | 'heif' | 'auto';
  /** With `format: 'auto'`: the formats to choose from. Default: the entry point's formats, in a browser HEIC
   * only where the platform shows HEIC images (Apple's: iOS and iPadOS, Safari on macOS), as seed 002 recommends;
   * see {@link defaultAccept}. */
  accept?: Format[];
  /** 0–100, higher is better and bigger. Defaults: heic 50 and avif 50 (libheif's), webp 75 (cwebp's).
   * `-1` means lossless, as pillow-heif `save(quality=-1)`. */
  quality?: number;
  /** Mathematically lossless: HEIC/AVIF through matrix_coefficients 0 + 4:4:4, WebP lossless. Default false. */
  lossless?: boolean;
  /** Chroma subsampling; default `'420'` (lossy), `'444'` (lossless). WebP lossy is always 4:2:0. */
  chroma?: Chroma;
  /** Coded bit depth 8, 10 or 12 (HEIC/AVIF); default 8 for 8-bit input, 10 for 16-bit input (as pillow-heif). */
  bitDepth?: 8 | 10 | 12;
  /** 0–9, higher is slower and smaller. heic: x265 preset ultrafast..placebo (default 6 = slow);
   * avif: libaom cpu-used 9−effort (default 3 = speed 6); webp: method round(effort·6/9) (default 9 = method 6). */
  effort?: number;
  /** 0–9, higher is faster: the complement of `effort` (speed = 9 − effort). Give one of the two. */
  speed?: number;
  /** `'keep'` EXIF, XMP and ICC (default) or `'strip'` them (as imageMogr2 `/strip`). */
  metadata?: 'keep' | 'strip';
  /** Rotate pixels per EXIF orientation and reset the tag (default true, as imageMogr2 `/auto-orient`). */
  autoOrient?: boolean;
  /** NCLX colour primaries written into HEIC/AVIF (ITU-T H.273 code point 0–255, e.g. 1 BT.709, 9 BT.2020, 12
   * Display P3): replaces the source's (or the default 1); a label, the pixels are not converted. As pillow-heif
   * 0.14 `color_primaries`. WebP has no NCLX: giving any of these four with `format: 'webp'` is INVALID_OPTION. */
  colorPrimaries?: number;
  /** NCLX transfer characteristics (0–255, e.g. 13 sRGB, 16 PQ, 18 HLG); a label. pillow-heif `transfer_characteristics`. */
  transferCharacteristics?: number;
  /** NCLX matrix coefficients (0–255, e.g. 6 BT.601, 1 BT.709, 9 BT.2020, 0 identity/RGB which needs 4:4:4): the
   * RGB → YCbCr conversion the encoder uses. Lossless forces 0. pillow-heif `matrix_coefficients`. */
  matrixCoefficients?: number;
  /** NCLX full-range flag (default: the source's, else true): limited range maps 8-bit samples to 16–235.
   * pillow-heif `full_range_flag`. */
  fullRange?: boolean;
  /** Codec parameters by name, for experts: libheif encoder parameters (`preset`, `tune`, `speed`, `x265:...`),
   * or WebPConfig field names for WebP (`sns_strength`, `filter_strength`, ...). */
  advanced?: Record<string, string>;
  /** Overrides of the default {@link Limits}. */
  limits?: Limits;
  /** Scale down (never up), keeping the aspect ratio, so the output is at most this many pixels wide.
   * `convert()` only. As imageMogr2 `thumbnail/<W>x>`. */
  maxWidth?: number;
  /** Scale down (never up), keeping the aspect ratio, so the output is at most this many pixels high.
   * `convert()` only. As imageMogr2 `thumbnail/x<H>>`. */
  maxHeight?: number;
  /** Explicit resize steps, applied in order after `maxWidth`/`maxHeight` (`convert()` only). */
  resize?: ResizeStep[];
  /** Multi-frame inputs (an animated GIF, APNG or WebP, a multi-image HEIF/AVIF): write every frame (default true, as
   * pillow-heif's `HeifFile.save()`; Pillow's own `save()` defaults to false). HEIC/AVIF get a multi-image file
   * (one image item per frame; HEIF image items carry no frame durations), WebP an animation with the durations and
   * loop count. `false` writes only the primary image (`primaryIndex`). A still input is unaffected. */
  saveAll?: boolean;
  /** Which image becomes the primary image: an index into the frames, or -1 for the last (as pillow-heif
   * `save(primary_index=...)`). Default: the source's primary image (a HEIF `pitm`), else the first frame. An
   * animated WebP has no primary image: there it only chooses the frame `saveAll: false` writes. */
  primaryIndex?: number;
  /** A cloud rule (`imageMogr2/…` or OSS `image/…`, see `parseRule()`), applied on top of these options: what the
   * rule sets (format, quality, resize, strip, auto-orient) wins; the other options fill the rest. `convert()` only. */
  rule?: string;
  /** Largest output in bytes, kept: when the file at `quality` (default: the format's) is larger, the quality is
   * lowered to the highest that fits, found by a search over quality on the decoded image (decoded once; stills of
   * 1 MP or more are first searched on a half-size proxy; `ConvertResult.encodes` counts the full-size encodes). What browser-image-compression's `maxSizeMB` promises. When
   * even quality 0 does not fit: `MAX_BYTES_UNREACHABLE`, unless `allowResize`. Lossy output only. */
  maxBytes?: number;
  /** A perceptual target instead of a fixed quality: the lowest quality whose output scores at least
   * `ssimulacra2` (libjxl's SSIMULACRA2 of the decoded output against the oriented, resized source; 90 visually
   * lossless at 1:1, 80 high, 70 medium, 50 low) is searched per image: a first guess from a per-format model of
   * real photos, a search on a half-size proxy for images of 0.25 MP or more, then full-size encodes until one reaches
   * the target within 1 point (or one quality step above one that misses it). `ConvertResult.score` is the output's
   * score, `encodes` the full-size encodes (about 2). `quality` is ignored; with `maxBytes` too, the size budget
   * wins (the quality is lowered further if needed). A target a format cannot reach (HEIC's 4:2:0 stops near 94)
   * gives its best output and a warning. Single-image outputs, lossy only. Costs ~160 bytes of memory per pixel
   * while a score is computed. */
  target?: Target;
  /** With `maxBytes`: when even quality 0 does not fit, scale the image down (aspect ratio kept) until the output
   * at `quality` fits, instead of failing; the result's `width`/`height` tell the size. Default false. */
  allowResize?: boolean;
  /** Grid tiles, pixels per side (HEIC; AVIF on request): the image is cut into square tiles, each coded as an
   * independent image at the same time in several workers (the browser pool's, Node worker threads), and written as
   * one HEIF `grid` image, as iPhones write theirs (in 512 px tiles) and as pillow-heif 1.5 `save(tile_size=...)`. A
   * multiple of 64 from 64 to 4096, or 0 for one image. Default: {@link DEFAULT_TILE_SIZE} (HEIC 1024, AVIF 0: grid AVIFs
   * show wrong colours in iOS 26 Photos, libavif issue #2883). An image no larger than one tile, an image with
   * transparency, an odd width or height with 4:2:0 (odd width with 4:2:2; MIAF wants whole chroma samples) and a
   * multi-image output are coded whole; `ConvertResult.grid` says what was done. WebP has no
   * grid: a non-zero value with `format: 'webp'` is INVALID_OPTION. */
  tileSize?: number;
}

/** The target `format: 'auto'` uses when the options give none: SSIMULACRA2 80, high quality. */
export const DEFAULT_AUTO_TARGET: Readonly<Target> = Object.freeze({ ssimulacra2: 80 });

/** The formats `format: 'auto'` chooses from when `accept` is not given: those of `formats` (an entry point's),
 * without HEIC in a browser whose platform does not show HEIC images (only Apple's do: any browser on iOS/iPadOS,
 * Safari on macOS, since Safari 17); in Node, all of them. */
export function defaultAccept(formats: readonly Format[]): Format[] {
  const g = globalThis as { process?: { versions?: { node?: string } }; navigator?: { userAgent?: string } };
  const ua = g.navigator?.userAgent ?? '';
  const showsHeic = g.process?.versions?.node !== undefined || /iPhone|iPad|iPod/.test(ua)
    || (/Macintosh/.test(ua) && /Version\/[\d.]+ .*Safari\//.test(ua) && !/Chrome|Chromium|Edg|Firefox|OPR/.test(ua));
  return formats.filter((f) => f !== 'heic' || showsHeic);
}

/** Default `tileSize` per output format (pixels; 0 = one image). Chosen by measurement: README, "Grid tiles". */
export const DEFAULT_TILE_SIZE: Readonly<Record<Format, number>> = Object.freeze({ heic: 1024, avif: 0, webp: 0 });

/** Options after validation, as handed to the wasm modules: the {@link EncodeOptions} fields (their meaning and
 * units there), with the defaults filled in where the wasm modules need a value. */
export interface ResolvedOptions extends Pick<EncodeOptions, 'quality' | 'chroma' | 'bitDepth' | 'effort' |
  'colorPrimaries' | 'transferCharacteristics' | 'matrixCoefficients' | 'fullRange' | 'advanced' | 'primaryIndex' |
  'rule' | 'maxBytes' | 'tileSize' | 'target'>, Required<Pick<EncodeOptions, 'lossless' | 'metadata' | 'autoOrient' | 'saveAll' |
  'allowResize'>> {
  /** Output format (`'heif'` resolved to `'heic'`). */
  format: Format;
  /** {@link Limits} with every default filled in. */
  limits: Required<Limits>;
  /** maxWidth/maxHeight as a step, then `resize`. */
  resize: ResizeStep[];
}

function describe(v: unknown): string {
  return `${typeof v === 'string' ? JSON.stringify(v) : String(v)} of type ${typeof v}`;
}
function invalid(name: string, expected: string, v: unknown): AdvcompressError {
  return new AdvcompressError('INVALID_OPTION', `Expected ${expected} for ${name} but received ${describe(v)}`);
}
function intIn(name: string, v: unknown, lo: number, hi: number): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < lo || v > hi)
    throw invalid(name, `integer between ${lo} and ${hi}`, v);
  return v;
}

const KNOWN = new Set(['format', 'quality', 'lossless', 'chroma', 'bitDepth', 'effort', 'speed', 'metadata',
  'autoOrient', 'colorPrimaries', 'transferCharacteristics', 'matrixCoefficients', 'fullRange', 'advanced', 'limits',
  'maxWidth', 'maxHeight', 'resize', 'saveAll', 'primaryIndex', 'rule', 'maxBytes', 'allowResize', 'tileSize', 'target',
  'accept']);

/**
 * Validates `options` and fills defaults. `defaultFormat` is the entry point's default.
 * @throws AdvcompressError INVALID_OPTION naming the option, the expected range and the received value.
 */
export function resolveOptions(options: EncodeOptions | undefined, defaultFormat: Format): ResolvedOptions {
  const o = options ?? {};
  if (typeof o !== 'object' || o === null) throw invalid('options', 'an object', o);
  for (const k of Object.keys(o)) if (!KNOWN.has(k)) throw new AdvcompressError('INVALID_OPTION', `Unknown option '${k}'`);
  let format = o.format ?? defaultFormat;
  if (format === 'heif') format = 'heic';
  if (format === 'auto')  // (convert() and convertMany() expand it into one output per format before this)
    throw new AdvcompressError('INVALID_OPTION', "format 'auto' is for convert() and convertMany(), which choose among formats");
  if (o.accept !== undefined) throw new AdvcompressError('INVALID_OPTION', "accept goes with format: 'auto'");
  if (format !== 'heic' && format !== 'avif' && format !== 'webp') throw invalid('format', "one of 'heic', 'avif', 'webp'", o.format);
  let lossless = o.lossless ?? false;
  if (typeof lossless !== 'boolean') throw invalid('lossless', 'boolean', o.lossless);
  let quality = o.quality;
  if (quality === -1) { lossless = true; quality = undefined; }  // pillow-heif: quality=-1 is lossless
  quality = intIn('quality', quality, 0, 100);
  if (o.chroma !== undefined && !['420', '422', '444'].includes(o.chroma)) throw invalid('chroma', "one of '420', '422', '444'", o.chroma);
  if (o.bitDepth !== undefined && ![8, 10, 12].includes(o.bitDepth)) throw invalid('bitDepth', 'one of 8, 10, 12', o.bitDepth);
  if (format === 'webp' && o.bitDepth !== undefined && o.bitDepth !== 8) throw invalid('bitDepth', '8 for webp', o.bitDepth);
  if (lossless && (o.chroma === '420' || o.chroma === '422')) throw invalid('chroma', "'444' when lossless", o.chroma);
  let effort = intIn('effort', o.effort, 0, 9);
  const speed = intIn('speed', o.speed, 0, 9);
  if (speed !== undefined) {
    if (effort !== undefined && effort !== 9 - speed) throw new AdvcompressError('INVALID_OPTION', 'Give effort or speed, not both');
    effort = 9 - speed;
  }
  const metadata = o.metadata ?? 'keep';
  if (metadata !== 'keep' && metadata !== 'strip') throw invalid('metadata', "'keep' or 'strip'", o.metadata);
  const autoOrient = o.autoOrient ?? true;
  if (typeof autoOrient !== 'boolean') throw invalid('autoOrient', 'boolean', o.autoOrient);
  const colorPrimaries = intIn('colorPrimaries', o.colorPrimaries, 0, 255);
  const transferCharacteristics = intIn('transferCharacteristics', o.transferCharacteristics, 0, 255);
  const matrixCoefficients = intIn('matrixCoefficients', o.matrixCoefficients, 0, 255);
  if (o.fullRange !== undefined && typeof o.fullRange !== 'boolean') throw invalid('fullRange', 'boolean', o.fullRange);
  if (format === 'webp' && [colorPrimaries, transferCharacteristics, matrixCoefficients, o.fullRange].some((v) => v !== undefined))
    throw new AdvcompressError('INVALID_OPTION', 'colorPrimaries, transferCharacteristics, matrixCoefficients and '
      + 'fullRange are NCLX, which WebP does not have (HEIC and AVIF only)');
  if (o.advanced !== undefined) {
    if (typeof o.advanced !== 'object' || o.advanced === null) throw invalid('advanced', 'an object of strings', o.advanced);
    for (const [k, v] of Object.entries(o.advanced)) if (typeof v !== 'string') throw invalid(`advanced.${k}`, 'string', v);
  }
  const limits = { ...DEFAULT_LIMITS };
  for (const [k, v] of Object.entries(o.limits ?? {})) {
    if (!(k in DEFAULT_LIMITS)) throw new AdvcompressError('INVALID_OPTION', `Unknown limit '${k}'`);
    if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) throw invalid(`limits.${k}`, 'a positive integer', v);
    (limits as Record<string, number>)[k] = v;
  }
  const maxWidth = intIn('maxWidth', o.maxWidth, 1, 1e9), maxHeight = intIn('maxHeight', o.maxHeight, 1, 1e9);
  const resize: ResizeStep[] = [];
  if (maxWidth !== undefined || maxHeight !== undefined)
    resize.push({ mode: 'fit', width: maxWidth, height: maxHeight, onlyShrink: true });
  if (o.resize !== undefined) {
    if (!Array.isArray(o.resize)) throw invalid('resize', 'an array of resize steps', o.resize);
    resize.push(...o.resize);  // (field ranges are checked by the decode module)
  }
  if (o.rule !== undefined && typeof o.rule !== 'string') throw invalid('rule', 'a string', o.rule);
  const saveAll = o.saveAll ?? true;
  if (typeof saveAll !== 'boolean') throw invalid('saveAll', 'boolean', o.saveAll);
  const primaryIndex = intIn('primaryIndex', o.primaryIndex, -1, 1e6);
  const maxBytes = intIn('maxBytes', o.maxBytes, 1, 2 ** 40);
  const allowResize = o.allowResize ?? false;
  if (typeof allowResize !== 'boolean') throw invalid('allowResize', 'boolean', o.allowResize);
  if (allowResize && maxBytes === undefined) throw new AdvcompressError('INVALID_OPTION', 'allowResize goes with maxBytes');
  if (maxBytes !== undefined && lossless)
    throw new AdvcompressError('INVALID_OPTION', 'maxBytes needs lossy output: lossless has no quality to lower');
  let target: EncodeOptions['target'];
  if (o.target !== undefined) {
    const s = (o.target as { ssimulacra2?: unknown } | null)?.ssimulacra2;
    if (typeof o.target !== 'object' || o.target === null || typeof s !== 'number' || !(s > 0 && s <= 100)
        || Object.keys(o.target).some((k) => k !== 'ssimulacra2'))
      throw invalid('target', '{ ssimulacra2: a score above 0, at most 100 }', o.target);
    if (lossless) throw new AdvcompressError('INVALID_OPTION', 'target needs lossy output: lossless has no quality to choose');
    target = { ssimulacra2: s };
  }
  const tileSize = o.tileSize;
  if (tileSize !== undefined && (typeof tileSize !== 'number' || !Number.isInteger(tileSize)
      || (tileSize !== 0 && (tileSize < 64 || tileSize > 4096 || tileSize % 64))))
    throw invalid('tileSize', '0 or a multiple of 64 between 64 and 4096', tileSize);
  if (format === 'webp' && tileSize) throw invalid('tileSize', '0 for webp (WebP has no grid images)', tileSize);
  return { format, quality, lossless, chroma: o.chroma, bitDepth: o.bitDepth, effort, metadata, autoOrient,
    colorPrimaries, transferCharacteristics, matrixCoefficients, fullRange: o.fullRange, advanced: o.advanced, limits,
    resize, saveAll, primaryIndex, rule: o.rule, maxBytes, allowResize, tileSize, target };
}

/** MIME type of each output format. */
export const MIME_TYPES: Record<Format, string> = { heic: 'image/heic', avif: 'image/avif', webp: 'image/webp' };
