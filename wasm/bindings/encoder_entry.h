// advcompress — the body shared by the three encoder modules' entry points (heic.cpp, avif.cpp, webp.cpp):
// encode(pixels, info, options, limits) -> {data, width, height, bitDepth, quality} | {error: {code, subcode, message}}.
// SPDX-License-Identifier: MIT
#pragma once

#include "advcompress/decode.h"
#include "advcompress/encode.h"
#include "common.h"

namespace advcompress::bind {

template <Result<Encoded> (*Encode)(const Image&, const EncodeOptions&, const Limits&)>
val encode_entry(val pixels, val info, val options, val limits) {
  Reader rd;
  const EncodeOptions o = rd.options(options);
  const Limits l = rd.limits(limits);
  if (rd.error) return error_value(*rd.error);
  Image im = rd.image(pixels, info);
  if (rd.error) return error_value(*rd.error);
  auto r = Encode(im, o, l);
  if (!r) return error_value(r.error());
  val out = val::object();
  out.set("data", bytes_to(r.value().data));
  out.set("width", r.value().width);
  out.set("height", r.value().height);
  out.set("bitDepth", r.value().bit_depth);
  // The quality the encoder used: the option, else the format's default; 100 for lossless.
  out.set("quality", o.lossless ? 100 : o.quality >= 0 ? o.quality : default_quality(o.format));
  return out;
}

/// decode(bytes: Uint8Array, limits?: Limits) -> pixels (image_value) | {error}: an image in this module's codec
/// (decode_heif: the primary image of a HEIF file; decode_webp: a still WebP).
template <Result<Image> (*Decode)(const uint8_t*, size_t, const Limits&)>
val decode_entry(val bytes, val limits) {
  Reader rd;
  const Limits l = rd.limits(limits);
  const auto data = rd.bytes(bytes, "input");
  if (rd.error) return error_value(*rd.error);
  auto r = Decode(data.data(), data.size(), l);
  if (!r) return error_value(r.error());
  return image_value(r.value());
}

/// codecInfo() value: {module, <library>: <version>}.
inline val codec_info_value(const char* module, const char* library, const std::string& version) {
  val v = val::object();
  v.set("module", std::string(module));
  v.set(library, version);
  return v;
}

}  // namespace advcompress::bind
