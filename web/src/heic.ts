/**
 * advcompress/heic — the advcompress API with HEIC (HEIF + HEVC by x265) added, and `format: 'heic'` the default.
 * SPDX-License-Identifier: GPL-2.0-or-later (this entry point loads x265, which is GPL-2.0-or-later).
 * @example
 *   import { convert } from 'advcompress/heic';
 *   const r = await convert(file);           // HEIC, quality 50
 */
import { makeApi } from './api.js';
// @ts-ignore -- plain JS tables of the modules' URLs
import { HEIC_MODULES } from './modules-heic.js';
// @ts-ignore
import { MODULES } from './modules.js';

// Everything of the permissive entry point; the two functions below shadow its convert/encode with ones that may
// also write HEIC.
export * from './index.js';

import { nodeTileHelpers } from './node-tiles.js';
// (index.js, above, has set the Node wasm compiler)

// (grid tiles are coded on worker threads too: node-tiles.ts)
const tiles = nodeTileHelpers(new URL('./tile-worker-heic.js', import.meta.url));
const api = makeApi(['heic', 'avif', 'webp'], { ...MODULES, ...HEIC_MODULES }, { tiles });

/** Node: how many threads code grid tiles (`tileSize`), the calling thread included: 1 codes every tile in the
 * calling thread; default the machine's cores, at most 8 (`DEFAULT_TILE_THREADS`). Helper threads start on first
 * use and end after 10 s idle. The browser's equivalent is the pool's `concurrency`.
 * @throws AdvcompressError INVALID_OPTION unless an integer 1–64. */
export const setTileThreads = (n: number): void => tiles.setThreads(n);

/** Converts an encoded image to HEIC (default here), AVIF or WebP. Options, errors: see `EncodeOptions`,
 * `AdvcompressError`; as imageMogr2 `/format/heif`. */
export const convert = api.convert;
/** Several outputs (HEIC (default here), AVIF or WebP) from one decode: sizes, formats or the rules of one COS Pic-Operations
 * header (see makeApi's convertMany). */
export const convertMany = api.convertMany;
/** Encodes raw RGB(A) pixels to HEIC (default here), AVIF or WebP. */
export const encode = api.encode;
/** Decodes JPEG, PNG, GIF, BMP, WebP, HEIC or AVIF to pixels (the primary image / first frame; see makeApi's
 * decode). */
export const decode = api.decode;
/** PSNR (dB) between two encoded images of the same size (see makeApi's psnr). */
export const psnr = api.psnr;
/** SSIMULACRA2 (libjxl's perceptual score, 100 = identical) of an encoded image against another of the same size
 * (see makeApi's ssimulacra2). */
export const ssimulacra2 = api.ssimulacra2;
/** Decodes every frame of an animation or multi-image file (see makeApi's decodeFrames). */
export const decodeFrames = api.decodeFrames;
