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
/** Converts a photo (or page pixels) to HEIC (default), AVIF or WebP in a worker of the default pool; see {@link BrowserApi.convert}. */
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
