// advcompress — internal pixel helpers shared by the encoders (not a public header).
// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>
#include <cstring>
#include <vector>

#include "advcompress/image.h"

namespace advcompress::detail {

/// Sample (x, channel c) of row `row` as a value in 0..65535 (8-bit samples are scaled by 257).
inline uint16_t sample16(const Image& im, const uint8_t* row, size_t i) {
  if (im.bytes_per_sample == 1) return uint16_t(row[i] * 257u);
  uint16_t v;
  std::memcpy(&v, row + 2 * i, 2);
  return v;
}

/// Rescales a 0..65535 value to 0..(2^bits - 1) with rounding.
inline uint16_t to_bits(uint16_t v, int bits) {
  const uint32_t max = (1u << bits) - 1;
  return uint16_t((uint32_t(v) * max + 32767u) / 65535u);
}

/// True when every alpha sample is fully opaque (then the alpha channel carries nothing and is dropped).
inline bool alpha_is_opaque(const Image& im) {
  if (im.channels != 4) return true;
  const size_t n = size_t(im.width) * im.height;
  if (im.bytes_per_sample == 1) {
    for (size_t i = 0; i < n; ++i)
      if (im.data[i * 4 + 3] != 255) return false;
  } else {
    for (size_t i = 0; i < n; ++i) {
      uint16_t a;
      std::memcpy(&a, &im.data[i * 8 + 6], 2);
      if (a != 65535) return false;
    }
  }
  return true;
}

}  // namespace advcompress::detail
