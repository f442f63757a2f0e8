// Static table of the permissive wasm modules (decode, AVIF, WebP), one import per file so that bundlers see and
// copy exactly these assets (`new URL(..., import.meta.url)`). The HEIC module is in modules-heic.js, reached only
// from the `advcompress/heic` entry point. Files are produced by scripts/build.sh into dist/wasm/.
// SPDX-License-Identifier: MIT

/** @type {Record<string, Record<'baseline'|'simd', {glue: () => Promise<any>, wasm: URL}>>} */
export const MODULES = {
  decode: {
    baseline: { glue: () => import('./wasm/advcompress-decode.baseline.js'), wasm: new URL('./wasm/advcompress-decode.baseline.wasm', import.meta.url) },
    simd: { glue: () => import('./wasm/advcompress-decode.simd.js'), wasm: new URL('./wasm/advcompress-decode.simd.wasm', import.meta.url) },
  },
  avif: {
    baseline: { glue: () => import('./wasm/advcompress-avif.baseline.js'), wasm: new URL('./wasm/advcompress-avif.baseline.wasm', import.meta.url) },
    simd: { glue: () => import('./wasm/advcompress-avif.simd.js'), wasm: new URL('./wasm/advcompress-avif.simd.wasm', import.meta.url) },
  },
  webp: {
    baseline: { glue: () => import('./wasm/advcompress-webp.baseline.js'), wasm: new URL('./wasm/advcompress-webp.baseline.wasm', import.meta.url) },
    simd: { glue: () => import('./wasm/advcompress-webp.simd.js'), wasm: new URL('./wasm/advcompress-webp.simd.wasm', import.meta.url) },
  },
};
