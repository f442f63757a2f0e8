/**
 * Node: how the entry points that run in Node (index.ts, heic.ts, the tile threads) compile a wasm module: read
 * the `.wasm` file next to the glue and compile it here (loader.ts's `setWasmCompiler`). Kept out of loader.ts so
 * that no browser bundle imports a Node built-in.
 * SPDX-License-Identifier: MIT
 */
import { readFile } from 'node:fs/promises';
import type { WasmCompiler } from './loader.js';

/** Reads the file at `wasm` (a `file:` URL) and compiles it. Rejects with Node's error if the file is missing. */
export const compileWasmFile: WasmCompiler = async (wasm) => WebAssembly.compile(await readFile(wasm));
