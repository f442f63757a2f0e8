/**
 * What the public functions accept as an image, checked in one place before any work is queued: the Node API
 * (api.ts) and the browser API (browser-api.ts, on the page's thread, before a worker is taken) both call
 * {@link checkInput}, so a caller's mistake is a typed `INVALID_OPTION` naming what was received, never an untyped
 * TypeError from deeper down, and never costs a worker. No imports but the error type: the page's bundle reads it.
 * SPDX-License-Identifier: MIT
 */
import { AdvcompressError } from './errors.js';

/** The encoded inputs every entry accepts, as the error message lists them. */
const ENCODED = 'a File, Blob, ArrayBuffer or typed array';
/** The inputs the browser `convert()` accepts: encoded bytes, or page pixels (encoded as they are). */
const PAGE = 'a File, Blob, ArrayBuffer, typed array, ImageData, ImageBitmap or canvas';

/** Names a value for an error message: `null`, `undefined`, `the string "abc"`, `the number 12345`, `[object Object]`. */
export function describeValue(x: unknown): string {
  if (x === null) return 'null';
  if (x === undefined) return 'undefined';
  if (typeof x === 'string') return `the string ${JSON.stringify(x.length > 40 ? x.slice(0, 40) + '…' : x)}`;
  if (typeof x === 'number' || typeof x === 'bigint' || typeof x === 'boolean') return `the ${typeof x} ${String(x)}`;
  return Object.prototype.toString.call(x);
}

/** True when `b`'s memory was transferred away (postMessage, structuredClone with transfer): it has no bytes left. */
export function isDetached(b: ArrayBufferLike): boolean {
  if ('detached' in b) return Boolean((b as ArrayBuffer & { detached: boolean }).detached);  // (Chrome 114+, Node 22+)
  try { new Uint8Array(b); return false; } catch { return true; }  // (a detached buffer cannot be viewed)
}

const isBlob = (x: unknown): x is Blob => typeof Blob !== 'undefined' && x instanceof Blob;
const isPagePixels = (x: unknown): boolean =>
  (typeof ImageData !== 'undefined' && x instanceof ImageData) ||
  (typeof ImageBitmap !== 'undefined' && x instanceof ImageBitmap) ||
  (typeof HTMLCanvasElement !== 'undefined' && x instanceof HTMLCanvasElement) ||
  (typeof OffscreenCanvas !== 'undefined' && x instanceof OffscreenCanvas);

/**
 * Checks an image argument before anything is queued.
 * @param input what the caller passed.
 * @param what the argument's name in the message (`input`, `a`, `b`).
 * @param pagePixels whether `ImageData`, `ImageBitmap` and canvases are accepted too (the browser `convert()`).
 * @throws AdvcompressError `INVALID_OPTION` for anything else ("Expected a File, Blob, ArrayBuffer or typed array
 *   for input but received null"), and for an ArrayBuffer or typed array whose buffer was transferred away
 *   (detached: e.g. already sent to a worker with a transfer list).
 */
export function checkInput(input: unknown, what = 'input', pagePixels = false): void {
  if (isBlob(input) || (pagePixels && isPagePixels(input))) return;
  const buffer = input instanceof ArrayBuffer ? input : ArrayBuffer.isView(input) ? input.buffer : undefined;
  if (buffer === undefined)
    throw new AdvcompressError('INVALID_OPTION', `Expected ${pagePixels ? PAGE : ENCODED} for ${what} but received ${describeValue(input)}`);
  if (isDetached(buffer))
    throw new AdvcompressError('INVALID_OPTION', `Expected readable bytes for ${what} but received a detached ArrayBuffer (its memory was transferred away, e.g. to a worker): pass a copy`);
}

/**
 * Checks the `outputs` argument of convertMany(): an array of 1 to 16 options objects or rule strings (each then
 * checked as convert()'s second argument is).
 * @throws AdvcompressError `INVALID_OPTION` naming what it got.
 */
export function checkOutputs(outputs: unknown): void {
  if (!Array.isArray(outputs) || outputs.length < 1 || outputs.length > 16)
    throw new AdvcompressError('INVALID_OPTION', `Expected an array of 1 to 16 outputs (options or rules) for outputs but received ${
      Array.isArray(outputs) ? `${outputs.length} entries` : describeValue(outputs)}`);
}

/** The bytes of a checked encoded input that is not a Blob, as a Uint8Array view (no copy). */
export function viewOf(input: ArrayBuffer | ArrayBufferView): Uint8Array {
  if (input instanceof Uint8Array) return input;
  if (input instanceof ArrayBuffer) return new Uint8Array(input);
  return new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
}
