// advcompress — input sniffing, header probing with limits checked before any pixel is allocated, and decoding of
// JPEG (libjpeg-turbo's libjpeg API) and PNG (libpng) to RGB/RGBA with ICC/EXIF/XMP extracted.
//
// Both libraries report errors through callbacks that must not return; they longjmp back into a small function
// (run_jpeg / run_png) that keeps every piece of state in a job struct owned by its caller, so nothing with a
// destructor is skipped by the jump and nothing it reads afterwards is indeterminate.
// SPDX-License-Identifier: MIT
#include "advcompress/decode.h"

#include <algorithm>
#include <cmath>
#include <csetjmp>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <new>
#include <stdexcept>
#include <string>
#include <vector>

// jpeglib.h needs size_t and FILE declared first.
#include <jerror.h>
#include <jpeglib.h>
#include <png.h>

#include "advcompress/orientation.h"
#include "advcompress/resize.h"
#include "canvas.h"
#include "decoders.h"

namespace advcompress {
namespace {

uint32_t be32(const uint8_t* p) { return uint32_t(p[0]) << 24 | uint32_t(p[1]) << 16 | uint32_t(p[2]) << 8 | p[3]; }
uint16_t be16(const uint8_t* p) { return uint16_t(p[0] << 8 | p[1]); }
uint16_t le16(const uint8_t* p) { return uint16_t(p[0] | p[1] << 8); }
uint32_t le32(const uint8_t* p) { return uint32_t(p[0]) | uint32_t(p[1]) << 8 | uint32_t(p[2]) << 16 | uint32_t(p[3]) << 24; }

bool starts_with(const uint8_t* d, size_t n, const char* s, size_t len) {
  return n >= len && std::memcmp(d, s, len) == 0;
}

// ---------------------------------------------------------------------------------------------------------------
// Sniffing

enum class Brand { kNone, kAvif, kHeif, kGenericHeif };

Brand classify_brand(const uint8_t* b) {
  static const char* const kAvifBrands[] = {"avif", "avis"};
  static const char* const kHeifBrands[] = {"heic", "heix", "heim", "heis", "hevc", "hevx"};
  static const char* const kGeneric[] = {"mif1", "msf1"};
  for (const char* s : kAvifBrands)
    if (std::memcmp(b, s, 4) == 0) return Brand::kAvif;
  for (const char* s : kHeifBrands)
    if (std::memcmp(b, s, 4) == 0) return Brand::kHeif;
  for (const char* s : kGeneric)
    if (std::memcmp(b, s, 4) == 0) return Brand::kGenericHeif;
  return Brand::kNone;
}

// ISOBMFF `ftyp` at offset 0: the major brand decides when it is specific; otherwise the compatible brands
// (avif before heic), and a generic mif1/msf1 alone means HEIF.
InputFormat sniff_ftyp(const uint8_t* d, size_t size) {
  if (size < 12 || std::memcmp(d + 4, "ftyp", 4) != 0) return InputFormat::kUnknown;
  const uint32_t box = be32(d);
  size_t start = 8;  // major brand
  size_t end = size;
  if (box == 1) {  // 64-bit largesize follows the type; brands start after it
    start = 16;
  } else if (box != 0) {
    if (box < 16) return InputFormat::kUnknown;  // too small for major brand + minor version
    end = box < size ? box : size;
  }
  if (end < start + 4) return InputFormat::kUnknown;
  const Brand major = classify_brand(d + start);
  if (major == Brand::kAvif) return InputFormat::kAvif;
  if (major == Brand::kHeif) return InputFormat::kHeif;
  bool generic = major == Brand::kGenericHeif, heif = false;
  for (size_t off = start + 8; off + 4 <= end; off += 4) {  // skip the 4-byte minor version
    switch (classify_brand(d + off)) {
      case Brand::kAvif:
        return InputFormat::kAvif;
      case Brand::kHeif:
        heif = true;
        break;
      case Brand::kGenericHeif:
        generic = true;
        break;
      case Brand::kNone:
        break;
    }
  }
  return heif || generic ? InputFormat::kHeif : InputFormat::kUnknown;
}

// ---------------------------------------------------------------------------------------------------------------
// Limits

// Names of each InputFormat, in enum order: the stable id (input_format_name) and how messages write it.
struct FormatNames {
  const char* id;
  const char* display;
};
constexpr FormatNames kFormatNames[] = {{"unknown", "unknown"}, {"jpeg", "JPEG"}, {"png", "PNG"},
                                        {"gif", "GIF"},         {"bmp", "BMP"},   {"webp", "WebP"},
                                        {"heif", "HEIF"},       {"avif", "AVIF"}, {"tpg", "TPG"}};
static_assert(sizeof(kFormatNames) / sizeof(kFormatNames[0]) == size_t(InputFormat::kTpg) + 1,
              "one entry per InputFormat");

const FormatNames& names_of(InputFormat f) {
  const size_t i = size_t(f);
  return i < sizeof(kFormatNames) / sizeof(kFormatNames[0]) ? kFormatNames[i] : kFormatNames[0];
}
const char* display_name(InputFormat f) { return names_of(f).display; }


Status check_dimensions(const ProbeInfo& info, const Limits& l) {
  return check_input_limits(display_name(info.format), info.width, info.height, info.frame_count, l);
}

// TOO_MANY_FRAMES from a block/chunk walk that stops counting once past the limit.
Error more_frames_than(const char* format, uint32_t limit) {
  return fail(ErrorCode::kTooManyFrames, std::string(format) + " input has more than " + std::to_string(limit) +
                                             " frames; the limit is " + std::to_string(limit) + " frames");
}

Error corrupt(const std::string& message) { return fail(ErrorCode::kCorruptInput, message); }

// ---------------------------------------------------------------------------------------------------------------
// Probing

bool is_sof(uint8_t m) { return m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC; }

// Quality on the IJG scale from the first luminance (id 0) table of a DQT segment, inverting libjpeg's
// jpeg_quality_scaling() on the sums of the table and of libjpeg's standard table (as ImageMagick and libvips
// estimate it), leaving out entries clamped at 255 by baseline JPEG; 0 when there is no such table.
uint8_t jpeg_quality_from_dqt(const uint8_t* seg, size_t len) {
  // libjpeg's std_luminance_quant_tbl (jcparam.c) in the zigzag order of DQT segments: what quality 50 writes.
  static const uint8_t kStdLuma[64] = {16, 11, 12, 14, 12, 10, 16, 14, 13, 14, 18, 17, 16, 19, 24, 40,
                                       26, 24, 22, 22, 24, 49, 35, 37, 29, 40, 58, 51, 61, 60, 57, 51,
                                       56, 55, 64, 72, 92, 78, 64, 68, 87, 69, 55, 56, 80, 109, 81, 87,
                                       95, 98, 103, 104, 103, 62, 77, 113, 121, 112, 100, 120, 92, 101, 103, 99};
  size_t pos = 0;
  while (pos < len) {
    const unsigned pq = seg[pos] >> 4, tq = seg[pos] & 15;
    const size_t n = pq ? 128 : 64;
    if (pq > 1 || len - pos - 1 < n) return 0;
    if (tq == 0) {
      double sum = 0, std_sum = 0;
      for (size_t i = 0; i < 64; ++i) {
        const unsigned v = pq ? be16(seg + pos + 1 + 2 * i) : seg[pos + 1 + i];
        if (v >= 255) continue;  // clamped: says only "at least this coarse"
        sum += v;
        std_sum += kStdLuma[i];
      }
      if (std_sum == 0) return 1;
      const double scale = sum * 100 / std_sum;  // jpeg_quality_scaling(): 5000/q below 50, 200-2q above
      const double q = scale <= 100 ? (200 - scale) / 2 : 5000 / scale;
      return uint8_t(std::lround(std::clamp(q, 1.0, 100.0)));
    }
    pos += 1 + n;
  }
  return 0;
}

// Walks the JPEG markers up to the first scan: SOFn gives size/precision (limits checked at once), the first
// APP1 "Exif\0\0" gives the orientation.
Result<ProbeInfo> probe_jpeg(const uint8_t* d, size_t size, const Limits& limits) {
  ProbeInfo info;
  info.format = InputFormat::kJpeg;
  bool have_sof = false, have_exif = false;
  size_t pos = 2;  // after SOI
  for (;;) {
    while (pos < size && d[pos] != 0xFF) ++pos;  // extraneous bytes (libjpeg skips them with a warning)
    while (pos < size && d[pos] == 0xFF) ++pos;  // fill bytes
    if (pos >= size) break;
    const uint8_t m = d[pos++];
    if (m == 0x00 || m == 0x01 || (m >= 0xD0 && m <= 0xD8)) continue;  // stuffed zero, TEM, RSTn, SOI: no length
    if (m == 0xD9) return corrupt("JPEG ends (EOI marker) before any image data");
    if (size - pos < 2) break;
    const size_t len = be16(d + pos);
    if (len < 2) {
      char name[8];
      std::snprintf(name, sizeof name, "%02X", m);
      return corrupt(std::string("JPEG marker 0xFF") + name + " has an invalid length " + std::to_string(len));
    }
    if (m == 0xDA) {  // start of scan: the headers are over
      if (!have_sof) return corrupt("JPEG has no frame header (SOFn) before its image data");
      return info;
    }
    if (size - pos < len) break;
    const uint8_t* seg = d + pos + 2;
    const size_t seg_len = len - 2;
    if (is_sof(m)) {
      if (have_sof) return corrupt("JPEG has two frame headers (SOFn)");
      if (seg_len < 6) return corrupt("JPEG frame header (SOFn) is too short");
      const unsigned components = seg[5];
      info.bit_depth = seg[0];
      info.height = be16(seg + 1);
      info.width = be16(seg + 3);
      if (info.width == 0 || info.height == 0) {
        return corrupt("JPEG frame header declares an empty image (" + std::to_string(info.width) + " x " +
                       std::to_string(info.height) + "; a height defined later by DNL is not supported)");
      }
      if (components == 0 || seg_len < 6 + 3 * size_t(components)) {
        return corrupt("JPEG frame header declares " + std::to_string(components) + " components in " +
                       std::to_string(seg_len) + " bytes");
      }
      Status s = check_dimensions(info, limits);
      if (!s) return s.error();
      have_sof = true;
    } else if (m == 0xDB && info.quality == 0) {
      info.quality = jpeg_quality_from_dqt(seg, seg_len);
    } else if (m == 0xE1 && !have_exif && starts_with(seg, seg_len, "Exif\0\0", 6)) {
      info.orientation = exif_orientation(seg + 6, seg_len - 6);
      have_exif = true;
    }
    pos += len;
  }
  return corrupt("JPEG is truncated in its headers (" + std::to_string(size) + " bytes, no image data reached)");
}

bool png_depth_valid(unsigned color_type, unsigned depth) {
  switch (color_type) {
    case 0:
      return depth == 1 || depth == 2 || depth == 4 || depth == 8 || depth == 16;
    case 3:
      return depth == 1 || depth == 2 || depth == 4 || depth == 8;
    case 2:
    case 4:
    case 6:
      return depth == 8 || depth == 16;
    default:
      return false;
  }
}

// IHDR (limits checked at once), then the chunks before the first IDAT: a valid tRNS means alpha, the first
// eXIf gives the orientation, an acTL (APNG) the frame count, whose limits are checked again.
Result<ProbeInfo> probe_png(const uint8_t* d, size_t size, const Limits& limits) {
  ProbeInfo info;
  info.format = InputFormat::kPng;
  if (size < 33) return corrupt("PNG is truncated in its header (" + std::to_string(size) + " bytes)");
  if (be32(d + 8) != 13 || std::memcmp(d + 12, "IHDR", 4) != 0) return corrupt("PNG does not start with an IHDR chunk");
  const uint32_t w = be32(d + 16), h = be32(d + 20);
  const unsigned depth = d[24], color_type = d[25];
  if (w == 0 || h == 0 || w > 0x7FFFFFFFu || h > 0x7FFFFFFFu) {
    return corrupt("PNG header declares an invalid size " + std::to_string(w) + " x " + std::to_string(h));
  }
  if (!png_depth_valid(color_type, depth)) {
    return corrupt("PNG header declares an invalid colour type " + std::to_string(color_type) + " with bit depth " +
                   std::to_string(depth));
  }
  if (d[26] != 0 || d[27] != 0 || d[28] > 1)
    return corrupt("PNG header declares an unknown compression, filter or interlace method");
  info.width = w;
  info.height = h;
  info.bit_depth = depth == 16 ? 16 : 8;  // low depths and palettes decode to 8-bit samples
  info.has_alpha = color_type == 4 || color_type == 6;
  Status s = check_dimensions(info, limits);
  if (!s) return s.error();

  size_t pos = 33;
  size_t palette_entries = 0;
  bool have_exif = false, have_actl = false;
  for (;;) {
    if (size - pos < 8) return corrupt("PNG is truncated before its image data (IDAT)");
    const uint32_t len = be32(d + pos);
    const uint8_t* type = d + pos + 4;
    if (len > 0x7FFFFFFFu) return corrupt("PNG chunk length " + std::to_string(len) + " is invalid");
    if (std::memcmp(type, "IDAT", 4) == 0) {
      if (info.frame_count > 1 && !(s = check_dimensions(info, limits))) return s.error();
      return info;
    }
    if (std::memcmp(type, "IEND", 4) == 0) return corrupt("PNG has no image data (IEND before IDAT)");
    if (size - pos - 8 < size_t(len) + 4) return corrupt("PNG is truncated before its image data (IDAT)");
    const uint8_t* data = d + pos + 8;
    if (std::memcmp(type, "PLTE", 4) == 0) {
      palette_entries = len / 3;
    } else if (std::memcmp(type, "tRNS", 4) == 0) {  // the validity rules libpng applies before honouring it
      if ((color_type == 0 && len == 2) || (color_type == 2 && len == 6) ||
          (color_type == 3 && len >= 1 && len <= palette_entries && len <= 256)) {
        info.has_alpha = true;
      }
    } else if (std::memcmp(type, "eXIf", 4) == 0 && !have_exif) {
      info.orientation = exif_orientation(data, len);
      have_exif = true;
    } else if (std::memcmp(type, "acTL", 4) == 0 && !have_actl && len == 8) {
      // APNG: the number of frames shown (a default image outside the animation is not one of them). What
      // libpng's APNG reader accepts: the first acTL of length 8 before IDAT, 1 <= num_frames < 2^31.
      const uint32_t frames = be32(data);
      if (frames >= 1 && frames <= 0x7FFFFFFFu) info.frame_count = frames;
      have_actl = true;
    }
    pos += size_t(len) + 12;
  }
}

// WebP: the RIFF chunks are walked (no decoding): VP8X gives the canvas and flags, VP8/VP8L the size of a simple
// file, ANMF chunks are counted for an animation, EXIF gives the orientation.
Result<ProbeInfo> probe_webp(const uint8_t* d, size_t size, const Limits& limits) {
  ProbeInfo info;
  info.format = InputFormat::kWebp;
  if (size < 20) return corrupt("WebP is truncated in its header (" + std::to_string(size) + " bytes)");
  const size_t end = std::min(size, size_t(le32(d + 4)) + 8);
  size_t pos = 12;
  bool have_size = false;
  uint32_t frames = 0;
  while (pos + 8 <= end) {
    const uint8_t* c = d + pos;
    const size_t len = le32(c + 4);
    const uint8_t* body = c + 8;
    const size_t avail = std::min(len, end - pos - 8);
    if (std::memcmp(c, "VP8X", 4) == 0 && avail >= 10) {
      info.has_alpha = (body[0] & 0x10) != 0;
      info.width = (uint32_t(body[4]) | uint32_t(body[5]) << 8 | uint32_t(body[6]) << 16) + 1;
      info.height = (uint32_t(body[7]) | uint32_t(body[8]) << 8 | uint32_t(body[9]) << 16) + 1;
      have_size = true;
    } else if (std::memcmp(c, "VP8 ", 4) == 0 && !have_size) {
      if (avail < 10 || body[3] != 0x9d || body[4] != 0x01 || body[5] != 0x2a)
        return corrupt("WebP VP8 frame header is damaged");
      info.width = le16(body + 6) & 0x3fff;
      info.height = le16(body + 8) & 0x3fff;
      have_size = true;
    } else if (std::memcmp(c, "VP8L", 4) == 0 && !have_size) {
      if (avail < 5 || body[0] != 0x2f) return corrupt("WebP VP8L header is damaged");
      const uint32_t bits = le32(body + 1);
      info.width = (bits & 0x3fff) + 1;
      info.height = ((bits >> 14) & 0x3fff) + 1;
      info.has_alpha = (bits >> 28) & 1;
      have_size = true;
    } else if (std::memcmp(c, "ANMF", 4) == 0) {
      if (++frames > limits.max_frames) return more_frames_than("WebP", limits.max_frames);
    } else if (std::memcmp(c, "EXIF", 4) == 0) {
      const uint8_t* e = body;
      size_t n = avail;
      if (n >= 6 && std::memcmp(e, "Exif\0\0", 6) == 0) e += 6, n -= 6;
      info.orientation = exif_orientation(e, n);
    }
    if (len > end - pos - 8) break;  // truncated chunk: what was read stands, the decoder reports the damage
    pos += 8 + len + (len & 1);
  }
  if (!have_size || info.width == 0 || info.height == 0) return corrupt("WebP has no image header");
  info.frame_count = std::max<uint32_t>(frames, 1);
  if (Status s = check_dimensions(info, limits); !s) return s.error();
  return info;
}

// Logical screen size (a decompression bomb is refused here, before any frame is looked at), then the block
// structure walked without decoding (sub-blocks skipped): frame count (TOO_MANY_FRAMES as soon as it passes the
// limit), transparency from the graphic control extensions; width x height x frames checked at the end.
Result<ProbeInfo> probe_gif(const uint8_t* d, size_t size, const Limits& limits) {
  ProbeInfo info;
  info.format = InputFormat::kGif;
  if (size < 13) return corrupt("GIF is truncated in its header (" + std::to_string(size) + " bytes)");
  info.width = le16(d + 6);
  info.height = le16(d + 8);
  if (info.width == 0 || info.height == 0)
    return corrupt("GIF declares an empty screen " + std::to_string(info.width) + " x " + std::to_string(info.height));
  if (Status s = check_dimensions(info, limits); !s) return s.error();
  size_t pos = 13;
  if (d[10] & 0x80) pos += size_t(3) << ((d[10] & 7) + 1);  // global colour table
  auto skip_sub_blocks = [&]() {
    while (pos < size) {
      const uint8_t n = d[pos++];
      if (n == 0) return true;
      pos += n;
    }
    return false;
  };
  uint32_t frames = 0;
  uint64_t raster = 0;  // pixels of the frames' own rectangles
  while (pos < size) {
    const uint8_t block = d[pos++];
    if (block == 0x3B) break;  // trailer
    if (block == 0x21) {       // extension
      if (pos >= size) break;
      const uint8_t label = d[pos++];
      if (label == 0xF9 && pos + 2 < size && d[pos] == 4 && (d[pos + 1] & 1)) info.has_alpha = true;
      // As giflib's DGifSlurp reads it: the first sub-block whatever its size, then sub-blocks up to an empty one
      // (so an empty first sub-block does not end the extension). Walking it any other way counted frames giflib
      // then decoded past (tests/fuzz/fuzz_probe: 2 counted, 12 decoded, the limits checked on the 2).
      if (pos >= size) break;
      pos += 1 + size_t(d[pos]);
      if (!skip_sub_blocks()) break;
    } else if (block == 0x2C) {  // image descriptor (+ local colour table) + LZW data
      if (++frames > limits.max_frames) return more_frames_than("GIF", limits.max_frames);
      if (size - pos < 10) break;
      // giflib allocates each frame's raster at the frame's own size (a frame may be larger than the screen, which
      // clips it): those sizes count against the limits too, before giflib allocates anything.
      const uint32_t fw = le16(d + pos + 4), fh = le16(d + pos + 6);
      raster += uint64_t(fw) * fh;
      if (fw > limits.max_side || fh > limits.max_side)
        return fail(ErrorCode::kDimensionsTooLarge, "GIF frame " + std::to_string(frames - 1) + " is " +
                                                        std::to_string(fw) + " x " + std::to_string(fh) +
                                                        " px; the limit is " + std::to_string(limits.max_side) +
                                                        " px per side");
      const uint8_t flags = d[pos + 8];
      pos += 9;
      if (flags & 0x80) pos += size_t(3) << ((flags & 7) + 1);
      pos += 1;  // LZW minimum code size
      if (!skip_sub_blocks()) break;
    } else {
      if (frames == 0) return corrupt("GIF has an unknown block type " + std::to_string(block) + " before any image");
      break;  // trailing garbage after the images: decoders stop there too
    }
  }
  if (frames == 0) return corrupt("GIF has no image (truncated before the first image descriptor)");
  info.frame_count = frames;
  if (Status s = check_dimensions(info, limits); !s) return s.error();
  if (raster > limits.max_pixels)  // frames larger than the screen (clipped when shown, allocated whole by giflib)
    return fail(ErrorCode::kDimensionsTooLarge, "GIF frames are " + std::to_string(raster) +
                                                    " pixels in total (larger than the screen); the limit is " +
                                                    std::to_string(limits.max_pixels) + " pixels");
  return info;
}

// BITMAPFILEHEADER + the DIB header (OS/2 core or BITMAPINFOHEADER and later): size (a negative height is a
// top-down image), bits per pixel.
Result<ProbeInfo> probe_bmp(const uint8_t* d, size_t size, const Limits& limits) {
  ProbeInfo info;
  info.format = InputFormat::kBmp;
  if (size < 26) return corrupt("BMP is truncated in its header (" + std::to_string(size) + " bytes)");
  const uint32_t dib = le32(d + 14);
  int64_t w = 0, h = 0;
  unsigned bpp = 0;
  if (dib == 12) {
    w = le16(d + 18);
    h = le16(d + 20);
    bpp = le16(d + 24);
  } else if (dib >= 40 && size >= 30) {
    w = int32_t(le32(d + 18));
    h = int32_t(le32(d + 22));
    bpp = le16(d + 28);
  } else {
    return corrupt("BMP has an unknown header size " + std::to_string(dib));
  }
  if (h < 0) h = -h;
  if (w <= 0 || h == 0 || w > 0x7FFFFFFF || h > 0x7FFFFFFF)
    return corrupt("BMP header declares an invalid size " + std::to_string(w) + " x " + std::to_string(h));
  info.width = uint32_t(w);
  info.height = uint32_t(h);
  info.has_alpha = bpp == 32;
  if (Status s = check_dimensions(info, limits); !s) return s.error();
  return info;
}

// ---------------------------------------------------------------------------------------------------------------
// Allocation

// Sizes `v` to `n` bytes; false when the memory is not there. The malloc probe comes first because in a wasm build
// without exception catching a failed operator new aborts, whereas malloc returns null when the heap cannot grow.
bool try_resize(std::vector<uint8_t>& v, uint64_t n) {
  if (n > std::numeric_limits<size_t>::max() || n > v.max_size()) return false;
  void* p = std::malloc(size_t(n));
  if (p == nullptr) return false;
  std::free(p);
  try {
    v.resize(size_t(n));
  } catch (const std::bad_alloc&) {
    return false;
  } catch (const std::length_error&) {
    return false;
  }
  return true;
}

Error out_of_memory(const char* what, uint64_t bytes) {
  return fail(ErrorCode::kOutOfMemory, std::string("cannot allocate ") + std::to_string(bytes) + " bytes for " + what);
}

// ---------------------------------------------------------------------------------------------------------------
// JPEG

struct JpegError {
  jpeg_error_mgr pub;  // first: libjpeg sees a jpeg_error_mgr*
  std::jmp_buf jump;
  ErrorCode code;
  char message[JMSG_LENGTH_MAX];
  // A single-scan file that lacks only its EOI marker makes libjpeg warn JWRN_JPEG_EOF while the last MCU row
  // fills its bit buffer, with all entropy data present. Such an end is tolerated once (tolerate_eof is set after
  // the header for single-scan files only); any warning after it means data was missing.
  bool tolerate_eof;
  bool eof_seen;
};

struct JpegJob {
  jpeg_decompress_struct cinfo;
  JpegError err;
  bool created = false;
  const uint8_t* data = nullptr;
  size_t size = 0;
  const ProbeInfo* info = nullptr;
  Image* image = nullptr;
  JOCTET* icc = nullptr;  // malloc'd by jpeg_read_icc_profile; freed by the caller
  unsigned icc_len = 0;
  // A CMYK row, here rather than a local of run_jpeg: libjpeg's errors longjmp out of run_jpeg, past any local's
  // destructor (a leak, and undefined behaviour in C++) — found by tests/fuzz/fuzz_probe.
  std::vector<uint8_t> cmyk_row;
  // Set by run_jpeg for errors it finds itself (not from libjpeg).
  bool own_error = false;
  Error error{ErrorCode::kCorruptInput, "", 0};
};

ErrorCode classify_jpeg_error(int msg_code) {
  switch (msg_code) {
    case JERR_OUT_OF_MEMORY:
      return ErrorCode::kOutOfMemory;
    case JERR_BAD_PRECISION:
    case JERR_SOF_UNSUPPORTED:
    case JERR_NOT_COMPILED:
    case JERR_ARITH_NOTIMPL:
    case JERR_CONVERSION_NOTIMPL:
      return ErrorCode::kUnsupportedFormat;
    default:
      return ErrorCode::kCorruptInput;
  }
}

[[noreturn]] void jpeg_on_error(j_common_ptr c) {
  auto* e = reinterpret_cast<JpegError*>(c->err);
  (*c->err->format_message)(c, e->message);
  e->code = classify_jpeg_error(c->err->msg_code);
  std::longjmp(e->jump, 1);
}

// Warnings: a premature end of the data would otherwise decode silently as grey; make it an error. The one
// exception is a single-scan file missing only its EOI marker (see JpegError): if data was really missing, the
// entropy decoder follows with JWRN_HIT_MARKER ("premature end of data segment") or another warning, which fails.
void jpeg_on_message(j_common_ptr c, int level) {
  if (level >= 0) return;  // trace messages
  auto* e = reinterpret_cast<JpegError*>(c->err);
  const int code = c->err->msg_code;
  c->err->num_warnings++;
  if (code == JWRN_JPEG_EOF && e->tolerate_eof && !e->eof_seen) {
    e->eof_seen = true;
    return;
  }
  if (code == JWRN_JPEG_EOF || code == JWRN_HIT_MARKER || e->eof_seen) {
    (*c->err->format_message)(c, e->message);
    if (e->eof_seen && code != JWRN_JPEG_EOF) {
      std::snprintf(e->message, sizeof e->message, "%s", "Premature end of JPEG file");
    }
    e->code = ErrorCode::kCorruptInput;
    std::longjmp(e->jump, 1);
  }
}

// The only JPEG function that calls setjmp. It holds no local with a destructor and reads no local after a jump.
bool run_jpeg(JpegJob& job) {
  if (setjmp(job.err.jump)) return false;
  jpeg_decompress_struct* cinfo = &job.cinfo;
  jpeg_create_decompress(cinfo);
  job.created = true;
  jpeg_mem_src(cinfo, job.data, static_cast<unsigned long>(job.size));
  jpeg_save_markers(cinfo, JPEG_APP0 + 1, 0xFFFF);  // Exif, XMP
  jpeg_save_markers(cinfo, JPEG_APP0 + 2, 0xFFFF);  // ICC
  jpeg_read_header(cinfo, TRUE);

  // CMYK/YCCK (print files from Photoshop & co): decoded to CMYK by libjpeg-turbo, then to RGB below.
  const bool cmyk = cinfo->jpeg_color_space == JCS_CMYK || cinfo->jpeg_color_space == JCS_YCCK;
  if (cinfo->image_width != job.info->width || cinfo->image_height != job.info->height) {
    job.own_error = true;
    job.error = corrupt("JPEG headers are inconsistent (the frame header read twice gave different sizes)");
    return false;
  }

  Metadata& meta = job.image->meta;
  static const char kXmpId[] = "http://ns.adobe.com/xap/1.0/";  // followed by a NUL in the segment
  for (jpeg_saved_marker_ptr m = cinfo->marker_list; m != nullptr; m = m->next) {
    if (m->marker != JPEG_APP0 + 1) continue;
    if (meta.exif.empty() && starts_with(m->data, m->data_length, "Exif\0\0", 6)) {
      meta.exif.assign(m->data + 6, m->data + m->data_length);
    } else if (meta.xmp.empty() && starts_with(m->data, m->data_length, kXmpId, sizeof kXmpId)) {
      meta.xmp.assign(m->data + sizeof kXmpId, m->data + m->data_length);
    }
  }
  if (jpeg_read_icc_profile(cinfo, &job.icc, &job.icc_len) && job.icc != nullptr) {
    // A CMYK file's profile describes CMYK: attached to the RGB output it would be wrong, so it is dropped.
    if (!cmyk) meta.icc.assign(job.icc, job.icc + job.icc_len);
    std::free(job.icc);
    job.icc = nullptr;
  }

  job.err.tolerate_eof = !jpeg_has_multiple_scans(cinfo);
  cinfo->out_color_space = cmyk ? JCS_CMYK : JCS_RGB;  // greyscale is expanded to RGB by libjpeg-turbo
  jpeg_start_decompress(cinfo);
  if (cinfo->output_components != (cmyk ? 4 : 3)) {
    job.own_error = true;
    job.error = fail(ErrorCode::kUnsupportedFormat,
                     "JPEG decodes to " + std::to_string(cinfo->output_components) + " components; expected RGB");
    return false;
  }
  Image& im = *job.image;
  im.width = cinfo->output_width;
  im.height = cinfo->output_height;
  im.channels = 3;
  im.bytes_per_sample = 1;
  im.source_bit_depth = 8;
  const uint64_t bytes = uint64_t(im.width) * im.height * 3;
  if (!try_resize(im.data, bytes)) {
    job.own_error = true;
    job.error = out_of_memory("the JPEG pixels", bytes);
    return false;
  }
  const size_t stride = im.row_bytes();
  if (cmyk) {
    // One CMYK row at a time, converted to RGB as every viewer without colour management does (Pillow,
    // browsers): with Adobe's APP14 marker the samples are stored inverted (Photoshop), so R = C' * K' / 255 on
    // the stored values; without it they are ink amounts, R = (255 - C) * (255 - K) / 255.
    std::vector<uint8_t>& row = job.cmyk_row;
    if (!try_resize(row, uint64_t(im.width) * 4)) {
      job.own_error = true;
      job.error = out_of_memory("a CMYK row", uint64_t(im.width) * 4);
      return false;
    }
    const bool inverted = cinfo->saw_Adobe_marker;
    while (cinfo->output_scanline < cinfo->output_height) {
      uint8_t* out = im.data.data() + size_t(cinfo->output_scanline) * stride;
      JSAMPROW r = row.data();
      if (jpeg_read_scanlines(cinfo, &r, 1) != 1) break;
      for (uint32_t x = 0; x < im.width; ++x) {
        const uint8_t* p = &row[size_t(x) * 4];
        const unsigned k = inverted ? p[3] : 255u - p[3];
        for (int c = 0; c < 3; ++c) {
          const unsigned v = inverted ? p[c] : 255u - p[c];
          out[size_t(x) * 3 + c] = uint8_t((v * k + 127) / 255);
        }
      }
    }
    return true;
  }
  while (cinfo->output_scanline < cinfo->output_height) {
    JSAMPROW rows[16];
    const JDIMENSION first = cinfo->output_scanline;
    JDIMENSION n = cinfo->output_height - first;
    if (n > 16) n = 16;
    for (JDIMENSION i = 0; i < n; ++i) rows[i] = im.data.data() + size_t(first + i) * stride;
    jpeg_read_scanlines(cinfo, rows, n);
  }
  // No jpeg_finish_decompress: every row is in, and a file that lacks only its EOI marker is accepted.
  return true;
}

Result<Image> decode_jpeg(const uint8_t* data, size_t size, const ProbeInfo& info) {
  if (info.bit_depth != 8) {
    return fail(ErrorCode::kUnsupportedFormat,
                std::to_string(info.bit_depth) + "-bit JPEG is not supported (8-bit only)");
  }
  if constexpr (sizeof(size_t) > sizeof(unsigned long)) {  // jpeg_mem_src takes an unsigned long size
    if (size > std::numeric_limits<unsigned long>::max()) {
      return fail(ErrorCode::kInputTooLarge, "input is " + std::to_string(size) + " bytes; libjpeg takes at most " +
                                                 std::to_string(std::numeric_limits<unsigned long>::max()));
    }
  }
  Image image;
  JpegJob job;
  std::memset(&job.cinfo, 0, sizeof job.cinfo);
  job.cinfo.err = jpeg_std_error(&job.err.pub);
  job.err.pub.error_exit = jpeg_on_error;
  job.err.pub.emit_message = jpeg_on_message;
  job.err.code = ErrorCode::kCorruptInput;
  job.err.message[0] = '\0';
  job.err.tolerate_eof = false;
  job.err.eof_seen = false;
  job.data = data;
  job.size = size;
  job.info = &info;
  job.image = &image;
  bool ok = false;
  try {
    ok = run_jpeg(job);
  } catch (const std::bad_alloc&) {
    job.own_error = true;
    job.error = fail(ErrorCode::kOutOfMemory, "out of memory while decoding the JPEG");
  }
  if (job.icc != nullptr) std::free(job.icc);
  if (job.created) jpeg_destroy_decompress(&job.cinfo);
  if (ok) return image;
  if (job.own_error) return job.error;
  const std::string msg = job.err.message;
  switch (job.err.code) {
    case ErrorCode::kOutOfMemory:
      return fail(ErrorCode::kOutOfMemory, "JPEG decoder: " + msg);
    case ErrorCode::kUnsupportedFormat:
      return fail(ErrorCode::kUnsupportedFormat, "JPEG not supported: " + msg);
    default:
      return corrupt("JPEG is truncated or corrupt: " + msg);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// PNG

struct PngJob {
  png_structp png = nullptr;
  png_infop info = nullptr;
  const uint8_t* data = nullptr;
  size_t size = 0;
  size_t pos = 0;
  const ProbeInfo* probe = nullptr;
  const Limits* limits = nullptr;
  uint32_t max_frames = 1;  // APNG: frames wanted (decode(): 1)
  Frames* out = nullptr;
  std::vector<png_bytep> rows;
  std::vector<uint8_t> frame;  // APNG: one frame's pixels, as libpng reads them
  detail::Canvas canvas;       // APNG: what the frames are painted onto
  bool pixels_done = false;  // an error after this point (in png_read_end) only loses trailing chunks
  bool own_error = false;
  Error error{ErrorCode::kCorruptInput, "", 0};
  ErrorCode lib_code = ErrorCode::kCorruptInput;
  char message[256] = {0};
};

void png_read_mem(png_structp png, png_bytep out, png_size_t length) {
  auto* job = static_cast<PngJob*>(png_get_io_ptr(png));
  if (job->size - job->pos < length) png_error(png, "PNG data ends unexpectedly (truncated file)");
  std::memcpy(out, job->data + job->pos, length);
  job->pos += length;
}

[[noreturn]] void png_on_error(png_structp png, png_const_charp msg) {
  auto* job = static_cast<PngJob*>(png_get_error_ptr(png));
  std::snprintf(job->message, sizeof job->message, "%s", msg != nullptr ? msg : "unknown error");
  job->lib_code = msg != nullptr && (std::strstr(msg, "memory") != nullptr || std::strstr(msg, "Memory") != nullptr)
                      ? ErrorCode::kOutOfMemory
                      : ErrorCode::kCorruptInput;
  png_longjmp(png, 1);
}

void png_on_warning(png_structp, png_const_charp) {}  // ancillary-chunk trouble: libpng drops the chunk

// libpng's allocator, capped: no single allocation of libpng's may exceed the largest input accepted
// (limits.max_input_bytes). Pixels are ours (try_resize); libpng allocates rows, zlib windows and chunk data, and a
// chunk's length is only checked as a *benign* error when reading, so a forged tEXt length was allocated as is
// (tests/fuzz/fuzz_probe: a 372-byte PNG claiming a 1.8 GB tEXt; in wasm the heap never shrinks again). Refused,
// libpng drops the ancillary chunk with a warning ("insufficient memory") and decodes the image.
png_voidp png_malloc_capped(png_structp png, png_alloc_size_t n) {
  const auto* job = static_cast<const PngJob*>(png_get_mem_ptr(png));
  if (n > job->limits->max_input_bytes) return nullptr;
  return std::malloc(n);
}
void png_free_capped(png_structp, png_voidp p) { std::free(p); }

bool host_is_little_endian() {
  const uint16_t one = 1;
  uint8_t first;
  std::memcpy(&first, &one, 1);
  return first == 1;
}

bool grow_rows(std::vector<png_bytep>& rows, size_t n) {
  try {
    rows.resize(n);
  } catch (const std::bad_alloc&) {
    return false;
  } catch (const std::length_error&) {
    return false;
  }
  return true;
}

// Points job.rows at the `h` rows of `row_bytes` each in `pixels`.
bool point_rows(PngJob& job, uint8_t* pixels, size_t row_bytes, uint32_t h) {
  if (!grow_rows(job.rows, h)) {
    job.own_error = true;
    job.error = out_of_memory("the PNG row table", uint64_t(h) * sizeof(png_bytep));
    return false;
  }
  for (size_t y = 0; y < h; ++y) job.rows[y] = pixels + y * row_bytes;
  return true;
}

#ifdef PNG_READ_APNG_SUPPORTED
// APNG compositing, as the APNG specification (1.0, "fcTL") describes it and browsers show it: a frame (RGBA, the
// size of `r`) either replaces its rectangle of the canvas (blend_op SOURCE) or is alpha-composited over it (OVER,
// straight alpha, rounded to nearest). T: uint8_t or uint16_t samples, as the canvas has.
template <typename T>
void paint_frame(detail::Canvas& canvas, const T* frame, const detail::Rect& r, bool over) {
  constexpr double kMax = std::numeric_limits<T>::max();
  for (uint32_t y = 0; y < r.h; ++y) {
    T* d = reinterpret_cast<T*>(canvas.at(r.x, r.y + y));
    const T* s = frame + size_t(y) * r.w * 4;
    if (!over) {
      std::memcpy(d, s, size_t(r.w) * 4 * sizeof(T));
      continue;
    }
    for (uint32_t i = 0; i < r.w; ++i, d += 4, s += 4) {
      if (s[3] == std::numeric_limits<T>::max()) {
        std::memcpy(d, s, 4 * sizeof(T));
      } else if (s[3] != 0) {
        const double as = s[3] / kMax, ad = d[3] / kMax, ao = as + ad * (1 - as);
        for (int c = 0; c < 3; ++c) d[c] = T(std::lround((s[c] * as + d[c] * ad * (1 - as)) / ao));
        d[3] = T(std::lround(ao * kMax));
      }
    }
  }
}

// Display time of an APNG frame: delay_num / delay_den seconds, a denominator of 0 meaning 100 (the spec).
uint32_t apng_delay_ms(uint16_t num, uint16_t den) {
  return uint32_t(std::lround(double(num) * 1000.0 / (den == 0 ? 100.0 : double(den))));
}

// The APNG frames after png_read_update_info (RGBA, 8 or 16 bits): each one read by libpng's APNG reader
// (patches/libpng1.6/0001), painted onto the canvas and copied out, then disposed of (dispose_op NONE, BACKGROUND:
// its region cleared, PREVIOUS: the canvas restored; PREVIOUS on the first frame is BACKGROUND, as the spec says).
// A default image outside the animation (no fcTL before IDAT) is read and not shown. Called under run_png's
// setjmp: every piece of state lives in `job`.
bool run_apng(PngJob& job, uint32_t w, uint32_t h, unsigned bytes_per_sample) {
  png_structp png = job.png;
  png_infop info = job.info;
  const uint32_t total = png_get_num_frames(png, info);  // (counts a hidden default image)
  const bool hidden = png_get_first_frame_is_hidden(png, info) != 0;
  const uint32_t shown = total - (hidden ? 1u : 0u);
  if (total == 0 || shown != job.probe->frame_count) {  // the safety net under probe()'s acTL reading
    job.own_error = true;
    job.error = corrupt("APNG frame count is ambiguous: " + std::to_string(job.probe->frame_count) + " by its acTL, " +
                        std::to_string(shown) + " by libpng");
    return false;
  }
  const uint64_t bytes = uint64_t(w) * h * 4 * bytes_per_sample;
  if (!job.canvas.reset(w, h, bytes_per_sample) || !try_resize(job.frame, bytes)) {
    job.own_error = true;
    job.error = out_of_memory("the APNG canvas", 2 * bytes);
    return false;
  }
  Frames& out = *job.out;
  const uint32_t wanted = std::min(shown, job.max_frames);
  for (uint32_t i = 0; i < total && out.images.size() < wanted; ++i) {
    png_read_frame_head(png, info);
    png_uint_32 fw = w, fh = h, x0 = 0, y0 = 0;
    png_uint_16 delay_num = 0, delay_den = 0;
    png_byte dispose = PNG_DISPOSE_OP_NONE, blend = PNG_BLEND_OP_SOURCE;
    const bool is_hidden = i == 0 && hidden;
    if (!is_hidden)
      png_get_next_frame_fcTL(png, info, &fw, &fh, &x0, &y0, &delay_num, &delay_den, &dispose, &blend);
    // (libpng checks the region against IHDR; checked again because our writes depend on it)
    if (fw == 0 || fh == 0 || fw > w || fh > h || x0 > w - fw || y0 > h - fh) {
      job.own_error = true;
      job.error = corrupt("APNG frame " + std::to_string(i) + " lies outside the image");
      return false;
    }
    if (!point_rows(job, job.frame.data(), size_t(fw) * 4 * bytes_per_sample, fh)) return false;
    png_read_image(png, job.rows.data());
    if (is_hidden) continue;

    if (out.images.empty() && dispose == PNG_DISPOSE_OP_PREVIOUS) dispose = PNG_DISPOSE_OP_BACKGROUND;
    const detail::Rect rect{x0, y0, fw, fh};
    if (dispose == PNG_DISPOSE_OP_PREVIOUS) job.canvas.save(rect);
    const bool over = blend == PNG_BLEND_OP_OVER;
    if (bytes_per_sample == 2)
      paint_frame(job.canvas, reinterpret_cast<const uint16_t*>(job.frame.data()), rect, over);
    else
      paint_frame(job.canvas, job.frame.data(), rect, over);
    out.images.push_back(job.canvas.snapshot());
    out.durations_ms.push_back(apng_delay_ms(delay_num, delay_den));

    if (dispose == PNG_DISPOSE_OP_BACKGROUND) job.canvas.clear(rect);
    else if (dispose == PNG_DISPOSE_OP_PREVIOUS) job.canvas.restore(rect);
  }
  out.loop_count = png_get_num_plays(png, info);  // 0 = forever, as WebP's loop count
  if (shown == 1) out.durations_ms.clear();        // one frame is a still
  job.pixels_done = true;
  if (wanted == shown) png_read_end(png, info);  // text/eXIf chunks after the frames
  return true;
}
#endif  // PNG_READ_APNG_SUPPORTED

// The only PNG function that calls setjmp; same discipline as run_jpeg.
bool run_png(PngJob& job) {
  if (setjmp(png_jmpbuf(job.png))) return false;
  png_structp png = job.png;
  png_infop info = job.info;
  png_set_read_fn(png, &job, png_read_mem);
  const uint32_t side = job.limits->max_side < 0x7FFFFFFFu ? job.limits->max_side : 0x7FFFFFFFu;
  png_set_user_limits(png, side, side);  // probe() already checked; this keeps libpng's default 1e6 out of the way
  png_read_info(png, info);

  png_uint_32 w = 0, h = 0;
  int depth = 0, color_type = 0, interlace = 0;
  png_get_IHDR(png, info, &w, &h, &depth, &color_type, &interlace, nullptr, nullptr);
  if (w != job.probe->width || h != job.probe->height) {
    job.own_error = true;
    job.error = corrupt("PNG header is inconsistent");
    return false;
  }
#ifdef PNG_READ_APNG_SUPPORTED
  const bool apng = png_get_valid(png, info, PNG_INFO_acTL) != 0;
#else
  const bool apng = false;
#endif
  if (!apng && job.probe->frame_count != 1) {  // an acTL libpng did not take (or a libpng without APNG)
    job.own_error = true;
    job.error = corrupt("PNG acTL (APNG frame count) is not one libpng reads");
    return false;
  }
  if (color_type == PNG_COLOR_TYPE_PALETTE) png_set_palette_to_rgb(png);
  if (color_type == PNG_COLOR_TYPE_GRAY && depth < 8) png_set_expand_gray_1_2_4_to_8(png);
  const bool trns = png_get_valid(png, info, PNG_INFO_tRNS) != 0;
  if (trns) png_set_tRNS_to_alpha(png);
  if (color_type == PNG_COLOR_TYPE_GRAY || color_type == PNG_COLOR_TYPE_GRAY_ALPHA) png_set_gray_to_rgb(png);
  // Frames are composited with alpha: an opaque APNG gets an opaque alpha channel (dropped again by the encoders).
  if (apng && !trns && (color_type & PNG_COLOR_MASK_ALPHA) == 0)
    png_set_add_alpha(png, depth == 16 ? 0xFFFF : 0xFF, PNG_FILLER_AFTER);
  if (depth == 16 && host_is_little_endian()) png_set_swap(png);  // PNG is big-endian; Image wants native
  png_set_interlace_handling(png);
  png_read_update_info(png, info);

  const unsigned channels = png_get_channels(png, info);
  const unsigned out_depth = png_get_bit_depth(png, info);
  const unsigned bytes_per_sample = out_depth == 16 ? 2 : 1;
  if ((channels != 3 && channels != 4) || (apng && channels != 4) || (out_depth != 8 && out_depth != 16) ||
      png_get_rowbytes(png, info) != size_t(w) * channels * bytes_per_sample) {
    job.own_error = true;
    job.error = corrupt("PNG transforms gave an unexpected layout (" + std::to_string(channels) + " channels, " +
                        std::to_string(out_depth) + " bits)");
    return false;
  }
#ifdef PNG_READ_APNG_SUPPORTED
  if (apng) return run_apng(job, w, h, bytes_per_sample);
#endif

  job.out->images.emplace_back();
  Image& im = job.out->images.back();
  im.width = w;
  im.height = h;
  im.channels = uint8_t(channels);
  im.bytes_per_sample = uint8_t(bytes_per_sample);
  im.source_bit_depth = depth == 16 ? 16 : 8;
  const uint64_t bytes = uint64_t(im.row_bytes()) * h;
  if (!try_resize(im.data, bytes)) {
    job.own_error = true;
    job.error = out_of_memory("the PNG pixels", bytes);
    return false;
  }
  if (!point_rows(job, im.data.data(), im.row_bytes(), h)) return false;
  png_read_image(png, job.rows.data());
  job.pixels_done = true;
  png_read_end(png, info);  // text/eXIf chunks after the image data
  return true;
}

// Copies ICC, EXIF and XMP out of libpng's info struct (no libpng call here can raise an error).
void collect_png_metadata(png_structp png, png_infop info, Metadata& meta) {
  png_charp name = nullptr;
  int compression = 0;
  png_bytep profile = nullptr;
  png_uint_32 profile_len = 0;
  if (png_get_iCCP(png, info, &name, &compression, &profile, &profile_len) && profile != nullptr) {
    meta.icc.assign(profile, profile + profile_len);
  }
#ifdef PNG_cICP_SUPPORTED  // (libpng >= 1.6.45, PNG 3rd edition; the wasm build's 1.6.48 has it, bookworm's 1.6.39 not)
  png_byte primaries = 0, transfer = 0, matrix = 0, full_range = 1;
  if (png_get_cICP(png, info, &primaries, &transfer, &matrix, &full_range))
    meta.nclx = Nclx{primaries, transfer, matrix, full_range != 0};  // matrix is 0 (RGB) in a PNG
#endif
  png_bytep exif = nullptr;
  png_uint_32 exif_len = 0;
  if (png_get_eXIf_1(png, info, &exif_len, &exif) && exif != nullptr) meta.exif.assign(exif, exif + exif_len);
  png_textp text = nullptr;
  int num_text = 0;
  if (png_get_text(png, info, &text, &num_text) > 0 && text != nullptr) {
    for (int i = 0; i < num_text; ++i) {
      if (text[i].key == nullptr || text[i].text == nullptr || std::strcmp(text[i].key, "XML:com.adobe.xmp") != 0)
        continue;
      size_t n = text[i].compression > 0 ? text[i].itxt_length : text[i].text_length;  // iTXt uses itxt_length
      if (n == 0) n = std::strlen(text[i].text);
      meta.xmp.assign(text[i].text, text[i].text + n);
      break;
    }
  }
}

// PNG (APNG: its first `max_frames` frames) through libpng. ICC, NCLX (cICP), EXIF and XMP travel with the first
// image; ICC and NCLX with every frame of an APNG, since each frame of a multi-image HEIF carries its own colour.
Result<Frames> decode_png(const uint8_t* data, size_t size, const ProbeInfo& probe, const Limits& limits,
                          uint32_t max_frames) {
  Frames frames;
  PngJob job;
  job.data = data;
  job.size = size;
  job.probe = &probe;
  job.limits = &limits;
  job.max_frames = std::max<uint32_t>(1, max_frames);
  job.out = &frames;
  job.png = png_create_read_struct_2(PNG_LIBPNG_VER_STRING, &job, png_on_error, png_on_warning, &job, png_malloc_capped,
                                     png_free_capped);
  if (job.png == nullptr) return fail(ErrorCode::kOutOfMemory, "cannot allocate the PNG decoder");
  job.info = png_create_info_struct(job.png);
  if (job.info == nullptr) {
    png_destroy_read_struct(&job.png, nullptr, nullptr);
    return fail(ErrorCode::kOutOfMemory, "cannot allocate the PNG decoder");
  }
  bool ok = false;
  try {
    ok = run_png(job);
  } catch (const std::bad_alloc&) {
    job.own_error = true;
    job.error = fail(ErrorCode::kOutOfMemory, "out of memory while decoding the PNG");
  }
  if (ok || (!job.own_error && job.pixels_done)) {
    try {
      Metadata& meta = frames.images.front().meta;
      collect_png_metadata(job.png, job.info, meta);
      for (size_t i = 1; i < frames.images.size(); ++i) {
        frames.images[i].meta.icc = meta.icc;
        frames.images[i].meta.nclx = meta.nclx;
      }
    } catch (const std::bad_alloc&) {
      ok = false;
      job.own_error = true;
      job.error = fail(ErrorCode::kOutOfMemory, "out of memory while copying PNG metadata");
    }
    if (!job.own_error) ok = true;
  }
  png_destroy_read_struct(&job.png, &job.info, nullptr);
  if (ok) return frames;
  if (job.own_error) return job.error;
  if (job.lib_code == ErrorCode::kOutOfMemory)
    return fail(ErrorCode::kOutOfMemory, std::string("PNG decoder: ") + job.message);
  return corrupt(std::string("PNG is truncated or corrupt: ") + job.message);
}

std::string first_bytes_hex(const uint8_t* d, size_t size) {
  static const char kHex[] = "0123456789abcdef";
  std::string s;
  const size_t n = size < 8 ? size : 8;
  for (size_t i = 0; i < n; ++i) {
    if (i) s += ' ';
    s += kHex[d[i] >> 4];
    s += kHex[d[i] & 15];
  }
  return s;
}

}  // namespace

const char* input_format_name(InputFormat f) { return names_of(f).id; }

InputFormat sniff(const uint8_t* d, size_t size) {
  if (d == nullptr || size == 0) return InputFormat::kUnknown;
  if (size >= 3 && d[0] == 0xFF && d[1] == 0xD8 && d[2] == 0xFF) return InputFormat::kJpeg;
  if (starts_with(d, size, "\x89PNG\r\n\x1a\n", 8)) return InputFormat::kPng;
  if (starts_with(d, size, "GIF87a", 6) || starts_with(d, size, "GIF89a", 6)) return InputFormat::kGif;
  if (size >= 12 && std::memcmp(d, "RIFF", 4) == 0 && std::memcmp(d + 8, "WEBP", 4) == 0) return InputFormat::kWebp;
  if (starts_with(d, size, "TPG", 3)) return InputFormat::kTpg;
  if (starts_with(d, size, "BM", 2)) return InputFormat::kBmp;
  return sniff_ftyp(d, size);
}

Result<ProbeInfo> probe(const uint8_t* data, size_t size, const Limits& limits) {
  if (auto st = check_input_bytes(size, limits); !st) return st.error();
  if (data == nullptr || size == 0) return corrupt("empty input");
  const InputFormat f = sniff(data, size);
  switch (f) {
    case InputFormat::kJpeg:
      return probe_jpeg(data, size, limits);
    case InputFormat::kPng:
      return probe_png(data, size, limits);
    case InputFormat::kGif:
      return probe_gif(data, size, limits);
    case InputFormat::kBmp:
      return probe_bmp(data, size, limits);
    case InputFormat::kWebp:
      return probe_webp(data, size, limits);
    case InputFormat::kHeif:
    case InputFormat::kAvif:
      return fail(ErrorCode::kUnsupportedFormat,
                  std::string(display_name(f)) + " is read by libheif in the HEIC and AVIF modules (probe_heif), not here");
    case InputFormat::kTpg:
      return fail(ErrorCode::kUnsupportedFormat,
                  "TPG (Tencent's proprietary format) cannot be decoded without Tencent's SDK");
    case InputFormat::kUnknown:
      break;
  }
  return fail(ErrorCode::kUnsupportedFormat,
              "unrecognised input (first bytes " + first_bytes_hex(data, size) +
                  "); JPEG, PNG, GIF, BMP, WebP, HEIF/HEIC and AVIF are the inputs advcompress reads");
}

namespace {

// The resize steps for a w x h source (already oriented), planned in order: each step's output is the next one's
// input. Errors: plan_resize()'s (OUTPUT_TOO_LARGE, INVALID_OPTION).
Result<std::vector<ResizePlan>> plan_steps(uint32_t w, uint32_t h, const DecodeOptions& options) {
  std::vector<ResizePlan> plans;
  for (const ResizeSpec& spec : options.resize) {
    Result<ResizePlan> plan = plan_resize(spec, w, h, options.limits);
    if (!plan) return plan.error();
    w = plan.value().out_width;
    h = plan.value().out_height;
    plans.push_back(plan.value());
  }
  return plans;
}

// The size after the EXIF orientation (sides swapped for 5-8 when auto_orient) and every resize step, from the
// sizes alone. Errors: plan_steps()'s.
Result<PlannedSize> planned_size(uint32_t width, uint32_t height, uint8_t orientation, const DecodeOptions& options) {
  const bool swap = options.auto_orient && orientation >= 5 && orientation <= 8;
  PlannedSize out{swap ? height : width, swap ? width : height};
  Result<std::vector<ResizePlan>> plans = plan_steps(out.width, out.height, options);
  if (!plans) return plans.error();
  if (!plans.value().empty()) out = {plans.value().back().out_width, plans.value().back().out_height};
  return out;
}

}  // namespace

Result<PlannedSize> plan_output(uint32_t width, uint32_t height, uint8_t orientation, const DecodeOptions& options) {
  Result<PlannedSize> out = planned_size(width, height, orientation, options);
  if (!out) return out;
  if (auto s = check_output_side(out.value().width, out.value().height, options.limits); !s) return s.error();
  return out;
}

Status orient_and_resize(Image& im, uint8_t orientation, const DecodeOptions& options) try {
  if (options.auto_orient) {
    if (orientation >= 2 && orientation <= 8) {
      // 5–8 need a second pixel buffer of the same size.
      if (orientation >= 5) {
        void* probe_mem = std::malloc(im.data.size());
        if (probe_mem == nullptr) return out_of_memory("rotating the image", im.data.size());
        std::free(probe_mem);
      }
      apply_orientation(im, orientation);
    }
    // The pixels are now upright: whatever the tag said (even a value out of range), it now says 1.
    if (!im.meta.exif.empty()) exif_reset_orientation(im.meta.exif);
  }
  Result<std::vector<ResizePlan>> plans = plan_steps(im.width, im.height, options);
  if (!plans) return plans.error();
  for (const ResizePlan& plan : plans.value()) {
    if (plan.identity(im.width, im.height)) continue;
    Result<Image> resized = resize_image(im, plan);
    if (!resized) return resized.error();
    im = std::move(resized.value());
  }
  return Ok{};
} catch (const std::bad_alloc&) {
  return fail(ErrorCode::kOutOfMemory, "out of memory while orienting or resizing");
}

namespace {

// decode() and decode_frames(): probe, plan, decode up to `max_frames` frames, orient and resize each.
Result<Frames> decode_impl(const uint8_t* data, size_t size, const DecodeOptions& options, uint32_t max_frames) {
  try {
    Result<ProbeInfo> p = probe(data, size, options.limits);
    if (!p) return p.error();
    const ProbeInfo& info = p.value();
    // Plan every resize step from the header sizes first: an impossible output costs no decoding.
    if (auto planned = planned_size(info.width, info.height, info.orientation, options); !planned)
      return planned.error();
    Result<Frames> frames = Frames{};
    if (info.format == InputFormat::kGif) {
      frames = detail::decode_gif(data, size, info, max_frames);
    } else if (info.format == InputFormat::kPng) {
      frames = decode_png(data, size, info, options.limits, max_frames);
    } else {
      if (info.format == InputFormat::kWebp)  // probe() reads its headers; the pixels are the WebP module's
        return fail(ErrorCode::kUnsupportedFormat, "WebP is decoded by the WebP module (decode_webp), not here");
      Result<Image> r = info.format == InputFormat::kJpeg ? decode_jpeg(data, size, info)
                                                          : detail::decode_bmp(data, size, info);
      if (!r) return r.error();
      frames.value().images.push_back(std::move(r.value()));
    }
    if (!frames) return frames;
    for (Image& im : frames.value().images)
      if (auto s = orient_and_resize(im, info.orientation, options); !s) return s.error();
    return frames;
  } catch (const std::bad_alloc&) {
    return fail(ErrorCode::kOutOfMemory, "out of memory while decoding");
  } catch (const std::length_error&) {
    return fail(ErrorCode::kOutOfMemory, "out of memory while decoding (allocation too large)");
  }
}

}  // namespace

Result<Image> decode(const uint8_t* data, size_t size, const DecodeOptions& options) {
  Result<Frames> f = decode_impl(data, size, options, 1);
  if (!f) return f.error();
  return std::move(f.value().images.front());
}

Result<Frames> decode_frames(const uint8_t* data, size_t size, const DecodeOptions& options) {
  return decode_impl(data, size, options, UINT32_MAX);
}

}  // namespace advcompress
