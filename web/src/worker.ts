/**
 * Module worker of the permissive entry point (AVIF, WebP): what `advcompress` in a browser runs its jobs in.
 * SPDX-License-Identifier: MIT
 */
import { convert, convertMany, decode, decodeFrames, encode, psnr } from './index.js';
import { serve } from './worker-core.js';

serve({ convert, convertMany, encode, decode, decodeFrames, psnr });
