// advcompress — EXIF orientation: reading/resetting the tag (0x0112) in IFD0 of an EXIF TIFF stream and applying
// it to interleaved pixels. Every read of the EXIF stream is bounds-checked; malformed input yields orientation 1.
// SPDX-License-Identifier: MIT
#include "advcompress/orientation.h"

#include <algorithm>
#include <cstring>
#include <utility>

namespace advcompress {
namespace {

constexpr uint16_t kOrientationTag = 0x0112;
constexpr uint16_t kTypeShort = 3;
constexpr uint16_t kTypeLong = 4;

// A bounds-checked view of a TIFF stream in its declared byte order.
struct Tiff {
  const uint8_t* p;
  size_t size;
  bool big_endian;

  bool has(size_t off, size_t n) const { return off <= size && size - off >= n; }
  uint16_t u16(size_t off) const {  // caller checked has(off, 2)
    return big_endian ? uint16_t(p[off] << 8 | p[off + 1]) : uint16_t(p[off + 1] << 8 | p[off]);
  }
  uint32_t u32(size_t off) const {  // caller checked has(off, 4)
    return big_endian ? uint32_t(p[off]) << 24 | uint32_t(p[off + 1]) << 16 | uint32_t(p[off + 2]) << 8 | p[off + 3]
                      : uint32_t(p[off + 3]) << 24 | uint32_t(p[off + 2]) << 16 | uint32_t(p[off + 1]) << 8 | p[off];
  }
};

// The orientation entry of IFD0: byte offset of its value field and its type. Returns false when absent or when
// the stream is malformed.
bool find_orientation(const uint8_t* exif, size_t size, size_t* value_off, uint16_t* type) {
  if (exif == nullptr || size < 8) return false;
  Tiff t{exif, size, false};
  if (exif[0] == 'I' && exif[1] == 'I') {
    t.big_endian = false;
  } else if (exif[0] == 'M' && exif[1] == 'M') {
    t.big_endian = true;
  } else {
    return false;
  }
  if (t.u16(2) != 42) return false;
  const size_t ifd = t.u32(4);
  if (ifd < 8 || !t.has(ifd, 2)) return false;
  const size_t count = t.u16(ifd);
  for (size_t i = 0; i < count; ++i) {
    const size_t entry = ifd + 2 + i * 12;
    if (!t.has(entry, 12)) return false;  // truncated directory
    if (t.u16(entry) != kOrientationTag) continue;
    const uint16_t ty = t.u16(entry + 2);
    // A single SHORT is what the standard says; a single LONG is tolerated (both fit in the 4-byte value field).
    if ((ty != kTypeShort && ty != kTypeLong) || t.u32(entry + 4) != 1) return false;
    *value_off = entry + 8;
    *type = ty;
    return true;
  }
  return false;
}

// Pixel movers for a pixel size of PB bytes (0: the size is only known at run time). Fixed sizes let the compiler
// turn each memcpy into plain loads and stores.
template <size_t PB>
struct Mover {
  size_t pb;
  size_t size() const { return PB ? PB : pb; }
  void copy(uint8_t* d, const uint8_t* s) const { std::memcpy(d, s, PB ? PB : pb); }
  void swap(uint8_t* a, uint8_t* b) const {
    uint8_t tmp[16];
    copy(tmp, a);
    copy(a, b);
    copy(b, tmp);
  }
};

// Orientations 2–4 in place: mirror rows (2), reverse the whole buffer (3), swap rows top <-> bottom (4).
template <size_t PB>
void flip_in_place(uint8_t* data, uint32_t w, uint32_t h, uint8_t o, Mover<PB> m) {
  const size_t px = m.size();
  const size_t rb = size_t(w) * px;
  if (o == 2) {
    for (uint32_t y = 0; y < h; ++y) {
      uint8_t* row = data + y * rb;
      for (uint32_t a = 0, b = w - 1; a < b; ++a, --b) m.swap(row + a * px, row + size_t(b) * px);
    }
  } else if (o == 3) {
    const size_t n = size_t(w) * h;
    for (size_t a = 0, b = n - 1; a < b; ++a, --b) m.swap(data + a * px, data + b * px);
  } else {  // 4
    for (uint32_t a = 0, b = h - 1; a < b; ++a, --b)
      std::swap_ranges(data + a * rb, data + (a + 1) * rb, data + b * rb);
  }
}

// Orientations 5–8 (axes transposed): dst is h wide and w high; dst(x, y) = src(sx(y), sy(x)) where the source
// column depends only on the destination row and the source row only on the destination column. Walked in tiles
// so that the column-wise reads of the source stay in cache.
template <size_t PB>
void transpose_into(const uint8_t* src, uint8_t* dst, uint32_t w, uint32_t h, uint8_t o, Mover<PB> m) {
  const size_t px = m.size();
  const uint32_t ow = h, oh = w;
  const bool flip_sx = o == 7 || o == 8;  // sx = w-1-y instead of y
  const bool flip_sy = o == 6 || o == 7;  // sy = h-1-x instead of x
  constexpr uint32_t kTile = 32;
  for (uint32_t ty = 0; ty < oh; ty += kTile) {
    const uint32_t y_end = ty + kTile < oh ? ty + kTile : oh;
    for (uint32_t tx = 0; tx < ow; tx += kTile) {
      const uint32_t x_end = tx + kTile < ow ? tx + kTile : ow;
      for (uint32_t y = ty; y < y_end; ++y) {
        const size_t sx = flip_sx ? w - 1 - y : y;
        uint8_t* out = dst + (size_t(y) * ow + tx) * px;
        for (uint32_t x = tx; x < x_end; ++x, out += px) {
          const size_t sy = flip_sy ? h - 1 - x : x;
          m.copy(out, src + (sy * w + sx) * px);
        }
      }
    }
  }
}

template <size_t PB>
void orient(Image& im, uint8_t o, Mover<PB> m) {
  if (o <= 4) {
    flip_in_place(im.data.data(), im.width, im.height, o, m);
    return;
  }
  // May throw std::bad_alloc (decode() checks the memory first and catches it).
  std::vector<uint8_t> out(im.data.size());
  transpose_into(im.data.data(), out.data(), im.width, im.height, o, m);
  im.data.swap(out);
  std::swap(im.width, im.height);
}

}  // namespace

uint8_t exif_orientation(const uint8_t* exif, size_t size) {
  size_t off = 0;
  uint16_t type = 0;
  if (!find_orientation(exif, size, &off, &type)) return 1;
  const Tiff t{exif, size, exif[0] == 'M'};
  const uint32_t v = type == kTypeShort ? t.u16(off) : t.u32(off);
  return v >= 1 && v <= 8 ? uint8_t(v) : 1;
}

bool exif_reset_orientation(std::vector<uint8_t>& exif) {
  size_t off = 0;
  uint16_t type = 0;
  if (!find_orientation(exif.data(), exif.size(), &off, &type)) return false;
  const bool be = exif[0] == 'M';
  const Tiff t{exif.data(), exif.size(), be};
  const uint32_t old = type == kTypeShort ? t.u16(off) : t.u32(off);
  if (old == 1) return false;
  uint8_t* v = exif.data() + off;
  if (type == kTypeShort) {
    v[0] = be ? 0 : 1;
    v[1] = be ? 1 : 0;
  } else {
    v[0] = v[1] = v[2] = v[3] = 0;
    v[be ? 3 : 0] = 1;
  }
  return true;
}

void apply_orientation(Image& image, uint8_t orientation) {
  if (orientation < 2 || orientation > 8 || image.width == 0 || image.height == 0) return;
  const size_t pixel_bytes = size_t(image.channels) * image.bytes_per_sample;
  if (pixel_bytes == 0 || pixel_bytes > 16 || image.data.size() < image.row_bytes() * image.height) return;
  switch (pixel_bytes) {
    case 3:
      return orient(image, orientation, Mover<3>{3});
    case 4:
      return orient(image, orientation, Mover<4>{4});
    case 6:
      return orient(image, orientation, Mover<6>{6});
    case 8:
      return orient(image, orientation, Mover<8>{8});
    default:
      return orient(image, orientation, Mover<0>{pixel_bytes});
  }
}

}  // namespace advcompress
