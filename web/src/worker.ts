/**
 * Module worker of the permissive entry point (AVIF, WebP): what `advcompress` in a browser runs its jobs in. Its
 * grid-tile helpers are other workers of the page's pool, handed over per call (worker-core.ts).
 * SPDX-License-Identifier: MIT
 */
import { makeApi } from './api.js';
// @ts-ignore -- plain JS table of the modules' URLs (see modules.js)
import { MODULES } from './modules.js';
import { serve } from './worker-core.js';

serve(makeApi(['avif', 'webp'], MODULES));
