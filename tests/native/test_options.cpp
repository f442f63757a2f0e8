// Option and limit validation of the core: messages name the option, the range and the received value.
#include <gtest/gtest.h>

#include "advcompress/options.h"

using namespace advcompress;

TEST(Options, DefaultsAreValid) {
  for (Format f : {Format::kHeic, Format::kAvif, Format::kWebp}) {
    EncodeOptions o;
    o.format = f;
    EXPECT_TRUE(validate_options(o).ok()) << format_name(f);
    EXPECT_GE(default_quality(f), 0);
    EXPECT_LE(default_quality(f), 100);
    EXPECT_GE(default_effort(f), 0);
    EXPECT_LE(default_effort(f), 9);
  }
}

TEST(Options, QualityOutOfRange) {
  EncodeOptions o;
  o.quality = 150;
  auto s = validate_options(o);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, ErrorCode::kInvalidOption);
  EXPECT_EQ(s.error().message, "Expected integer between 0 and 100 for quality but received 150");
}

TEST(Options, EffortAndBitDepth) {
  EncodeOptions o;
  o.effort = 10;
  EXPECT_EQ(validate_options(o).error().message, "Expected integer between 0 and 9 for effort but received 10");
  o = {};
  o.bit_depth = 9;
  EXPECT_EQ(validate_options(o).error().message, "Expected one of 8, 10, 12 for bitDepth but received 9");
  o.format = Format::kWebp;
  o.bit_depth = 10;
  EXPECT_FALSE(validate_options(o).ok());
  o.format = Format::kAvif;
  EXPECT_TRUE(validate_options(o).ok());
}

TEST(Options, LosslessNeeds444) {
  EncodeOptions o;
  o.lossless = true;
  EXPECT_TRUE(validate_options(o).ok());  // chroma auto -> 4:4:4
  o.chroma = Chroma::k420;
  EXPECT_FALSE(validate_options(o).ok());
  o.chroma = Chroma::k444;
  EXPECT_TRUE(validate_options(o).ok());
}

TEST(Options, NclxOverridesAreHeifOnlyAndConsistent) {
  EncodeOptions o;
  o.color_primaries = 9;
  o.transfer_characteristics = 16;
  o.matrix_coefficients = 9;
  o.full_range = false;
  EXPECT_TRUE(validate_options(o).ok());  // BT.2020 PQ, limited range: a valid HEIC label
  o.format = Format::kWebp;
  auto s = validate_options(o);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message.find("WebP"), std::string::npos);
  o = EncodeOptions{};
  o.lossless = true;
  o.matrix_coefficients = 6;
  s = validate_options(o);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message.find("matrixCoefficients"), std::string::npos);
  o = EncodeOptions{};
  o.matrix_coefficients = 0;  // identity with subsampled chroma: not a valid combination
  EXPECT_FALSE(validate_options(o).ok());
  o.chroma = Chroma::k444;
  EXPECT_TRUE(validate_options(o).ok());
}

TEST(Options, FormatNames) {
  EXPECT_EQ(parse_format("heif"), Format::kHeic);
  EXPECT_EQ(parse_format("heic"), Format::kHeic);
  EXPECT_EQ(parse_format("avif"), Format::kAvif);
  EXPECT_EQ(parse_format("webp"), Format::kWebp);
  EXPECT_FALSE(parse_format("jpg").has_value());
  EXPECT_STREQ(format_mime(Format::kHeic), "image/heic");
  EXPECT_STREQ(error_code_name(ErrorCode::kDimensionsTooLarge), "DIMENSIONS_TOO_LARGE");
}

TEST(Limits, SeedDefaults) {
  Limits l;
  EXPECT_EQ(l.max_input_bytes, 32u * 1024 * 1024);
  EXPECT_EQ(l.max_side, 30000u);
  EXPECT_EQ(l.max_pixels, 250000000u);
  EXPECT_EQ(l.max_frames, 300u);
  EXPECT_EQ(l.max_output_side, 9999u);
  EXPECT_TRUE(validate_limits(l).ok());
  l.max_side = 0;
  EXPECT_FALSE(validate_limits(l).ok());
}
