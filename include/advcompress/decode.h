// advcompress — input sniffing, header probing (limits checked before any pixel is allocated) and decoding.
// SPDX-License-Identifier: MIT
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "advcompress/image.h"
#include "advcompress/options.h"
#include "advcompress/resize.h"
#include "advcompress/result.h"

namespace advcompress {

/// Input container formats recognised by their signature. This module decodes kJpeg, kPng, kGif (still) and kBmp;
/// kWebp, kHeif and kAvif are decoded by the WebP / HEIC / AVIF modules (decode_webp, decode_heif); kTpg is
/// recognised so that the error names it (UNSUPPORTED_FORMAT).
enum class InputFormat { kUnknown, kJpeg, kPng, kGif, kBmp, kWebp, kHeif, kAvif, kTpg };
/// "jpeg", "png", "gif", "bmp", "webp", "heif", "avif", "tpg", "unknown".
const char* input_format_name(InputFormat f);
/// Identifies the format from the first bytes (no allocation). kUnknown when nothing matches.
InputFormat sniff(const uint8_t* data, size_t size);

/// What probe() reads from the headers alone.
struct ProbeInfo {
  InputFormat format = InputFormat::kUnknown;
  uint32_t width = 0;        ///< pixels, as stored (before EXIF orientation)
  uint32_t height = 0;       ///< pixels, as stored
  uint32_t frame_count = 1;  ///< frames (1 for stills)
  uint8_t bit_depth = 8;     ///< bits per sample of the source
  bool has_alpha = false;
  uint8_t orientation = 1;   ///< EXIF orientation 1–8 (1 when absent)
  /// JPEG only: quality 1–100 on the IJG (libjpeg `-quality`) scale, estimated from the luminance quantisation
  /// table; 0 when unknown or not a JPEG. What imageMogr2's `quality/` and OSS's `Q_`/`q_` are relative to.
  uint8_t quality = 0;
};

/// Reads format, dimensions, frame count (GIF: the block structure is walked without decoding), bit depth, alpha
/// and EXIF orientation from the headers of JPEG, PNG, GIF and BMP, then checks `limits`:
/// INPUT_TOO_LARGE (size), DIMENSIONS_TOO_LARGE (a side, or width*height*frames), TOO_MANY_FRAMES;
/// UNSUPPORTED_FORMAT for unknown/undecodable formats (naming TPG when it is one); CORRUPT_INPUT when the
/// headers are truncated or inconsistent. Never allocates pixel memory.
Result<ProbeInfo> probe(const uint8_t* data, size_t size, const Limits& limits = Limits{});

/// Decode options.
struct DecodeOptions {
  /// Rotate/flip pixels per the EXIF orientation and reset the tag to 1 in the returned EXIF (default true).
  bool auto_orient = true;
  Limits limits;
  /// Resize steps applied in order after auto-orientation (cloud rules' thumbnail/resize, maxWidth/maxHeight).
  /// Every step is planned from the header sizes before any pixel is decoded, so an OUTPUT_TOO_LARGE result
  /// costs no decoding.
  std::vector<ResizeSpec> resize;
};

/// Probes (limits first), then decodes to RGB/RGBA 8- or 16-bit with ICC/EXIF/XMP extracted. Grey and palette
/// inputs become RGB(A); 16-bit PNG stays 16-bit; CMYK/YCCK JPEG becomes RGB (Adobe-inverted samples honoured,
/// the CMYK ICC profile dropped). Then auto-orients and applies `options.resize`. Errors: those
/// of probe(), those of plan_resize() (OUTPUT_TOO_LARGE before decoding), CORRUPT_INPUT for damaged data,
/// OUT_OF_MEMORY when a pixel buffer cannot be allocated.
Result<Image> decode(const uint8_t* data, size_t size, const DecodeOptions& options = DecodeOptions{});

/// Decodes the primary image of a HEIF/HEIC or AVIF file with libheif (transformations applied) to RGB(A), 8-bit,
/// or 16-bit for deeper sources. Lives in the HEIC and AVIF modules (wasm/src/heif_decode.cpp), whose libheif has
/// the decoder: the HEIC module decodes HEVC, the AVIF module AV1. Errors: INPUT_TOO_LARGE,
/// DIMENSIONS_TOO_LARGE (from the header sizes, before decoding), CORRUPT_INPUT, UNSUPPORTED_FORMAT,
/// OUT_OF_MEMORY.
Result<Image> decode_heif(const uint8_t* data, size_t size, const Limits& limits = Limits{});

/// Decodes a still WebP (lossy or lossless, alpha) with libwebp to RGB(A) 8-bit. Lives in the WebP module
/// (wasm/src/webp_decode.cpp). Errors: INPUT_TOO_LARGE, DIMENSIONS_TOO_LARGE (from the header), CORRUPT_INPUT,
/// UNSUPPORTED_FORMAT (animated), OUT_OF_MEMORY.
Result<Image> decode_webp(const uint8_t* data, size_t size, const Limits& limits = Limits{});

}  // namespace advcompress
