// advcompress CLI worker: runs one conversion off the CLI's main thread (so the terminal can show elapsed time)
// and posts back the result or the error as plain values.
// SPDX-License-Identifier: GPL-2.0-or-later (loads the HEIC module)
import { parentPort, workerData } from 'node:worker_threads';
import { readFile } from 'node:fs/promises';
import { convert, setVariant, AdvcompressError } from './heic.js';

const { path, options, variant } = workerData as { path: string; options: object; variant?: 'baseline' | 'simd' };
try {
  if (variant) setVariant(variant);
  const input = await readFile(path);
  const r = await convert(new Uint8Array(input.buffer, input.byteOffset, input.byteLength), options);
  parentPort!.postMessage({ ok: true, data: r.data, width: r.width, height: r.height, bitDepth: r.bitDepth,
    mimeType: r.mimeType, format: r.format, inputBytes: r.inputBytes, outputBytes: r.outputBytes,
    timings: r.timings, variant: r.variant, warnings: r.warnings, passthrough: r.passthrough, frameCount: r.frameCount,
    quality: r.quality, encodes: r.encodes, grid: r.grid },
    r.passthrough ? [] : [r.data.buffer as ArrayBuffer]);
} catch (e) {
  const err = e as AdvcompressError;
  parentPort!.postMessage({ ok: false, code: err.code ?? 'ENCODER_ERROR', message: err.message ?? String(e) });
}
