// advcompress — entry point of the decode module (libjpeg-turbo, libpng (APNG) + zlib, giflib, stb_image, libnsbmp,
// stb_image_resize2): probe, decode (with resize steps), decodeFrames (animated GIF, APNG), transform (orientation +
// resize of pixels decoded elsewhere), and the codec-free cloud-rule parser (parseRule, resolveQuality).
// SPDX-License-Identifier: MIT
#include <iterator>

#include "advcompress/decode.h"
#include "advcompress/rule.h"
#include "common.h"

using namespace emscripten;
using advcompress::bind::Reader;
using advcompress::bind::error_value;

namespace {


constexpr const char* kModeNames[] = {"fit", "cover", "fill", "pad", "exact", "scale", "area"};
static_assert(sizeof(kModeNames) / sizeof(kModeNames[0]) == size_t(advcompress::ResizeMode::kArea) + 1,
              "one name per ResizeMode");
constexpr const char* kQualityOpNames[] = {"absolute", "forced", "relative", "lowest"};
static_assert(sizeof(kQualityOpNames) / sizeof(kQualityOpNames[0]) == size_t(advcompress::QualityOp::kLowest) + 1,
              "one name per QualityOp");

/// ResizeSpec -> {mode, width?, height?, scaleX?, scaleY?, area?, longSide?, shortSide?, onlyShrink, onlyEnlarge,
/// padColor?} (web/src/options.ts ResizeStep).
val resize_value(const advcompress::ResizeSpec& s) {
  using advcompress::ResizeMode;
  val v = val::object();
  v.set("mode", std::string(kModeNames[size_t(s.mode)]));
  if (s.mode == ResizeMode::kScale) {
    v.set("scaleX", s.scale_x);
    v.set("scaleY", s.scale_y);
  } else if (s.mode == ResizeMode::kArea) {
    v.set("area", double(s.area));
  } else {
    if (s.width) v.set("width", s.width);
    if (s.height) v.set("height", s.height);
    if (s.long_side) v.set("longSide", s.long_side);
    if (s.short_side) v.set("shortSide", s.short_side);
  }
  v.set("onlyShrink", s.only_shrink);
  v.set("onlyEnlarge", s.only_enlarge);
  if (s.mode == ResizeMode::kPad) v.set("padColor", s.pad_color);
  return v;
}

/// The inverse of resize_value (ranges checked by validate_resize; a bad step is INVALID_OPTION).
advcompress::ResizeSpec read_resize(Reader& rd, const val& o) {
  advcompress::ResizeSpec s;
  const std::string mode = rd.str(o, "mode", "fit");
  size_t m = 0;
  while (m < std::size(kModeNames) && mode != kModeNames[m]) ++m;
  if (m == std::size(kModeNames))
    rd.set_error(advcompress::fail(advcompress::ErrorCode::kInvalidOption,
                                   "Expected one of fit, cover, fill, pad, exact, scale, area for resize mode but "
                                   "received " + mode));
  else
    s.mode = advcompress::ResizeMode(m);
  auto side = [&](const char* k) {
    const double d = rd.num(o, k, 0);
    if (d < 0 || d > 1e9 || d != double(uint32_t(d)))
      rd.set_error(advcompress::fail(advcompress::ErrorCode::kInvalidOption,
                                     std::string("Expected a whole number of pixels for resize ") + k));
    return d >= 0 && d <= 1e9 ? uint32_t(d) : 0u;
  };
  s.width = side("width");
  s.height = side("height");
  s.long_side = side("longSide");
  s.short_side = side("shortSide");
  s.scale_x = rd.num(o, "scaleX", 100);
  s.scale_y = rd.num(o, "scaleY", 100);
  const double area = rd.num(o, "area", 0);
  s.area = area > 0 && area < 1e15 ? uint64_t(area) : 0;
  s.only_shrink = rd.boolean(o, "onlyShrink", false);
  s.only_enlarge = rd.boolean(o, "onlyEnlarge", false);
  const double pad = rd.num(o, "padColor", 0xFFFFFF);
  s.pad_color = pad >= 0 && pad <= 0xFFFFFF ? uint32_t(pad) : 0x1000000;  // out of range -> validate_resize says so
  if (!rd.error)
    if (auto v = advcompress::validate_resize(s); !v) rd.set_error(v.error());
  return s;
}

/// parseRule(rule: string) -> {format?, quality: [{op, value}], resize: ResizeStep[], autoOrient?, strip,
///   ignoreError, warnings: string[]} | {error} (INVALID_RULE with position and token).
val parse_rule(val rule) {
  if (!rule.isString())
    return error_value(advcompress::fail(advcompress::ErrorCode::kInvalidRule, "Expected a rule string"));
  auto r = advcompress::parse_rule(rule.as<std::string>());
  if (!r) return error_value(r.error());
  const advcompress::RulePlan& p = r.value();
  val v = val::object();
  if (p.format) v.set("format", std::string(advcompress::format_name(*p.format)));
  val q = val::array();
  for (const auto& step : p.quality) {
    val s = val::object();
    s.set("op", std::string(kQualityOpNames[size_t(step.op)]));
    s.set("value", step.value);
    q.call<void>("push", s);
  }
  v.set("quality", q);
  val rs = val::array();
  for (const auto& spec : p.resize) rs.call<void>("push", resize_value(spec));
  v.set("resize", rs);
  if (p.auto_orient) v.set("autoOrient", *p.auto_orient);
  v.set("strip", p.strip);
  v.set("ignoreError", p.ignore_error);
  val w = val::array();
  for (const auto& s : p.warnings) w.call<void>("push", s);
  v.set("warnings", w);
  return v;
}

/// resolveQuality(steps: [{op, value}], sourceQuality: number 0-100, 0 = unknown) -> number 0-100.
int resolve_quality(val steps, int source_quality) {
  std::vector<advcompress::QualityStep> out;
  const int n = steps["length"].as<int>();
  for (int i = 0; i < n; ++i) {
    const std::string op = steps[i]["op"].as<std::string>();
    size_t k = 0;
    while (k < std::size(kQualityOpNames) && op != kQualityOpNames[k]) ++k;
    if (k == std::size(kQualityOpNames)) continue;
    out.push_back({advcompress::QualityOp(k), steps[i]["value"].as<int>()});
  }
  return advcompress::resolve_quality(out, source_quality);
}

/// sniff(bytes: Uint8Array) -> "jpeg" | "png" | "gif" | "bmp" | "webp" | "heif" | "avif" | "tpg" | "unknown": the
/// input format from the signature (advcompress::sniff, the one sniffer; the TypeScript side asks it which module
/// decodes a file). Reads only the first bytes; never fails.
std::string sniff_format(val bytes) {
  Reader rd;
  const auto data = rd.bytes(bytes, "input");
  if (rd.error) return "unknown";
  return advcompress::input_format_name(advcompress::sniff(data.data(), data.size()));
}

/// probe(bytes: Uint8Array, limits?: Limits) -> ProbeInfo | {error}
val probe(val bytes, val limits) {
  Reader rd;
  const auto l = rd.limits(limits);
  const auto data = rd.bytes(bytes, "input");
  if (rd.error) return error_value(*rd.error);
  auto r = advcompress::probe(data.data(), data.size(), l);
  if (!r) return error_value(r.error());
  return advcompress::bind::probe_value(r.value(), advcompress::input_format_name(r.value().format));
}

/// DecodeOptions from {autoOrient?: boolean, limits?: Limits, resize?: ResizeStep[]}.
advcompress::DecodeOptions read_decode_options(Reader& rd, const val& options) {
  advcompress::DecodeOptions o;
  o.auto_orient = rd.boolean(options, "autoOrient", true);
  if (advcompress::bind::has(options, "limits")) o.limits = rd.limits(options["limits"]);
  if (advcompress::bind::has(options, "resize")) {
    val steps = options["resize"];
    if (!steps.isArray()) rd.type_error("resize", "an array of resize steps");
    else
      for (int i = 0, n = steps["length"].as<int>(); i < n; ++i) o.resize.push_back(read_resize(rd, steps[i]));
  }
  return o;
}

/// decode(bytes: Uint8Array, options?: {autoOrient?: boolean, limits?: Limits, resize?: ResizeStep[]})
///   -> {data: Uint8Array, width, height, channels, bytesPerSample, sourceBitDepth, icc?, exif?, xmp?, nclx?}
///      | {error}. 16-bit samples are little-endian byte pairs in `data`. An animated GIF or APNG: its first frame.
/// decodeFrames(bytes, options?: as decode) -> {frames: pixels[], durations: number[] (ms), loopCount,
///   primaryIndex} | {error}: every frame of an animated GIF or APNG (composited), one image otherwise.
template <class T, advcompress::Result<T> (*Decode)(const uint8_t*, size_t, const advcompress::DecodeOptions&),
          val (*Out)(const T&)>
val decode_entry(val bytes, val options) {
  Reader rd;
  const advcompress::DecodeOptions o = read_decode_options(rd, options);
  const auto data = rd.bytes(bytes, "input");
  if (rd.error) return error_value(*rd.error);
  auto r = Decode(data.data(), data.size(), o);
  if (!r) return error_value(r.error());
  return Out(r.value());
}

/// planOutput(size: {width, height, orientation?: 1-8}, options?: {autoOrient?, resize?, limits?})
///   -> {width, height} (pixels) | {error}: the size convert() will encode, from the header sizes alone
///   (advcompress::plan_output): OUTPUT_TOO_LARGE / INVALID_OPTION before anything is decoded.
val plan_output(val size, val options) {
  Reader rd;
  const advcompress::DecodeOptions o = read_decode_options(rd, options);
  const int width = rd.integer(size, "width", 0), height = rd.integer(size, "height", 0);
  const int orientation = rd.integer(size, "orientation", 1);
  if (rd.error) return error_value(*rd.error);
  if (width <= 0 || height <= 0)
    return error_value(advcompress::fail(advcompress::ErrorCode::kInvalidOption,
                                         "planOutput: Expected a positive width and height (pixels)"));
  auto r = advcompress::plan_output(uint32_t(width), uint32_t(height),
                                    uint8_t(orientation >= 1 && orientation <= 8 ? orientation : 1), o);
  if (!r) return error_value(r.error());
  val v = val::object();
  v.set("width", r.value().width);
  v.set("height", r.value().height);
  return v;
}

/// transform(pixels: Uint8Array, info: PixelInfo, options?: {orientation?: 1-8, autoOrient?, resize?, limits?})
///   -> pixels | {error}: what decode() does after decoding, on pixels decoded elsewhere (HEIF/AVIF/WebP inputs
///   come from the HEIC/AVIF/WebP modules): EXIF `orientation` applied and reset, then the resize steps.
val transform(val pixels, val info, val options) {
  Reader rd;
  const advcompress::DecodeOptions o = read_decode_options(rd, options);
  const int orientation = rd.integer(options, "orientation", 1);
  advcompress::Image im = rd.image(pixels, info);
  if (rd.error) return error_value(*rd.error);
  if (im.data.size() != im.row_bytes() * im.height || (im.channels != 3 && im.channels != 4))
    return error_value(advcompress::fail(advcompress::ErrorCode::kInvalidOption, "transform: malformed pixel buffer"));
  const uint8_t tag = uint8_t(orientation >= 1 && orientation <= 8 ? orientation : 1);
  if (auto st = advcompress::orient_and_resize(im, tag, o); !st) return error_value(st.error());
  return advcompress::bind::image_value(im);
}
}  // namespace

EMSCRIPTEN_BINDINGS(advcompress_decode) {
  function("transform", &transform);
  function("planOutput", &plan_output);
  function("sniff", &sniff_format);
  function("probe", &probe);
  function("decode", &decode_entry<advcompress::Image, advcompress::decode, advcompress::bind::image_value>);
  function("decodeFrames",
           &decode_entry<advcompress::Frames, advcompress::decode_frames, advcompress::bind::frames_value>);
  function("parseRule", &parse_rule);
  function("resolveQuality", &resolve_quality);
}
