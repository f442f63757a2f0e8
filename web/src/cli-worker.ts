// advcompress CLI worker thread: runs conversions off the CLI's main thread (so the terminal shows progress, and a
// batch runs several at once). Each message {path, options} is answered with the result or the error as plain
// values; the thread and its wasm modules stay for the next job.
// SPDX-License-Identifier: GPL-2.0-or-later (loads the HEIC module)
import { parentPort, workerData } from 'node:worker_threads';
import { readFile } from 'node:fs/promises';
import { convert, setTileThreads, setVariant, AdvcompressError } from './heic.js';

const { variant, tileThreads } = workerData as { variant?: 'baseline' | 'simd'; tileThreads?: number };
if (variant) setVariant(variant);
if (tileThreads) setTileThreads(tileThreads);

parentPort!.on('message', async ({ path, options }: { path: string; options: object }) => {
  try {
    const input = await readFile(path);
    const r = await convert(new Uint8Array(input.buffer, input.byteOffset, input.byteLength), options);
    parentPort!.postMessage({ ok: true, data: r.data, width: r.width, height: r.height, bitDepth: r.bitDepth,
      mimeType: r.mimeType, format: r.format, inputBytes: r.inputBytes, outputBytes: r.outputBytes,
      timings: r.timings, variant: r.variant, warnings: r.warnings, passthrough: r.passthrough, frameCount: r.frameCount,
      quality: r.quality, encodes: r.encodes, grid: r.grid, score: r.score },
      r.passthrough ? [] : [r.data.buffer as ArrayBuffer]);
  } catch (e) {
    // (an AdvcompressError's code, or Node's for a file that could not be read: ENOENT, EACCES, …)
    const err = e as AdvcompressError;
    parentPort!.postMessage({ ok: false, code: err.code ?? 'ENCODER_ERROR', message: err.message ?? String(e) });
  }
});
