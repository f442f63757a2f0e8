/**
 * advcompress/heic — the advcompress API with HEIC (HEIF + HEVC by x265) added, and `format: 'heic'` the default.
 * SPDX-License-Identifier: GPL-2.0-or-later (this entry point loads x265, which is GPL-2.0-or-later).
 * @example
 *   import { convert } from 'advcompress/heic';
 *   const r = await convert(file);           // HEIC, quality 50
 */
import { makeApi } from './api.js';
import { registerModules } from './loader.js';
// @ts-ignore -- plain JS tables of static imports
import { MODULES } from './modules.js';
// @ts-ignore
import { HEIC_MODULES } from './modules-heic.js';

registerModules(MODULES);
registerModules(HEIC_MODULES);
const api = makeApi(['heic', 'avif', 'webp']);

/** Converts an encoded image to HEIC (default here), AVIF or WebP. */
export const convert = api.convert;
/** Encodes raw RGB(A) pixels to HEIC (default here), AVIF or WebP. */
export const encode = api.encode;
export { decode, probe } from './api.js';
export type { CallOptions, ConvertResult, DecodedImage, Input, Pixels, ProbeResult, Stage } from './api.js';
export { AdvcompressError } from './errors.js';
export type { ErrorCode } from './errors.js';
export { DEFAULT_LIMITS, MIME_TYPES, resolveOptions } from './options.js';
export type { Chroma, EncodeOptions, Format, Limits } from './options.js';
export { pickVariant, setVariant } from './loader.js';
export type { Variant } from './loader.js';
