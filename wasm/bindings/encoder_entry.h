// advcompress — the body shared by the encoder modules' entry points (heif.cpp for heic and avif, webp.cpp):
// encode / encodeFrames / decode / decodeFrames / probe, plain values in, {…} | {error: {code, subcode, message}} out.
// SPDX-License-Identifier: MIT
#pragma once

#include "advcompress/decode.h"
#include "advcompress/encode.h"
#include "common.h"

namespace advcompress::bind {

/// {data, width, height, bitDepth, quality, frameCount}: what encode()/encodeFrames() answer. `quality` is the one
/// the encoder used: the option, else the format's default; 100 for lossless.
inline val encoded_value(const Encoded& e, const EncodeOptions& o) {
  val out = val::object();
  out.set("data", bytes_to(e.data));
  out.set("width", e.width);
  out.set("height", e.height);
  out.set("bitDepth", e.bit_depth);
  out.set("quality", o.lossless ? 100 : o.quality >= 0 ? o.quality : default_quality(o.format));
  out.set("frameCount", e.frame_count);
  return out;
}

/// encode(pixels, info, options, limits) (one image) and encodeFrames(frames: Array<pixels & PixelInfo>, animation:
/// {durations?, loopCount?, primaryIndex?}, options, limits) (a multi-image HEIF/AVIF or an animated WebP):
/// `read` turns the first two arguments into what `Encode` takes.
template <class In, Result<Encoded> (*Encode)(const In&, const EncodeOptions&, const Limits&),
          In (Reader::*Read)(const val&, const val&)>
val encode_entry(val first, val second, val options, val limits) {
  Reader rd;
  const EncodeOptions o = rd.options(options);
  const Limits l = rd.limits(limits);
  if (rd.error) return error_value(*rd.error);
  In in = (rd.*Read)(first, second);
  if (rd.error) return error_value(*rd.error);
  auto r = Encode(in, o, l);
  if (!r) return error_value(r.error());
  return encoded_value(r.value(), o);
}
template <Result<Encoded> (*Encode)(const Image&, const EncodeOptions&, const Limits&)>
constexpr auto encode_image_entry = &encode_entry<Image, Encode, &Reader::image>;
template <Result<Encoded> (*Encode)(const Frames&, const EncodeOptions&, const Limits&)>
constexpr auto encode_frames_entry = &encode_entry<Frames, Encode, &Reader::frames>;

/// (bytes: Uint8Array, limits?: Limits) -> Out(result) | {error}: decode (image_value: decode_heif's primary image,
/// decode_webp's first frame), decodeFrames (frames_value) and probe (probe_heif) of the encoder modules.
template <class T, Result<T> (*Run)(const uint8_t*, size_t, const Limits&), val (*Out)(const T&)>
val bytes_entry(val bytes, val limits) {
  Reader rd;
  const Limits l = rd.limits(limits);
  const auto data = rd.bytes(bytes, "input");
  if (rd.error) return error_value(*rd.error);
  auto r = Run(data.data(), data.size(), l);
  if (!r) return error_value(r.error());
  return Out(r.value());
}
inline val heif_probe_value(const ProbeInfo& p) {
  return probe_value(p, p.format == InputFormat::kAvif ? "avif" : "heif");
}
template <Result<Image> (*Decode)(const uint8_t*, size_t, const Limits&)>
constexpr auto decode_entry = &bytes_entry<Image, Decode, &image_value>;
template <Result<Frames> (*Decode)(const uint8_t*, size_t, const Limits&)>
constexpr auto decode_frames_entry = &bytes_entry<Frames, Decode, &frames_value>;
constexpr auto probe_heif_entry = &bytes_entry<ProbeInfo, probe_heif, &heif_probe_value>;

/// codecInfo() value: {module, <library>: <version>}.
inline val codec_info_value(const char* module, const char* library, const std::string& version) {
  val v = val::object();
  v.set("module", std::string(module));
  v.set(library, version);
  return v;
}

}  // namespace advcompress::bind
