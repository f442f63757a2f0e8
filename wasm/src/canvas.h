// advcompress — internal: the canvas animation frames are painted onto (GIF, APNG) and the disposal of a frame's
// rectangle, shared by decode_gif.cpp and decode.cpp (not a public header).
// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>
#include <cstring>
#include <new>
#include <stdexcept>
#include <vector>

#include "advcompress/image.h"

namespace advcompress::detail {

/// A rectangle of the canvas, in pixels (already clipped to it; w or h may be 0).
struct Rect {
  uint32_t x = 0, y = 0, w = 0, h = 0;
};

/// An RGBA canvas of `width` x `height` pixels, `sample_bytes` (1 or 2, native-endian) per sample, fully transparent
/// black at first. Frames are painted into `pixels`; snapshot() copies the canvas out as one frame. Disposal, GIF's
/// and APNG's alike: clear() puts a rectangle back to transparent ("background"); save() keeps the rectangle a frame
/// is about to cover and restore() puts it back after the frame was shown ("previous") — only that rectangle
/// changes, so only it is copied, not the whole canvas.
struct Canvas {
  uint32_t width = 0, height = 0;
  unsigned sample_bytes = 1;
  std::vector<uint8_t> pixels, saved;

  /// Allocates a transparent canvas; false when the memory is not there (the caller reports OUT_OF_MEMORY).
  bool reset(uint32_t w, uint32_t h, unsigned bytes_per_sample) {
    width = w, height = h, sample_bytes = bytes_per_sample;
    try {
      pixels.assign(size_t(w) * h * 4 * bytes_per_sample, 0);
    } catch (const std::bad_alloc&) {
      return false;
    } catch (const std::length_error&) {
      return false;
    }
    return true;
  }
  size_t pixel_bytes() const { return 4 * size_t(sample_bytes); }
  size_t row_bytes() const { return size_t(width) * pixel_bytes(); }
  uint8_t* at(uint32_t x, uint32_t y) { return pixels.data() + size_t(y) * row_bytes() + size_t(x) * pixel_bytes(); }

  // (An empty rectangle — a GIF frame entirely off the screen — touches nothing: no zero-length memcpy from an
  // empty vector's null data(), tests/fuzz/corpus/probe/gif-frame-off-screen-disposal-previous.)
  void clear(const Rect& r) {
    if (r.w == 0 || r.h == 0) return;
    for (uint32_t y = r.y; y < r.y + r.h; ++y) std::memset(at(r.x, y), 0, size_t(r.w) * pixel_bytes());
  }
  void save(const Rect& r) {  // (may throw std::bad_alloc)
    if (r.w == 0 || r.h == 0) return;
    const size_t n = size_t(r.w) * pixel_bytes();
    saved.resize(n * r.h);
    for (uint32_t y = 0; y < r.h; ++y) std::memcpy(saved.data() + y * n, at(r.x, r.y + y), n);
  }
  void restore(const Rect& r) {
    if (r.w == 0 || r.h == 0) return;
    const size_t n = size_t(r.w) * pixel_bytes();
    for (uint32_t y = 0; y < r.h; ++y) std::memcpy(at(r.x, r.y + y), saved.data() + y * n, n);
  }
  /// The canvas as it is now, as one RGBA frame (an opaque one loses its alpha in the encoders). May throw.
  Image snapshot() const {
    Image im;
    im.width = width;
    im.height = height;
    im.channels = 4;
    im.bytes_per_sample = uint8_t(sample_bytes);
    im.source_bit_depth = sample_bytes == 2 ? 16 : 8;
    im.data = pixels;
    return im;
  }
};

}  // namespace advcompress::detail
