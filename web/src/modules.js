// Static table of the permissive wasm modules (decode, AVIF, WebP, metric), one `new URL(..., import.meta.url)` per file
// so that bundlers see and copy exactly these assets (the glue is imported at run time by its URL: loader.ts). The
// HEIC module is in modules-heic.js, reached only from the `advcompress/heic` entry point. Files are produced by scripts/build.sh into dist/wasm/.
// SPDX-License-Identifier: MIT

/** @type {Record<string, Record<'baseline'|'simd', {glue: URL, wasm: URL}>>} */
export const MODULES = {
  decode: {
    baseline: { glue: new URL('./wasm/advcompress-decode.baseline.js', import.meta.url), wasm: new URL('./wasm/advcompress-decode.baseline.wasm', import.meta.url) },
    simd: { glue: new URL('./wasm/advcompress-decode.simd.js', import.meta.url), wasm: new URL('./wasm/advcompress-decode.simd.wasm', import.meta.url) },
  },
  avif: {
    baseline: { glue: new URL('./wasm/advcompress-avif.baseline.js', import.meta.url), wasm: new URL('./wasm/advcompress-avif.baseline.wasm', import.meta.url) },
    simd: { glue: new URL('./wasm/advcompress-avif.simd.js', import.meta.url), wasm: new URL('./wasm/advcompress-avif.simd.wasm', import.meta.url) },
  },
  webp: {
    baseline: { glue: new URL('./wasm/advcompress-webp.baseline.js', import.meta.url), wasm: new URL('./wasm/advcompress-webp.baseline.wasm', import.meta.url) },
    simd: { glue: new URL('./wasm/advcompress-webp.simd.js', import.meta.url), wasm: new URL('./wasm/advcompress-webp.simd.wasm', import.meta.url) },
  },
  metric: {
    baseline: { glue: new URL('./wasm/advcompress-metric.baseline.js', import.meta.url), wasm: new URL('./wasm/advcompress-metric.baseline.wasm', import.meta.url) },
    simd: { glue: new URL('./wasm/advcompress-metric.simd.js', import.meta.url), wasm: new URL('./wasm/advcompress-metric.simd.wasm', import.meta.url) },
  },
};
