// The HEIC module (libheif + x265 + libde265). x265 is GPL-2.0-or-later, so this file and the module it loads are
// distributed under the GPL; only `advcompress/heic` imports it (see README "Licences" and NOTICE).
// SPDX-License-Identifier: GPL-2.0-or-later

/** @type {Record<string, Record<'baseline'|'simd', {glue: URL, wasm: URL}>>} */
export const HEIC_MODULES = {
  heic: {
    baseline: { glue: new URL('./wasm/advcompress-heic.baseline.js', import.meta.url), wasm: new URL('./wasm/advcompress-heic.baseline.wasm', import.meta.url) },
    simd: { glue: new URL('./wasm/advcompress-heic.simd.js', import.meta.url), wasm: new URL('./wasm/advcompress-heic.simd.wasm', import.meta.url) },
  },
};
