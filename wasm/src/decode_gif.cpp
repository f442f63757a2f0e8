// advcompress — GIF decoding with giflib (DGifSlurp reads and de-interlaces; we composite the frames onto the
// logical screen: giflib leaves disposal to its caller). The block structure was already walked by probe() (frame
// count, limits) before giflib allocates.
// SPDX-License-Identifier: MIT
#include <gif_lib.h>

#include <algorithm>
#include <cstring>
#include <optional>
#include <memory>
#include <new>
#include <string>

#include "canvas.h"
#include "decoders.h"

namespace advcompress::detail {
namespace {

struct Source {
  const uint8_t* data;
  size_t size;
  size_t pos = 0;
};

int read_mem(GifFileType* g, GifByteType* out, int n) {
  auto* s = static_cast<Source*>(g->UserData);
  const size_t k = n < 0 ? 0 : std::min(size_t(n), s->size - s->pos);
  std::memcpy(out, s->data + s->pos, k);
  s->pos += k;
  return int(k);
}

struct Closer {
  void operator()(GifFileType* g) const {
    int err = 0;
    DGifCloseFile(g, &err);
  }
};

Error gif_error(int code) {
  const char* why = GifErrorString(code);
  return fail(ErrorCode::kCorruptInput, std::string("GIF is damaged or truncated: ") + (why ? why : "giflib error"),
              code);
}

// Loop count from a NETSCAPE2.0 / ANIMEXTS1.0 application extension (sub-block 1: repeat count, little-endian):
// returns plays in total as WebP counts them (0 = forever; n repeats = n + 1 plays, as libwebp's gif2webp),
// or nullopt when `blocks` has none.
std::optional<uint32_t> loop_count_of(const ExtensionBlock* blocks, int count) {
  for (int i = 0; i + 1 < count; ++i) {
    const ExtensionBlock& b = blocks[i];
    if (b.Function != APPLICATION_EXT_FUNC_CODE || b.ByteCount != 11) continue;
    if (std::memcmp(b.Bytes, "NETSCAPE2.0", 11) != 0 && std::memcmp(b.Bytes, "ANIMEXTS1.0", 11) != 0) continue;
    const ExtensionBlock& sub = blocks[i + 1];
    if (sub.Function != CONTINUE_EXT_FUNC_CODE || sub.ByteCount < 3 || sub.Bytes[0] != 1) continue;
    const uint32_t repeats = uint32_t(sub.Bytes[1]) | uint32_t(sub.Bytes[2]) << 8;
    return repeats == 0 ? 0 : std::min<uint32_t>(repeats + 1, 65535);
  }
  return std::nullopt;
}

}  // namespace

Result<Frames> decode_gif(const uint8_t* data, size_t size, const ProbeInfo& info, uint32_t max_frames) try {
  Source src{data, size};
  int err = 0;
  std::unique_ptr<GifFileType, Closer> g(DGifOpen(&src, read_mem, &err));
  if (!g) return gif_error(err);
  if (DGifSlurp(g.get()) != GIF_OK) return gif_error(g->Error);
  if (g->ImageCount < 1) return fail(ErrorCode::kCorruptInput, "GIF has no image");
  if (uint32_t(g->ImageCount) != info.frame_count)  // the safety net under probe()'s walk (see there)
    return fail(ErrorCode::kCorruptInput, "GIF block structure is ambiguous: " + std::to_string(info.frame_count) +
                                              " frames by its blocks, " + std::to_string(g->ImageCount) + " by giflib");

  const uint32_t w = uint32_t(g->SWidth), h = uint32_t(g->SHeight);
  if (w == 0 || h == 0) return fail(ErrorCode::kCorruptInput, "GIF logical screen has no size");
  // The logical screen starts transparent (as browsers: the background colour is not painted).
  Canvas canvas;
  if (!canvas.reset(w, h, 1)) return fail(ErrorCode::kOutOfMemory, "out of memory for the GIF screen");
  Frames out;
  const uint32_t n = std::min<uint32_t>(uint32_t(g->ImageCount), max_frames);
  out.images.reserve(n);
  for (uint32_t i = 0; i < n; ++i) {
    const SavedImage& frame = g->SavedImages[i];
    const ColorMapObject* cmap = frame.ImageDesc.ColorMap ? frame.ImageDesc.ColorMap : g->SColorMap;
    if (!cmap) return fail(ErrorCode::kCorruptInput, "GIF frame " + std::to_string(i) +
                                                         " has neither a global nor a local colour table");
    GraphicsControlBlock gcb{};
    gcb.TransparentColor = NO_TRANSPARENT_COLOR;
    gcb.DisposalMode = DISPOSAL_UNSPECIFIED;
    DGifSavedExtensionToGCB(g.get(), int(i), &gcb);

    const GifImageDesc& d = frame.ImageDesc;
    // The frame's rectangle clipped to the screen.
    const int x0 = std::max(0, d.Left), y0 = std::max(0, d.Top);
    const int x1 = int(std::min<int64_t>(int64_t(d.Left) + d.Width, w));
    const int y1 = int(std::min<int64_t>(int64_t(d.Top) + d.Height, h));
    const Rect rect{uint32_t(x0), uint32_t(y0), uint32_t(std::max(0, x1 - x0)), uint32_t(std::max(0, y1 - y0))};
    if (gcb.DisposalMode == DISPOSE_PREVIOUS) canvas.save(rect);
    for (int cy = y0; cy < y1; ++cy) {
      const GifByteType* row = frame.RasterBits + size_t(cy - d.Top) * size_t(d.Width);
      for (int cx = x0; cx < x1; ++cx) {
        const int idx = row[cx - d.Left];
        if (idx == gcb.TransparentColor) continue;  // the canvas shows through
        // An index beyond the colour table has no colour: a damaged file (the GIF test suite's invalid-colors), not
        // a pixel to invent.
        if (idx >= cmap->ColorCount)
          return fail(ErrorCode::kCorruptInput, "GIF frame " + std::to_string(i) + " uses colour " +
                                                    std::to_string(idx) + " of a " + std::to_string(cmap->ColorCount) +
                                                    "-colour table");
        uint8_t* p = canvas.at(uint32_t(cx), uint32_t(cy));
        p[0] = cmap->Colors[idx].Red;
        p[1] = cmap->Colors[idx].Green;
        p[2] = cmap->Colors[idx].Blue;
        p[3] = 255;
      }
    }
    out.images.push_back(canvas.snapshot());
    out.durations_ms.push_back(uint32_t(std::max(0, gcb.DelayTime)) * 10u);

    if (gcb.DisposalMode == DISPOSE_BACKGROUND) canvas.clear(rect);
    else if (gcb.DisposalMode == DISPOSE_PREVIOUS) canvas.restore(rect);
  }
  // The loop extension sits before the first image (giflib keeps it with SavedImages[0]); a stray one at the end
  // lands in the file's trailing blocks.
  const SavedImage& first = g->SavedImages[0];
  std::optional<uint32_t> loops = loop_count_of(first.ExtensionBlocks, first.ExtensionBlockCount);
  if (!loops) loops = loop_count_of(g->ExtensionBlocks, g->ExtensionBlockCount);
  out.loop_count = loops.value_or(1);  // no loop extension: played once
  if (g->ImageCount == 1) out.durations_ms.clear();  // a still GIF is not an animation
  return out;
} catch (const std::bad_alloc&) {
  return fail(ErrorCode::kOutOfMemory, "out of memory decoding the GIF");
}

}  // namespace advcompress::detail
