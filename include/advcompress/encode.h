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

/// The structure of a pixel buffer: sides > 0, 3 or 4 channels, 1 or 2 bytes per sample, and `data` holding exactly
/// width x height of them. Errors: INVALID_OPTION naming what is wrong. (Read by check_encode_input and by the
/// metric, wasm/src/metric.cpp.)
Status check_pixels(const Image& image);

/// Checks what every encoder checks first: options valid, output sides <= limits.max_output_side
/// (OUTPUT_TOO_LARGE), image well-formed (INVALID_OPTION for a bad pixel buffer).
Status check_encode_input(const Image& image, const EncodeOptions& options, const Limits& limits);

/// HEIF with HEVC (options.format == kHeic) or AVIF (kAvif) through libheif. Errors: INVALID_OPTION,
/// OUTPUT_TOO_LARGE, ENCODER_ERROR (subcode: libheif's suberror; also when this module was built without the
/// requested codec), OUT_OF_MEMORY.
Result<Encoded> encode_heif(const Image& image, const EncodeOptions& options, const Limits& limits = Limits{});

/// Grid tiles (ARCHITECTURE.md, "Grid tiles"): the smallest and largest tile side, pixels. Tiles are square and a
/// multiple of 64 (HEVC's largest coding block, so no block straddles two tiles); iPhones write 512.
constexpr uint32_t kMinTileSize = 64;
constexpr uint32_t kMaxTileSize = 4096;

/// A grid image (ISO/IEC 23008-12 `grid` derived image item) of `width` x `height` pixels cut into square tiles of
/// `tile_size` pixels, row by row; the right and bottom tiles are padded (the grid crops them on display).
struct GridSpec {
  uint32_t width = 0;            ///< pixels of the whole image
  uint32_t height = 0;           ///< pixels of the whole image
  uint32_t tile_size = 512;      ///< pixels, each side of every tile
  uint8_t source_bit_depth = 8;  ///< of the whole image's source (picks the coded bit depth as encode_heif())
  uint32_t columns() const { return tile_size ? (width + tile_size - 1) / tile_size : 0; }
  uint32_t rows() const { return tile_size ? (height + tile_size - 1) / tile_size : 0; }
};

/// One tile of a grid HEIC/AVIF as an independent coded image, with the settings encode_heif() uses (quality,
/// chroma, effort, bit depth, NCLX from `tile.meta`): what a helper worker does with its share of the tiles. `tile`
/// is at most `tile_size` pixels per side (an edge tile is padded by repeating its last column and row).
/// Returns the codec's units (HEVC NAL units / AV1 OBUs) as produced, each as [4-byte big-endian size][unit]:
/// opaque bytes for encode_heif_grid(). Errors: as encode_heif(); INVALID_OPTION for a tile size that is not a
/// multiple of 64 in [kMinTileSize, kMaxTileSize], a tile larger than it, or a tile with transparency (grids are
/// written for opaque images only).
Result<std::vector<uint8_t>> encode_heif_tile(const Image& tile, uint32_t tile_size, const EncodeOptions& options,
                                              const Limits& limits = Limits{});

/// Assembles a grid HEIC/AVIF from the tiles encode_heif_tile() coded (row by row, `grid.columns() * grid.rows()`
/// of them) with the same options: one `grid` item, the primary image, with NCLX and the ICC profile (`colr`),
/// EXIF and XMP of `meta` (per `options.metadata`); the tiles are hidden items. Nothing is re-encoded.
/// Errors: INVALID_OPTION (options, tile size, tile count), OUTPUT_TOO_LARGE, ENCODER_ERROR (a tile that holds
/// no valid coded image), OUT_OF_MEMORY.
Result<Encoded> encode_heif_grid(const std::vector<std::vector<uint8_t>>& tiles, const GridSpec& grid,
                                 const Metadata& meta, const EncodeOptions& options, const Limits& limits = Limits{});

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
