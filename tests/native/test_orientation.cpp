// Tests for orientation.h: EXIF orientation parse/reset (both byte orders, malformed and truncated streams; meant
// to run under ASan/UBSan) and apply_orientation on small synthetic images for all 8 orientations.
// SPDX-License-Identifier: MIT
#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <vector>

#include "advcompress/orientation.h"

namespace advcompress {
namespace {

// ----- EXIF streams built by hand -----------------------------------------------------------------------------

struct Entry {
  uint16_t tag, type;
  uint32_t count, value;  // value stored in the 4-byte field (SHORT values left-justified)
};

void put16(std::vector<uint8_t>& v, size_t off, uint16_t x, bool be) {
  v[off] = uint8_t(be ? x >> 8 : x);
  v[off + 1] = uint8_t(be ? x : x >> 8);
}
void put32(std::vector<uint8_t>& v, size_t off, uint32_t x, bool be) {
  for (int i = 0; i < 4; ++i) v[off + i] = uint8_t(x >> (be ? 24 - 8 * i : 8 * i));
}

// A TIFF header + IFD0 with `entries`, next-IFD offset 0, then 8 bytes of padding data.
std::vector<uint8_t> make_exif(bool be, const std::vector<Entry>& entries) {
  std::vector<uint8_t> v(8 + 2 + entries.size() * 12 + 4 + 8, 0);
  v[0] = v[1] = be ? 'M' : 'I';
  put16(v, 2, 42, be);
  put32(v, 4, 8, be);
  put16(v, 8, uint16_t(entries.size()), be);
  for (size_t i = 0; i < entries.size(); ++i) {
    const size_t e = 10 + i * 12;
    put16(v, e, entries[i].tag, be);
    put16(v, e + 2, entries[i].type, be);
    put32(v, e + 4, entries[i].count, be);
    if (entries[i].type == 3 && entries[i].count == 1) {
      put16(v, e + 8, uint16_t(entries[i].value), be);
    } else {
      put32(v, e + 8, entries[i].value, be);
    }
  }
  return v;
}

std::vector<uint8_t> exif_with_orientation(bool be, uint16_t orientation) {
  return make_exif(be, {{0x010F, 2, 4, 0x41424300}, {0x0112, 3, 1, orientation}, {0x011A, 5, 1, 26}});
}

TEST(ExifOrientation, ReadsBothByteOrders) {
  for (bool be : {false, true}) {
    for (uint16_t o = 1; o <= 8; ++o) {
      const auto e = exif_with_orientation(be, o);
      EXPECT_EQ(exif_orientation(e.data(), e.size()), o) << "big_endian=" << be;
    }
  }
}

TEST(ExifOrientation, ExactBytesOfKnownStreams) {
  // Little endian: one entry, orientation 6.
  const std::vector<uint8_t> le = {'I', 'I', 42, 0, 8, 0, 0, 0, 1, 0, 0x12, 0x01, 3, 0,
                                   1,   0,   0,  0, 6, 0, 0, 0, 0, 0, 0,    0,    0, 0};
  EXPECT_EQ(exif_orientation(le.data(), le.size()), 6);
  // Big endian: same, orientation 8.
  const std::vector<uint8_t> be = {'M', 'M', 0, 42, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3,
                                   0,   0,   0, 1,  0, 8, 0, 0, 0, 0, 0,    0,    0, 0};
  EXPECT_EQ(exif_orientation(be.data(), be.size()), 8);
}

TEST(ExifOrientation, AbsentOrInvalidValueGivesOne) {
  for (bool be : {false, true}) {
    const auto none = make_exif(be, {{0x010F, 2, 4, 0}});
    EXPECT_EQ(exif_orientation(none.data(), none.size()), 1);
    for (uint16_t bad : {0, 9, 0xFFFF}) {
      const auto e = exif_with_orientation(be, bad);
      EXPECT_EQ(exif_orientation(e.data(), e.size()), 1) << bad;
    }
    // Wrong type (ASCII) or a count other than 1 is not trusted.
    auto wrong_type = make_exif(be, {{0x0112, 2, 1, 6}});
    EXPECT_EQ(exif_orientation(wrong_type.data(), wrong_type.size()), 1);
    auto wrong_count = make_exif(be, {{0x0112, 3, 2, 6}});
    EXPECT_EQ(exif_orientation(wrong_count.data(), wrong_count.size()), 1);
    // A LONG is tolerated.
    auto as_long = make_exif(be, {{0x0112, 4, 1, 3}});
    EXPECT_EQ(exif_orientation(as_long.data(), as_long.size()), 3);
  }
}

TEST(ExifOrientation, MalformedStreamsGiveOne) {
  EXPECT_EQ(exif_orientation(nullptr, 0), 1);
  EXPECT_EQ(exif_orientation(nullptr, 100), 1);
  const uint8_t tiny[] = {'I', 'I', 42, 0};
  EXPECT_EQ(exif_orientation(tiny, sizeof tiny), 1);

  auto e = exif_with_orientation(false, 6);
  auto bad_magic = e;
  bad_magic[2] = 43;
  EXPECT_EQ(exif_orientation(bad_magic.data(), bad_magic.size()), 1);
  auto bad_order = e;
  bad_order[0] = 'M';  // "MI"
  EXPECT_EQ(exif_orientation(bad_order.data(), bad_order.size()), 1);
  auto ifd_past_end = e;
  put32(ifd_past_end, 4, 0xFFFFFFF0u, false);
  EXPECT_EQ(exif_orientation(ifd_past_end.data(), ifd_past_end.size()), 1);
  auto ifd_in_header = e;
  put32(ifd_in_header, 4, 2, false);
  EXPECT_EQ(exif_orientation(ifd_in_header.data(), ifd_in_header.size()), 1);
  auto huge_count = make_exif(false, {{0x010F, 2, 4, 0}});
  put16(huge_count, 8, 0xFFFF, false);  // 65535 entries claimed, 1 present: must stop at the end
  EXPECT_EQ(exif_orientation(huge_count.data(), huge_count.size()), 1);

  // With the "Exif\0\0" APP1 prefix still on, it is not a TIFF stream.
  std::vector<uint8_t> prefixed = {'E', 'x', 'i', 'f', 0, 0};
  prefixed.insert(prefixed.end(), e.begin(), e.end());
  EXPECT_EQ(exif_orientation(prefixed.data(), prefixed.size()), 1);
}

TEST(ExifOrientation, EveryTruncationIsSafe) {
  for (bool be : {false, true}) {
    const auto e = exif_with_orientation(be, 6);
    const size_t entry_end = 10 + 2 * 12;  // the orientation entry is the second
    for (size_t n = 0; n <= e.size(); ++n) {
      // A copy of exactly n bytes so that ASan sees any read past the end.
      std::vector<uint8_t> cut(e.begin(), e.begin() + n);
      const uint8_t got = exif_orientation(cut.empty() ? nullptr : cut.data(), n);
      EXPECT_EQ(got, n >= entry_end ? 6 : 1) << "n=" << n;
      std::vector<uint8_t> copy = cut;
      EXPECT_EQ(exif_reset_orientation(copy), n >= entry_end) << "n=" << n;
    }
  }
}

TEST(ExifOrientation, ResetInBothByteOrders) {
  for (bool be : {false, true}) {
    auto e = exif_with_orientation(be, 6);
    const auto before = e;
    EXPECT_TRUE(exif_reset_orientation(e));
    EXPECT_EQ(exif_orientation(e.data(), e.size()), 1);
    // Nothing but the value field of the orientation entry changed.
    const size_t value = 10 + 12 + 8;
    for (size_t i = 0; i < e.size(); ++i) {
      if (i != value && i != value + 1) {
        EXPECT_EQ(e[i], before[i]) << "byte " << i;
      }
    }
    EXPECT_EQ(e[value], be ? 0 : 1);
    EXPECT_EQ(e[value + 1], be ? 1 : 0);
    // Already 1: nothing to change.
    EXPECT_FALSE(exif_reset_orientation(e));

    auto as_long = make_exif(be, {{0x0112, 4, 1, 8}});
    EXPECT_TRUE(exif_reset_orientation(as_long));
    EXPECT_EQ(exif_orientation(as_long.data(), as_long.size()), 1);

    auto out_of_range = exif_with_orientation(be, 9);
    EXPECT_TRUE(exif_reset_orientation(out_of_range));
    EXPECT_EQ(exif_orientation(out_of_range.data(), out_of_range.size()), 1);
  }
  auto none = make_exif(false, {{0x010F, 2, 4, 0}});
  const auto before = none;
  EXPECT_FALSE(exif_reset_orientation(none));
  EXPECT_EQ(none, before);
  std::vector<uint8_t> empty;
  EXPECT_FALSE(exif_reset_orientation(empty));
}

TEST(ExifOrientation, RandomMutationsStayInBounds) {
  std::mt19937 rng(1234);
  for (int iter = 0; iter < 20000; ++iter) {
    auto e = exif_with_orientation(iter & 1, uint16_t(1 + iter % 8));
    const int flips = 1 + int(rng() % 4);
    for (int i = 0; i < flips; ++i) e[rng() % e.size()] = uint8_t(rng());
    e.resize(rng() % (e.size() + 1));
    std::vector<uint8_t> exact(e);  // exact-size heap block for ASan
    const uint8_t o = exif_orientation(exact.empty() ? nullptr : exact.data(), exact.size());
    ASSERT_GE(o, 1);
    ASSERT_LE(o, 8);
    exif_reset_orientation(exact);
    ASSERT_EQ(exact.size(), e.size());
  }
}

// ----- apply_orientation ------------------------------------------------------------------------------------

// Every sample encodes (x, y, channel) so that the place a pixel lands is visible.
uint32_t sample_value(uint32_t x, uint32_t y, unsigned c, unsigned bps) {
  const uint32_t v = x * 16 + y * 4 + c + 1;
  return bps == 2 ? 0x1000 * (c + 1) + v * 3 + 0x0100 : v;
}

Image make_image(uint32_t w, uint32_t h, uint8_t channels, uint8_t bps) {
  Image im;
  im.width = w;
  im.height = h;
  im.channels = channels;
  im.bytes_per_sample = bps;
  im.data.resize(im.row_bytes() * h);
  for (uint32_t y = 0; y < h; ++y) {
    for (uint32_t x = 0; x < w; ++x) {
      for (unsigned c = 0; c < channels; ++c) {
        const uint32_t v = sample_value(x, y, c, bps);
        uint8_t* p = im.data.data() + y * im.row_bytes() + (size_t(x) * channels + c) * bps;
        if (bps == 1) {
          *p = uint8_t(v);
        } else {
          const uint16_t s = uint16_t(v);
          std::memcpy(p, &s, 2);
        }
      }
    }
  }
  return im;
}

uint32_t get(const Image& im, uint32_t x, uint32_t y, unsigned c) {
  const uint8_t* p = im.data.data() + y * im.row_bytes() + (size_t(x) * im.channels + c) * im.bytes_per_sample;
  if (im.bytes_per_sample == 1) return *p;
  uint16_t s;
  std::memcpy(&s, p, 2);
  return s;
}

// Where the stored pixel (x, y) of a w x h image is displayed, per the EXIF definition of each orientation
// (written from the "0th row / 0th column" wording of the standard, independently of the implementation).
void displayed_at(uint8_t o, uint32_t w, uint32_t h, uint32_t x, uint32_t y, uint32_t* dx, uint32_t* dy) {
  switch (o) {
    case 2:  // 0th row top, 0th column right
      *dx = w - 1 - x;
      *dy = y;
      break;
    case 3:  // 0th row bottom, 0th column right
      *dx = w - 1 - x;
      *dy = h - 1 - y;
      break;
    case 4:  // 0th row bottom, 0th column left
      *dx = x;
      *dy = h - 1 - y;
      break;
    case 5:  // 0th row left, 0th column top
      *dx = y;
      *dy = x;
      break;
    case 6:  // 0th row right, 0th column top
      *dx = h - 1 - y;
      *dy = x;
      break;
    case 7:  // 0th row right, 0th column bottom
      *dx = h - 1 - y;
      *dy = w - 1 - x;
      break;
    case 8:  // 0th row left, 0th column bottom
      *dx = y;
      *dy = w - 1 - x;
      break;
    default:
      *dx = x;
      *dy = y;
      break;
  }
}

struct Layout {
  uint8_t channels, bps;
};

class ApplyOrientation : public ::testing::TestWithParam<Layout> {};

TEST_P(ApplyOrientation, AllEightOrientationsMovePixelsAsDefined) {
  const Layout l = GetParam();
  for (uint32_t w : {1u, 2u, 3u, 5u}) {
    for (uint32_t h : {1u, 2u, 4u}) {
      for (uint8_t o = 1; o <= 8; ++o) {
        const Image src = make_image(w, h, l.channels, l.bps);
        Image im = src;
        apply_orientation(im, o);
        const bool swap = o >= 5;
        ASSERT_EQ(im.width, swap ? h : w);
        ASSERT_EQ(im.height, swap ? w : h);
        ASSERT_EQ(im.channels, l.channels);
        ASSERT_EQ(im.bytes_per_sample, l.bps);
        ASSERT_EQ(im.data.size(), src.data.size());
        for (uint32_t y = 0; y < h; ++y) {
          for (uint32_t x = 0; x < w; ++x) {
            uint32_t dx, dy;
            displayed_at(o, w, h, x, y, &dx, &dy);
            for (unsigned c = 0; c < l.channels; ++c) {
              ASSERT_EQ(get(im, dx, dy, c), get(src, x, y, c))
                  << "o=" << int(o) << " " << w << "x" << h << " from (" << x << "," << y << ") c=" << c;
            }
          }
        }
      }
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Layouts, ApplyOrientation,
                         ::testing::Values(Layout{3, 1}, Layout{4, 1}, Layout{3, 2}, Layout{4, 2}),
                         [](const ::testing::TestParamInfo<Layout>& i) {
                           return std::to_string(i.param.channels) + "ch_" + std::to_string(8 * i.param.bps) + "bit";
                         });

// The same facts spelled out on a 3 x 2 RGB image whose pixels are A B C / D E F (red channel = letter).
TEST(ApplyOrientationExplicit, ThreeByTwo) {
  auto letters = [](const Image& im) {
    std::string s;
    for (uint32_t y = 0; y < im.height; ++y) {
      if (y) s += '/';
      for (uint32_t x = 0; x < im.width; ++x) s += char(im.data[(y * im.width + x) * 3]);
    }
    return s;
  };
  const char* expected[9] = {"",         "ABC/DEF",  "CBA/FED",  "FED/CBA", "DEF/ABC",
                             "AD/BE/CF", "DA/EB/FC", "FC/EB/DA", "CF/BE/AD"};
  for (uint8_t o = 1; o <= 8; ++o) {
    Image im;
    im.width = 3;
    im.height = 2;
    im.channels = 3;
    const char* px = "ABCDEF";
    for (int i = 0; i < 6; ++i) im.data.insert(im.data.end(), {uint8_t(px[i]), 0, 0});
    apply_orientation(im, o);
    EXPECT_EQ(letters(im), expected[o]) << "orientation " << int(o);
  }
}

TEST(ApplyOrientationExplicit, InvalidValuesLeaveTheImageAlone) {
  const Image src = make_image(3, 2, 4, 1);
  for (uint8_t o : {0, 1, 9, 255}) {
    Image im = src;
    apply_orientation(im, o);
    EXPECT_EQ(im.width, 3u);
    EXPECT_EQ(im.height, 2u);
    EXPECT_EQ(im.data, src.data);
  }
  Image empty;
  apply_orientation(empty, 6);
  EXPECT_EQ(empty.width, 0u);
}

TEST(ApplyOrientationExplicit, TwiceRotatingBackRestores) {
  const Image src = make_image(7, 5, 4, 2);
  Image im = src;
  apply_orientation(im, 6);
  apply_orientation(im, 8);
  EXPECT_EQ(im.data, src.data);
  apply_orientation(im, 5);
  apply_orientation(im, 5);
  EXPECT_EQ(im.data, src.data);
  apply_orientation(im, 7);
  apply_orientation(im, 7);
  EXPECT_EQ(im.data, src.data);
  apply_orientation(im, 3);
  apply_orientation(im, 3);
  EXPECT_EQ(im.width, 7u);
  EXPECT_EQ(im.data, src.data);
}

}  // namespace
}  // namespace advcompress
