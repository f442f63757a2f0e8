// advcompress — resize planning: where a ResizeSpec lands for a given source size. Codec-free (no pixels).
// SPDX-License-Identifier: MIT
#include <algorithm>
#include <cmath>
#include <string>

#include "advcompress/resize.h"

namespace advcompress {

namespace {

Error bad(const std::string& what) { return fail(ErrorCode::kInvalidOption, "resize: " + what); }

// Largest side we plan at all (beyond it offsets would not fit int32); the output limit is checked separately.
constexpr double kMaxPlanSide = 1 << 30;

// The one OUTPUT_TOO_LARGE message (sizes in pixels, clamped for the absurd ones a scale step can ask for).
Error output_too_large(double width, double height, const Limits& limits) {
  return fail(ErrorCode::kOutputTooLarge,
              "output would be " + std::to_string(uint64_t(std::min(width, 1e15))) + "x" +
                  std::to_string(uint64_t(std::min(height, 1e15))) + " px; each side must be at most " +
                  std::to_string(limits.max_output_side) +
                  " px (limits.maxOutputSide, as Tencent CI's 9,999 px; scale the image down with maxWidth/maxHeight "
                  "or a resize step)");
}

}  // namespace

Status check_output_side(uint32_t width, uint32_t height, const Limits& limits) {
  if (std::max(width, height) <= limits.max_output_side) return Ok{};
  return output_too_large(width, height, limits);
}

Status validate_resize(const ResizeSpec& s) {
  if (s.mode == ResizeMode::kScale) {
    if (!(s.scale_x > 0 && s.scale_x <= 100000) || !(s.scale_y > 0 && s.scale_y <= 100000))
      return bad("Expected scale percentages in (0, 100000] but received " + std::to_string(s.scale_x) + " x " +
                 std::to_string(s.scale_y));
  } else if (s.mode == ResizeMode::kArea) {
    if (s.area == 0) return bad("Expected an area of at least 1 pixel but received 0");
  } else if (s.width == 0 && s.height == 0 && s.long_side == 0 && s.short_side == 0) {
    return bad("Expected a width, a height, a long side or a short side (pixels) but received none");
  }
  if (s.only_shrink && s.only_enlarge) return bad("only_shrink and only_enlarge exclude each other");
  if (s.pad_color > 0xFFFFFF) return bad("Expected pad_color 0xRRGGBB but received " + std::to_string(s.pad_color));
  return Ok{};
}

Result<ResizePlan> plan_resize(const ResizeSpec& s, uint32_t src_w, uint32_t src_h, const Limits& limits) {
  if (auto v = validate_resize(s); !v) return v.error();
  if (src_w == 0 || src_h == 0) return bad("the source has no pixels");
  const double W = src_w, H = src_h;
  double sw = W, sh = H;          // scaled size (before rounding)
  double bw = s.width, bh = s.height;
  bool boxed = false;             // out = box (fill, pad) rather than the scaled size
  switch (s.mode) {
    case ResizeMode::kScale:
      sw = W * s.scale_x / 100;
      sh = H * s.scale_y / 100;
      break;
    case ResizeMode::kArea: {
      const double f = std::sqrt(double(s.area) / (W * H));
      sw = std::max(1.0, std::floor(W * f + 1e-6));  // (+1e-6: sqrt's rounding must not cost a whole pixel)
      sh = std::max(1.0, std::floor(H * f + 1e-6));
      if (sw * sh > double(s.area) && sw * sh > 1) (sw >= sh ? sw : sh) -= 1;
      break;
    }
    default: {
      if (bw == 0 && bh == 0) {  // OSS l_/s_: the long side of the box lies along the source's longer side
        const double l = s.long_side, sh_ = s.short_side;
        if (W >= H) { bw = l; bh = sh_; } else { bw = sh_; bh = l; }
      }
      if (bw == 0 || bh == 0) {  // one side given: proportional on it, whatever the mode
        const double f = bw != 0 ? bw / W : bh / H;
        sw = W * f;
        sh = H * f;
      } else if (s.mode == ResizeMode::kExact) {
        sw = bw;
        sh = bh;
      } else {
        const bool cover = s.mode == ResizeMode::kCover || s.mode == ResizeMode::kFill;
        const double f = cover ? std::max(bw / W, bh / H) : std::min(bw / W, bh / H);
        sw = W * f;
        sh = H * f;
        boxed = s.mode == ResizeMode::kFill || s.mode == ResizeMode::kPad;
      }
    }
  }
  if (s.mode != ResizeMode::kArea) {
    sw = std::max(1.0, std::round(sw));
    sh = std::max(1.0, std::round(sh));
  }
  if (boxed && s.mode == ResizeMode::kFill) {  // rounding must not leave the crop window uncovered
    sw = std::max(sw, bw);
    sh = std::max(sh, bh);
  }
  if (boxed && s.mode == ResizeMode::kPad) {
    sw = std::min(sw, bw);
    sh = std::min(sh, bh);
  }
  ResizePlan p;
  p.pad_color = s.pad_color;
  const bool larger = sw > W || sh > H, smaller = sw < W || sh < H;
  if ((s.only_shrink && larger) || (s.only_enlarge && smaller)) {
    sw = W;
    sh = H;
    boxed = false;
  }
  const double ow = boxed ? bw : sw, oh = boxed ? bh : sh;
  const double limit = std::min(double(limits.max_output_side), kMaxPlanSide);
  if (std::max(ow, oh) > limit || std::max(sw, sh) > kMaxPlanSide) return output_too_large(ow, oh, limits);
  p.scaled_width = uint32_t(sw);
  p.scaled_height = uint32_t(sh);
  p.out_width = uint32_t(ow);
  p.out_height = uint32_t(oh);
  p.offset_x = int32_t((int64_t(p.out_width) - int64_t(p.scaled_width)) / 2);
  p.offset_y = int32_t((int64_t(p.out_height) - int64_t(p.scaled_height)) / 2);
  return p;
}

}  // namespace advcompress
