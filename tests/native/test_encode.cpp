// Encoders compiled to wasm and run under Node: each module's codec encodes real and synthetic pictures, output
// has the format's signature, errors are typed. (Pixel closeness is checked by independent decoders in tests/node.)
#include <gtest/gtest.h>

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
