/**
 * advcompress/heic in a browser: HEIC (default), AVIF and WebP, every call run in a pool of module Web Workers.
 * No cross-origin isolation needed (x265 runs without threads, see README).
 * SPDX-License-Identifier: GPL-2.0-or-later (its workers load the HEIC module: x265)
 * @example
 *   import { convert } from 'advcompress/heic';
 *   const r = await convert(file);          // HEIC; r.blob() is image/heic, r.fileName 'IMG_1234.heic'
 */
import { makeBrowserApi, type BrowserApi } from './browser-api.js';
import type { PoolOptions } from './pool.js';

const spawn = () => new Worker(new URL('./worker-heic.js', import.meta.url), { type: 'module', name: 'advcompress-heic' });

/** A separate API with its own worker pool; see `createPool` of `advcompress`. */
export function createPool(options?: PoolOptions): BrowserApi {
  return makeBrowserApi(spawn, options);
}

const api = createPool();
/**
 * The functions of the default pool (see {@link BrowserApi} for each one's shapes, units and errors):
 * `convert` (a photo or page pixels to HEIC (default), AVIF or WebP, in a worker), `encode` (RGB(A) pixels), `probe` (headers),
 * `decode` (to pixels, HEIC/AVIF/WebP outputs included), `parseRule` (cloud rules), `psnr` (dB between two
 * images), `setVariant` ('baseline' | 'simd' | undefined for every worker), `terminate` (ends the workers; running
 * and queued jobs reject with AbortError).
 */
export const { convert, convertMany, encode, probe, decode, decodeFrames, parseRule, psnr, setVariant, terminate } = api;
export * from './browser-shared.js';
