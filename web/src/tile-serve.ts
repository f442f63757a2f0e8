/**
 * The loop of a Node tile thread (tile-worker*.ts): each message {id, job: TileJob, wasm?: the module compiled by
 * the thread that sent it} is coded with the module's encodeTile and answered {id, data} (transferred) or
 * {id, error: {code, message, subcode}}.
 * SPDX-License-Identifier: MIT
 */
import { parentPort } from 'node:worker_threads';
import { encodeTile } from './api.js';
import { provideCompiled, setWasmCompiler } from './loader.js';
import { compileWasmFile } from './node-wasm.js';
import type { TileJob } from './tiles.js';

export function serveTiles(): void {
  setWasmCompiler(compileWasmFile);
  parentPort!.on('message', async ({ id, job, wasm }: { id: number; job: TileJob; wasm?: WebAssembly.Module }) => {
    try {
      if (wasm) provideCompiled(job.format, job.variant, wasm);
      const data = await encodeTile(job);
      parentPort!.postMessage({ id, data }, [data.buffer as ArrayBuffer]);
    } catch (e) {
      const err = e as { code?: string; message?: string; subcode?: number };
      parentPort!.postMessage({ id, error: { code: err?.code ?? 'ENCODER_ERROR', message: String(err?.message ?? e), subcode: err?.subcode ?? 0 } });
    }
  });
}
