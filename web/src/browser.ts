/**
 * advcompress in a browser (the `browser` condition of the package's exports): AVIF and WebP, every call run in a
 * pool of module Web Workers. For HEIC import `advcompress/heic` (GPL, x265).
 * SPDX-License-Identifier: MIT
 * @example
 *   import { convert } from 'advcompress';
 *   const r = await convert(file, { format: 'avif' });   // the page stays responsive; r.blob(), r.fileName
 */
import { makeBrowserApi, type BrowserApi } from './browser-api.js';
import type { PoolOptions } from './pool.js';

// (Written out in full, so that bundlers (Vite, webpack) see the worker and emit it with its imports.)
const spawn = () => new Worker(new URL('./worker.js', import.meta.url), { type: 'module', name: 'advcompress' });

/**
 * A separate API with its own worker pool (its own concurrency, idle timeout, variant). The functions exported
 * below share one default pool.
 * @throws AdvcompressError INVALID_OPTION for a bad concurrency or idle timeout.
 * @example const { convert, terminate } = createPool({ concurrency: 1 });
 */
export function createPool(options?: PoolOptions): BrowserApi {
  return makeBrowserApi(spawn, options);
}

const api = createPool();
/**
 * The functions of the default pool (see {@link BrowserApi} for each one's shapes, units and errors):
 * `convert` (a photo or page pixels to AVIF (default) or WebP, in a worker), `encode` (RGB(A) pixels), `probe` (headers),
 * `decode` (to pixels, AVIF/WebP outputs included), `parseRule` (cloud rules), `psnr` (dB between two
 * images), `setVariant` ('baseline' | 'simd' | undefined for every worker), `terminate` (ends the workers; running
 * and queued jobs reject with AbortError).
 */
export const { convert, convertMany, encode, probe, decode, decodeFrames, parseRule, psnr, setVariant, terminate } = api;
export * from './browser-shared.js';
