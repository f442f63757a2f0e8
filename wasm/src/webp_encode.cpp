// advcompress — WebP encoding through libwebp (lossy VP8 or lossless VP8L; animations through WebPAnimEncoder),
// metadata through libwebpmux.
// SPDX-License-Identifier: MIT
#include <webp/encode.h>
#include <webp/mux.h>

#include <algorithm>
#include <cstdlib>
#include <memory>
#include <new>
#include <string>

#include "advcompress/encode.h"
#include "pixels.h"

namespace advcompress {
namespace {

// Sets a WebPConfig field by name (the "advanced" escape hatch for WebP; names as in libwebp's encode.h).
Status set_webp_field(WebPConfig& c, const std::string& name, const std::string& value) {
  char* end = nullptr;
  const double v = std::strtod(value.c_str(), &end);
  if (value.empty() || *end) return fail(ErrorCode::kInvalidOption, "webp parameter " + name + " needs a number");
  const int i = int(v);
  if (name == "sns_strength") c.sns_strength = i;
  else if (name == "filter_strength") c.filter_strength = i;
  else if (name == "filter_sharpness") c.filter_sharpness = i;
  else if (name == "filter_type") c.filter_type = i;
  else if (name == "autofilter") c.autofilter = i;
  else if (name == "segments") c.segments = i;
  else if (name == "pass") c.pass = i;
  else if (name == "preprocessing") c.preprocessing = i;
  else if (name == "partitions") c.partitions = i;
  else if (name == "near_lossless") c.near_lossless = i;
  else if (name == "exact") c.exact = i;
  else if (name == "use_sharp_yuv") c.use_sharp_yuv = i;
  else if (name == "alpha_quality") c.alpha_quality = i;
  else if (name == "target_size") c.target_size = i;
  else if (name == "target_PSNR") c.target_PSNR = float(v);
  else return fail(ErrorCode::kInvalidOption, "unknown webp parameter '" + name + "'");
  return Ok{};
}

struct MuxDeleter {
  void operator()(WebPMux* m) const { WebPMuxDelete(m); }
};

Result<WebPConfig> make_config(const EncodeOptions& o) {
  const int quality = o.quality >= 0 ? o.quality : default_quality(o.format);
  const int effort = o.effort >= 0 ? o.effort : default_effort(o.format);
  WebPConfig config;
  if (!WebPConfigInit(&config)) return fail(ErrorCode::kEncoderError, "libwebp version mismatch");
  config.quality = float(quality);
  config.method = (effort * 6 + 4) / 9;  // 0..9 -> 0..6, 9 -> 6 ("WebP M6")
  if (o.lossless) {
    config.lossless = 1;
    config.exact = 1;  // keep RGB under transparent pixels: bit-exact round trip
    config.quality = o.quality >= 0 ? float(o.quality) : 75.f;  // lossless: quality = compression effort
  }
  for (const auto& [name, value] : o.advanced)
    if (auto s = set_webp_field(config, name, value); !s) return s.error();
  if (!WebPValidateConfig(&config)) return fail(ErrorCode::kInvalidOption, "invalid webp parameters");
  return config;
}

struct PictureDeleter {
  void operator()(WebPPicture* p) const { WebPPictureFree(p); delete p; }
};
using PicturePtr = std::unique_ptr<WebPPicture, PictureDeleter>;

// A WebPPicture of `im` (8-bit; RGBA when `alpha`, else RGB), ARGB when `argb` (lossless and animation).
Result<PicturePtr> make_picture(const Image& im, bool alpha, bool argb) {
  const int ch = alpha ? 4 : 3;
  std::vector<uint8_t> rgb;
  const uint8_t* px = im.data.data();
  if (im.bytes_per_sample != 1 || im.channels != ch) {  // 8-bit interleaved copy (WebP is 8-bit only)
    rgb.resize(size_t(im.width) * im.height * ch);
    for (uint32_t y = 0; y < im.height; ++y) {
      const uint8_t* src = im.data.data() + y * im.row_bytes();
      for (uint32_t x = 0; x < im.width; ++x)
        for (int c = 0; c < ch; ++c)
          rgb[(size_t(y) * im.width + x) * ch + c] =
              uint8_t(detail::to_bits(detail::sample16(im, src, size_t(x) * im.channels + c), 8));
    }
    px = rgb.data();
  }
  PicturePtr pic(new WebPPicture);
  if (!WebPPictureInit(pic.get())) return fail(ErrorCode::kEncoderError, "libwebp version mismatch");
  pic->width = int(im.width);
  pic->height = int(im.height);
  pic->use_argb = argb ? 1 : 0;
  const int stride = int(im.width) * ch;
  if (!(alpha ? WebPPictureImportRGBA(pic.get(), px, stride) : WebPPictureImportRGB(pic.get(), px, stride)))
    return fail(ErrorCode::kOutOfMemory, "libwebp could not allocate the picture");
  return pic;
}

// `bitstream` with the ICC/EXIF/XMP chunks of `m` added (libwebpmux), or as it is when there are none to keep.
Result<std::vector<uint8_t>> with_metadata(const uint8_t* bytes, size_t size, const Metadata& m,
                                          const EncodeOptions& o) {
  const bool meta = o.metadata == MetadataPolicy::kKeep && (!m.icc.empty() || !m.exif.empty() || !m.xmp.empty());
  if (!meta) return std::vector<uint8_t>(bytes, bytes + size);
  WebPData bitstream{bytes, size};
  std::unique_ptr<WebPMux, MuxDeleter> mux(WebPMuxCreate(&bitstream, 1));
  if (!mux) return fail(ErrorCode::kOutOfMemory, "libwebpmux could not parse the encoded image");
  auto chunk = [&](const char* fourcc, const std::vector<uint8_t>& v) -> bool {
    if (v.empty()) return true;
    WebPData d{v.data(), v.size()};
    return WebPMuxSetChunk(mux.get(), fourcc, &d, 1) == WEBP_MUX_OK;
  };
  if (!chunk("ICCP", m.icc) || !chunk("EXIF", m.exif) || !chunk("XMP ", m.xmp))
    return fail(ErrorCode::kEncoderError, "libwebpmux could not add metadata");
  WebPData assembled{nullptr, 0};
  if (WebPMuxAssemble(mux.get(), &assembled) != WEBP_MUX_OK)
    return fail(ErrorCode::kEncoderError, "libwebpmux could not assemble the file");
  std::vector<uint8_t> out(assembled.bytes, assembled.bytes + assembled.size);
  WebPDataClear(&assembled);
  return out;
}

Status check_webp_sides(const Image& im) {
  if (im.width > WEBP_MAX_DIMENSION || im.height > WEBP_MAX_DIMENSION)
    return fail(ErrorCode::kOutputTooLarge, "WebP sides are at most " + std::to_string(WEBP_MAX_DIMENSION) + " px");
  return Ok{};
}

struct AnimEncoderDeleter {
  void operator()(WebPAnimEncoder* e) const { WebPAnimEncoderDelete(e); }
};

}  // namespace

Result<Encoded> encode_webp(const Image& im, const EncodeOptions& o, const Limits& limits) try {
  if (o.format != Format::kWebp)
    return fail(ErrorCode::kInvalidOption, std::string("encode_webp cannot write ") + format_name(o.format));
  if (auto s = check_encode_input(im, o, limits); !s) return s.error();
  if (auto s = check_webp_sides(im); !s) return s.error();
  Result<WebPConfig> config = make_config(o);
  if (!config) return config.error();
  const bool alpha = im.has_alpha() && !detail::alpha_is_opaque(im);
  // (ARGB for lossless, and for use_sharp_yuv: libwebp converts an RGB import to YUV at once, without sharp YUV;
  // only an ARGB picture is converted inside WebPEncode, where the config's use_sharp_yuv applies)
  Result<PicturePtr> pic = make_picture(im, alpha, config.value().lossless || config.value().use_sharp_yuv);
  if (!pic) return pic.error();
  WebPMemoryWriter wr;
  WebPMemoryWriterInit(&wr);
  pic.value()->writer = WebPMemoryWrite;
  pic.value()->custom_ptr = &wr;
  const int ok = WebPEncode(&config.value(), pic.value().get());
  const WebPEncodingError err = pic.value()->error_code;
  pic.value().reset();
  if (!ok) {
    WebPMemoryWriterClear(&wr);
    return fail(err == VP8_ENC_ERROR_OUT_OF_MEMORY ? ErrorCode::kOutOfMemory : ErrorCode::kEncoderError,
                "libwebp failed (error " + std::to_string(int(err)) + ")", int(err));
  }
  Result<std::vector<uint8_t>> file = with_metadata(wr.mem, wr.size, im.meta, o);
  WebPMemoryWriterClear(&wr);
  if (!file) return file.error();
  Encoded out;
  out.data = std::move(file.value());
  out.width = im.width;
  out.height = im.height;
  return out;
} catch (const std::bad_alloc&) {
  return fail(ErrorCode::kOutOfMemory, "out of memory while encoding webp");
}

Result<Encoded> encode_webp_frames(const Frames& frames, const EncodeOptions& o, const Limits& limits) try {
  if (frames.images.empty()) return fail(ErrorCode::kInvalidOption, "no frames to encode");
  if (frames.images.size() == 1) return encode_webp(frames.images[0], o, limits);
  if (o.format != Format::kWebp)
    return fail(ErrorCode::kInvalidOption, std::string("encode_webp_frames cannot write ") + format_name(o.format));
  if (frames.durations_ms.size() != frames.images.size())
    return fail(ErrorCode::kInvalidOption, "an animated WebP needs one duration per frame");
  const Image& first = frames.images[0];
  for (const Image& im : frames.images) {
    if (im.width != first.width || im.height != first.height)
      return fail(ErrorCode::kInvalidOption, "the frames of an animated WebP share one size; got " +
                                                 std::to_string(first.width) + "x" + std::to_string(first.height) +
                                                 " and " + std::to_string(im.width) + "x" + std::to_string(im.height));
    if (auto s = check_encode_input(im, o, limits); !s) return s.error();
  }
  if (auto s = check_webp_sides(first); !s) return s.error();
  Result<WebPConfig> config = make_config(o);
  if (!config) return config.error();
  WebPAnimEncoderOptions ao;
  if (!WebPAnimEncoderOptionsInit(&ao)) return fail(ErrorCode::kEncoderError, "libwebp version mismatch");
  ao.anim_params.loop_count = int(std::min<uint32_t>(frames.loop_count, 65535));
  ao.allow_mixed = 0;
  std::unique_ptr<WebPAnimEncoder, AnimEncoderDeleter> enc(
      WebPAnimEncoderNew(int(first.width), int(first.height), &ao));
  if (!enc) return fail(ErrorCode::kOutOfMemory, "libwebp could not create the animation encoder");
  int timestamp = 0;
  for (size_t i = 0; i < frames.images.size(); ++i) {
    const Image& im = frames.images[i];
    // Every frame keeps its alpha channel: WebPAnimEncoder compares frames in ARGB and crops what did not change.
    Result<PicturePtr> pic = make_picture(im, im.has_alpha(), true);
    if (!pic) return pic.error();
    if (!WebPAnimEncoderAdd(enc.get(), pic.value().get(), timestamp, &config.value()))
      return fail(ErrorCode::kEncoderError, std::string("libwebp could not add frame ") + std::to_string(i) + ": " +
                                                WebPAnimEncoderGetError(enc.get()));
    timestamp += int(std::min<uint32_t>(frames.durations_ms[i], 1u << 24));
  }
  if (!WebPAnimEncoderAdd(enc.get(), nullptr, timestamp, nullptr))  // the last frame's end time
    return fail(ErrorCode::kEncoderError, std::string("libwebp: ") + WebPAnimEncoderGetError(enc.get()));
  WebPData anim{nullptr, 0};
  if (!WebPAnimEncoderAssemble(enc.get(), &anim))
    return fail(ErrorCode::kEncoderError, std::string("libwebp could not assemble the animation: ") +
                                              WebPAnimEncoderGetError(enc.get()));
  Result<std::vector<uint8_t>> file = with_metadata(anim.bytes, anim.size, first.meta, o);
  WebPDataClear(&anim);
  if (!file) return file.error();
  Encoded out;
  out.data = std::move(file.value());
  out.width = first.width;
  out.height = first.height;
  out.frame_count = uint32_t(frames.images.size());
  return out;
} catch (const std::bad_alloc&) {
  return fail(ErrorCode::kOutOfMemory, "out of memory while encoding webp");
}

}  // namespace advcompress
