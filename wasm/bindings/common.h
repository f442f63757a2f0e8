// advcompress — Embind helpers shared by the module entry points: plain JS values in, plain JS values out.
// Nothing here does image work; it translates options, pixel buffers and errors (ARCHITECTURE.md, "Principles", 2).
// SPDX-License-Identifier: MIT
#pragma once

#include <emscripten/bind.h>
#include <emscripten/val.h>

#include <optional>
#include <string>
#include <vector>

#include "advcompress/decode.h"
#include "advcompress/image.h"
#include "advcompress/options.h"
#include "advcompress/orientation.h"
#include "advcompress/result.h"

namespace advcompress::bind {

using emscripten::val;

/// {error: {code, subcode, message}}: how every failure leaves a module.
inline val error_value(const Error& e) {
  val err = val::object();
  err.set("code", std::string(error_code_name(e.code)));
  err.set("subcode", e.subcode);
  err.set("message", e.message);
  val out = val::object();
  out.set("error", err);
  return out;
}

/// A new JS-owned Uint8Array holding a copy of `bytes` (never a live view into the wasm heap).
inline val bytes_to(const std::vector<uint8_t>& bytes) {
  return val::global("Uint8Array").new_(emscripten::typed_memory_view(bytes.size(), bytes.data()));
}

/// {data: Uint8Array, width, height, channels, bytesPerSample, sourceBitDepth, icc?, exif?, xmp?, nclx?,
/// orientation?}: decoded pixels as every module returns them (16-bit samples as little-endian byte pairs in
/// `data`); `orientation` (1–8) is the EXIF tag as it stands in `exif` (1 once applied).
inline val image_value(const Image& im) {
  val v = val::object();
  v.set("data", bytes_to(im.data));
  v.set("width", im.width);
  v.set("height", im.height);
  v.set("channels", im.channels);
  v.set("bytesPerSample", im.bytes_per_sample);
  v.set("sourceBitDepth", im.source_bit_depth);
  if (!im.meta.icc.empty()) v.set("icc", bytes_to(im.meta.icc));
  if (!im.meta.exif.empty()) {
    v.set("exif", bytes_to(im.meta.exif));
    v.set("orientation", exif_orientation(im.meta.exif.data(), im.meta.exif.size()));
  }
  if (!im.meta.xmp.empty()) v.set("xmp", bytes_to(im.meta.xmp));
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

/// {frames: image_value[], durations: number[] (ms; empty when the source has no timing), loopCount (0 = forever),
/// primaryIndex}: every image of a multi-frame input.
inline val frames_value(const Frames& f) {
  val list = val::array();
  for (const Image& im : f.images) list.call<void>("push", image_value(im));
  val durations = val::array();
  for (uint32_t d : f.durations_ms) durations.call<void>("push", d);
  val v = val::object();
  v.set("frames", list);
  v.set("durations", durations);
  v.set("loopCount", f.loop_count);
  v.set("primaryIndex", f.primary_index);
  return v;
}

/// {format, width, height, frameCount, bitDepth, hasAlpha, orientation, quality?}: probe()'s answer (web/src/api.ts
/// ProbeResult); `format` is the input format's id ("jpeg", "heif", ...).
inline val probe_value(const ProbeInfo& p, const char* format) {
  val v = val::object();
  v.set("format", std::string(format));
  v.set("width", p.width);
  v.set("height", p.height);
  v.set("frameCount", p.frame_count);
  v.set("bitDepth", p.bit_depth);
  v.set("hasAlpha", p.has_alpha);
  v.set("orientation", p.orientation);
  if (p.quality) v.set("quality", p.quality);
  return v;
}

inline bool has(const val& o, const char* k) { return !o.isUndefined() && !o.isNull() && !o[k].isUndefined() && !o[k].isNull(); }

/// Reads fields of plain JS objects; the first type error is kept in `error` (the modules are built without C++
/// exceptions, so errors are values all the way).
struct Reader {
  std::optional<Error> error;

  void set_error(Error e) { if (!error) error = std::move(e); }
  void type_error(const char* k, const char* expected) {
    set_error(fail(ErrorCode::kInvalidOption, std::string("Expected ") + expected + " for " + k));
  }

  /// Copies a JS Uint8Array into a new vector: one copy, straight into the wasm heap.
  std::vector<uint8_t> bytes(const val& array, const char* what) {
    if (array.isUndefined() || array.isNull()) return {};
    if (!array.instanceof(val::global("Uint8Array"))) { type_error(what, "a Uint8Array"); return {}; }
    const size_t n = array["length"].as<size_t>();
    std::vector<uint8_t> out(n);
    if (n) val(emscripten::typed_memory_view(n, out.data())).call<void>("set", array);
    return out;
  }
  double num(const val& o, const char* k, double fallback) {
    if (!has(o, k)) return fallback;
    if (!o[k].isNumber()) { type_error(k, "a number"); return fallback; }
    return o[k].as<double>();
  }
  int integer(const val& o, const char* k, int fallback) { return int(num(o, k, fallback)); }
  bool boolean(const val& o, const char* k, bool fallback) {
    if (!has(o, k)) return fallback;
    if (!o[k].isTrue() && !o[k].isFalse()) { type_error(k, "a boolean"); return fallback; }
    return o[k].isTrue();
  }
  std::string str(const val& o, const char* k, const std::string& fallback) {
    if (!has(o, k)) return fallback;
    if (!o[k].isString()) { type_error(k, "a string"); return fallback; }
    return o[k].as<std::string>();
  }

  /// Limits from {maxInputBytes, maxSide, maxPixels, maxFrames, maxOutputSide} (all optional).
  Limits limits(const val& o) {
    Limits l;
    l.max_input_bytes = uint64_t(num(o, "maxInputBytes", double(l.max_input_bytes)));
    l.max_side = uint32_t(num(o, "maxSide", l.max_side));
    l.max_pixels = uint64_t(num(o, "maxPixels", double(l.max_pixels)));
    l.max_frames = uint32_t(num(o, "maxFrames", l.max_frames));
    l.max_output_side = uint32_t(num(o, "maxOutputSide", l.max_output_side));
    if (auto s = validate_limits(l); !s) set_error(s.error());
    return l;
  }

  /// EncodeOptions from the JS options object (names as in web/src/options.ts); ranges checked by the core.
  EncodeOptions options(const val& o) {
    EncodeOptions e;
    const std::string format = str(o, "format", "heic");
    if (auto f = parse_format(format)) e.format = *f;
    else set_error(fail(ErrorCode::kInvalidOption, "Expected one of heic, avif, webp for format but received " + format));
    e.quality = integer(o, "quality", -1);
    e.lossless = boolean(o, "lossless", false);
    const std::string chroma = str(o, "chroma", "auto");
    if (chroma == "auto") e.chroma = Chroma::kAuto;
    else if (chroma == "420") e.chroma = Chroma::k420;
    else if (chroma == "422") e.chroma = Chroma::k422;
    else if (chroma == "444") e.chroma = Chroma::k444;
    else set_error(fail(ErrorCode::kInvalidOption, "Expected one of 420, 422, 444 for chroma but received " + chroma));
    e.bit_depth = integer(o, "bitDepth", 0);
    e.effort = integer(o, "effort", -1);
    const std::string metadata = str(o, "metadata", "keep");
    if (metadata == "keep") e.metadata = MetadataPolicy::kKeep;
    else if (metadata == "strip") e.metadata = MetadataPolicy::kStrip;
    else set_error(fail(ErrorCode::kInvalidOption, "Expected keep or strip for metadata but received " + metadata));
    auto code_point = [&](const char* k) -> std::optional<uint8_t> {
      if (!has(o, k)) return std::nullopt;
      const double v = num(o, k, 0);
      if (v < 0 || v > 255 || v != double(int(v))) {
        set_error(fail(ErrorCode::kInvalidOption, std::string("Expected an integer between 0 and 255 for ") + k));
        return std::nullopt;
      }
      return uint8_t(v);
    };
    e.color_primaries = code_point("colorPrimaries");
    e.transfer_characteristics = code_point("transferCharacteristics");
    e.matrix_coefficients = code_point("matrixCoefficients");
    if (has(o, "fullRange")) e.full_range = boolean(o, "fullRange", true);
    if (has(o, "advanced")) {
      val adv = o["advanced"];
      val keys = val::global("Object").call<val>("keys", adv);
      const int n = keys["length"].as<int>();
      for (int i = 0; i < n; ++i) {
        const std::string k = keys[i].as<std::string>();
        e.advanced[k] = str(adv, k.c_str(), "");
      }
    }
    if (!error)
      if (auto s = validate_options(e); !s) set_error(s.error());
    return e;
  }

  /// Image from (pixels: Uint8Array of samples, 16-bit as little-endian byte pairs; info: {width, height,
  /// channels, bytesPerSample, sourceBitDepth, icc?, exif?, xmp?, nclx?: {colorPrimaries,
  /// transferCharacteristics, matrixCoefficients, fullRange}}).
  Image image(const val& pixels, const val& info) {
    Image im;
    im.width = uint32_t(integer(info, "width", 0));
    im.height = uint32_t(integer(info, "height", 0));
    im.channels = uint8_t(integer(info, "channels", 4));
    im.bytes_per_sample = uint8_t(integer(info, "bytesPerSample", 1));
    im.source_bit_depth = uint8_t(integer(info, "sourceBitDepth", im.bytes_per_sample == 2 ? 16 : 8));
    im.data = bytes(pixels, "pixels");
    if (has(info, "icc")) im.meta.icc = bytes(info["icc"], "icc");
    if (has(info, "exif")) im.meta.exif = bytes(info["exif"], "exif");
    if (has(info, "xmp")) im.meta.xmp = bytes(info["xmp"], "xmp");
    if (has(info, "nclx")) {
      val n = info["nclx"];
      Nclx c;
      c.color_primaries = uint16_t(integer(n, "colorPrimaries", c.color_primaries));
      c.transfer_characteristics = uint16_t(integer(n, "transferCharacteristics", c.transfer_characteristics));
      c.matrix_coefficients = uint16_t(integer(n, "matrixCoefficients", c.matrix_coefficients));
      c.full_range = boolean(n, "fullRange", c.full_range);
      im.meta.nclx = c;
    }
    return im;
  }
  /// Frames from (frames: Array<{data, ...PixelInfo}>, animation: {durations?: number[] (ms), loopCount?,
  /// primaryIndex?}).
  Frames frames(const val& list, const val& anim) {
    Frames f;
    if (!list.isArray()) { type_error("frames", "an array of pixel buffers"); return f; }
    const int n = list["length"].as<int>();
    for (int i = 0; i < n && !error; ++i) f.images.push_back(image(list[i]["data"], list[i]));
    if (has(anim, "durations")) {
      val d = anim["durations"];
      if (!d.isArray()) type_error("durations", "an array of milliseconds");
      else
        for (int i = 0, m = d["length"].as<int>(); i < m; ++i) {
          const double ms = d[i].isNumber() ? d[i].as<double>() : -1;
          if (ms < 0 || ms > 1e9) { type_error("durations", "whole milliseconds >= 0"); break; }
          f.durations_ms.push_back(uint32_t(ms));
        }
    }
    f.loop_count = count(anim, "loopCount");
    f.primary_index = count(anim, "primaryIndex");
    return f;
  }
  /// A whole number 0..2^32-1 (0 when absent); anything else is INVALID_OPTION (a negative or fractional double
  /// must not reach a uint32_t conversion).
  uint32_t count(const val& o, const char* k) {
    const double v = num(o, k, 0);
    if (v < 0 || v > 4294967295.0 || v != double(uint64_t(v))) {
      type_error(k, "a whole number >= 0");
      return 0;
    }
    return uint32_t(v);
  }
};

}  // namespace advcompress::bind
