// Tables for the cloud-rule parser (rule.h) and the resize planner (resize.h): every documented imageMogr2
// thumbnail form and OSS resize mode, the seeds' own rules (seed 000/001 imageMogr2/format/heif|avif, seed 003
// image/format,heic and resize,l_900,h_600 -> 923 x 600 from 3924 x 2550), quality semantics, chaining, pipes,
// and errors with positions. Codec-free: runs natively under ASan/UBSan and compiled to wasm.
// SPDX-License-Identifier: MIT
#include <gtest/gtest.h>

#include <string>

#include "advcompress/rule.h"

namespace advcompress {
namespace {

RulePlan parse_ok(const std::string& rule) {
  auto r = parse_rule(rule);
  EXPECT_TRUE(r.ok()) << rule << ": " << (r.ok() ? "" : r.error().message);
  return r.ok() ? r.value() : RulePlan{};
}

// Output size of a rule's resize steps applied to w x h.
std::string size_after(const std::string& rule, uint32_t w, uint32_t h) {
  const RulePlan plan = parse_ok(rule);
  for (const ResizeSpec& s : plan.resize) {
    auto p = plan_resize(s, w, h);
    if (!p) return std::string(error_code_name(p.error().code));
    w = p.value().out_width;
    h = p.value().out_height;
  }
  return std::to_string(w) + "x" + std::to_string(h);
}

TEST(Rule, SeedRules) {
  EXPECT_EQ(parse_ok("imageMogr2/format/heif").format, Format::kHeic);
  EXPECT_EQ(parse_ok("imageMogr2/format/avif").format, Format::kAvif);
  EXPECT_EQ(parse_ok("image/format,heic").format, Format::kHeic);
  const RulePlan p = parse_ok("image/format,heic/resize,l_900,h_600");
  EXPECT_EQ(p.format, Format::kHeic);
  ASSERT_EQ(p.resize.size(), 1u);
  // Seed 003's table: the 3924 x 2550 JPEG becomes a 923 x 600 HEIF (h_ given, so OSS ignores l_).
  EXPECT_EQ(size_after("image/format,heic/resize,l_900,h_600", 3924, 2550), "923x600");
}

TEST(Rule, Formats) {
  EXPECT_EQ(parse_ok("imageMogr2/format/heic").format, Format::kHeic);
  EXPECT_EQ(parse_ok("imageMogr2/format/webp").format, Format::kWebp);
  EXPECT_EQ(parse_ok("image/format,avif").format, Format::kAvif);
  EXPECT_EQ(parse_ok("image/format,webp").format, Format::kWebp);
  for (const char* r : {"imageMogr2/format/jpg", "imageMogr2/format/png", "image/format,jpg", "image/format,gif",
                        "imageMogr2/format/tpg"}) {
    auto e = parse_rule(r);
    ASSERT_FALSE(e.ok()) << r;
    EXPECT_EQ(e.error().code, ErrorCode::kInvalidRule);
    EXPECT_NE(e.error().message.find("not an advanced-compression format"), std::string::npos) << e.error().message;
  }
  EXPECT_NE(parse_rule("imageMogr2/format/xyz").error().message.find("unknown format"), std::string::npos);
}

struct Thumb {
  const char* geometry;
  uint32_t w, h;
  const char* expect;
};

// Tencent CI "Scaling": each documented form on a 1000 x 500 source (and the enlarge/shrink-only cases).
TEST(Rule, ThumbnailForms) {
  const Thumb table[] = {
      {"!50p", 1000, 500, "500x250"},      {"!200p", 1000, 500, "2000x1000"},  {"!50px", 1000, 500, "500x500"},
      {"!x50p", 1000, 500, "1000x250"},    {"400x", 1000, 500, "400x200"},     {"x100", 1000, 500, "200x100"},
      {"400x400", 1000, 500, "400x200"},   {"2000x2000", 1000, 500, "2000x1000"},
      {"400x400>", 1000, 500, "400x200"},  {"2000x2000>", 1000, 500, "1000x500"},
      {"2000x2000<", 1000, 500, "2000x1000"}, {"400x400<", 1000, 500, "1000x500"},
      {"!400x400r", 1000, 500, "800x400"}, {"300x300!", 1000, 500, "300x300"}, {"20000@", 1000, 500, "200x100"},
      {"800x600%3E", 1000, 500, "800x400"}, {"400x", 333, 201, "400x241"},
  };
  for (const Thumb& t : table)
    EXPECT_EQ(size_after(std::string("imageMogr2/thumbnail/") + t.geometry, t.w, t.h), t.expect) << t.geometry;
}

// Alibaba OSS "Resize images": modes on the doc's own 400 x 200 -> w_300,h_160 example, l_/s_, p_, limit_.
TEST(Rule, OssResizeModes) {
  const Thumb table[] = {
      {"w_300,h_160", 400, 200, "300x150"},          {"w_300,h_160,m_lfit", 400, 200, "300x150"},
      {"w_300,h_160,m_mfit", 400, 200, "320x160"},   {"w_300,h_160,m_fill", 400, 200, "300x160"},
      {"w_300,h_160,m_pad", 400, 200, "300x160"},    {"w_300,h_160,m_fixed", 400, 200, "300x160"},
      {"l_100", 400, 200, "100x50"},                 {"s_100", 400, 200, "200x100"},
      {"l_100", 200, 400, "50x100"},                 {"l_200,s_50", 400, 200, "100x50"},
      {"w_100", 400, 200, "100x50"},                 {"h_100,l_50", 400, 200, "200x100"},
      {"p_50", 400, 200, "200x100"},                 {"p_150", 400, 200, "600x300"},
      {"w_800", 400, 200, "400x200"},                {"w_800,limit_0", 400, 200, "800x400"},
      {"w_300,h_160,m_fill,limit_0", 400, 200, "300x160"},
  };
  for (const Thumb& t : table)
    EXPECT_EQ(size_after(std::string("image/resize,") + t.geometry, t.w, t.h), t.expect) << t.geometry;
}

TEST(Rule, FillCropsCentredPadCentresOnColour) {
  const RulePlan fill = parse_ok("image/resize,w_300,h_160,m_fill");
  auto p = plan_resize(fill.resize[0], 400, 200);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p.value().scaled_width, 320u);
  EXPECT_EQ(p.value().scaled_height, 160u);
  EXPECT_EQ(p.value().offset_x, -10);
  EXPECT_EQ(p.value().offset_y, 0);
  const RulePlan pad = parse_ok("image/resize,w_300,h_160,m_pad,color_FF0000");
  p = plan_resize(pad.resize[0], 400, 200);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p.value().scaled_width, 300u);
  EXPECT_EQ(p.value().scaled_height, 150u);
  EXPECT_EQ(p.value().offset_y, 5);
  EXPECT_EQ(p.value().pad_color, 0xFF0000u);
}

TEST(Rule, OutputLimitIsCheckedWhenPlanning) {
  EXPECT_EQ(size_after("imageMogr2/thumbnail/!1000p", 1920, 1280), "OUTPUT_TOO_LARGE");
  EXPECT_EQ(size_after("imageMogr2/thumbnail/9999x", 1920, 1280), "9999x6666");
  EXPECT_EQ(size_after("imageMogr2/thumbnail/10000x", 1920, 1280), "OUTPUT_TOO_LARGE");
  Limits l;
  l.max_output_side = 500;
  auto p = plan_resize(parse_ok("imageMogr2/thumbnail/600x").resize[0], 1000, 500, l);
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.error().code, ErrorCode::kOutputTooLarge);
  EXPECT_NE(p.error().message.find("500"), std::string::npos);
}

TEST(Rule, QualitySemantics) {
  // imageMogr2 "Quality Change": quality/<Q> = min(source, Q); <Q>! forced; rquality relative; lquality lowest.
  EXPECT_EQ(resolve_quality(parse_ok("imageMogr2/quality/60").quality, 90), 60);
  EXPECT_EQ(resolve_quality(parse_ok("imageMogr2/quality/90").quality, 60), 60);
  EXPECT_EQ(resolve_quality(parse_ok("imageMogr2/quality/90!").quality, 60), 90);
  EXPECT_EQ(resolve_quality(parse_ok("imageMogr2/rquality/80").quality, 80), 64);  // the doc's 80 x 80% = 64
  EXPECT_EQ(resolve_quality(parse_ok("imageMogr2/lquality/80").quality, 85), 85);  // the doc's examples
  EXPECT_EQ(resolve_quality(parse_ok("imageMogr2/lquality/80").quality, 60), 80);
  EXPECT_EQ(resolve_quality(parse_ok("imageMogr2/quality/70").quality, 0), 70);  // PNG source: no JPEG quality
  // OSS: q_ relative, Q_ absolute (min).
  EXPECT_EQ(resolve_quality(parse_ok("image/quality,q_90").quality, 80), 72);
  EXPECT_EQ(resolve_quality(parse_ok("image/quality,Q_90").quality, 95), 90);
  EXPECT_EQ(resolve_quality(parse_ok("image/quality,Q_90").quality, 80), 80);
  const RulePlan p = parse_ok("imageMogr2/quality/80");
  ASSERT_FALSE(p.warnings.empty());
  EXPECT_NE(p.warnings[0].find("quality"), std::string::npos);
}

TEST(Rule, ChainedOperationsAndPipes) {
  const RulePlan p = parse_ok("imageMogr2/thumbnail/800x/format/heif/quality/80/strip/auto-orient/ignore-error/1");
  EXPECT_EQ(p.format, Format::kHeic);
  EXPECT_EQ(p.resize.size(), 1u);
  EXPECT_EQ(p.quality.size(), 1u);
  EXPECT_TRUE(p.strip);
  EXPECT_EQ(p.auto_orient, true);
  EXPECT_TRUE(p.ignore_error);
  const RulePlan q = parse_ok("imageMogr2/thumbnail/!50p|imageMogr2/thumbnail/300x/format/avif");
  EXPECT_EQ(q.format, Format::kAvif);
  EXPECT_EQ(size_after("imageMogr2/thumbnail/!50p|imageMogr2/thumbnail/300x", 1000, 500), "300x150");
  const RulePlan o = parse_ok("image/resize,w_100/auto-orient,0/format,webp/quality,q_80");
  EXPECT_EQ(o.auto_orient, false);
  EXPECT_EQ(o.format, Format::kWebp);
  // Any order (OSS), the x-oss-process= and ? prefixes, a trailing slash.
  EXPECT_EQ(parse_ok("?x-oss-process=image/format,heic/resize,w_10").format, Format::kHeic);
  EXPECT_EQ(parse_ok("imageMogr2/format/heif/").format, Format::kHeic);
}

TEST(Rule, NoFormatWarns) {
  const RulePlan p = parse_ok("imageMogr2/thumbnail/100x");
  ASSERT_EQ(p.warnings.size(), 1u);
  EXPECT_NE(p.warnings[0].find("no format"), std::string::npos);
}

struct Bad {
  const char* rule;
  const char* message_part;
};

TEST(Rule, ErrorsNamePositionAndToken) {
  const Bad table[] = {
      {"imageMogr2/thumbnai/100x", "unknown imageMogr2 operation (supported: format, quality, rquality, lquality, "
                                   "thumbnail, strip, auto-orient, ignore-error) at position 11 ('thumbnai')"},
      {"imageMogr2/crop/100x", "not supported by advcompress"},
      {"imageMogr2/format", "missing argument of format at position 11"},
      {"imageMogr2/quality/101", "quality: expected a quality 0-100 at position 19 ('101')"},
      {"imageMogr2/rquality/80!", "rquality takes no '!'"},
      {"imageMogr2/thumbnail/abc", "thumbnail: expected <Width>x<Height>"},
      {"imageMogr2/thumbnail/!0p", "Scale 1-1000"},
      {"imageMogr2/thumbnail/x", "expected a width or a height"},
      {"imageMogr2/thumbnail/100x!", "needs both sides"},
      {"imageMogr2/thumbnail/%zz", "malformed %XX escape"},
      {"imageMogr2/ignore-error/2", "ignore-error takes 1"},
      {"imageMogr2//format/heif", "empty operation at position 11"},
      {"imageView2/2/w/100", "only imageMogr2 and OSS image/ rules"},
      {"hello", "a rule starts with imageMogr2/"},
      {"", "empty rule"},
      {"imageMogr2/format/heif|", "a rule starts with imageMogr2/ (Tencent CI) or image/ (Alibaba OSS) at position 23"},
      {"image/resize,w_0", "resize: w must be 1-16384 at position 13 ('w_0')"},
      {"image/resize,m_lfit", "resize needs w_, h_, l_, s_ or p_"},
      {"image/resize,w_10,x_5", "unknown resize parameter"},
      {"image/resize,w_10,color_red", "color must be RRGGBB hex"},
      {"image/quality,z_5", "expected q_<1-100>"},
      {"image/rotate,90", "OSS image action not supported by advcompress"},
      {"image/frobnicate", "unknown OSS image action"},
      {"image/auto-orient,2", "auto-orient takes 0 or 1"},
      {"image/format", "format takes one value"},
  };
  for (const Bad& b : table) {
    auto r = parse_rule(b.rule);
    ASSERT_FALSE(r.ok()) << b.rule;
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidRule) << b.rule;
    EXPECT_NE(r.error().message.find(b.message_part), std::string::npos) << b.rule << " -> " << r.error().message;
  }
}

TEST(Resize, ValidateRejectsEmptySpecs) {
  ResizeSpec s;
  EXPECT_EQ(validate_resize(s).error().code, ErrorCode::kInvalidOption);
  s.mode = ResizeMode::kArea;
  EXPECT_FALSE(validate_resize(s).ok());
  s.mode = ResizeMode::kScale;
  s.scale_x = 0;
  EXPECT_FALSE(validate_resize(s).ok());
  s = ResizeSpec{};
  s.width = 10;
  s.only_shrink = s.only_enlarge = true;
  EXPECT_FALSE(validate_resize(s).ok());
}

TEST(Resize, MaxWidthHeightShrinksOnly) {
  ResizeSpec s;  // what maxWidth: 1000, maxHeight: 1000 become
  s.width = s.height = 1000;
  s.only_shrink = true;
  auto p = plan_resize(s, 1920, 1280);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p.value().out_width, 1000u);
  EXPECT_EQ(p.value().out_height, 667u);
  p = plan_resize(s, 640, 480);
  ASSERT_TRUE(p.ok());
  EXPECT_TRUE(p.value().identity(640, 480));
}

}  // namespace
}  // namespace advcompress
