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
/** Converts a photo (or page pixels) to HEIC (default), AVIF or WebP in a worker. */
export const convert = api.convert;
/** Encodes RGB(A) pixels to HEIC (default), AVIF or WebP in a worker. */
export const encode = api.encode;
/** Reads headers in a worker. */
export const probe = api.probe;
/** Decodes to pixels in a worker. */
export const decode = api.decode;
/** Parses a cloud rule in a worker. */
export const parseRule = api.parseRule;
/** Forces the wasm variant of the default pool's workers. */
export const setVariant = api.setVariant;
/** Terminates the default pool's workers. */
export const terminate = api.terminate;
export * from './browser-shared.js';
