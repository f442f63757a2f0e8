// Encoders compiled to wasm and run under Node: each module's codec encodes real and synthetic pictures, output
// has the format's signature, errors are typed. (Pixel closeness is checked by independent decoders in tests/node.)
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>

#include "advcompress/decode.h"
#include "advcompress/encode.h"
#if defined(ADVCOMPRESS_TEST_WEBP)
#include <webp/decode.h>
#endif

using namespace advcompress;

namespace {

#if defined(ADVCOMPRESS_TEST_WEBP)
constexpr Format kFormat = Format::kWebp;
Result<Encoded> encode(const Image& im, const EncodeOptions& o, const Limits& l = {}) { return encode_webp(im, o, l); }
#elif defined(ADVCOMPRESS_TEST_AVIF)
constexpr Format kFormat = Format::kAvif;
Result<Encoded> encode(const Image& im, const EncodeOptions& o, const Limits& l = {}) { return encode_heif(im, o, l); }
#else
constexpr Format kFormat = Format::kHeic;
Result<Encoded> encode(const Image& im, const EncodeOptions& o, const Limits& l = {}) { return encode_heif(im, o, l); }
#endif

Image gradient(uint32_t w, uint32_t h, uint8_t channels, uint8_t bytes = 1) {
  Image im;
  im.width = w;
  im.height = h;
  im.channels = channels;
  im.bytes_per_sample = bytes;
  im.source_bit_depth = bytes == 1 ? 8 : 16;
  im.data.resize(im.row_bytes() * h);
  for (uint32_t y = 0; y < h; ++y)
    for (uint32_t x = 0; x < w; ++x)
      for (uint8_t c = 0; c < channels; ++c) {
        const uint32_t v16 = c == 3 ? (x < w / 2 ? 65535 : 30000) : ((x * 65535 / w + y * 257 * c) & 0xffff);
        const size_t i = (size_t(y) * w + x) * channels + c;
        if (bytes == 1) im.data[i] = uint8_t(v16 >> 8);
        else std::memcpy(&im.data[i * 2], &v16, 2);
      }
  return im;
}

EncodeOptions opts() {
  EncodeOptions o;
  o.format = kFormat;
  o.effort = kFormat == Format::kWebp ? 4 : 2;  // keep the test fast
  return o;
}

bool has_signature(const std::vector<uint8_t>& d) {
  if (d.size() < 16) return false;
  if (kFormat == Format::kWebp) return !std::memcmp(d.data(), "RIFF", 4) && !std::memcmp(d.data() + 8, "WEBP", 4);
  const char* brand = kFormat == Format::kAvif ? "avif" : "heic";
  return !std::memcmp(d.data() + 4, "ftyp", 4) && !std::memcmp(d.data() + 8, brand, 4);
}

}  // namespace

TEST(Encode, SyntheticRgb) {
  auto r = encode(gradient(333, 201, 3), opts());
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_TRUE(has_signature(r.value().data));
  EXPECT_EQ(r.value().width, 333u);
  EXPECT_EQ(r.value().height, 201u);
}

TEST(Encode, RgbaAnd16Bit) {
  auto r = encode(gradient(64, 48, 4, 2), opts());
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_TRUE(has_signature(r.value().data));
  EXPECT_EQ(r.value().bit_depth, kFormat == Format::kWebp ? 8 : 10);  // 16-bit input -> 10-bit (pillow-heif)
}

TEST(Encode, LosslessAndBitDepth) {
  auto o = opts();
  o.lossless = true;
  auto r = encode(gradient(40, 30, 3), o);
  ASSERT_TRUE(r.ok()) << r.error().message;
#if defined(ADVCOMPRESS_TEST_WEBP)
  int w = 0, h = 0;
  uint8_t* px = WebPDecodeRGB(r.value().data.data(), r.value().data.size(), &w, &h);
  ASSERT_NE(px, nullptr);
  const auto src = gradient(40, 30, 3);
  EXPECT_EQ(0, std::memcmp(px, src.data.data(), src.data.size())) << "lossless WebP is bit-exact";
  WebPFree(px);
#else
  o = opts();
  o.bit_depth = 12;
  auto r12 = encode(gradient(40, 30, 3), o);
  ASSERT_TRUE(r12.ok()) << r12.error().message;
  EXPECT_EQ(r12.value().bit_depth, 12);
#endif
}

TEST(Encode, OutputTooLarge) {
  auto r = encode(gradient(10000, 2, 3), opts());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kOutputTooLarge);
  EXPECT_NE(r.error().message.find("9999"), std::string::npos) << r.error().message;
}

TEST(Encode, BadPixelBuffer) {
  auto im = gradient(10, 10, 3);
  im.data.resize(7);
  auto r = encode(im, opts());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidOption);
}

TEST(Encode, UnknownAdvancedParameter) {
  auto o = opts();
  o.advanced["no-such-parameter"] = "1";
  auto r = encode(gradient(16, 16, 3), o);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidOption);
}

TEST(Encode, RealPhoto) {
  const char* path = "/usr/share/backgrounds/mate/nature/Storm.jpg";
  std::ifstream f(path, std::ios::binary);
  if (!f) GTEST_SKIP() << path << " absent (Debian package mate-backgrounds not installed)";
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(f)), {});
  auto im = decode(bytes.data(), bytes.size());
  ASSERT_TRUE(im.ok()) << im.error().message;
  auto r = encode(im.value(), opts());
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_TRUE(has_signature(r.value().data));
  EXPECT_LT(r.value().data.size(), bytes.size()) << "smaller than the JPEG it came from";
}

#if !defined(ADVCOMPRESS_TEST_WEBP)
namespace {
// Tile `i` (row by row) of `im`: a compact copy of at most `size` x `size` pixels, as web/src/tiles.ts cuts them.
Image crop_tile(const Image& im, uint32_t size, uint32_t i) {
  const uint32_t columns = (im.width + size - 1) / size;
  const uint32_t x0 = i % columns * size, y0 = i / columns * size;
  Image t;
  t.width = std::min(size, im.width - x0);
  t.height = std::min(size, im.height - y0);
  t.channels = im.channels;
  t.bytes_per_sample = im.bytes_per_sample;
  t.source_bit_depth = im.source_bit_depth;
  for (uint32_t y = 0; y < t.height; ++y) {
    const uint8_t* row = im.data.data() + (size_t(y0 + y) * im.width + x0) * im.channels * im.bytes_per_sample;
    t.data.insert(t.data.end(), row, row + t.row_bytes());
  }
  return t;
}

Result<Encoded> grid_of(const Image& im, uint32_t size, const EncodeOptions& o,
                        std::vector<std::vector<uint8_t>>* tiles_out = nullptr) {
  GridSpec g;
  g.width = im.width;
  g.height = im.height;
  g.tile_size = size;
  g.source_bit_depth = im.source_bit_depth;
  std::vector<std::vector<uint8_t>> tiles;
  for (uint32_t i = 0; i < g.columns() * g.rows(); ++i) {
    auto t = encode_heif_tile(crop_tile(im, size, i), size, o);
    if (!t) return t.error();
    tiles.push_back(std::move(t.value()));
  }
  if (tiles_out) *tiles_out = tiles;
  return encode_heif_grid(tiles, g, im.meta, o);
}
}  // namespace

TEST(Grid, TilesCodedApartAssembleIntoOneImage) {
  Image im = gradient(200, 150, 3);  // 4 x 3 tiles of 64, the last column and row padded
  im.meta.exif = {'M', 'M', 0, 42, 0, 0, 0, 8, 0, 0, 0, 0, 0, 0};  // (a TIFF header and an empty IFD)
  auto r = grid_of(im, 64, opts());
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_TRUE(has_signature(r.value().data));
  EXPECT_EQ(r.value().width, 200u);
  EXPECT_EQ(r.value().height, 150u);
  auto back = decode_heif(r.value().data.data(), r.value().data.size());
  ASSERT_TRUE(back.ok()) << back.error().message;
  ASSERT_EQ(back.value().width, 200u);
  ASSERT_EQ(back.value().height, 150u);
  ASSERT_EQ(back.value().channels, 3);
  // As close to the image as the one-image encode of it (the gradient's wrapping edges keep both near 30 dB).
  auto one = encode(im, opts());
  ASSERT_TRUE(one.ok()) << one.error().message;
  auto one_back = decode_heif(one.value().data.data(), one.value().data.size());
  ASSERT_TRUE(one_back.ok()) << one_back.error().message;
  auto psnr = [&](const Image& b) {
    double se = 0;
    for (size_t i = 0; i < im.data.size(); ++i) se += (double(im.data[i]) - b.data[i]) * (double(im.data[i]) - b.data[i]);
    return 10 * std::log10(255.0 * 255.0 / (se / double(im.data.size())));
  };
  EXPECT_GT(psnr(back.value()), psnr(one_back.value()) - 1.0) << "the grid's pixels are the image's";
  EXPECT_GT(psnr(back.value()), 25);
  EXPECT_FALSE(back.value().meta.exif.empty()) << "EXIF on the grid item";
}

TEST(Grid, ErrorsAreTyped) {
  const Image im = gradient(130, 70, 3);
  std::vector<std::vector<uint8_t>> tiles;
  ASSERT_TRUE(grid_of(im, 64, opts(), &tiles).ok());
  GridSpec g{130, 70, 64, 8};
  tiles.pop_back();
  auto few = encode_heif_grid(tiles, g, {}, opts());
  ASSERT_FALSE(few.ok());
  EXPECT_EQ(few.error().code, ErrorCode::kInvalidOption);
  tiles.push_back({0, 0, 0, 9, 1, 2, 3});  // a size beyond the bytes
  auto damaged = encode_heif_grid(tiles, g, {}, opts());
  ASSERT_FALSE(damaged.ok());
  EXPECT_EQ(damaged.error().code, ErrorCode::kEncoderError) << damaged.error().message;
  tiles.back().clear();
  auto empty = encode_heif_grid(tiles, g, {}, opts());
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.error().code, ErrorCode::kEncoderError) << empty.error().message;
  for (uint32_t bad : {0u, 32u, 100u, 8192u}) {
    auto t = encode_heif_tile(crop_tile(im, 64, 0), bad, opts());
    ASSERT_FALSE(t.ok()) << bad;
    EXPECT_EQ(t.error().code, ErrorCode::kInvalidOption);
  }
  auto big = encode_heif_tile(im, 64, opts());
  ASSERT_FALSE(big.ok());
  EXPECT_EQ(big.error().code, ErrorCode::kInvalidOption);
  auto alpha = encode_heif_tile(gradient(64, 64, 4), 64, opts());
  ASSERT_FALSE(alpha.ok());
  EXPECT_EQ(alpha.error().code, ErrorCode::kInvalidOption);
  GridSpec wide{10000, 64, 64, 8};
  auto too_large = encode_heif_grid({}, wide, {}, opts());
  ASSERT_FALSE(too_large.ok());
  EXPECT_EQ(too_large.error().code, ErrorCode::kOutputTooLarge);
}
#endif
