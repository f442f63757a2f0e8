/**
 * What the browser entry points export besides the pooled functions: types, errors, option helpers and the COS
 * Pic-Operations / UploadResult helpers, and `init` (where the workers load the wasm from).
 * SPDX-License-Identifier: MIT
 */
export type { CallOptions, ConvertResult, DecodedFrames, DecodedImage, DecodeOptions, Input, InputFormat, Pixels, Progress, ProbeResult,
  MetricOptions, PsnrOptions, QualityStep, RulePlan,
  Stage } from './api.js';
export type { BrowserApi, PageInput, WasmOptions } from './browser-api.js';
export { init } from './browser-api.js';
export type { PoolOptions, WorkerPool } from './pool.js';
export { defaultConcurrency, defaultMaxMemoryBytes } from './pool.js';
export { AdvcompressError } from './errors.js';
export type { ErrorCode } from './errors.js';
export { DEFAULT_AUTO_TARGET, DEFAULT_LIMITS, DEFAULT_TILE_SIZE, defaultAccept, MIME_TYPES, resolveOptions } from './options.js';
export type { Chroma, EncodeOptions, Format, Limits, ResizeStep, ResolvedOptions, Target } from './options.js';
export type { Variant } from './loader.js';
export { buildPicOperations, validatePicOperations, parsePicOperations, resolveFileId, parseUploadResult,
  uploadResultToXml, CosServiceError, PIC_OPERATIONS_MAX_RULES, COS_OBJECT_KEY_MAX_BYTES } from './pic-operations.js';
export type { PicOperations, PicOperationsRule, UploadResult as CosUploadResult, OriginalInfo, ImageInfo,
  ProcessedObject } from './pic-operations.js';
