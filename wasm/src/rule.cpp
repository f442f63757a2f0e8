// advcompress — parser of the cloud rules (imageMogr2 and OSS `image/`), codec-free. Grammar and semantics from the
// services' documentation: Tencent Cloud CI "Scaling" (thumbnail), "Quality Change", "Format Conversion",
// "Remove metadata", "Adaptive rotation"; Alibaba OSS "Resize images", "Adjust image quality", "Convert formats",
// "auto-orient". Every token keeps its position in the raw rule so errors can point at it.
// SPDX-License-Identifier: MIT
#include <algorithm>
#include <cmath>
#include <initializer_list>
#include <string>
#include <vector>

#include "advcompress/rule.h"

namespace advcompress {

int resolve_quality(const std::vector<QualityStep>& steps, int source_quality) {
  double q = source_quality >= 1 && source_quality <= 100 ? source_quality : 100;
  for (const QualityStep& s : steps) {
    switch (s.op) {
      case QualityOp::kAbsolute: q = std::min(q, double(s.value)); break;
      case QualityOp::kForced: q = s.value; break;
      case QualityOp::kRelative: q = q * s.value / 100; break;
      case QualityOp::kLowest: q = std::max(q, double(s.value)); break;
    }
  }
  return int(std::lround(std::clamp(q, 0.0, 100.0)));
}

namespace {

struct Token {
  std::string text;  // %XX-decoded
  size_t pos;        // 0-based offset of the raw token in the rule
};

Error rule_error(const std::string& why, const Token& t) {
  return fail(ErrorCode::kInvalidRule, why + " at position " + std::to_string(t.pos) + " ('" + t.text + "')");
}

int hex(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Splits rule[begin, end) at `sep` into %XX-decoded tokens.
Result<std::vector<Token>> split(std::string_view rule, size_t begin, size_t end, char sep) {
  std::vector<Token> out;
  Token cur{"", begin};
  for (size_t i = begin; i <= end; ++i) {
    if (i == end || rule[i] == sep) {
      out.push_back(cur);
      cur = Token{"", i + 1};
      continue;
    }
    if (rule[i] == '%') {
      const int hi = i + 2 < end ? hex(rule[i + 1]) : -1, lo = i + 2 < end ? hex(rule[i + 2]) : -1;
      if (hi < 0 || lo < 0) return rule_error("malformed %XX escape", Token{std::string(rule.substr(i, 3)), i});
      cur.text += char(hi * 16 + lo);
      i += 2;
      continue;
    }
    cur.text += rule[i];
  }
  return out;
}

// Digits only, value in [lo, hi].
bool parse_uint(const std::string& s, uint64_t lo, uint64_t hi, uint64_t& out) {
  if (s.empty() || s.size() > 15) return false;
  uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + uint64_t(c - '0');
  }
  if (v < lo || v > hi) return false;
  out = v;
  return true;
}

// True when `s` is one of `names` (the documented operations and formats advcompress names but does not do).
bool listed(const std::string& s, std::initializer_list<const char*> names) {
  return std::any_of(names.begin(), names.end(), [&](const char* n) { return s == n; });
}

// Output formats: ours, and the ones the clouds also write but that are not advanced compression.
Result<Format> parse_output_format(const Token& t) {
  if (auto f = parse_format(t.text)) return *f;
  if (listed(t.text, {"jpg", "jpeg", "png", "gif", "bmp", "tpg", "tiff", "svgz", "avifs", "jxl"}))
    return rule_error("format '" + t.text + "' is not an advanced-compression format: advcompress writes heic "
                      "(heif), avif or webp", t);
  return rule_error("unknown format (expected heif, heic, avif or webp)", t);
}

const char* const kQualityWarning =
    "quality: the cloud applies it on its own (JPEG-like) scale to the source's quality; advcompress takes the "
    "source's quality from its JPEG quantisation tables (100 for other sources) and passes the result to the "
    "encoder's 0-100 quality, so sizes differ from the cloud's";

// ----- imageMogr2 ------------------------------------------------------------------------------------------------

// thumbnail/<geometry> (Tencent CI "Scaling"): !<S>p, !<S>px, !x<S>p, <W>x, x<H>, <W>x<H>, <W>x<H>>, <W>x<H><,
// !<W>x<H>r, <W>x<H>!, <Area>@.
Result<ResizeSpec> parse_thumbnail(const Token& t) {
  const std::string& g = t.text;
  ResizeSpec s;
  uint64_t a = 0, b = 0;
  constexpr uint64_t kMaxSide = 30000, kMaxScale = 1000;
  auto bad = [&](const std::string& why) { return rule_error("thumbnail: " + why, t); };
  if (g.empty()) return bad("empty geometry");
  if (g[0] == '!') {
    std::string r = g.substr(1);
    s.mode = ResizeMode::kScale;
    if (r.size() > 2 && r[0] == 'x' && r.back() == 'p') {  // !x<S>p
      if (!parse_uint(r.substr(1, r.size() - 2), 1, kMaxScale, a)) return bad("expected !x<Scale>p, Scale 1-1000");
      s.scale_y = double(a);
      return s;
    }
    if (r.size() > 2 && r.compare(r.size() - 2, 2, "px") == 0) {  // !<S>px
      if (!parse_uint(r.substr(0, r.size() - 2), 1, kMaxScale, a)) return bad("expected !<Scale>px, Scale 1-1000");
      s.scale_x = double(a);
      return s;
    }
    if (r.size() > 1 && r.back() == 'p') {  // !<S>p
      if (!parse_uint(r.substr(0, r.size() - 1), 1, kMaxScale, a)) return bad("expected !<Scale>p, Scale 1-1000");
      s.scale_x = s.scale_y = double(a);
      return s;
    }
    const size_t x = r.find('x');
    if (x != std::string::npos && r.size() > x + 2 && r.back() == 'r') {  // !<W>x<H>r
      if (!parse_uint(r.substr(0, x), 1, kMaxSide, a) || !parse_uint(r.substr(x + 1, r.size() - x - 2), 1, kMaxSide, b))
        return bad("expected !<Width>x<Height>r with sides 1-30000");
      s.mode = ResizeMode::kCover;
      s.width = uint32_t(a);
      s.height = uint32_t(b);
      return s;
    }
    return bad("expected !<Scale>p, !<Scale>px, !x<Scale>p or !<Width>x<Height>r");
  }
  if (g.back() == '@') {  // <Area>@
    if (!parse_uint(g.substr(0, g.size() - 1), 1, 900000000, a)) return bad("expected <Area>@, Area 1-900000000");
    s.mode = ResizeMode::kArea;
    s.area = a;
    return s;
  }
  std::string r = g;
  char suffix = 0;
  if (r.back() == '>' || r.back() == '<' || r.back() == '!') {
    suffix = r.back();
    r.pop_back();
  }
  const size_t x = r.find('x');
  if (x == std::string::npos) return bad("expected <Width>x<Height> (either side may be left out)");
  const std::string ws = r.substr(0, x), hs = r.substr(x + 1);
  if (ws.empty() && hs.empty()) return bad("expected a width or a height");
  if (!ws.empty() && !parse_uint(ws, 1, kMaxSide, a)) return bad("width must be 1-30000");
  if (!hs.empty() && !parse_uint(hs, 1, kMaxSide, b)) return bad("height must be 1-30000");
  s.width = uint32_t(a);
  s.height = uint32_t(b);
  s.mode = ResizeMode::kFit;
  if (suffix == '!') {
    if (ws.empty() || hs.empty()) return bad("<Width>x<Height>! needs both sides");
    s.mode = ResizeMode::kExact;
  } else if (suffix == '>') {
    s.only_shrink = true;
  } else if (suffix == '<') {
    s.only_enlarge = true;
  }
  return s;
}

Status parse_quality_arg(const Token& op, const Token& arg, RulePlan& plan) {
  std::string v = arg.text;
  bool forced = false;
  if (!v.empty() && v.back() == '!') {
    if (op.text != "quality") return rule_error(op.text + " takes no '!'", arg);
    forced = true;
    v.pop_back();
  }
  uint64_t q = 0;
  if (!parse_uint(v, 0, 100, q)) return rule_error(op.text + ": expected a quality 0-100", arg);
  QualityOp kind = op.text == "rquality" ? QualityOp::kRelative
                   : op.text == "lquality" ? QualityOp::kLowest
                   : forced ? QualityOp::kForced : QualityOp::kAbsolute;
  plan.quality.push_back({kind, int(q)});
  return Ok{};
}

const char* const kMogrSupported = "format, quality, rquality, lquality, thumbnail, strip, auto-orient, ignore-error";

bool is_known_mogr_op(const std::string& s) {
  return listed(s, {"crop", "scrop", "rcrop", "cut", "iradius", "rradius", "rotate", "blur", "bright", "contrast",
                    "sharpen", "grayscale", "interlace", "gravity", "size-limit", "minsize", "dpi", "pad", "color",
                    "cgif", "tpg", "heif"});
}

Status parse_mogr(const std::vector<Token>& tokens, RulePlan& plan) {
  for (size_t i = 1; i < tokens.size(); ++i) {
    const Token& op = tokens[i];
    if (op.text.empty()) {
      if (i + 1 == tokens.size()) break;  // a trailing '/'
      return rule_error("empty operation", op);
    }
    if (op.text == "strip") { plan.strip = true; continue; }
    if (op.text == "auto-orient") { plan.auto_orient = true; continue; }
    const bool takes_arg = op.text == "format" || op.text == "quality" || op.text == "rquality" ||
                           op.text == "lquality" || op.text == "thumbnail" || op.text == "ignore-error";
    if (!takes_arg) {
      if (is_known_mogr_op(op.text))
        return rule_error(std::string("imageMogr2 operation not supported by advcompress (supported: ") +
                              kMogrSupported + ")", op);
      return rule_error(std::string("unknown imageMogr2 operation (supported: ") + kMogrSupported + ")", op);
    }
    if (i + 1 >= tokens.size() || tokens[i + 1].text.empty())
      return rule_error("missing argument of " + op.text, op);
    const Token& arg = tokens[++i];
    if (op.text == "format") {
      auto f = parse_output_format(arg);
      if (!f) return f.error();
      plan.format = f.value();
    } else if (op.text == "thumbnail") {
      auto s = parse_thumbnail(arg);
      if (!s) return s.error();
      plan.resize.push_back(s.value());
    } else if (op.text == "ignore-error") {
      if (arg.text != "1") return rule_error("ignore-error takes 1", arg);
      plan.ignore_error = true;
    } else {
      if (auto s = parse_quality_arg(op, arg, plan); !s) return s;
    }
  }
  return Ok{};
}

// ----- OSS image/ ------------------------------------------------------------------------------------------------

const char* const kOssSupported = "format, resize, quality, auto-orient";

bool is_known_oss_action(const std::string& s) {
  return listed(s, {"crop", "circle", "indexcrop", "rounded-corners", "rotate", "blur", "bright", "contrast",
                    "sharpen", "watermark", "interlace", "info", "average-hue", "style"});
}

// resize,[w_,h_,l_,s_,m_,p_,limit_,color_] (OSS "Resize images").
Status parse_oss_resize(const std::vector<Token>& params, const Token& action, RulePlan& plan) {
  uint64_t w = 0, h = 0, l = 0, s = 0, p = 0, limit = 1, color = 0xFFFFFF;
  std::string m = "lfit";
  for (size_t i = 1; i < params.size(); ++i) {
    const Token& t = params[i];
    const size_t u = t.text.find('_');
    if (u == std::string::npos) return rule_error("resize: expected <param>_<value>", t);
    const std::string k = t.text.substr(0, u), v = t.text.substr(u + 1);
    bool ok = true;
    if (k == "w") ok = parse_uint(v, 1, 16384, w);
    else if (k == "h") ok = parse_uint(v, 1, 16384, h);
    else if (k == "l") ok = parse_uint(v, 1, 16384, l);
    else if (k == "s") ok = parse_uint(v, 1, 16384, s);
    else if (k == "p") ok = parse_uint(v, 1, 1000, p);
    else if (k == "limit") ok = parse_uint(v, 0, 1, limit);
    else if (k == "m") {
      ok = v == "lfit" || v == "mfit" || v == "fill" || v == "pad" || v == "fixed";
      if (ok) m = v;
    } else if (k == "color") {
      ok = v.size() == 6 && std::all_of(v.begin(), v.end(), [](char c) { return hex(c) >= 0; });
      if (ok) color = std::stoul(v, nullptr, 16);
    } else {
      return rule_error("unknown resize parameter (expected w, h, l, s, m, p, limit, color)", t);
    }
    if (!ok) {
      const char* range = k == "p" ? "1-1000" : k == "limit" ? "0 or 1" : k == "m" ? "lfit, mfit, fill, pad or fixed"
                          : k == "color" ? "RRGGBB hex" : "1-16384";
      return rule_error("resize: " + k + " must be " + range, t);
    }
  }
  ResizeSpec spec;
  spec.only_shrink = limit == 1;
  spec.pad_color = uint32_t(color);
  if (w || h || l || s) {
    spec.mode = m == "mfit" ? ResizeMode::kCover : m == "fill" ? ResizeMode::kFill : m == "pad" ? ResizeMode::kPad
              : m == "fixed" ? ResizeMode::kExact : ResizeMode::kFit;
    spec.width = uint32_t(w);
    spec.height = uint32_t(h);
    if (!w && !h) {  // OSS: l_ and s_ only count when neither w_ nor h_ is given
      spec.long_side = uint32_t(l);
      spec.short_side = uint32_t(s);
    }
    if (p) plan.warnings.push_back("resize: p_ is ignored because w_, h_, l_ or s_ is given");
  } else if (p) {
    spec.mode = ResizeMode::kScale;
    spec.scale_x = spec.scale_y = double(p);
    spec.only_shrink = false;  // p_ scales by a percentage, enlarging included
  } else {
    return rule_error("resize needs w_, h_, l_, s_ or p_", action);
  }
  plan.resize.push_back(spec);
  return Ok{};
}

Status parse_oss(const std::vector<Token>& steps, std::string_view rule, RulePlan& plan) {
  for (size_t i = 1; i < steps.size(); ++i) {
    const Token& step = steps[i];
    if (step.text.empty()) {
      if (i + 1 == steps.size()) break;
      return rule_error("empty operation", step);
    }
    // Re-split the raw step at ',' (positions stay exact).
    size_t raw_end = step.pos;
    while (raw_end < rule.size() && rule[raw_end] != '/') ++raw_end;
    auto params_r = split(rule, step.pos, raw_end, ',');
    if (!params_r) return params_r.error();
    const std::vector<Token>& params = params_r.value();
    const Token& action = params[0];
    if (action.text == "format") {
      if (params.size() != 2) return rule_error("format takes one value, e.g. format,heic", action);
      auto f = parse_output_format(params[1]);
      if (!f) return f.error();
      plan.format = f.value();
    } else if (action.text == "resize") {
      if (auto s = parse_oss_resize(params, action, plan); !s) return s;
    } else if (action.text == "quality") {
      if (params.size() < 2) return rule_error("quality needs q_<1-100> or Q_<1-100>", action);
      for (size_t j = 1; j < params.size(); ++j) {
        const Token& t = params[j];
        uint64_t q = 0;
        if (t.text.size() < 3 || (t.text[0] != 'q' && t.text[0] != 'Q') || t.text[1] != '_' ||
            !parse_uint(t.text.substr(2), 1, 100, q))
          return rule_error("quality: expected q_<1-100> (relative) or Q_<1-100> (absolute)", t);
        plan.quality.push_back({t.text[0] == 'q' ? QualityOp::kRelative : QualityOp::kAbsolute, int(q)});
      }
    } else if (action.text == "auto-orient") {
      if (params.size() != 2 || (params[1].text != "0" && params[1].text != "1"))
        return rule_error("auto-orient takes 0 or 1", params.size() > 1 ? params[1] : action);
      plan.auto_orient = params[1].text == "1";
    } else if (is_known_oss_action(action.text)) {
      return rule_error(std::string("OSS image action not supported by advcompress (supported: ") + kOssSupported +
                            ")", action);
    } else {
      return rule_error(std::string("unknown OSS image action (supported: ") + kOssSupported + ")", action);
    }
  }
  return Ok{};
}

}  // namespace

Result<RulePlan> parse_rule(std::string_view rule) {
  RulePlan plan;
  size_t start = 0;
  if (!rule.empty() && rule[0] == '?') start = 1;
  constexpr std::string_view kOssParam = "x-oss-process=";
  if (rule.substr(start, kOssParam.size()) == kOssParam) start += kOssParam.size();
  if (start >= rule.size())
    return fail(ErrorCode::kInvalidRule, "empty rule (expected imageMogr2/... or image/...)");
  if (rule.substr(start, 6) == "image/") {
    auto steps = split(rule, start, rule.size(), '/');
    if (!steps) return steps.error();
    if (auto s = parse_oss(steps.value(), rule, plan); !s) return s.error();
  } else {
    // imageMogr2 rules, several joined by '|' (CI's pipeline operator), applied in order.
    size_t seg = start;
    while (seg <= rule.size()) {
      size_t end = rule.find('|', seg);
      if (end == std::string_view::npos) end = rule.size();
      auto tokens = split(rule, seg, end, '/');
      if (!tokens) return tokens.error();
      const Token& head = tokens.value()[0];
      if (head.text != "imageMogr2") {
        return rule_error(head.text == "imageView2" || head.text == "watermark" || head.text == "imageInfo"
                              ? "only imageMogr2 and OSS image/ rules are supported"
                              : "a rule starts with imageMogr2/ (Tencent CI) or image/ (Alibaba OSS)",
                          head);
      }
      if (auto s = parse_mogr(tokens.value(), plan); !s) return s.error();
      seg = end + 1;
    }
  }
  if (!plan.quality.empty()) plan.warnings.push_back(kQualityWarning);
  if (!plan.format)
    plan.warnings.push_back("no format in the rule: the cloud keeps the source's format; advcompress writes the "
                            "format of the options (heic by default)");
  return plan;
}

}  // namespace advcompress
