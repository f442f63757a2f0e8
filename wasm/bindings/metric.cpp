// advcompress — entry point of the metric module: SSIMULACRA2 by libjxl's implementation (wasm/src/metric.cpp),
// loaded only when a caller asks for a score.
// SPDX-License-Identifier: MIT
#include "advcompress/metric.h"
#include "common.h"

using namespace emscripten;

namespace {

/// ssimulacra2(a: Uint8Array, aInfo: PixelInfo, b: Uint8Array, bInfo: PixelInfo) -> number | {error}: the score of
/// b (distorted) against a (original), pixels as decode() returns them (8- or 16-bit RGB/RGBA, 16-bit samples as
/// little-endian byte pairs); see include/advcompress/metric.h.
val ssimulacra2_entry(val a, val a_info, val b, val b_info) {
  advcompress::bind::Reader r;
  const advcompress::Image x = r.image(a, a_info);
  const advcompress::Image y = r.image(b, b_info);
  if (r.error) return advcompress::bind::error_value(*r.error);
  auto s = advcompress::ssimulacra2(x, y);
  if (!s) return advcompress::bind::error_value(s.error());
  return val(s.value());
}

}  // namespace

EMSCRIPTEN_BINDINGS(advcompress_metric) {
  function("ssimulacra2", &ssimulacra2_entry);
}
