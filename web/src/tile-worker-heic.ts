/**
 * Node worker thread coding grid tiles for `advcompress/heic` (HEIC, AVIF; node-tiles.ts).
 * SPDX-License-Identifier: GPL-2.0-or-later (loads the HEIC module: x265)
 */
import { registerModules } from './loader.js';
// @ts-ignore -- plain JS tables of the modules' URLs
import { MODULES } from './modules.js';
// @ts-ignore
import { HEIC_MODULES } from './modules-heic.js';
import { serveTiles } from './tile-serve.js';

registerModules({ ...MODULES, ...HEIC_MODULES });
serveTiles();
