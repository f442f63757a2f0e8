/**
 * Module worker of `advcompress/heic` (HEIC, AVIF, WebP). Its grid-tile helpers are other workers of the page's
 * pool, handed over per call (worker-core.ts).
 * SPDX-License-Identifier: GPL-2.0-or-later (loads the HEIC module: x265)
 */
import { makeApi } from './api.js';
// @ts-ignore -- plain JS tables of the modules' URLs
import { MODULES } from './modules.js';
// @ts-ignore
import { HEIC_MODULES } from './modules-heic.js';
import { serve } from './worker-core.js';

serve(makeApi(['heic', 'avif', 'webp'], { ...MODULES, ...HEIC_MODULES }));
