/**
 * The one error type of advcompress. Every rejection of the public API is an `AdvcompressError` with a stable
 * `code` (ARCHITECTURE.md, "Errors"), the codec's `subcode` where there is one (libheif's suberror, libwebp's error),
 * and a message naming the offending value and the limit. Aborts reject with a `DOMException('AbortError')`.
 */
export type ErrorCode =
  | 'INVALID_OPTION'
  | 'INVALID_RULE'
  | 'UNSUPPORTED_FORMAT'
  | 'CORRUPT_INPUT'
  | 'INPUT_TOO_LARGE'
  | 'DIMENSIONS_TOO_LARGE'
  | 'TOO_MANY_FRAMES'
  | 'OUTPUT_TOO_LARGE'
  | 'OUT_OF_MEMORY'
  | 'ENCODER_ERROR'
  /** `maxBytes` cannot be met: even quality 0 gives a larger file (and `allowResize` is off, or scaling down to a
   * few pixels did not help either); the message names the smallest size reached. */
  | 'MAX_BYTES_UNREACHABLE'
  | 'UPLOAD_FAILED';

/** Error with a stable machine-readable `code` and an optional codec `subcode` (0 when none). */
export class AdvcompressError extends Error {
  /** Stable code, e.g. `'INPUT_TOO_LARGE'`. */
  readonly code: ErrorCode;
  /** Codec-specific detail (libheif `heif_suberror_code`, libwebp `WebPEncodingError`), 0 when none. */
  readonly subcode: number;

  constructor(code: ErrorCode, message: string, subcode = 0) {
    super(message);
    this.name = 'AdvcompressError';
    this.code = code;
    this.subcode = subcode;
  }
}

/** Shape in which the wasm modules return errors. */
export interface WasmError {
  error: { code: ErrorCode; subcode: number; message: string };
}

/** Turns a module's `{error}` value into an AdvcompressError. */
export function fromWasm(e: WasmError['error']): AdvcompressError {
  return new AdvcompressError(e.code, e.message, e.subcode);
}

/** Rejects with the standard AbortError when `signal` is aborted (as fetch does). */
export function throwIfAborted(signal?: AbortSignal): void {
  if (signal?.aborted) throw signal.reason ?? new DOMException('The operation was aborted.', 'AbortError');
}
