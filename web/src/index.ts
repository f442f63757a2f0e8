/**
 * advcompress — convert photos to AVIF or WebP on the user's device (MIT). For HEIC output import from
 * `advcompress/heic` instead (same API; GPL because of x265).
 * @example
 *   import { convert } from 'advcompress';
 *   const r = await convert(file, { format: 'avif', quality: 60 });
 */
import { makeApi } from './api.js';
// @ts-ignore -- plain JS table of static imports (see modules.js)
import { MODULES } from './modules.js';

const api = makeApi(['avif', 'webp'], MODULES);

/** Converts an encoded image to AVIF (default here) or WebP. See {@link makeApi}. */
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
/** Decodes every frame of an animation or multi-image file (see makeApi's decodeFrames). */
export const decodeFrames = api.decodeFrames;
export { parseRule, probe } from './api.js';
export type { CallOptions, ConvertResult, DecodedFrames, DecodedImage, DecodeOptions, Input, InputFormat, Pixels, ProbeResult,
  PsnrOptions, QualityStep, RulePlan,
  Stage } from './api.js';
export { AdvcompressError } from './errors.js';
export type { ErrorCode } from './errors.js';
export { DEFAULT_LIMITS, MIME_TYPES, resolveOptions } from './options.js';
export type { Chroma, EncodeOptions, Format, Limits, ResizeStep } from './options.js';
export { buildPicOperations, validatePicOperations, parsePicOperations, resolveFileId, parseUploadResult,
  uploadResultToXml, CosServiceError, PIC_OPERATIONS_MAX_RULES, COS_OBJECT_KEY_MAX_BYTES } from './pic-operations.js';
export type { PicOperations, PicOperationsRule, UploadResult as CosUploadResult, OriginalInfo, ImageInfo,
  ProcessedObject } from './pic-operations.js';
export { pickVariant, setVariant } from './loader.js';
export type { Variant } from './loader.js';
