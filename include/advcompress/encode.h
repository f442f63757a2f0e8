// advcompress — encoders. Each lives in its own translation unit so that a module links only its codec:
// encode_heif() is compiled against libheif (HEVC via x265 in the HEIC module, AV1 via libaom in the AVIF module),
// encode_webp() against libwebp.
// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>
#include <vector>

#include "advcompress/image.h"
#include "advcompress/options.h"
#include "advcompress/result.h"

namespace advcompress {

/// An encoded file.
struct Encoded {
  std::vector<uint8_t> data;  ///< the file's bytes
  uint32_t width = 0;         ///< pixels
  uint32_t height = 0;        ///< pixels
  uint8_t bit_depth = 8;      ///< coded bit depth
  uint32_t frame_count = 1;   ///< images (HEIF/AVIF image items) or animation frames (WebP) written
};

/// Checks what every encoder checks first: options valid, output sides <= limits.max_output_side
/// (OUTPUT_TOO_LARGE), image well-formed (INVALID_OPTION for a bad pixel buffer).
Status check_encode_input(const Image& image, const EncodeOptions& options, const Limits& limits);

/// HEIF with HEVC (options.format == kHeic) or AVIF (kAvif) through libheif. Errors: INVALID_OPTION,
/// OUTPUT_TOO_LARGE, ENCODER_ERROR (subcode: libheif's suberror; also when this module was built without the
/// requested codec), OUT_OF_MEMORY.
Result<Encoded> encode_heif(const Image& image, const EncodeOptions& options, const Limits& limits = Limits{});

/// WebP through libwebp (lossy or lossless; ICC/EXIF/XMP through libwebpmux). Errors as encode_heif();
/// OUTPUT_TOO_LARGE also above WebP's own 16383 px limit.
Result<Encoded> encode_webp(const Image& image, const EncodeOptions& options, const Limits& limits = Limits{});

/// A multi-image HEIF (kHeic) or AVIF (kAvif): every image of `frames` as a top-level image item, each with its own
/// size, alpha and metadata, `frames.primary_index` the primary image (pillow-heif `save(save_all=True,
/// primary_index=...)`). Frame durations are not written: libheif 1.19 writes image items, not image sequences.
/// Errors as encode_heif(); INVALID_OPTION when `frames` is empty or primary_index is out of range.
Result<Encoded> encode_heif_frames(const Frames& frames, const EncodeOptions& options, const Limits& limits = Limits{});
/// An animated WebP (libwebp's WebPAnimEncoder, lossy or lossless per `options`) from the frames of an animation,
/// keeping their durations and loop count; ICC/EXIF/XMP of the first frame as the file's chunks. One image gives
/// encode_webp(). Errors as encode_webp(); INVALID_OPTION when the frames differ in size or have no durations.
Result<Encoded> encode_webp_frames(const Frames& frames, const EncodeOptions& options, const Limits& limits = Limits{});

}  // namespace advcompress
