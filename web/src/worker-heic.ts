/**
 * Module worker of `advcompress/heic` (HEIC, AVIF, WebP).
 * SPDX-License-Identifier: GPL-2.0-or-later (loads the HEIC module: x265)
 */
import { convert, convertMany, decode, decodeFrames, encode, psnr } from './heic.js';
import { serve } from './worker-core.js';

serve({ convert, convertMany, encode, decode, decodeFrames, psnr });
