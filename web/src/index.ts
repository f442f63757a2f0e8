/**
 * advcompress — convert photos to AVIF or WebP on the user's device (MIT). For HEIC output import from
 * `advcompress/heic` instead (same API; GPL because of x265).
 * @example
 *   import { convert } from 'advcompress';
 *   const r = await convert(file, { format: 'avif', quality: 60 });
 */
import { makeApi } from './api.js';
// @ts-ignore -- plain JS table of the modules' URLs (see modules.js)
import { MODULES } from './modules.js';

import { nodeTileHelpers } from './node-tiles.js';
import { setWasmCompiler } from './loader.js';
import { compileWasmFile } from './node-wasm.js';

setWasmCompiler(compileWasmFile);  // (Node reads the .wasm files itself: node-wasm.ts)

// (grid tiles, AVIF on request, are coded on worker threads too: node-tiles.ts)
const tiles = nodeTileHelpers(new URL('./tile-worker.js', import.meta.url));
const api = makeApi(['avif', 'webp'], MODULES, { tiles });

/** Node: how many threads code grid tiles (`tileSize`), the calling thread included: 1 codes every tile in the
 * calling thread; default the machine's cores, at most 8 (`DEFAULT_TILE_THREADS`). Helper threads start on first
 * use and end after 10 s idle. The browser's equivalent is the pool's `concurrency`.
 * @throws AdvcompressError INVALID_OPTION unless an integer 1–64. */
export const setTileThreads = (n: number): void => tiles.setThreads(n);
export { DEFAULT_TILE_THREADS } from './node-tiles.js';

/** Converts an encoded image to AVIF (default here) or WebP in the calling thread: `convert(input, options | rule,
 * ctl)` → {@link ConvertResult}, as the browser's `convert` (README "API" lists its errors). */
export const convert = api.convert;
/** Several outputs (AVIF (default here) or WebP) from one decode: sizes, formats or the rules of one COS Pic-Operations
 * header (see makeApi's convertMany). */
export const convertMany = api.convertMany;
/** Encodes raw RGB(A) pixels to AVIF (default here) or WebP. */
export const encode = api.encode;
/** Decodes JPEG, PNG, GIF, BMP, WebP or AVIF to pixels (the primary image / first frame; see makeApi's decode). */
export const decode = api.decode;
/** PSNR (dB) between two encoded images of the same size (see makeApi's psnr). */
export const psnr = api.psnr;
/** SSIMULACRA2 (libjxl's perceptual score, 100 = identical) of an encoded image against another of the same size
 * (see makeApi's ssimulacra2). */
export const ssimulacra2 = api.ssimulacra2;
/** Decodes every frame of an animation or multi-image file (see makeApi's decodeFrames). */
export const decodeFrames = api.decodeFrames;
export { parseRule, probe } from './api.js';
export type { CallOptions, ConvertResult, Progress, DecodedFrames, DecodedImage, DecodeOptions, Input, InputFormat, Pixels, ProbeResult,
  MetricOptions, PsnrOptions, QualityStep, RulePlan,
  Stage } from './api.js';
export { AdvcompressError } from './errors.js';
export type { ErrorCode } from './errors.js';
export { DEFAULT_AUTO_TARGET, DEFAULT_LIMITS, DEFAULT_TILE_SIZE, defaultAccept, MIME_TYPES, resolveOptions } from './options.js';
export type { Chroma, EncodeOptions, Format, Limits, ResizeStep, ResolvedOptions, Target } from './options.js';
export { buildPicOperations, validatePicOperations, parsePicOperations, resolveFileId, parseUploadResult,
  uploadResultToXml, CosServiceError, PIC_OPERATIONS_MAX_RULES, COS_OBJECT_KEY_MAX_BYTES } from './pic-operations.js';
export type { PicOperations, PicOperationsRule, UploadResult as CosUploadResult, OriginalInfo, ImageInfo,
  ProcessedObject } from './pic-operations.js';
export { pickVariant, setVariant } from './loader.js';
export type { Variant } from './loader.js';
