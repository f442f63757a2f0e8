// advcompress — WebP decoding with libwebp: stills through the decoder, animations through libwebp demux's
// WebPAnimDecoder (which composites the frames: blending and disposal as the WebP container specifies), ICC/EXIF/XMP
// chunks through WebPDemux. In the WebP module: previews of what encode_webp() wrote, and WebP inputs of convert().
// SPDX-License-Identifier: MIT
#include <webp/decode.h>
#include <webp/demux.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <new>
#include <string>

#include "advcompress/decode.h"

namespace advcompress {
namespace {

struct DemuxDeleter {
  void operator()(WebPDemuxer* d) const { WebPDemuxDelete(d); }
};
struct AnimDeleter {
  void operator()(WebPAnimDecoder* d) const { WebPAnimDecoderDelete(d); }
};

std::vector<uint8_t> chunk(WebPDemuxer* d, const char* fourcc) {
  WebPChunkIterator it;
  std::vector<uint8_t> out;
  if (WebPDemuxGetChunk(d, fourcc, 1, &it)) out.assign(it.chunk.bytes, it.chunk.bytes + it.chunk.size);
  WebPDemuxReleaseChunkIterator(&it);
  return out;
}

std::string str(uint64_t v) { return std::to_string(v); }

// The first `max_frames` frames (a still WebP: its one image), limits checked from the headers first.
Result<Frames> decode_impl(const uint8_t* data, size_t size, const Limits& limits, uint32_t max_frames) try {
  if (auto s = check_input_bytes(size, limits); !s) return s.error();
  WebPBitstreamFeatures f;
  const VP8StatusCode st = WebPGetFeatures(data, size, &f);
  if (st == VP8_STATUS_NOT_ENOUGH_DATA) return fail(ErrorCode::kCorruptInput, "WebP is truncated in its headers");
  if (st != VP8_STATUS_OK)
    return fail(ErrorCode::kCorruptInput, "not a valid WebP (libwebp status " + str(int(st)) + ")");
  const WebPData wd{data, size};
  std::unique_ptr<WebPDemuxer, DemuxDeleter> demux(WebPDemux(&wd));
  if (!demux) return fail(ErrorCode::kCorruptInput, "WebP container is damaged or truncated");
  const uint32_t w = WebPDemuxGetI(demux.get(), WEBP_FF_CANVAS_WIDTH);
  const uint32_t h = WebPDemuxGetI(demux.get(), WEBP_FF_CANVAS_HEIGHT);
  const uint32_t frames = f.has_animation ? WebPDemuxGetI(demux.get(), WEBP_FF_FRAME_COUNT) : 1;
  if (w == 0 || h == 0 || frames == 0) return fail(ErrorCode::kCorruptInput, "WebP has no image");
  if (auto s = check_input_limits("WebP", w, h, frames, limits); !s) return s.error();
  Frames out;
  if (!f.has_animation) {
    Image im;
    im.width = w;
    im.height = h;
    im.channels = f.has_alpha ? 4 : 3;
    im.data.resize(im.row_bytes() * h);
    const bool ok = f.has_alpha
        ? WebPDecodeRGBAInto(data, size, im.data.data(), im.data.size(), int(im.row_bytes())) != nullptr
        : WebPDecodeRGBInto(data, size, im.data.data(), im.data.size(), int(im.row_bytes())) != nullptr;
    if (!ok) return fail(ErrorCode::kCorruptInput, "WebP image data is damaged or truncated");
    out.images.push_back(std::move(im));
  } else {
    WebPAnimDecoderOptions opts;
    if (!WebPAnimDecoderOptionsInit(&opts)) return fail(ErrorCode::kCorruptInput, "libwebp version mismatch");
    opts.color_mode = MODE_RGBA;  // straight (not premultiplied) alpha
    opts.use_threads = 0;
    std::unique_ptr<WebPAnimDecoder, AnimDeleter> dec(WebPAnimDecoderNew(&wd, &opts));
    if (!dec) return fail(ErrorCode::kCorruptInput, "WebP animation is damaged or truncated");
    WebPAnimInfo info;
    if (!WebPAnimDecoderGetInfo(dec.get(), &info)) return fail(ErrorCode::kCorruptInput, "WebP animation header");
    int previous_ts = 0;
    while (out.images.size() < max_frames && WebPAnimDecoderHasMoreFrames(dec.get())) {
      uint8_t* canvas = nullptr;
      int ts = 0;
      if (!WebPAnimDecoderGetNext(dec.get(), &canvas, &ts))
        return fail(ErrorCode::kCorruptInput, "WebP frame " + str(out.images.size()) + " is damaged or truncated");
      Image im;
      im.width = w;
      im.height = h;
      im.channels = 4;  // an opaque result loses its alpha in the encoders
      im.data.assign(canvas, canvas + im.row_bytes() * h);
      out.images.push_back(std::move(im));
      out.durations_ms.push_back(uint32_t(std::max(0, ts - previous_ts)));  // timestamps are frame end times
      previous_ts = ts;
    }
    out.loop_count = info.loop_count;
  }
  // File-level metadata travels with the first image. Some writers prefix EXIF with "Exif\0\0" (JPEG's APP1 habit).
  Metadata& m = out.images.front().meta;
  m.icc = chunk(demux.get(), "ICCP");
  m.exif = chunk(demux.get(), "EXIF");
  if (m.exif.size() >= 6 && std::memcmp(m.exif.data(), "Exif\0\0", 6) == 0)
    m.exif.erase(m.exif.begin(), m.exif.begin() + 6);
  m.xmp = chunk(demux.get(), "XMP ");
  return out;
} catch (const std::bad_alloc&) {
  return fail(ErrorCode::kOutOfMemory, "out of memory decoding the WebP image");
}

}  // namespace

Result<Image> decode_webp(const uint8_t* data, size_t size, const Limits& limits) {
  Result<Frames> f = decode_impl(data, size, limits, 1);
  if (!f) return f.error();
  return std::move(f.value().images.front());
}

Result<Frames> decode_webp_frames(const uint8_t* data, size_t size, const Limits& limits) {
  return decode_impl(data, size, limits, UINT32_MAX);
}

}  // namespace advcompress
