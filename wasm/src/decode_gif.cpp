// advcompress — GIF decoding with giflib (DGifSlurp reads and de-interlaces; we composite onto the logical
// screen). The block structure was already walked by probe() (frame count, limits) before giflib allocates.
// SPDX-License-Identifier: MIT
#include <gif_lib.h>

#include <cstring>
#include <memory>
#include <new>
#include <string>

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

}  // namespace

Result<Image> decode_gif(const uint8_t* data, size_t size, const ProbeInfo& info) try {
  if (info.frame_count > 1)
    return fail(ErrorCode::kUnsupportedFormat, "animated GIF (" + std::to_string(info.frame_count) +
                                                   " frames) is not supported yet; still GIFs are");
  Source src{data, size};
  int err = 0;
  std::unique_ptr<GifFileType, Closer> g(DGifOpen(&src, read_mem, &err));
  if (!g) return gif_error(err);
  if (DGifSlurp(g.get()) != GIF_OK) return gif_error(g->Error);
  if (g->ImageCount < 1) return fail(ErrorCode::kCorruptInput, "GIF has no image");
  const SavedImage& frame = g->SavedImages[0];
  const ColorMapObject* cmap = frame.ImageDesc.ColorMap ? frame.ImageDesc.ColorMap : g->SColorMap;
  if (!cmap) return fail(ErrorCode::kCorruptInput, "GIF has neither a global nor a local colour table");
  GraphicsControlBlock gcb{};
  gcb.TransparentColor = NO_TRANSPARENT_COLOR;
  DGifSavedExtensionToGCB(g.get(), 0, &gcb);

  Image im;
  im.width = uint32_t(g->SWidth);
  im.height = uint32_t(g->SHeight);
  im.channels = 4;  // the screen starts transparent; an opaque result loses its alpha in the encoders
  im.data.assign(im.row_bytes() * im.height, 0);
  const GifImageDesc& d = frame.ImageDesc;
  for (int y = 0; y < d.Height; ++y) {
    const int cy = d.Top + y;
    if (cy < 0 || cy >= int(im.height)) continue;
    for (int x = 0; x < d.Width; ++x) {
      const int cx = d.Left + x;
      if (cx < 0 || cx >= int(im.width)) continue;
      const int idx = frame.RasterBits[size_t(y) * size_t(d.Width) + size_t(x)];
      if (idx == gcb.TransparentColor || idx >= cmap->ColorCount) continue;  // (out-of-range index: left clear)
      uint8_t* p = &im.data[(size_t(cy) * im.width + size_t(cx)) * 4];
      p[0] = cmap->Colors[idx].Red;
      p[1] = cmap->Colors[idx].Green;
      p[2] = cmap->Colors[idx].Blue;
      p[3] = 255;
    }
  }
  return im;
} catch (const std::bad_alloc&) {
  return fail(ErrorCode::kOutOfMemory, "out of memory decoding the GIF");
}

}  // namespace advcompress::detail
