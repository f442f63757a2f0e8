// libFuzzer target: the hand-written header walkers behind probe() (JPEG markers, PNG chunks, GIF blocks, BMP
// headers, WebP RIFF chunks, EXIF/TIFF orientation) and, for inputs small enough, decode_frames() (libjpeg-turbo,
// libpng with the APNG patch + our APNG compositing, giflib + our GIF compositing, stb_image and libnsbmp BMP). Any
// byte string either probes into a result within the limits that decode_frames() agrees with, or fails with one of
// the documented typed errors; never a crash, a sanitizer report, a hang or an out-of-range answer. Invariant violations trap, so the fuzzer reports them.
// SPDX-License-Identifier: MIT
#include <cstddef>
#include <cstdint>

#include "advcompress/decode.h"

using namespace advcompress;

#define CHECK(c) \
  do {           \
    if (!(c)) __builtin_trap(); \
  } while (0)

namespace {

bool typed(ErrorCode c) {
  return c == ErrorCode::kCorruptInput || c == ErrorCode::kUnsupportedFormat || c == ErrorCode::kInputTooLarge ||
         c == ErrorCode::kDimensionsTooLarge || c == ErrorCode::kTooManyFrames || c == ErrorCode::kOutOfMemory;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Limits l;
  l.max_pixels = 1 << 20;  // small enough that every accepted input decodes in milliseconds
  l.max_side = 4096;
  l.max_frames = 64;
  Result<ProbeInfo> p = probe(data, size, l);
  if (!p) {
    CHECK(typed(p.error().code));
    CHECK(!p.error().message.empty());
    return 0;
  }
  const ProbeInfo& info = p.value();
  CHECK(info.width >= 1 && info.height >= 1 && info.width <= l.max_side && info.height <= l.max_side);
  CHECK(info.frame_count >= 1 && info.frame_count <= l.max_frames);
  CHECK(uint64_t(info.width) * info.height * info.frame_count <= l.max_pixels);
  CHECK(info.orientation >= 1 && info.orientation <= 8);
  CHECK(info.quality <= 100);

  DecodeOptions o;
  o.limits = l;
  Result<Frames> f = decode_frames(data, size, o);
  if (!f) {
    CHECK(typed(f.error().code));
    return 0;
  }
  const Frames& fr = f.value();
  CHECK(!fr.images.empty() && fr.images.size() <= info.frame_count);
  CHECK(fr.durations_ms.empty() || fr.durations_ms.size() == fr.images.size());
  CHECK(fr.primary_index < fr.images.size());
  for (const Image& im : fr.images) {
    CHECK(im.channels == 3 || im.channels == 4);
    CHECK(im.bytes_per_sample == 1 || im.bytes_per_sample == 2);
    CHECK(im.data.size() == im.row_bytes() * im.height);
    // Oriented sizes: the probe's, swapped for orientations 5-8.
    const bool swap = info.orientation >= 5;
    CHECK(im.width == (swap ? info.height : info.width) && im.height == (swap ? info.width : info.height));
  }
  return 0;
}
