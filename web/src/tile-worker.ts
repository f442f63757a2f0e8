/**
 * Node worker thread coding grid tiles for `advcompress` (AVIF; node-tiles.ts): answers {id, job} with {id, data}
 * or {id, error}.
 * SPDX-License-Identifier: MIT
 */
import { registerModules } from './loader.js';
// @ts-ignore -- plain JS table of the modules' URLs
import { MODULES } from './modules.js';
import { serveTiles } from './tile-serve.js';

registerModules(MODULES);
serveTiles();
