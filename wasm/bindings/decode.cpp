// advcompress — entry point of the decode module (libjpeg-turbo, libpng + zlib): probe and decode.
// SPDX-License-Identifier: MIT
#include "advcompress/decode.h"
#include "common.h"

using namespace emscripten;
using advcompress::bind::Reader;
using advcompress::bind::error_value;

namespace {

val probe_info(const advcompress::ProbeInfo& p) {
  val v = val::object();
  v.set("format", std::string(advcompress::input_format_name(p.format)));
  v.set("width", p.width);
  v.set("height", p.height);
  v.set("frameCount", p.frame_count);
  v.set("bitDepth", p.bit_depth);
  v.set("hasAlpha", p.has_alpha);
  v.set("orientation", p.orientation);
  return v;
}

/// probe(bytes: Uint8Array, limits?: Limits) -> ProbeInfo | {error}
val probe(val bytes, val limits) {
  Reader rd;
  const auto l = rd.limits(limits);
  const auto data = rd.bytes(bytes, "input");
  if (rd.error) return error_value(*rd.error);
  auto r = advcompress::probe(data.data(), data.size(), l);
  if (!r) return error_value(r.error());
  return probe_info(r.value());
}

/// decode(bytes: Uint8Array, options?: {autoOrient?: boolean, limits?: Limits})
///   -> {data: Uint8Array, width, height, channels, bytesPerSample, sourceBitDepth, icc?, exif?, xmp?, nclx?}
///      | {error}. 16-bit samples are little-endian byte pairs in `data`.
val decode(val bytes, val options) {
  Reader rd;
  advcompress::DecodeOptions o;
  o.auto_orient = rd.boolean(options, "autoOrient", true);
  if (advcompress::bind::has(options, "limits")) o.limits = rd.limits(options["limits"]);
  const auto data = rd.bytes(bytes, "input");
  if (rd.error) return error_value(*rd.error);
  auto r = advcompress::decode(data.data(), data.size(), o);
  if (!r) return error_value(r.error());
  const auto& im = r.value();
  val v = val::object();
  v.set("data", advcompress::bind::bytes_to(im.data));
  v.set("width", im.width);
  v.set("height", im.height);
  v.set("channels", im.channels);
  v.set("bytesPerSample", im.bytes_per_sample);
  v.set("sourceBitDepth", im.source_bit_depth);
  if (!im.meta.icc.empty()) v.set("icc", advcompress::bind::bytes_to(im.meta.icc));
  if (!im.meta.exif.empty()) v.set("exif", advcompress::bind::bytes_to(im.meta.exif));
  if (!im.meta.xmp.empty()) v.set("xmp", advcompress::bind::bytes_to(im.meta.xmp));
  if (im.meta.nclx) {
    val n = val::object();
    n.set("colorPrimaries", im.meta.nclx->color_primaries);
    n.set("transferCharacteristics", im.meta.nclx->transfer_characteristics);
    n.set("matrixCoefficients", im.meta.nclx->matrix_coefficients);
    n.set("fullRange", im.meta.nclx->full_range);
    v.set("nclx", n);
  }
  return v;
}

}  // namespace

EMSCRIPTEN_BINDINGS(advcompress_decode) {
  function("probe", &probe);
  function("decode", &decode);
}
