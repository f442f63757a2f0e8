// advcompress — error names, format helpers, option defaults and validation.
// SPDX-License-Identifier: MIT
#include <limits>
#include <string>

#include "advcompress/decode.h"
#include "advcompress/options.h"
#include "advcompress/result.h"

namespace advcompress {

const char* error_code_name(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidOption: return "INVALID_OPTION";
    case ErrorCode::kInvalidRule: return "INVALID_RULE";
    case ErrorCode::kUnsupportedFormat: return "UNSUPPORTED_FORMAT";
    case ErrorCode::kCorruptInput: return "CORRUPT_INPUT";
    case ErrorCode::kInputTooLarge: return "INPUT_TOO_LARGE";
    case ErrorCode::kDimensionsTooLarge: return "DIMENSIONS_TOO_LARGE";
    case ErrorCode::kTooManyFrames: return "TOO_MANY_FRAMES";
    case ErrorCode::kOutputTooLarge: return "OUTPUT_TOO_LARGE";
    case ErrorCode::kOutOfMemory: return "OUT_OF_MEMORY";
    case ErrorCode::kEncoderError: return "ENCODER_ERROR";
  }
  return "ENCODER_ERROR";
}

// Name and MIME type of each Format, in enum order.
struct FormatInfo {
  const char* name;
  const char* mime;
};
constexpr FormatInfo kFormats[] = {{"heic", "image/heic"}, {"avif", "image/avif"}, {"webp", "image/webp"}};
static_assert(sizeof(kFormats) / sizeof(kFormats[0]) == size_t(Format::kWebp) + 1, "one entry per Format");

const char* format_name(Format f) { return kFormats[size_t(f)].name; }
const char* format_mime(Format f) { return kFormats[size_t(f)].mime; }

std::optional<Format> parse_format(const std::string& s) {
  if (s == "heic" || s == "heif") return Format::kHeic;
  if (s == "avif") return Format::kAvif;
  if (s == "webp") return Format::kWebp;
  return std::nullopt;
}

// Defaults. HEIC: libheif's own x265 defaults (quality 50 = crf 25, preset "slow", tune "ssim"), which give about
// 0.47x the bytes of libjpeg-turbo at equal SSIMULACRA2 on photos (README "Performance").
// AVIF: libheif's libaom defaults (quality 50, speed 6 = effort 3). WebP: cwebp's quality 75 with method 6
// ("WebP M6" of the OSS seed).
int default_quality(Format f) { return f == Format::kWebp ? 75 : 50; }
int default_effort(Format f) {
  switch (f) {
    case Format::kHeic: return 6;  // x265 preset "slow"
    case Format::kAvif: return 3;  // libaom cpu-used 6
    case Format::kWebp: return 9;  // method 6
  }
  return 6;
}

namespace {
Error bad(const std::string& name, const std::string& expected, long value) {
  return fail(ErrorCode::kInvalidOption,
              "Expected " + expected + " for " + name + " but received " + std::to_string(value));
}
}  // namespace

Status validate_options(const EncodeOptions& o) {
  if (o.quality != -1 && (o.quality < 0 || o.quality > 100))
    return bad("quality", "integer between 0 and 100", o.quality);
  if (o.effort != -1 && (o.effort < 0 || o.effort > 9)) return bad("effort", "integer between 0 and 9", o.effort);
  if (o.bit_depth != 0 && o.bit_depth != 8 && o.bit_depth != 10 && o.bit_depth != 12)
    return bad("bitDepth", "one of 8, 10, 12", o.bit_depth);
  if (o.format == Format::kWebp && o.bit_depth > 8)
    return bad("bitDepth", "8 for webp (WebP has no deeper samples)", o.bit_depth);
  if (o.format == Format::kWebp && (o.chroma == Chroma::k422 || o.chroma == Chroma::k444) && !o.lossless)
    return fail(ErrorCode::kInvalidOption,
                "Expected chroma '420' for lossy webp (VP8 codes 4:2:0 only; use lossless for full chroma)");
  if (o.lossless && (o.chroma == Chroma::k420 || o.chroma == Chroma::k422))
    return fail(ErrorCode::kInvalidOption, "lossless needs chroma '444' (or leave chroma unset)");
  const bool nclx = o.color_primaries || o.transfer_characteristics || o.matrix_coefficients || o.full_range;
  if (nclx && o.format == Format::kWebp)
    return fail(ErrorCode::kInvalidOption, "colorPrimaries, transferCharacteristics, matrixCoefficients and fullRange "
                                           "are NCLX, which WebP does not have (HEIC and AVIF only)");
  if (o.lossless && o.matrix_coefficients && *o.matrix_coefficients != 0)
    return bad("matrixCoefficients", "0 (identity) when lossless", *o.matrix_coefficients);
  if (o.matrix_coefficients && *o.matrix_coefficients == 0 && !o.lossless && o.chroma != Chroma::k444)
    return fail(ErrorCode::kInvalidOption, "matrixCoefficients 0 (identity, RGB) needs chroma '444'");
  return Ok{};
}

Status validate_limits(const Limits& l) {
  if (l.max_input_bytes == 0) return bad("limits.maxInputBytes", "a positive integer", 0);
  if (l.max_side == 0) return bad("limits.maxSide", "a positive integer", 0);
  if (l.max_pixels == 0) return bad("limits.maxPixels", "a positive integer", 0);
  if (l.max_frames == 0) return bad("limits.maxFrames", "a positive integer", 0);
  if (l.max_output_side == 0) return bad("limits.maxOutputSide", "a positive integer", 0);
  return Ok{};
}

namespace {

// " (32 MiB)" for round sizes, to read a limit at a glance.
std::string human_bytes(uint64_t n) {
  if (n >= (1ull << 20) && n % (1ull << 20) == 0) return " (" + std::to_string(n >> 20) + " MiB)";
  if (n >= 1024 && n % 1024 == 0) return " (" + std::to_string(n >> 10) + " KiB)";
  return "";
}

}  // namespace

Status check_input_bytes(uint64_t bytes, const Limits& limits) {
  if (bytes <= limits.max_input_bytes) return Ok{};
  return fail(ErrorCode::kInputTooLarge, "input is " + std::to_string(bytes) + " bytes; the limit is " +
                                             std::to_string(limits.max_input_bytes) + " bytes" +
                                             human_bytes(limits.max_input_bytes));
}

Status check_input_limits(const char* name, uint32_t width, uint32_t height, uint64_t frames, const Limits& l) {
  if (width > l.max_side || height > l.max_side) {
    const bool w = width > l.max_side;
    return fail(ErrorCode::kDimensionsTooLarge, std::string(name) + " input " + (w ? "width" : "height") + " is " +
                                                    std::to_string(w ? width : height) + " px; the limit is " +
                                                    std::to_string(l.max_side) + " px per side");
  }
  if (frames == 0) frames = 1;
  const uint64_t pixels = uint64_t(width) * height;  // both < 2^32: no overflow
  const bool overflow = pixels > std::numeric_limits<uint64_t>::max() / frames;
  if (overflow || pixels * frames > l.max_pixels) {
    std::string what = std::to_string(width) + " x " + std::to_string(height);
    if (frames > 1) what += " x " + std::to_string(frames) + " frames";
    const std::string total = overflow ? "more than 2^64" : std::to_string(pixels * frames);
    return fail(ErrorCode::kDimensionsTooLarge, std::string(name) + " input is " + what + " = " + total +
                                                    " pixels; the limit is " + std::to_string(l.max_pixels) +
                                                    " pixels");
  }
  if (frames > l.max_frames)
    return fail(ErrorCode::kTooManyFrames, std::string(name) + " input has " + std::to_string(frames) +
                                               " frames; the limit is " + std::to_string(l.max_frames) + " frames");
  return Ok{};
}

}  // namespace advcompress
