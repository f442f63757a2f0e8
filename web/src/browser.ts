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
/** Converts a photo (or page pixels) to AVIF (default) or WebP in a worker of the default pool; see {@link BrowserApi.convert}. */
export const convert = api.convert;
/** Several outputs from one decode, in one worker; see {@link BrowserApi.convertMany}. */
export const convertMany = api.convertMany;
/** Encodes raw RGB(A) pixels in a worker; see {@link BrowserApi.encode}. */
export const encode = api.encode;
/** Reads an encoded image's headers in a worker; see {@link BrowserApi.probe}. */
export const probe = api.probe;
/** Decodes an encoded image to pixels in a worker; see {@link BrowserApi.decode}. */
export const decode = api.decode;
/** Decodes every frame of an animation or multi-image file in a worker; see {@link BrowserApi.decodeFrames}. */
export const decodeFrames = api.decodeFrames;
/** Parses a cloud rule; see {@link BrowserApi.parseRule}. */
export const parseRule = api.parseRule;
/** PSNR (dB) between two encoded images of the same size, in a worker; see {@link BrowserApi.psnr}. */
export const psnr = api.psnr;
/** SSIMULACRA2 of an encoded image against another of the same size, in a worker; see {@link BrowserApi.ssimulacra2}. */
export const ssimulacra2 = api.ssimulacra2;
/** Forces the wasm variant of the default pool's workers; see {@link BrowserApi.setVariant}. */
export const setVariant = api.setVariant;
/** Ends the default pool's workers (running and queued jobs reject with AbortError); see {@link BrowserApi.terminate}. */
export const terminate = api.terminate;
export * from './browser-shared.js';
