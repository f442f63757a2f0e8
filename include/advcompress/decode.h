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

/// Input container formats recognised by their signature. This module decodes kJpeg, kPng, kGif and kBmp;
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

/// Reads format, dimensions, frame count (GIF: the block structure is walked without decoding; APNG: its acTL;
/// WebP: its ANMF chunks), bit depth, alpha and EXIF orientation from the headers of JPEG, PNG, GIF, BMP and WebP,
/// then checks `limits`:
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

/// Probes (limits first), then decodes (an animated GIF or APNG: its first frame shown, composited) to RGB/RGBA 8-
/// or 16-bit with ICC/EXIF/XMP extracted (WebP: UNSUPPORTED_FORMAT here, decode_webp decodes it). Grey and palette
/// inputs become RGB(A); 16-bit PNG stays 16-bit; CMYK/YCCK JPEG becomes RGB (Adobe-inverted samples honoured, the
/// CMYK ICC profile dropped). Then auto-orients and applies
/// `options.resize`. Errors: those of probe(), those of plan_resize() (OUTPUT_TOO_LARGE before decoding),
/// CORRUPT_INPUT for damaged data, OUT_OF_MEMORY when a pixel buffer cannot be allocated.
Result<Image> decode(const uint8_t* data, size_t size, const DecodeOptions& options = DecodeOptions{});

/// decode() for every frame: an animated GIF gives all its frames, each composited onto the logical screen as a
/// browser shows it (disposal "none"/"background"/"previous", transparency; the screen starts transparent; parts
/// of a frame outside the screen are clipped), its delays (centiseconds x 10 = ms) and loop count; an APNG (libpng
/// with the APNG patch, patches/libpng1.6/0001) its frames as the APNG specification composites them (blend
/// source/over, dispose none/background/previous, RGBA 8- or 16-bit; a default image outside the animation is not a
/// frame), delays (delay_num/delay_den s, in ms) and play count (0 = forever); other inputs give one image.
/// Orientation and `options.resize` apply to each frame. Errors as decode(); the total width x height x frames was
/// checked against `limits.max_pixels` by probe() before decoding.
Result<Frames> decode_frames(const uint8_t* data, size_t size, const DecodeOptions& options = DecodeOptions{});

/// An output size planned from the header sizes alone (pixels).
struct PlannedSize {
  uint32_t width = 0;
  uint32_t height = 0;
};

/// The size convert() will encode for a `width` x `height` source (pixels, as stored: before the EXIF
/// `orientation` 1-8, which swaps the sides for 5-8 when options.auto_orient), after every step of
/// `options.resize`, from the sizes alone: no pixel is decoded or allocated. What convert() checks right after
/// probing, so that an impossible output costs no decoding whatever the input format (the HEIF/AVIF/WebP modules
/// decode too, and only the decode module plans). Errors: INVALID_OPTION (a resize step), OUTPUT_TOO_LARGE when a
/// step or the final image has a side above `options.limits.max_output_side` (check_output_side).
Result<PlannedSize> plan_output(uint32_t width, uint32_t height, uint8_t orientation, const DecodeOptions& options);

/// What decode() does after decoding, for images decoded elsewhere (HEIF/AVIF/WebP in their modules): rotates/flips
/// per `orientation` (1–8, when options.auto_orient) and resets the EXIF tag to 1, then applies options.resize.
/// Errors: OUTPUT_TOO_LARGE (plan_resize), OUT_OF_MEMORY.
Status orient_and_resize(Image& image, uint8_t orientation, const DecodeOptions& options);

/// Decodes the primary image of a HEIF/HEIC or AVIF file with libheif (irot/imir/clap applied) to RGB(A), 8-bit,
/// or 16-bit for deeper sources, with its ICC profile, NCLX, EXIF (orientation reset to 1: the transformations are
/// already applied, and HEIF says to ignore the EXIF tag) and XMP. Lives in the HEIC and AVIF modules
/// (wasm/src/heif_decode.cpp), whose libheif has the decoder: the HEIC module decodes HEVC, the AVIF module AV1.
/// Errors: INPUT_TOO_LARGE, DIMENSIONS_TOO_LARGE (from the header sizes, before decoding), CORRUPT_INPUT,
/// UNSUPPORTED_FORMAT, OUT_OF_MEMORY.
Result<Image> decode_heif(const uint8_t* data, size_t size, const Limits& limits = Limits{});

/// Every top-level image of a HEIF/AVIF file (thumbnails, alpha and depth images excluded), in file order, with
/// `primary_index` naming the primary one (pillow-heif's HeifFile). Limits: more than `limits.max_frames` images
/// is TOO_MANY_FRAMES, more than `limits.max_pixels` pixels in total DIMENSIONS_TOO_LARGE, both from the
/// headers before decoding. Errors otherwise as decode_heif().
Result<Frames> decode_heif_frames(const uint8_t* data, size_t size, const Limits& limits = Limits{});

/// probe() for HEIF/HEIC and AVIF, through libheif's reading of the boxes (no image data decoded; works for both
/// codecs in either module): the primary image's size (after irot), bit depth and alpha; frame_count = top-level
/// images. Limits as decode_heif_frames(). Lives in the HEIC and AVIF modules.
Result<ProbeInfo> probe_heif(const uint8_t* data, size_t size, const Limits& limits = Limits{});

/// Decodes a WebP (lossy or lossless, alpha; an animation: its first frame) with libwebp to RGB(A) 8-bit, with its
/// ICC profile, EXIF and XMP (libwebp demux). Lives in the WebP module (wasm/src/webp_decode.cpp). Errors:
/// INPUT_TOO_LARGE, DIMENSIONS_TOO_LARGE (from the header), TOO_MANY_FRAMES, CORRUPT_INPUT, OUT_OF_MEMORY.
Result<Image> decode_webp(const uint8_t* data, size_t size, const Limits& limits = Limits{});

/// Every frame of a WebP: an animation's frames composited onto the canvas (libwebp's WebPAnimDecoder: blending and
/// disposal as the WebP container specifies) with their durations (ms) and loop count; a still WebP as one image.
/// Limits from the headers before decoding: canvas width x height x frames vs `limits.max_pixels`, frames vs
/// `limits.max_frames`. Errors as decode_webp().
Result<Frames> decode_webp_frames(const uint8_t* data, size_t size, const Limits& limits = Limits{});

}  // namespace advcompress
