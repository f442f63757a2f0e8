// advcompress — decoded pixels and the metadata that travels with them.
// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

namespace advcompress {

/// NCLX colour description (ISO/IEC 23091-2 code points, as in HEIF `colr` boxes and AV1 sequence headers).
struct Nclx {
  uint16_t color_primaries = 1;           ///< 1 = BT.709/sRGB primaries
  uint16_t transfer_characteristics = 13; ///< 13 = sRGB transfer
  uint16_t matrix_coefficients = 6;       ///< 6 = BT.601 (what JPEG uses); 0 = identity (RGB, for lossless)
  bool full_range = true;                 ///< full-range (0..2^n-1) samples
};

/// Metadata carried from input to output. Empty vectors mean "absent".
struct Metadata {
  std::vector<uint8_t> icc;   ///< ICC profile, as embedded (bytes)
  std::vector<uint8_t> exif;  ///< EXIF as a TIFF stream starting at "II*\0"/"MM\0*" (no "Exif\0\0" prefix)
  std::vector<uint8_t> xmp;   ///< XMP packet (UTF-8 XML)
  std::optional<Nclx> nclx;   ///< source NCLX, when the input declared one
};

/// Interleaved RGB or RGBA pixels, rows top to bottom, no padding (stride = width * channels * bytes per sample).
/// 8-bit samples are uint8_t; 16-bit samples are native-endian uint16_t stored in `data` (2 bytes each), using
/// the full 0..65535 range whatever the source bit depth (`source_bit_depth` records it).
struct Image {
  uint32_t width = 0;             ///< pixels
  uint32_t height = 0;            ///< pixels
  uint8_t channels = 3;           ///< 3 (RGB) or 4 (RGBA, straight i.e. not premultiplied alpha)
  uint8_t bytes_per_sample = 1;   ///< 1 (8-bit) or 2 (16-bit container)
  uint8_t source_bit_depth = 8;   ///< bit depth of the source samples (8, 10, 12 or 16)
  std::vector<uint8_t> data;      ///< width * height * channels * bytes_per_sample bytes
  Metadata meta;

  size_t row_bytes() const { return size_t(width) * channels * bytes_per_sample; }
  bool has_alpha() const { return channels == 4; }
};

/// The images of a multi-frame input, in file order: the frames of an animation (GIF, animated WebP), each
/// composited onto the full canvas as a browser shows it, or the top-level image items of a multi-image HEIF/AVIF
/// file (as pillow-heif's `HeifFile` lists them). A still input is one image.
struct Frames {
  std::vector<Image> images;
  /// Display time of each image in milliseconds (one per image) for animations, as stored (a GIF delay of 0 stays
  /// 0; browsers show such frames for 100 ms); empty when the source has no timing (stills, HEIF image items).
  std::vector<uint32_t> durations_ms;
  /// Times the animation plays in total, 0 = forever (WebP's ANIM loop count; a GIF's NETSCAPE2.0 repeat count
  /// n becomes n + 1 and its absence 1, as libwebp's gif2webp maps them).
  uint32_t loop_count = 0;
  /// Index of the primary image in `images` (a HEIF file's `pitm`; 0 for animations and stills).
  uint32_t primary_index = 0;
  bool animated() const { return !durations_ms.empty(); }
};

}  // namespace advcompress
