// advcompress — resize steps: what the cloud rules' `thumbnail` (imageMogr2) and `resize` (OSS) operations and the
// maxWidth/maxHeight options ask for (ResizeSpec), where that lands for a given source (plan_resize, codec-free),
// and the resampling itself (resize_image, stb_image_resize2, in the decode module).
// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>

#include "advcompress/image.h"
#include "advcompress/options.h"
#include "advcompress/result.h"

namespace advcompress {

/// How a resize step maps the source size (W x H) to the output size.
enum class ResizeMode {
  /// Proportional, as large as possible inside width x height; a 0 side is unconstrained (imageMogr2
  /// `<W>x<H>`, `<W>x`, `x<H>`; OSS `m_lfit`, the default; maxWidth/maxHeight).
  kFit,
  /// Proportional, as small as possible while covering width x height (imageMogr2 `!<W>x<H>r`, OSS `m_mfit`).
  kCover,
  /// kCover, then the centred width x height window is kept (OSS `m_fill`).
  kFill,
  /// kFit, then centred on a width x height canvas of `pad_color` (OSS `m_pad`).
  kPad,
  /// Exactly width x height, aspect ratio ignored (imageMogr2 `<W>x<H>!`, OSS `m_fixed`).
  kExact,
  /// W * scale_x / 100 by H * scale_y / 100 (imageMogr2 `!<S>p`, `!<S>px`, `!x<S>p`; OSS `p_`).
  kScale,
  /// Proportional, the largest size with width * height <= area (imageMogr2 `<Area>@`).
  kArea,
};

/// One resize step. Sizes are pixels; they apply to the image after EXIF auto-orientation.
struct ResizeSpec {
  ResizeMode mode = ResizeMode::kFit;
  uint32_t width = 0;       ///< pixels; 0 = unconstrained (kFit, kCover), else >= 1
  uint32_t height = 0;      ///< pixels; 0 = unconstrained (kFit, kCover), else >= 1
  double scale_x = 100;     ///< percent of the source width (kScale), > 0
  double scale_y = 100;     ///< percent of the source height (kScale), > 0
  uint64_t area = 0;        ///< pixels (kArea), >= 1
  /// OSS `l_`/`s_`: when width and height are both 0, the box is long_side along the source's longer side and
  /// short_side along its shorter one (0 = unconstrained). OSS ignores them when w_ or h_ is given.
  uint32_t long_side = 0;
  uint32_t short_side = 0;
  /// Never enlarge: when the scaled size would exceed the source on either side, the step keeps the source
  /// unchanged (imageMogr2 `<W>x<H>>`, OSS `limit_1`, the OSS default; maxWidth/maxHeight).
  bool only_shrink = false;
  /// Never reduce: when the scaled size would be smaller than the source on either side, the step keeps the
  /// source unchanged (imageMogr2 `<W>x<H><`).
  bool only_enlarge = false;
  uint32_t pad_color = 0xFFFFFF;  ///< 0xRRGGBB of the kPad canvas (OSS `color_`, default white); opaque
};

/// Where a step lands: the source is resampled to scaled_width x scaled_height, then placed at
/// (offset_x, offset_y) on an out_width x out_height canvas: negative offsets crop (kFill), positive ones pad
/// (kPad, filled with pad_color). Output pixel (x, y) = scaled pixel (x - offset_x, y - offset_y).
struct ResizePlan {
  uint32_t scaled_width = 0;   ///< pixels
  uint32_t scaled_height = 0;  ///< pixels
  uint32_t out_width = 0;      ///< pixels
  uint32_t out_height = 0;     ///< pixels
  int32_t offset_x = 0;        ///< pixels
  int32_t offset_y = 0;        ///< pixels
  uint32_t pad_color = 0xFFFFFF;
  /// True when the step leaves a src_width x src_height image as it is.
  bool identity(uint32_t src_width, uint32_t src_height) const {
    return scaled_width == src_width && scaled_height == src_height && out_width == src_width &&
           out_height == src_height && offset_x == 0 && offset_y == 0;
  }
};

/// Checks a spec's ranges: INVALID_OPTION naming the field (the rule parser only produces valid specs).
Status validate_resize(const ResizeSpec& spec);

/// Computes the plan of `spec` for a src_width x src_height source (pixels). Sizes are rounded to the nearest
/// pixel, at least 1. Errors: INVALID_OPTION (validate_resize), OUTPUT_TOO_LARGE when a side of the output
/// exceeds limits.max_output_side (checked here, before any pixel is touched).
Result<ResizePlan> plan_resize(const ResizeSpec& spec, uint32_t src_width, uint32_t src_height,
                               const Limits& limits = Limits{});

/// Checks an output size against `limits.max_output_side` (pixels, each side; Tencent CI's 9,999 px output
/// restriction by default): OUTPUT_TOO_LARGE naming the size and the limit. The one check every path uses: the
/// planner (plan_output, before decoding) and every encoder (check_encode_input, for pixels handed in directly).
Status check_output_side(uint32_t width, uint32_t height, const Limits& limits);

/// Resamples `image` per `plan` (stb_image_resize2's Mitchell filter for downscaling, Catmull-Rom for
/// upscaling, alpha-weighted; 8- and 16-bit; metadata kept). Errors: INVALID_OPTION for a plan that does not
/// fit the image, OUT_OF_MEMORY. Defined in the decode module (wasm/src/resize.cpp).
Result<Image> resize_image(const Image& image, const ResizePlan& plan);

}  // namespace advcompress
