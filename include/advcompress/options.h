// advcompress — encode options, limits and their defaults (the one place they live: defaults here, mirrored by
// web/src/options.ts and the CLI). Field names are the snake_case of the JS option names.
// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "advcompress/result.h"

namespace advcompress {

/// Output format. heic: HEIF with HEVC (x265); avif: HEIF with AV1 (libaom); webp: libwebp.
enum class Format { kHeic, kAvif, kWebp };
/// "heic" | "avif" | "webp".
const char* format_name(Format f);
/// Parses "heic" (also "heif"), "avif", "webp"; nullopt otherwise.
std::optional<Format> parse_format(const std::string& s);
/// MIME type of the output: image/heic, image/avif, image/webp.
const char* format_mime(Format f);

/// Chroma subsampling of the coded image. auto: 4:2:0 for lossy, 4:4:4 for lossless.
enum class Chroma { kAuto, k420, k422, k444 };

/// Metadata policy: keep EXIF/XMP/ICC (default) or strip them (as imageMogr2 `/strip`).
enum class MetadataPolicy { kKeep, kStrip };

/// Encode options. Ranges are checked by validate_options(); -1 means "the format's default" where noted.
struct EncodeOptions {
  Format format = Format::kHeic;
  /// 0–100, higher is better and bigger; -1 = default for the format (default_quality()). Ignored when lossless.
  int quality = -1;
  /// Mathematically lossless coding: HEIC/AVIF via matrix_coefficients 0 (RGB) + 4:4:4 (as pillow-heif
  /// `save(quality=-1, chroma=444, matrix_coefficients=0)`), WebP lossless.
  bool lossless = false;
  Chroma chroma = Chroma::kAuto;
  /// Coded bit depth 8, 10 or 12 (HEIC/AVIF; WebP is 8 only); 0 = 8 for 8-bit input, 10 for deeper input
  /// (pillow-heif: 16-bit images are saved as 10-bit unless `save_to_12bit`).
  int bit_depth = 0;
  /// 0–9, higher is slower and smaller; -1 = default_effort(). HEIC: x265 preset ultrafast(0)..placebo(9);
  /// AVIF: libaom cpu-used 9-effort; WebP: method round(effort*6/9) (default method 6, "WebP M6" of OSS).
  int effort = -1;
  MetadataPolicy metadata = MetadataPolicy::kKeep;
  /// NCLX written into HEIC/AVIF (ITU-T H.273 code points, 0–255): each one given replaces the source's value (or
  /// the default: primaries 1 BT.709, transfer 13 sRGB, matrix 6 BT.601, full range), as pillow-heif 0.14's
  /// `color_primaries`, `transfer_characteristics`, `matrix_coefficients`, `full_range_flag`. Primaries and transfer
  /// only label the pixels (no conversion); the matrix and range are what the RGB -> YCbCr conversion uses.
  /// Lossless needs matrix 0 (identity); matrix 0 needs 4:4:4. WebP has no NCLX (not accepted there).
  std::optional<uint8_t> color_primaries;
  std::optional<uint8_t> transfer_characteristics;
  std::optional<uint8_t> matrix_coefficients;
  std::optional<bool> full_range;
  /// Expert parameters passed to the codec by name: libheif encoder parameters (e.g. "x265:tune" = "ssim",
  /// "aom:tune" = "ssim", "preset", "tune", "speed"); for WebP, WebPConfig field names ("sns_strength" = "50").
  std::map<std::string, std::string> advanced;
};

/// Default quality per format (tuned in README "Performance"; see scripts/bench-x265-settings.sh).
int default_quality(Format f);
/// Default effort per format.
int default_effort(Format f);

/// Checks ranges and combinations; INVALID_OPTION naming the option, the range and the value received.
Status validate_options(const EncodeOptions& o);

/// Restrictions of the cloud services (seeds 000/001/002), all configurable.
struct Limits {
  uint64_t max_input_bytes = 32ull * 1024 * 1024;  ///< bytes of encoded input (32 MiB)
  uint32_t max_side = 30000;                       ///< pixels, each input side
  uint64_t max_pixels = 250000000;                 ///< width * height * frames of the input
  uint32_t max_frames = 300;                       ///< frames of an animated input (GIF)
  uint32_t max_output_side = 9999;                 ///< pixels, each output side
};

/// Checks a Limits value (all > 0); INVALID_OPTION otherwise.
Status validate_limits(const Limits& l);

/// INPUT_TOO_LARGE when an encoded input of `bytes` bytes exceeds `limits.max_input_bytes` (naming both).
/// Every decoder checks this first (decode module's probe(), decode_heif*, decode_webp*).
Status check_input_bytes(uint64_t bytes, const Limits& limits);

/// The input-side restrictions for an image of `format` (a display name: "GIF", "HEIF", ...) of width x height
/// pixels and `frames` frames, all read from headers: DIMENSIONS_TOO_LARGE when a side exceeds `max_side` or
/// width x height x frames exceeds `max_pixels`, TOO_MANY_FRAMES when frames exceeds `max_frames`; the message
/// names the values and the limit.
Status check_input_limits(const char* format, uint32_t width, uint32_t height, uint64_t frames, const Limits& limits);

}  // namespace advcompress
