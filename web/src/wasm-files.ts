/**
 * The wasm modules' file names, as the package ships them in `dist/wasm/`: one Emscripten glue (`.js`, an ES
 * module) and one `.wasm` per module × variant, e.g. `advcompress-heic.simd.wasm`. What `init({ locateFile })`
 * is asked for and what `init({ modules })` is keyed by. No imports: the page's bundle reads it too.
 * SPDX-License-Identifier: MIT
 */

/** Module names: the decoder, one encoder per output format, and `metric` (SSIMULACRA2, loaded by `ssimulacra2()`). */
export type ModuleName = 'decode' | 'heic' | 'avif' | 'webp' | 'metric';
/** Build variants: `baseline` (wasm MVP) or `simd` (wasm SIMD128). */
export type Variant = 'baseline' | 'simd';

/** Every module name (the HEIC one only loads from `advcompress/heic`). */
export const MODULE_NAMES: readonly ModuleName[] = ['decode', 'heic', 'avif', 'webp', 'metric'];
/** Every variant. */
export const VARIANTS: readonly Variant[] = ['baseline', 'simd'];

/** The file name of a module's glue (`'js'`) or code (`'wasm'`) in `dist/wasm/`, e.g. `advcompress-heic.simd.wasm`. */
export function moduleFile(name: ModuleName, variant: Variant, kind: 'js' | 'wasm'): string {
  return `advcompress-${name}.${variant}.${kind}`;
}
