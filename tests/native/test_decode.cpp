// Tests for decode.h: sniffing, probing and limits (refused from headers, before any pixel buffer), and decoding of
// JPEG/PNG inputs encoded here with libjpeg/libpng (exact pixels for PNG, a tolerance for JPEG), EXIF orientation,
// ICC/EXIF/XMP extraction, truncated and damaged inputs. Meant to run under ASan/UBSan.
// SPDX-License-Identifier: MIT
#include <gtest/gtest.h>
#include <jpeglib.h>
#include <png.h>
#include <gif_lib.h>
#include <zlib.h>

#include <algorithm>
#include <csetjmp>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

#include "advcompress/decode.h"
#include "advcompress/orientation.h"

namespace advcompress {
namespace {

using Bytes = std::vector<uint8_t>;

Bytes bytes_of(const std::string& s) { return Bytes(s.begin(), s.end()); }

// ----- EXIF / ICC builders ----------------------------------------------------------------------------------

// Little- or big-endian TIFF stream with IFD0 = {Orientation}.
Bytes make_exif(uint16_t orientation, bool big_endian = false) {
  Bytes v = big_endian ? Bytes{'M', 'M', 0, 42, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0}
                       : Bytes{'I', 'I', 42, 0, 8, 0, 0, 0, 1, 0, 0x12, 0x01, 3, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
  v[big_endian ? 19 : 18] = uint8_t(orientation);
  return v;
}

// A structurally valid RGB display ICC header (no tags) padded to `size` bytes (multiple of 4), with a
// recognisable fill so that reassembly can be checked byte for byte.
Bytes make_icc(size_t size) {
  Bytes p(size, 0);
  for (size_t i = 132; i < size; ++i) p[i] = uint8_t(i * 7 + 3);
  auto put32 = [&](size_t off, uint32_t x) {
    for (int i = 0; i < 4; ++i) p[off + i] = uint8_t(x >> (24 - 8 * i));
  };
  auto put4 = [&](size_t off, const char* s) { std::memcpy(&p[off], s, 4); };
  put32(0, uint32_t(size));
  put4(4, "none");
  put32(8, 0x02100000);  // version 2.1
  put4(12, "mntr");
  put4(16, "RGB ");
  put4(20, "XYZ ");
  put4(36, "acsp");
  put32(64, 0);                                                         // perceptual
  put32(68, 0x0000F6D6), put32(72, 0x00010000), put32(76, 0x0000D32D);  // D50
  put32(128, 0);                                                        // tag count
  return p;
}

// ----- JPEG encoder for test inputs -------------------------------------------------------------------------

struct JpegSpec {
  int width = 0, height = 0;
  int components = 3;  // 1 grey, 3 RGB, 4 CMYK
  int quality = 95;
  bool progressive = false;
  bool subsample = false;         // 4:2:0 instead of 4:4:4
  unsigned restart_interval = 0;  // MCUs between RSTn markers
  Bytes exif;                     // TIFF stream; written as APP1 "Exif\0\0" + exif
  std::string xmp;
  Bytes icc;
};

JpegSpec jspec(int w, int h) {
  JpegSpec s;
  s.width = w;
  s.height = h;
  return s;
}

Bytes encode_jpeg(const JpegSpec& s, const Bytes& pixels) {
  jpeg_compress_struct c;
  jpeg_error_mgr err;
  c.err = jpeg_std_error(&err);
  jpeg_create_compress(&c);
  unsigned char* buf = nullptr;
  unsigned long size = 0;
  jpeg_mem_dest(&c, &buf, &size);
  c.image_width = JDIMENSION(s.width);
  c.image_height = JDIMENSION(s.height);
  c.input_components = s.components;
  c.in_color_space = s.components == 1 ? JCS_GRAYSCALE : s.components == 4 ? JCS_CMYK : JCS_RGB;
  jpeg_set_defaults(&c);
  jpeg_set_quality(&c, s.quality, TRUE);
  c.restart_interval = s.restart_interval;
  if (s.components == 3 && !s.subsample) {  // no chroma subsampling: keeps the round trip tight
    for (int i = 0; i < 3; ++i) c.comp_info[i].h_samp_factor = c.comp_info[i].v_samp_factor = 1;
  }
  if (s.progressive) jpeg_simple_progression(&c);
  jpeg_start_compress(&c, TRUE);
  if (!s.exif.empty()) {
    Bytes app1 = {'E', 'x', 'i', 'f', 0, 0};
    app1.insert(app1.end(), s.exif.begin(), s.exif.end());
    jpeg_write_marker(&c, JPEG_APP0 + 1, app1.data(), unsigned(app1.size()));
  }
  if (!s.xmp.empty()) {
    std::string app1 = std::string("http://ns.adobe.com/xap/1.0/") + '\0' + s.xmp;
    jpeg_write_marker(&c, JPEG_APP0 + 1, reinterpret_cast<const JOCTET*>(app1.data()), unsigned(app1.size()));
  }
  if (!s.icc.empty()) jpeg_write_icc_profile(&c, s.icc.data(), unsigned(s.icc.size()));
  const size_t stride = size_t(s.width) * s.components;
  while (c.next_scanline < c.image_height) {
    JSAMPROW row = const_cast<JSAMPROW>(pixels.data() + c.next_scanline * stride);
    jpeg_write_scanlines(&c, &row, 1);
  }
  jpeg_finish_compress(&c);
  Bytes out(buf, buf + size);
  jpeg_destroy_compress(&c);
  std::free(buf);
  return out;
}

// A smooth RGB test pattern (JPEG-friendly) with distinct quadrants.
Bytes gradient_rgb(int w, int h) {
  Bytes p(size_t(w) * h * 3);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      uint8_t* q = &p[(size_t(y) * w + x) * 3];
      q[0] = uint8_t(40 + x * 160 / w);
      q[1] = uint8_t(30 + y * 180 / h);
      q[2] = uint8_t(200 - (x + y) * 100 / (w + h));
    }
  return p;
}

// ----- PNG encoder for test inputs --------------------------------------------------------------------------

struct PngSpec {
  uint32_t width = 0, height = 0;
  int color_type = PNG_COLOR_TYPE_RGB;
  int bit_depth = 8;
  bool interlace = false;
  std::vector<png_color> palette;
  Bytes trns_alpha;             // palette alpha
  bool trns_color_set = false;  // grey/RGB colour key
  png_color_16 trns_color{};
  Bytes icc;
  Bytes exif;
  std::string xmp;
};

PngSpec pspec(uint32_t w, uint32_t h) {
  PngSpec s;
  s.width = w;
  s.height = h;
  return s;
}

void png_write_vec(png_structp png, png_bytep data, png_size_t n) {
  auto* out = static_cast<Bytes*>(png_get_io_ptr(png));
  out->insert(out->end(), data, data + n);
}
void png_flush_none(png_structp) {}

// `raw` holds the rows exactly as PNG stores them (packed low depths, big-endian 16-bit).
Bytes encode_png(const PngSpec& s, const Bytes& raw) {
  Bytes out;
  png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, nullptr, nullptr, nullptr);
  png_infop info = png_create_info_struct(png);
  if (setjmp(png_jmpbuf(png))) {
    png_destroy_write_struct(&png, &info);
    ADD_FAILURE() << "libpng failed to write the test PNG";
    return {};
  }
  png_set_write_fn(png, &out, png_write_vec, png_flush_none);
  png_set_IHDR(png, info, s.width, s.height, s.bit_depth, s.color_type,
               s.interlace ? PNG_INTERLACE_ADAM7 : PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT,
               PNG_FILTER_TYPE_DEFAULT);
  if (!s.palette.empty()) png_set_PLTE(png, info, s.palette.data(), int(s.palette.size()));
  if (!s.trns_alpha.empty()) png_set_tRNS(png, info, s.trns_alpha.data(), int(s.trns_alpha.size()), nullptr);
  if (s.trns_color_set) png_set_tRNS(png, info, nullptr, 0, &s.trns_color);
  if (!s.icc.empty())
    png_set_iCCP(png, info, "test", PNG_COMPRESSION_TYPE_BASE, s.icc.data(), png_uint_32(s.icc.size()));
  if (!s.exif.empty()) png_set_eXIf_1(png, info, png_uint_32(s.exif.size()), const_cast<png_bytep>(s.exif.data()));
  png_text text{};
  if (!s.xmp.empty()) {
    text.compression = PNG_ITXT_COMPRESSION_NONE;
    text.key = const_cast<png_charp>("XML:com.adobe.xmp");
    text.text = const_cast<png_charp>(s.xmp.c_str());
    text.itxt_length = s.xmp.size();
    png_set_text(png, info, &text, 1);
  }
  png_write_info(png, info);
  if (s.interlace) png_set_interlace_handling(png);
  const size_t stride = png_get_rowbytes(png, info);
  std::vector<png_bytep> rows(s.height);
  for (uint32_t y = 0; y < s.height; ++y) rows[y] = const_cast<png_bytep>(raw.data() + y * stride);
  png_write_image(png, rows.data());
  png_write_end(png, info);
  png_destroy_write_struct(&png, &info);
  return out;
}

// A PNG signature + IHDR only (with a correct CRC), for header-only probes.
Bytes png_header_only(uint32_t w, uint32_t h, uint8_t depth = 8, uint8_t color_type = 2) {
  Bytes v = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R'};
  for (int i = 0; i < 4; ++i) v.push_back(uint8_t(w >> (24 - 8 * i)));
  for (int i = 0; i < 4; ++i) v.push_back(uint8_t(h >> (24 - 8 * i)));
  v.insert(v.end(), {depth, color_type, 0, 0, 0});
  const uint32_t crc = uint32_t(::crc32(0, v.data() + 12, 17));
  for (int i = 0; i < 4; ++i) v.push_back(uint8_t(crc >> (24 - 8 * i)));
  return v;
}

// A JPEG SOI + SOF0 (+ DHT-less SOS start) claiming w x h, for header-only probes.
Bytes jpeg_header_only(uint16_t w, uint16_t h, uint8_t precision = 8) {
  Bytes v = {0xFF,       0xD8,
             0xFF,       0xC0,
             0,          17,
             precision,  uint8_t(h >> 8),
             uint8_t(h), uint8_t(w >> 8),
             uint8_t(w), 3,
             1,          0x11,
             0,          2,
             0x11,       1,
             3,          0x11,
             1,          0xFF,
             0xDA,       0,
             12,         3,
             1,          0,
             2,          0x11,
             3,          0x11,
             0,          63,
             0};
  return v;
}

uint16_t sample16(const Image& im, size_t index) {
  uint16_t v;
  std::memcpy(&v, im.data.data() + index * 2, 2);
  return v;
}

#define ASSERT_OK(r) ASSERT_TRUE((r).ok()) << (r).error().message
#define EXPECT_ERROR(r, c)                                           \
  do {                                                               \
    ASSERT_FALSE((r).ok());                                          \
    EXPECT_EQ(int((r).error().code), int(c)) << (r).error().message; \
  } while (0)

// ----- input_format_name / sniff ----------------------------------------------------------------------------

TEST(Sniff, FormatNames) {
  EXPECT_STREQ(input_format_name(InputFormat::kJpeg), "jpeg");
  EXPECT_STREQ(input_format_name(InputFormat::kPng), "png");
  EXPECT_STREQ(input_format_name(InputFormat::kGif), "gif");
  EXPECT_STREQ(input_format_name(InputFormat::kBmp), "bmp");
  EXPECT_STREQ(input_format_name(InputFormat::kWebp), "webp");
  EXPECT_STREQ(input_format_name(InputFormat::kHeif), "heif");
  EXPECT_STREQ(input_format_name(InputFormat::kAvif), "avif");
  EXPECT_STREQ(input_format_name(InputFormat::kTpg), "tpg");
  EXPECT_STREQ(input_format_name(InputFormat::kUnknown), "unknown");
}

InputFormat sniff_bytes(const Bytes& b) { return sniff(b.data(), b.size()); }

Bytes ftyp(const std::string& major, const std::vector<std::string>& compat) {
  Bytes v = {0, 0, 0, uint8_t(16 + 4 * compat.size()), 'f', 't', 'y', 'p'};
  v.insert(v.end(), major.begin(), major.end());
  v.insert(v.end(), {0, 0, 0, 0});
  for (const auto& c : compat) v.insert(v.end(), c.begin(), c.end());
  v.insert(v.end(), {0, 0, 0, 8, 'm', 'e', 't', 'a'});  // the next box must not be read as a brand
  return v;
}

TEST(Sniff, Signatures) {
  EXPECT_EQ(sniff_bytes({0xFF, 0xD8, 0xFF}), InputFormat::kJpeg);
  EXPECT_EQ(sniff_bytes({0xFF, 0xD8, 0xFF, 0xE0, 0, 16}), InputFormat::kJpeg);
  EXPECT_EQ(sniff_bytes({0xFF, 0xD8}), InputFormat::kUnknown);
  EXPECT_EQ(sniff_bytes({0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'}), InputFormat::kPng);
  EXPECT_EQ(sniff_bytes({0x89, 'P', 'N', 'G', '\r', '\n', 0x1a}), InputFormat::kUnknown);
  EXPECT_EQ(sniff_bytes(bytes_of("GIF87a....")), InputFormat::kGif);
  EXPECT_EQ(sniff_bytes(bytes_of("GIF89a")), InputFormat::kGif);
  EXPECT_EQ(sniff_bytes(bytes_of("GIF88a")), InputFormat::kUnknown);
  EXPECT_EQ(sniff_bytes(bytes_of("BM\x36\x00")), InputFormat::kBmp);
  EXPECT_EQ(sniff_bytes(bytes_of(std::string("RIFF\x10\0\0\0WEBPVP8 ", 16))), InputFormat::kWebp);
  EXPECT_EQ(sniff_bytes(bytes_of(std::string("RIFF\x10\0\0\0WAVEfmt ", 16))), InputFormat::kUnknown);
  EXPECT_EQ(sniff_bytes(bytes_of("TPG\x01\x02")), InputFormat::kTpg);
  EXPECT_EQ(sniff_bytes(bytes_of("hello, world")), InputFormat::kUnknown);
  EXPECT_EQ(sniff(nullptr, 0), InputFormat::kUnknown);
  const uint8_t one = 0xFF;
  EXPECT_EQ(sniff(&one, 1), InputFormat::kUnknown);
}

TEST(Sniff, IsobmffBrands) {
  EXPECT_EQ(sniff_bytes(ftyp("avif", {"mif1", "miaf"})), InputFormat::kAvif);
  EXPECT_EQ(sniff_bytes(ftyp("avis", {})), InputFormat::kAvif);
  for (const char* b : {"heic", "heix", "heim", "heis", "hevc", "hevx", "mif1", "msf1"}) {
    EXPECT_EQ(sniff_bytes(ftyp(b, {})), InputFormat::kHeif) << b;
  }
  EXPECT_EQ(sniff_bytes(ftyp("mif1", {"mif1", "avif"})), InputFormat::kAvif);
  EXPECT_EQ(sniff_bytes(ftyp("mif1", {"miaf", "heic"})), InputFormat::kHeif);
  EXPECT_EQ(sniff_bytes(ftyp("isom", {"isom", "mp41"})), InputFormat::kUnknown);
  EXPECT_EQ(sniff_bytes(ftyp("isom", {"mp41", "msf1"})), InputFormat::kHeif);
  // Brands beyond the ftyp box size are not looked at.
  Bytes hidden = ftyp("isom", {});
  hidden.insert(hidden.end(), {'a', 'v', 'i', 'f'});
  EXPECT_EQ(sniff_bytes(hidden), InputFormat::kUnknown);
  // Truncated inside the box: whatever is there is read, nothing more.
  Bytes cut = ftyp("mp42", {"isom", "avif"});
  EXPECT_EQ(sniff(cut.data(), 20), InputFormat::kUnknown);
  EXPECT_EQ(sniff(cut.data(), 24), InputFormat::kAvif);
  EXPECT_EQ(sniff(cut.data(), 11), InputFormat::kUnknown);
}

// ----- probe: errors and limits -----------------------------------------------------------------------------

TEST(Probe, EmptyInput) {
  auto r = probe(nullptr, 0);
  EXPECT_ERROR(r, ErrorCode::kCorruptInput);
  EXPECT_EQ(r.error().message, "empty input");
  auto d = decode(nullptr, 0);
  EXPECT_ERROR(d, ErrorCode::kCorruptInput);
}

TEST(Probe, InputTooLargeIsCheckedFirst) {
  Bytes big(40u * 1024 * 1024, 'x');  // not even an image: size comes before sniffing
  auto r = probe(big.data(), big.size());
  EXPECT_ERROR(r, ErrorCode::kInputTooLarge);
  EXPECT_EQ(r.error().message, "input is 41943040 bytes; the limit is 33554432 bytes (32 MiB)");
  auto d = decode(big.data(), big.size());
  EXPECT_ERROR(d, ErrorCode::kInputTooLarge);

  Limits small;
  small.max_input_bytes = 1000;
  Bytes png = png_header_only(10, 10);
  png.resize(1001, 0);
  auto s = probe(png.data(), png.size(), small);
  EXPECT_ERROR(s, ErrorCode::kInputTooLarge);
  EXPECT_EQ(s.error().message, "input is 1001 bytes; the limit is 1000 bytes");
  png.resize(1000);
  auto at_limit = probe(png.data(), png.size(), small);
  EXPECT_NE(int(at_limit.ok() ? ErrorCode::kCorruptInput : at_limit.error().code), int(ErrorCode::kInputTooLarge));
}

TEST(Probe, TextFileIsUnrecognised) {
  const Bytes text = bytes_of("Hello, world! This is not an image.\n");
  auto r = probe(text.data(), text.size());
  EXPECT_ERROR(r, ErrorCode::kUnsupportedFormat);
  EXPECT_EQ(r.error().message.rfind("unrecognised input (first bytes 48 65 6c 6c 6f 2c 20 77)", 0), 0u)
      << r.error().message;
  const uint8_t two[] = {0x00, 0x01};
  auto t = probe(two, 2);
  EXPECT_ERROR(t, ErrorCode::kUnsupportedFormat);
  EXPECT_NE(t.error().message.find("first bytes 00 01)"), std::string::npos) << t.error().message;
}

Bytes make_webp_header(uint32_t w, uint32_t h, uint8_t flags, int frames);

TEST(Probe, RecognisedButUndecodableFormatsAreNamed) {
  struct Case {
    Bytes data;
    std::string message;
  } cases[] = {
      {ftyp("heic", {"mif1"}), "HEIF is read by libheif in the HEIC and AVIF modules (probe_heif), not here"},
      {ftyp("avif", {"mif1"}), "AVIF is read by libheif in the HEIC and AVIF modules (probe_heif), not here"},
      {bytes_of("TPG\x01\x00\x00"), "TPG (Tencent's proprietary format) cannot be decoded without Tencent's SDK"},
  };
  for (const auto& c : cases) {
    auto r = probe(c.data.data(), c.data.size());
    EXPECT_ERROR(r, ErrorCode::kUnsupportedFormat);
    EXPECT_EQ(r.error().message, c.message);
    auto d = decode(c.data.data(), c.data.size());
    EXPECT_ERROR(d, ErrorCode::kUnsupportedFormat);
  }
  // WebP: probe() reads the header (the WebP module decodes the pixels).
  const Bytes webp = make_webp_header(64, 32, 0x10, 0);
  auto p = probe(webp.data(), webp.size());
  ASSERT_OK(p);
  EXPECT_EQ(p.value().width, 64u);
  auto d = decode(webp.data(), webp.size());
  EXPECT_ERROR(d, ErrorCode::kUnsupportedFormat);
  EXPECT_NE(d.error().message.find("WebP module"), std::string::npos);
}

TEST(Probe, PngClaiming50000SquareIsRefusedFromItsHeader) {
  const Bytes png = png_header_only(50000, 50000);
  auto r = probe(png.data(), png.size());
  EXPECT_ERROR(r, ErrorCode::kDimensionsTooLarge);
  EXPECT_NE(r.error().message.find("50000"), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find("30000"), std::string::npos) << r.error().message;
  // decode() refuses it the same way (it would need 7.5 GB).
  auto d = decode(png.data(), png.size());
  EXPECT_ERROR(d, ErrorCode::kDimensionsTooLarge);
}

TEST(Probe, PixelCountLimit) {
  const Bytes png = png_header_only(20000, 20000);  // each side fine, 4e8 pixels too many
  auto r = probe(png.data(), png.size());
  EXPECT_ERROR(r, ErrorCode::kDimensionsTooLarge);
  EXPECT_EQ(r.error().message, "PNG input is 20000 x 20000 = 400000000 pixels; the limit is 250000000 pixels");
}

TEST(Probe, JpegSofClaiming40000WideIsRefused) {
  const Bytes jpg = jpeg_header_only(40000, 100);
  auto r = probe(jpg.data(), jpg.size());
  EXPECT_ERROR(r, ErrorCode::kDimensionsTooLarge);
  EXPECT_EQ(r.error().message, "JPEG input width is 40000 px; the limit is 30000 px per side");
  auto d = decode(jpg.data(), jpg.size());
  EXPECT_ERROR(d, ErrorCode::kDimensionsTooLarge);
  // Header-only JPEG within limits: probe succeeds (it reads headers only).
  const Bytes ok = jpeg_header_only(640, 480);
  auto p = probe(ok.data(), ok.size());
  ASSERT_OK(p);
  EXPECT_EQ(p.value().width, 640u);
  EXPECT_EQ(p.value().height, 480u);
}

TEST(Probe, LoweredLimitsApply) {
  const Bytes png = png_header_only(64, 48);
  Limits l;
  l.max_side = 50;
  auto r = probe(png.data(), png.size(), l);
  EXPECT_ERROR(r, ErrorCode::kDimensionsTooLarge);
  EXPECT_EQ(r.error().message, "PNG input width is 64 px; the limit is 50 px per side");
  l.max_side = 64;
  l.max_pixels = 3000;
  auto p = probe(png.data(), png.size(), l);
  EXPECT_ERROR(p, ErrorCode::kDimensionsTooLarge);
  EXPECT_EQ(p.error().message, "PNG input is 64 x 48 = 3072 pixels; the limit is 3000 pixels");
  l.max_pixels = 3072;  // limits are inclusive
  const Bytes tall = png_header_only(48, 64);
  auto q = probe(tall.data(), tall.size(), l);
  EXPECT_FALSE(!q.ok() && q.error().code == ErrorCode::kDimensionsTooLarge);

  const Bytes jpg = jpeg_header_only(100, 200);
  Limits j;
  j.max_side = 150;
  auto s = probe(jpg.data(), jpg.size(), j);
  EXPECT_ERROR(s, ErrorCode::kDimensionsTooLarge);
  EXPECT_EQ(s.error().message, "JPEG input height is 200 px; the limit is 150 px per side");

  // decode() honours DecodeOptions::limits on a real file.
  const Bytes real = encode_jpeg(jspec(64, 48), gradient_rgb(64, 48));
  DecodeOptions o;
  o.limits.max_side = 60;
  auto d = decode(real.data(), real.size(), o);
  EXPECT_ERROR(d, ErrorCode::kDimensionsTooLarge);
}

TEST(Probe, CorruptHeaders) {
  // PNG: signature only, bad IHDR, invalid depth, zero width.
  Bytes sig = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  EXPECT_ERROR(probe(sig.data(), sig.size()), ErrorCode::kCorruptInput);
  Bytes bad_depth = png_header_only(10, 10, 3, 2);
  EXPECT_ERROR(probe(bad_depth.data(), bad_depth.size()), ErrorCode::kCorruptInput);
  Bytes zero = png_header_only(0, 10);
  EXPECT_ERROR(probe(zero.data(), zero.size()), ErrorCode::kCorruptInput);
  Bytes not_ihdr = png_header_only(10, 10);
  not_ihdr[12] = 'X';
  EXPECT_ERROR(probe(not_ihdr.data(), not_ihdr.size()), ErrorCode::kCorruptInput);
  // IHDR but nothing after it: truncated before IDAT.
  Bytes only = png_header_only(10, 10);
  EXPECT_ERROR(probe(only.data(), only.size()), ErrorCode::kCorruptInput);

  // JPEG: SOI only; SOS before SOF; EOI before SOF; a segment running past the end; zero height.
  Bytes soi = {0xFF, 0xD8, 0xFF};
  EXPECT_ERROR(probe(soi.data(), soi.size()), ErrorCode::kCorruptInput);
  Bytes sos_first = {0xFF, 0xD8, 0xFF, 0xDA, 0, 8, 1, 1, 0, 0, 63, 0};
  EXPECT_ERROR(probe(sos_first.data(), sos_first.size()), ErrorCode::kCorruptInput);
  Bytes eoi = {0xFF, 0xD8, 0xFF, 0xD9};
  EXPECT_ERROR(probe(eoi.data(), eoi.size()), ErrorCode::kCorruptInput);
  Bytes long_seg = {0xFF, 0xD8, 0xFF, 0xE1, 0xFF, 0xF0, 'E', 'x', 'i', 'f', 0, 0};
  EXPECT_ERROR(probe(long_seg.data(), long_seg.size()), ErrorCode::kCorruptInput);
  Bytes zero_h = jpeg_header_only(100, 0);
  EXPECT_ERROR(probe(zero_h.data(), zero_h.size()), ErrorCode::kCorruptInput);
  Bytes bad_len = {0xFF, 0xD8, 0xFF, 0xE0, 0, 1, 0, 0};
  EXPECT_ERROR(probe(bad_len.data(), bad_len.size()), ErrorCode::kCorruptInput);
}

TEST(Probe, EveryPrefixOfARealHeaderIsSafe) {
  JpegSpec js = jspec(40, 30);
  js.exif = make_exif(6);
  js.icc = make_icc(400);
  const Bytes jpg = encode_jpeg(js, gradient_rgb(40, 30));
  PngSpec ps = pspec(40, 30);
  ps.exif = make_exif(3);
  const Bytes png = encode_png(ps, gradient_rgb(40, 30));
  for (const Bytes* file : {&jpg, &png}) {
    for (size_t n = 1; n < 600 && n < file->size(); ++n) {
      Bytes cut(file->begin(), file->begin() + n);  // exact-size copy for ASan
      auto r = probe(cut.data(), cut.size());
      if (!r.ok()) {
        EXPECT_TRUE(r.error().code == ErrorCode::kCorruptInput || r.error().code == ErrorCode::kUnsupportedFormat)
            << n << ": " << r.error().message;
      }
    }
  }
}

// ----- probe: real files ------------------------------------------------------------------------------------

TEST(Probe, ReadsRealHeaders) {
  JpegSpec js = jspec(40, 30);
  js.exif = make_exif(6, true);
  const Bytes jpg = encode_jpeg(js, gradient_rgb(40, 30));
  auto j = probe(jpg.data(), jpg.size());
  ASSERT_OK(j);
  EXPECT_EQ(j.value().format, InputFormat::kJpeg);
  EXPECT_EQ(j.value().width, 40u);
  EXPECT_EQ(j.value().height, 30u);
  EXPECT_EQ(j.value().bit_depth, 8);
  EXPECT_EQ(j.value().frame_count, 1u);
  EXPECT_FALSE(j.value().has_alpha);
  EXPECT_EQ(j.value().orientation, 6);

  PngSpec ps = pspec(5, 7);
  ps.color_type = PNG_COLOR_TYPE_RGB_ALPHA;
  ps.bit_depth = 16;
  ps.exif = make_exif(8);
  const Bytes png = encode_png(ps, Bytes(5 * 7 * 8, 0x80));
  auto p = probe(png.data(), png.size());
  ASSERT_OK(p);
  EXPECT_EQ(p.value().format, InputFormat::kPng);
  EXPECT_EQ(p.value().width, 5u);
  EXPECT_EQ(p.value().height, 7u);
  EXPECT_EQ(p.value().bit_depth, 16);
  EXPECT_TRUE(p.value().has_alpha);
  EXPECT_EQ(p.value().orientation, 8);

  PngSpec pal = pspec(4, 1);
  pal.color_type = PNG_COLOR_TYPE_PALETTE;
  pal.palette = {{255, 0, 0}, {0, 255, 0}};
  const Bytes opaque = encode_png(pal, Bytes{0, 1, 0, 1});
  auto o = probe(opaque.data(), opaque.size());
  ASSERT_OK(o);
  EXPECT_FALSE(o.value().has_alpha);
  EXPECT_EQ(o.value().orientation, 1);
  pal.trns_alpha = {0};
  const Bytes keyed = encode_png(pal, Bytes{0, 1, 0, 1});
  auto k = probe(keyed.data(), keyed.size());
  ASSERT_OK(k);
  EXPECT_TRUE(k.value().has_alpha);
}

// ----- decode: PNG ------------------------------------------------------------------------------------------

TEST(DecodePng, Rgb8Exact) {
  const uint32_t w = 13, h = 9;
  Bytes px(w * h * 3);
  for (size_t i = 0; i < px.size(); ++i) px[i] = uint8_t(i * 37 + 11);
  const Bytes png = encode_png(pspec(w, h), px);
  auto r = decode(png.data(), png.size());
  ASSERT_OK(r);
  const Image& im = r.value();
  EXPECT_EQ(im.width, w);
  EXPECT_EQ(im.height, h);
  EXPECT_EQ(im.channels, 3);
  EXPECT_EQ(im.bytes_per_sample, 1);
  EXPECT_EQ(im.source_bit_depth, 8);
  EXPECT_EQ(im.data, px);
  EXPECT_TRUE(im.meta.icc.empty());
  EXPECT_TRUE(im.meta.exif.empty());
  EXPECT_TRUE(im.meta.xmp.empty());
}

TEST(DecodePng, GreyBecomesRgb) {
  const uint32_t w = 6, h = 4;
  Bytes g(w * h);
  for (size_t i = 0; i < g.size(); ++i) g[i] = uint8_t(i * 10);
  PngSpec s = pspec(w, h);
  s.color_type = PNG_COLOR_TYPE_GRAY;
  const Bytes png = encode_png(s, g);
  auto r = decode(png.data(), png.size());
  ASSERT_OK(r);
  const Image& im = r.value();
  ASSERT_EQ(im.channels, 3);
  ASSERT_EQ(im.data.size(), g.size() * 3);
  for (size_t i = 0; i < g.size(); ++i) {
    EXPECT_EQ(im.data[i * 3], g[i]);
    EXPECT_EQ(im.data[i * 3 + 1], g[i]);
    EXPECT_EQ(im.data[i * 3 + 2], g[i]);
  }
}

TEST(DecodePng, OneBitGreyExpandsToFullRange) {
  PngSpec s = pspec(10, 2);
  s.color_type = PNG_COLOR_TYPE_GRAY;
  s.bit_depth = 1;
  // Row 0: 1010101010, row 1: 0000011111 (packed MSB first, 2 bytes per row).
  const Bytes raw = {0xAA, 0x80, 0x07, 0xC0};
  const Bytes png = encode_png(s, raw);
  auto r = decode(png.data(), png.size());
  ASSERT_OK(r);
  const Image& im = r.value();
  ASSERT_EQ(im.channels, 3);
  EXPECT_EQ(im.source_bit_depth, 8);
  for (uint32_t x = 0; x < 10; ++x) {
    EXPECT_EQ(im.data[x * 3], x % 2 == 0 ? 255 : 0) << x;
    EXPECT_EQ(im.data[(10 + x) * 3 + 2], x >= 5 ? 255 : 0) << x;
  }
}

TEST(DecodePng, GreyWithColourKeyGetsAlpha) {
  PngSpec s = pspec(3, 1);
  s.color_type = PNG_COLOR_TYPE_GRAY;
  s.trns_color_set = true;
  s.trns_color.gray = 50;
  const Bytes png = encode_png(s, Bytes{10, 50, 200});
  auto r = decode(png.data(), png.size());
  ASSERT_OK(r);
  EXPECT_EQ(r.value().channels, 4);
  EXPECT_EQ(r.value().data, (Bytes{10, 10, 10, 255, 50, 50, 50, 0, 200, 200, 200, 255}));
}

TEST(DecodePng, PaletteWithTransparencyBecomesRgba) {
  PngSpec s = pspec(4, 2);
  s.color_type = PNG_COLOR_TYPE_PALETTE;
  s.bit_depth = 4;
  s.palette = {{255, 0, 0}, {0, 255, 0}, {0, 0, 255}, {10, 20, 30}};
  s.trns_alpha = {0, 128};  // entries 2 and 3 opaque
  // Indices row 0: 0 1 2 3; row 1: 3 2 1 0 (4 bits each).
  const Bytes raw = {0x01, 0x23, 0x32, 0x10};
  const Bytes png = encode_png(s, raw);
  auto p = probe(png.data(), png.size());
  ASSERT_OK(p);
  EXPECT_TRUE(p.value().has_alpha);
  auto r = decode(png.data(), png.size());
  ASSERT_OK(r);
  const Image& im = r.value();
  ASSERT_EQ(im.channels, 4);
  ASSERT_EQ(im.bytes_per_sample, 1);
  const Bytes expect = {255, 0,  0,  0,   0, 255, 0,   128, 0, 0,   255, 255, 10,  20, 30, 255,
                        10,  20, 30, 255, 0, 0,   255, 255, 0, 255, 0,   128, 255, 0,  0,  0};
  EXPECT_EQ(im.data, expect);
}

TEST(DecodePng, Rgba16KeepsSixteenBitsNativeEndian) {
  const uint32_t w = 5, h = 3;
  Bytes raw;
  std::vector<uint16_t> values;
  for (uint32_t i = 0; i < w * h * 4; ++i) {
    const uint16_t v = uint16_t(i * 4099 + 7);
    values.push_back(v);
    raw.push_back(uint8_t(v >> 8));  // PNG stores big-endian
    raw.push_back(uint8_t(v));
  }
  PngSpec s = pspec(w, h);
  s.color_type = PNG_COLOR_TYPE_RGB_ALPHA;
  s.bit_depth = 16;
  const Bytes png = encode_png(s, raw);
  auto r = decode(png.data(), png.size());
  ASSERT_OK(r);
  const Image& im = r.value();
  EXPECT_EQ(im.channels, 4);
  EXPECT_EQ(im.bytes_per_sample, 2);
  EXPECT_EQ(im.source_bit_depth, 16);
  ASSERT_EQ(im.data.size(), size_t(w) * h * 8);
  for (size_t i = 0; i < values.size(); ++i) ASSERT_EQ(sample16(im, i), values[i]) << i;
}

TEST(DecodePng, InterlacedMatchesNonInterlaced) {
  const uint32_t w = 17, h = 11;  // not multiples of 8: partial Adam7 passes
  Bytes px(w * h * 3);
  for (size_t i = 0; i < px.size(); ++i) px[i] = uint8_t((i * 131) ^ (i >> 3));
  PngSpec s = pspec(w, h);
  s.interlace = true;
  const Bytes png = encode_png(s, px);
  ASSERT_EQ(png[28], 1) << "the test file should be interlaced";
  auto r = decode(png.data(), png.size());
  ASSERT_OK(r);
  EXPECT_EQ(r.value().width, w);
  EXPECT_EQ(r.value().data, px);

  // 16-bit grey + alpha, interlaced -> RGBA 16.
  Bytes raw;
  for (uint32_t i = 0; i < w * h; ++i) raw.insert(raw.end(), {uint8_t(i), uint8_t(i * 3), 0xFF, uint8_t(i)});
  PngSpec ga = pspec(w, h);
  ga.color_type = PNG_COLOR_TYPE_GRAY_ALPHA;
  ga.bit_depth = 16;
  ga.interlace = true;
  const Bytes png16 = encode_png(ga, raw);
  auto g = decode(png16.data(), png16.size());
  ASSERT_OK(g);
  const Image& im = g.value();
  ASSERT_EQ(im.channels, 4);
  ASSERT_EQ(im.bytes_per_sample, 2);
  for (uint32_t i = 0; i < w * h; ++i) {
    const uint16_t grey = uint16_t(uint8_t(i) << 8 | uint8_t(i * 3));
    const uint16_t alpha = uint16_t(0xFF00 | uint8_t(i));
    ASSERT_EQ(sample16(im, i * 4), grey);
    ASSERT_EQ(sample16(im, i * 4 + 1), grey);
    ASSERT_EQ(sample16(im, i * 4 + 2), grey);
    ASSERT_EQ(sample16(im, i * 4 + 3), alpha);
  }
}

TEST(DecodePng, MetadataIccExifXmp) {
  PngSpec s = pspec(4, 2);
  s.icc = make_icc(1000);
  s.exif = make_exif(1, true);
  s.xmp = "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><rdf:RDF/></x:xmpmeta>";
  const Bytes png = encode_png(s, Bytes(4 * 2 * 3, 9));
  auto r = decode(png.data(), png.size());
  ASSERT_OK(r);
  EXPECT_EQ(r.value().meta.icc, s.icc);
  EXPECT_EQ(r.value().meta.exif, s.exif);
  EXPECT_EQ(std::string(r.value().meta.xmp.begin(), r.value().meta.xmp.end()), s.xmp);
}

TEST(DecodePng, ExifOrientationRotatesAndResets) {
  // 3 x 2 RGB; red channel = column, green = row.
  Bytes px;
  for (uint8_t y = 0; y < 2; ++y)
    for (uint8_t x = 0; x < 3; ++x) px.insert(px.end(), {x, y, 77});
  PngSpec s = pspec(3, 2);
  s.exif = make_exif(8);
  const Bytes png = encode_png(s, px);
  auto r = decode(png.data(), png.size());
  ASSERT_OK(r);
  const Image& im = r.value();
  EXPECT_EQ(im.width, 2u);
  EXPECT_EQ(im.height, 3u);
  // Orientation 8: stored top row is displayed as the left column, read bottom-up.
  EXPECT_EQ(im.data[0], 2);  // top-left shows stored (2, 0)
  EXPECT_EQ(im.data[1], 0);
  EXPECT_EQ(im.data[(2 * 2 + 0) * 3], 0);      // bottom-left shows stored (0, 0)
  EXPECT_EQ(im.data[(2 * 2 + 1) * 3 + 1], 1);  // bottom-right shows stored (0, 1)
  EXPECT_EQ(exif_orientation(im.meta.exif.data(), im.meta.exif.size()), 1);

  DecodeOptions keep;
  keep.auto_orient = false;
  auto k = decode(png.data(), png.size(), keep);
  ASSERT_OK(k);
  EXPECT_EQ(k.value().width, 3u);
  EXPECT_EQ(k.value().data, px);
  EXPECT_EQ(exif_orientation(k.value().meta.exif.data(), k.value().meta.exif.size()), 8);
}

TEST(DecodePng, TruncatedIsCorrupt) {
  const uint32_t w = 32, h = 32;
  Bytes px(w * h * 3);
  std::mt19937 rng(7);
  for (auto& b : px) b = uint8_t(rng());  // incompressible: IDAT spans most of the file
  const Bytes png = encode_png(pspec(w, h), px);
  ASSERT_GT(png.size(), 3000u);
  for (size_t n : {png.size() / 2, png.size() - 100, size_t(40), size_t(60)}) {
    Bytes cut(png.begin(), png.begin() + n);
    auto r = decode(cut.data(), cut.size());
    EXPECT_ERROR(r, ErrorCode::kCorruptInput);
  }
  // Every cut before IEND fails cleanly; losing only (part of) IEND keeps the complete pixels.
  for (size_t n = 8; n < png.size(); n += (n < 100 ? 1 : 97)) {  // from the whole signature on
    Bytes cut(png.begin(), png.begin() + n);
    auto r = decode(cut.data(), cut.size());
    if (n < png.size() - 12) {
      EXPECT_ERROR(r, ErrorCode::kCorruptInput);
    }
  }
  Bytes no_iend(png.begin(), png.end() - 12);
  auto r = decode(no_iend.data(), no_iend.size());
  ASSERT_OK(r);
  EXPECT_EQ(r.value().data, px);
}

TEST(DecodePng, DamagedDataFailsCleanly) {
  const Bytes png = encode_png(pspec(16, 16), gradient_rgb(16, 16));
  Bytes bad = png;
  bad[bad.size() / 2] ^= 0xFF;  // inside IDAT: CRC mismatch on a critical chunk
  auto r = decode(bad.data(), bad.size());
  EXPECT_ERROR(r, ErrorCode::kCorruptInput);
  EXPECT_NE(r.error().message.find("PNG"), std::string::npos);
}

// ----- decode: JPEG -----------------------------------------------------------------------------------------

void expect_close(const Bytes& got, const Bytes& want, int max_diff, double max_mean) {
  ASSERT_EQ(got.size(), want.size());
  int worst = 0;
  double sum = 0;
  for (size_t i = 0; i < got.size(); ++i) {
    const int d = std::abs(int(got[i]) - int(want[i]));
    worst = std::max(worst, d);
    sum += d;
  }
  EXPECT_LE(worst, max_diff);
  EXPECT_LE(sum / double(got.size()), max_mean);
}

TEST(DecodeJpeg, RgbRoundTripWithinTolerance) {
  const int w = 48, h = 32;
  const Bytes px = gradient_rgb(w, h);
  for (bool progressive : {false, true}) {
    JpegSpec s = jspec(w, h);
    s.progressive = progressive;
    const Bytes jpg = encode_jpeg(s, px);
    auto r = decode(jpg.data(), jpg.size());
    ASSERT_OK(r);
    const Image& im = r.value();
    EXPECT_EQ(im.width, uint32_t(w));
    EXPECT_EQ(im.height, uint32_t(h));
    EXPECT_EQ(im.channels, 3);
    EXPECT_EQ(im.bytes_per_sample, 1);
    EXPECT_EQ(im.source_bit_depth, 8);
    expect_close(im.data, px, 12, 2.0);
  }
}

TEST(DecodeJpeg, GreyBecomesRgb) {
  const int w = 24, h = 16;
  Bytes g(size_t(w) * h);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) g[size_t(y) * w + x] = uint8_t(20 + 8 * x);
  JpegSpec s = jspec(w, h);
  s.components = 1;
  const Bytes jpg = encode_jpeg(s, g);
  auto r = decode(jpg.data(), jpg.size());
  ASSERT_OK(r);
  const Image& im = r.value();
  ASSERT_EQ(im.channels, 3);
  Bytes expect;
  for (uint8_t v : g) expect.insert(expect.end(), {v, v, v});
  for (size_t i = 0; i < g.size(); ++i) {
    EXPECT_EQ(im.data[i * 3], im.data[i * 3 + 1]);
    EXPECT_EQ(im.data[i * 3], im.data[i * 3 + 2]);
  }
  expect_close(im.data, expect, 8, 1.5);
}

TEST(DecodeJpeg, ExifOrientation6RotatesAndResets) {
  // 32 x 16: left half red, right half blue.
  const int w = 32, h = 16;
  Bytes px(size_t(w) * h * 3);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      uint8_t* p = &px[(size_t(y) * w + x) * 3];
      p[0] = x < w / 2 ? 230 : 10;
      p[1] = 20;
      p[2] = x < w / 2 ? 10 : 230;
    }
  for (bool be : {false, true}) {
    JpegSpec s = jspec(w, h);
    s.exif = make_exif(6, be);
    const Bytes jpg = encode_jpeg(s, px);
    auto r = decode(jpg.data(), jpg.size());
    ASSERT_OK(r);
    const Image& im = r.value();
    ASSERT_EQ(im.width, uint32_t(h));
    ASSERT_EQ(im.height, uint32_t(w));
    // Rotated 90° clockwise: the stored left half (red) is now the top half.
    const uint8_t* top = &im.data[(2 * im.width + 5) * 3];
    const uint8_t* bottom = &im.data[((im.height - 3) * im.width + 5) * 3];
    EXPECT_GT(top[0], 200);
    EXPECT_LT(top[2], 50);
    EXPECT_LT(bottom[0], 50);
    EXPECT_GT(bottom[2], 200);
    ASSERT_FALSE(im.meta.exif.empty());
    EXPECT_EQ(im.meta.exif[0], be ? 'M' : 'I') << "EXIF must start at the TIFF header";
    EXPECT_EQ(exif_orientation(im.meta.exif.data(), im.meta.exif.size()), 1);
    EXPECT_EQ(im.meta.exif.size(), s.exif.size());

    DecodeOptions keep;
    keep.auto_orient = false;
    auto k = decode(jpg.data(), jpg.size(), keep);
    ASSERT_OK(k);
    EXPECT_EQ(k.value().width, uint32_t(w));
    EXPECT_EQ(k.value().meta.exif, s.exif);
  }
}

TEST(DecodeJpeg, IccExifXmpSurvive) {
  for (size_t icc_size : {size_t(3000), size_t(150000)}) {  // one APP2 segment, then three
    JpegSpec s = jspec(16, 8);
    s.icc = make_icc(icc_size);
    s.exif = make_exif(1);
    s.xmp = "<?xpacket begin=''?><x:xmpmeta xmlns:x='adobe:ns:meta/'/><?xpacket end='w'?>";
    const Bytes jpg = encode_jpeg(s, gradient_rgb(16, 8));
    auto r = decode(jpg.data(), jpg.size());
    ASSERT_OK(r);
    EXPECT_EQ(r.value().meta.icc, s.icc) << icc_size;
    EXPECT_EQ(r.value().meta.exif, s.exif);
    EXPECT_EQ(std::string(r.value().meta.xmp.begin(), r.value().meta.xmp.end()), s.xmp);
  }
}

Bytes noisy_jpeg(int w, int h) {
  Bytes px(size_t(w) * h * 3);
  std::mt19937 rng(42);
  for (auto& b : px) b = uint8_t(rng());
  return encode_jpeg(jspec(w, h), px);
}

TEST(DecodeJpeg, TruncatedIsCorrupt) {
  const Bytes jpg = noisy_jpeg(64, 64);
  ASSERT_GT(jpg.size(), 4000u);
  for (size_t n : {jpg.size() / 2, jpg.size() * 9 / 10, size_t(700)}) {
    Bytes cut(jpg.begin(), jpg.begin() + n);
    auto r = decode(cut.data(), cut.size());
    EXPECT_ERROR(r, ErrorCode::kCorruptInput);
  }
  for (size_t n = 3; n + 64 < jpg.size(); n += 61) {  // from the whole signature on
    Bytes cut(jpg.begin(), jpg.begin() + n);
    auto r = decode(cut.data(), cut.size());
    EXPECT_ERROR(r, ErrorCode::kCorruptInput);
  }
  // A progressive file cut short fails too (its scans are read while starting the decompression).
  JpegSpec s = jspec(64, 64);
  s.progressive = true;
  Bytes px(64 * 64 * 3);
  std::mt19937 rng(9);
  for (auto& b : px) b = uint8_t(rng());
  const Bytes prog = encode_jpeg(s, px);
  Bytes cut(prog.begin(), prog.begin() + prog.size() * 3 / 4);
  auto r = decode(cut.data(), cut.size());
  EXPECT_ERROR(r, ErrorCode::kCorruptInput);
}

// Every cut of a small file fails, except those that lose only (part of) the EOI marker of a single-scan file.
TEST(DecodeJpeg, EveryCutButTheEoiIsCorrupt) {
  struct Variant {
    bool progressive, subsample;
    unsigned restart_interval;
  };
  for (const Variant v :
       {Variant{false, false, 0}, Variant{false, true, 1}, Variant{false, false, 3}, Variant{true, true, 0}}) {
    JpegSpec s = jspec(40, 24);
    s.progressive = v.progressive;
    s.subsample = v.subsample;
    s.restart_interval = v.restart_interval;
    Bytes px(40 * 24 * 3);
    std::mt19937 rng(5);
    for (auto& b : px) b = uint8_t(rng() % 160);
    const Bytes jpg = encode_jpeg(s, px);
    for (size_t n = 3; n < jpg.size(); ++n) {
      Bytes cut(jpg.begin(), jpg.begin() + n);
      auto r = decode(cut.data(), cut.size());
      const bool tolerated = !v.progressive && n >= jpg.size() - 2;
      if (tolerated) {
        EXPECT_TRUE(r.ok()) << "cut at " << n << " of " << jpg.size();
      } else {
        ASSERT_FALSE(r.ok()) << "cut at " << n << " of " << jpg.size() << " decoded";
        ASSERT_EQ(int(r.error().code), int(ErrorCode::kCorruptInput)) << n << ": " << r.error().message;
      }
    }
  }
}

TEST(DecodeJpeg, MissingOnlyEoiIsAccepted) {
  const Bytes jpg = noisy_jpeg(16, 16);
  Bytes cut(jpg.begin(), jpg.end() - 2);
  auto r = decode(cut.data(), cut.size());
  ASSERT_OK(r);
  EXPECT_EQ(r.value().width, 16u);
}

// CMYK as Photoshop writes it (libjpeg adds Adobe's APP14 marker; the samples are stored inverted): left half
// red ink-free C, full M and Y; right half 50 % K only. Decoded to RGB, not inverted; the CMYK ICC is dropped.
TEST(DecodeJpeg, CmykBecomesRgb) {
  const int w = 16, h = 8;
  Bytes px;
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      if (x < w / 2) px.insert(px.end(), {255, 0, 0, 255});  // stored inverted: C=0, M=Y=100 %, K=0 -> red
      else px.insert(px.end(), {255, 255, 255, 128});        // K = 50 % -> mid grey
    }
  JpegSpec s = jspec(w, h);
  s.components = 4;
  s.quality = 100;
  s.icc = make_icc(256);
  const Bytes cmyk = encode_jpeg(s, px);
  auto r = decode(cmyk.data(), cmyk.size());
  ASSERT_OK(r);
  const Image& im = r.value();
  ASSERT_EQ(im.channels, 3);
  EXPECT_TRUE(im.meta.icc.empty());
  auto at = [&](int x, int y, int c) { return int(im.data[(size_t(y) * w + x) * 3 + c]); };
  EXPECT_NEAR(at(2, 4, 0), 255, 6);
  EXPECT_NEAR(at(2, 4, 1), 0, 6);
  EXPECT_NEAR(at(2, 4, 2), 0, 6);
  for (int c = 0; c < 3; ++c) EXPECT_NEAR(at(13, 4, c), 128, 6);
}

// Regression (tests/fuzz/fuzz_probe): a CMYK file cut inside its scan makes libjpeg longjmp out of the decoder while
// the CMYK row buffer is live; it must be a typed error without a leak (LeakSanitizer watches this binary).
TEST(DecodeJpeg, TruncatedCmykIsCorruptWithoutLeak) {
  const int w = 256, h = 64;
  Bytes px;
  for (int i = 0; i < w * h; ++i) px.insert(px.end(), {uint8_t(i), uint8_t(i >> 3), uint8_t(i >> 6), 200});
  JpegSpec s = jspec(w, h);
  s.components = 4;
  const Bytes cmyk = encode_jpeg(s, px);
  for (size_t n : {cmyk.size() / 2, cmyk.size() - 40}) {
    auto r = decode(cmyk.data(), n);
    ASSERT_FALSE(r.ok()) << n;
    EXPECT_EQ(r.error().code, ErrorCode::kCorruptInput) << r.error().message;
  }
}

TEST(DecodeJpeg, TwelveBitIsUnsupported) {
  Bytes twelve = encode_jpeg(jspec(8, 8), gradient_rgb(8, 8));
  for (size_t i = 2; i + 4 < twelve.size(); ++i) {
    if (twelve[i] == 0xFF && twelve[i + 1] == 0xC0) {
      twelve[i + 4] = 12;  // precision byte of SOF0
      break;
    }
  }
  auto p = probe(twelve.data(), twelve.size());
  ASSERT_OK(p);
  EXPECT_EQ(p.value().bit_depth, 12);
  auto d = decode(twelve.data(), twelve.size());
  EXPECT_ERROR(d, ErrorCode::kUnsupportedFormat);
}

// Random damage must never crash or leak (ASan), whatever the verdict.
TEST(Decode, RandomDamageFailsCleanly) {
  PngSpec ps = pspec(24, 24);
  ps.color_type = PNG_COLOR_TYPE_RGB_ALPHA;
  ps.icc = make_icc(500);
  const Bytes png = encode_png(ps, Bytes(24 * 24 * 4, 0x55));
  JpegSpec js = jspec(24, 24);
  js.exif = make_exif(6);
  js.icc = make_icc(500);
  const Bytes jpg = encode_jpeg(js, gradient_rgb(24, 24));
  std::mt19937 rng(2024);
  for (int iter = 0; iter < 600; ++iter) {
    Bytes b = iter % 2 ? png : jpg;
    const int flips = 1 + int(rng() % 6);
    for (int i = 0; i < flips; ++i) b[2 + rng() % (b.size() - 2)] = uint8_t(rng());
    if (rng() % 4 == 0) b.resize(3 + rng() % (b.size() - 3));
    auto r = decode(b.data(), b.size());
    if (r.ok()) {
      const Image& im = r.value();
      ASSERT_EQ(im.data.size(), im.row_bytes() * im.height);
    } else {
      const ErrorCode c = r.error().code;
      ASSERT_TRUE(c == ErrorCode::kCorruptInput || c == ErrorCode::kUnsupportedFormat ||
                  c == ErrorCode::kDimensionsTooLarge)
          << int(c) << " " << r.error().message;
      ASSERT_FALSE(r.error().message.empty());
    }
  }
}

// The IJG quality a JPEG was written with is recovered from its luminance table (imageMogr2 quality/ is
// relative to it).
TEST(Probe, JpegQualityEstimate) {
  const Bytes px = gradient_rgb(16, 16);
  for (int q : {10, 30, 50, 75, 90, 95, 100}) {
    JpegSpec s = jspec(16, 16);
    s.quality = q;
    const Bytes jpg = encode_jpeg(s, px);
    auto p = probe(jpg.data(), jpg.size());
    ASSERT_OK(p);
    EXPECT_NEAR(p.value().quality, q, 1) << "written with quality " << q;
  }
  PngSpec ps;
  ps.width = ps.height = 4;
  const Bytes png = encode_png(ps, Bytes(4 * 4 * 3, 100));
  auto p = probe(png.data(), png.size());
  ASSERT_OK(p);
  EXPECT_EQ(p.value().quality, 0);
}

// Resize steps run after auto-orientation; fill crops, pad fills with the pad colour.
TEST(DecodeResize, StepsAfterOrientation) {
  const int w = 64, h = 32;
  JpegSpec s = jspec(w, h);
  s.exif = make_exif(6);  // 90 degrees: upright it is 32 x 64
  const Bytes jpg = encode_jpeg(s, gradient_rgb(w, h));
  DecodeOptions o;
  ResizeSpec fit;
  fit.width = 16;
  o.resize = {fit};
  auto r = decode(jpg.data(), jpg.size(), o);
  ASSERT_OK(r);
  EXPECT_EQ(r.value().width, 16u);
  EXPECT_EQ(r.value().height, 32u);
  ResizeSpec pad;
  pad.mode = ResizeMode::kPad;
  pad.width = pad.height = 40;
  pad.pad_color = 0xFF0000;
  o.resize = {fit, pad};  // 16 x 32 -> 20 x 40 centred on a 40 x 40 red canvas
  r = decode(jpg.data(), jpg.size(), o);
  ASSERT_OK(r);
  const Image& im = r.value();
  ASSERT_EQ(im.width, 40u);
  ASSERT_EQ(im.height, 40u);
  EXPECT_EQ(im.data[0], 255);  // top-left is padding
  EXPECT_EQ(im.data[1], 0);
  EXPECT_EQ(im.data[2], 0);
  EXPECT_EQ(im.data[(20 * 40 + 39) * 3], 255);
  ResizeSpec too_big;
  too_big.width = 20000;
  o.resize = {too_big};
  r = decode(jpg.data(), jpg.size(), o);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kOutputTooLarge);
}

// A flat 16-bit RGBA image stays flat (no ringing or alpha bleed) at any size; samples stay 16-bit.
TEST(DecodeResize, SixteenBitAlphaStaysFlat) {
  PngSpec ps;
  ps.width = 30;
  ps.height = 20;
  ps.color_type = PNG_COLOR_TYPE_RGB_ALPHA;
  ps.bit_depth = 16;
  Bytes raw;
  for (int i = 0; i < 30 * 20; ++i) raw.insert(raw.end(), {0x12, 0x34, 0x80, 0x00, 0xAB, 0xCD, 0xFF, 0xFF});
  const Bytes png = encode_png(ps, raw);
  for (uint32_t target : {7u, 45u}) {
    DecodeOptions o;
    ResizeSpec s;
    s.width = target;
    o.resize = {s};
    auto r = decode(png.data(), png.size(), o);
    ASSERT_OK(r);
    const Image& im = r.value();
    EXPECT_EQ(im.width, target);
    ASSERT_EQ(im.bytes_per_sample, 2);
    ASSERT_EQ(im.channels, 4);
    const uint16_t* p = reinterpret_cast<const uint16_t*>(im.data.data());
    for (size_t i = 0; i < size_t(im.width) * im.height; ++i) {
      ASSERT_NEAR(p[4 * i + 0], 0x1234, 2) << i;
      ASSERT_NEAR(p[4 * i + 1], 0x8000, 2) << i;
      ASSERT_NEAR(p[4 * i + 2], 0xABCD, 2) << i;
      ASSERT_EQ(p[4 * i + 3], 0xFFFF) << i;
    }
  }
}

// ----- GIF and BMP ------------------------------------------------------------------------------------------

int gif_write_vec(GifFileType* g, const GifByteType* data, int n) {
  auto* out = static_cast<Bytes*>(g->UserData);
  out->insert(out->end(), data, data + n);
  return n;
}

// A GIF of `frames` frames, w x h, palette {red, green, blue, white}, index 3 transparent when `transparent`;
// pixel (x, y) of frame 0 = (x + y) % 4.
Bytes make_gif(int w, int h, int frames, bool transparent) {
  Bytes out;
  int err = 0;
  GifFileType* g = EGifOpen(&out, gif_write_vec, &err);
  GifColorType colors[4] = {{255, 0, 0}, {0, 255, 0}, {0, 0, 255}, {255, 255, 255}};
  ColorMapObject* cmap = GifMakeMapObject(4, colors);
  EGifPutScreenDesc(g, w, h, 2, 0, cmap);
  for (int f = 0; f < frames; ++f) {
    if (transparent) {
      GraphicsControlBlock gcb{};
      gcb.TransparentColor = 3;
      gcb.DelayTime = 10;
      GifByteType ext[4];
      const size_t n = EGifGCBToExtension(&gcb, ext);
      EGifPutExtension(g, GRAPHICS_EXT_FUNC_CODE, int(n), ext);
    }
    EGifPutImageDesc(g, 0, 0, w, h, false, nullptr);
    std::vector<GifPixelType> line(static_cast<size_t>(w));
    for (int y = 0; y < h; ++y) {
      for (int x = 0; x < w; ++x) line[size_t(x)] = GifPixelType((x + y + f) % 4);
      EGifPutLine(g, line.data(), w);
    }
  }
  EGifCloseFile(g, &err);
  GifFreeMapObject(cmap);
  return out;
}

TEST(DecodeGif, StillGifWithTransparencyBecomesRgba) {
  const Bytes gif = make_gif(6, 4, 1, true);
  auto p = probe(gif.data(), gif.size());
  ASSERT_OK(p);
  EXPECT_EQ(p.value().format, InputFormat::kGif);
  EXPECT_EQ(p.value().frame_count, 1u);
  EXPECT_TRUE(p.value().has_alpha);
  auto r = decode(gif.data(), gif.size());
  ASSERT_OK(r);
  const Image& im = r.value();
  ASSERT_EQ(im.width, 6u);
  ASSERT_EQ(im.channels, 4);
  const uint8_t expect[4][4] = {{255, 0, 0, 255}, {0, 255, 0, 255}, {0, 0, 255, 255}, {0, 0, 0, 0}};
  for (int y = 0; y < 4; ++y)
    for (int x = 0; x < 6; ++x)
      for (int c = 0; c < 4; ++c)
        ASSERT_EQ(im.data[(size_t(y) * 6 + x) * 4 + c], expect[(x + y) % 4][c]) << x << "," << y;
}

TEST(DecodeGif, AnimatedGifFramesAreCompositedWithDelays) {
  const Bytes gif = make_gif(8, 8, 3, true);
  auto p = probe(gif.data(), gif.size());
  ASSERT_OK(p);
  EXPECT_EQ(p.value().frame_count, 3u);
  auto r = decode_frames(gif.data(), gif.size());
  ASSERT_OK(r);
  const Frames& f = r.value();
  ASSERT_EQ(f.images.size(), 3u);
  EXPECT_EQ(f.durations_ms, (std::vector<uint32_t>{100, 100, 100}));  // delay 10 cs
  EXPECT_EQ(f.loop_count, 1u);  // no NETSCAPE2.0 extension: played once
  EXPECT_EQ(f.primary_index, 0u);
  const uint8_t colour[4][4] = {{255, 0, 0, 255}, {0, 255, 0, 255}, {0, 0, 255, 255}, {0, 0, 0, 0}};
  // Disposal "unspecified" keeps the canvas: a transparent pixel (index 3) shows the newest opaque one below.
  for (int k = 0; k < 3; ++k) {
    for (int y = 0; y < 8; ++y)
      for (int x = 0; x < 8; ++x) {
        int shown = 3;
        for (int j = 0; j <= k; ++j)
          if ((x + y + j) % 4 != 3) shown = (x + y + j) % 4;
        for (int c = 0; c < 4; ++c)
          ASSERT_EQ(f.images[size_t(k)].data[(size_t(y) * 8 + x) * 4 + c], colour[shown][c]) << k << ":" << x << "," << y;
      }
  }
  // decode() gives the first frame, as viewers show the file before it plays.
  auto first = decode(gif.data(), gif.size());
  ASSERT_OK(first);
  EXPECT_EQ(first.value().data, f.images[0].data);
}

TEST(DecodeGif, FrameAndPixelLimitsFromTheBlockStructure) {
  const Bytes many = make_gif(2, 2, 301, false);
  auto r = probe(many.data(), many.size());
  EXPECT_ERROR(r, ErrorCode::kTooManyFrames);
  EXPECT_NE(r.error().message.find("300"), std::string::npos);
  Limits l;
  l.max_pixels = 40;  // 3 frames of 4 x 4 = 48 pixels
  const Bytes three = make_gif(4, 4, 3, false);
  r = probe(three.data(), three.size(), l);
  EXPECT_ERROR(r, ErrorCode::kDimensionsTooLarge);
  EXPECT_NE(r.error().message.find("4 x 4 x 3 frames = 48 pixels"), std::string::npos) << r.error().message;
  // A decompression bomb: a 13-byte header claiming 50000 x 50000 is refused at once.
  const Bytes bomb = bytes_of(std::string("GIF89a\x50\xC3\x50\xC3\x00\x00\x00", 13));
  r = probe(bomb.data(), bomb.size());
  EXPECT_ERROR(r, ErrorCode::kDimensionsTooLarge);
  EXPECT_NE(r.error().message.find("50000"), std::string::npos);
}

// A WebP header written by hand (probe() reads chunk headers only): VP8X with the canvas size and flags, then
// `frames` empty ANMF chunks.
Bytes make_webp_header(uint32_t w, uint32_t h, uint8_t flags, int frames) {
  Bytes b;
  auto put = [&](const char* s) { b.insert(b.end(), s, s + 4); };
  auto le = [&](uint32_t v, int n) { for (int i = 0; i < n; ++i) b.push_back(i < 4 ? uint8_t(v >> (8 * i)) : 0); };
  put("RIFF");
  le(0, 4);
  put("WEBP");
  put("VP8X");
  le(10, 4);
  b.push_back(flags);
  le(0, 3);
  le(w - 1, 3);
  le(h - 1, 3);
  for (int i = 0; i < frames; ++i) {
    put("ANMF");
    le(16, 4);
    le(0, 16);
  }
  const uint32_t riff = uint32_t(b.size() - 8);
  for (int i = 0; i < 4; ++i) b[4 + size_t(i)] = uint8_t(riff >> (8 * i));
  return b;
}

TEST(ProbeWebp, CanvasFlagsAndFramesFromTheChunkHeaders) {
  const Bytes anim = make_webp_header(245, 200, 0x12, 42);  // alpha + animation
  auto p = probe(anim.data(), anim.size());
  ASSERT_OK(p);
  EXPECT_EQ(p.value().format, InputFormat::kWebp);
  EXPECT_EQ(p.value().width, 245u);
  EXPECT_EQ(p.value().height, 200u);
  EXPECT_EQ(p.value().frame_count, 42u);
  EXPECT_TRUE(p.value().has_alpha);
  Limits l;
  l.max_frames = 41;
  EXPECT_ERROR(probe(anim.data(), anim.size(), l), ErrorCode::kTooManyFrames);
  l = Limits{};
  l.max_pixels = 245 * 200 * 41;
  auto r = probe(anim.data(), anim.size(), l);
  EXPECT_ERROR(r, ErrorCode::kDimensionsTooLarge);
  EXPECT_NE(r.error().message.find("42 frames"), std::string::npos) << r.error().message;
  // A bomb: 30 bytes claiming a 50000 x 50000 canvas.
  const Bytes bomb = make_webp_header(50000, 50000, 0, 0);
  r = probe(bomb.data(), bomb.size());
  EXPECT_ERROR(r, ErrorCode::kDimensionsTooLarge);
  EXPECT_NE(r.error().message.find("50000"), std::string::npos);
  for (size_t n : {size_t(12), size_t(20), size_t(24)}) EXPECT_FALSE(probe(bomb.data(), n).ok()) << n;
}

// Regression (tests/fuzz/fuzz_probe): a 30-byte BMP whose header probe() accepts but which ends before the fields
// of a V3 header: a typed error, not a read past the end.
TEST(DecodeBmp, HeaderShorterThanItsFieldsIsCorrupt) {
  const Bytes b = bytes_of(std::string("BM>\x04\x00\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff"
                                       "\xff\xff\x00\x01\x00\x00\xff\xff\xff\xff\x0b\x00\x22\xaa", 30));
  auto r = decode(b.data(), b.size());
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().code, ErrorCode::kOutOfMemory);
}

// A frame larger than the logical screen is clipped when shown but giflib allocates it whole: its own size counts
// against the limits (from the descriptor, before giflib runs).
TEST(DecodeGif, FrameLargerThanTheScreenCountsAgainstTheLimits) {
  // 10 x 10 screen, no colour table; one image descriptor 40000 x 2 (then nothing).
  const Bytes gif = bytes_of(std::string("GIF89a\x0a\x00\x0a\x00\x00\x00\x00"
                                         "\x2c\x00\x00\x00\x00\x40\x9c\x02\x00\x00\x02\x00\x3b", 24));
  auto r = probe(gif.data(), gif.size());
  EXPECT_ERROR(r, ErrorCode::kDimensionsTooLarge);
  EXPECT_NE(r.error().message.find("40000 x 2"), std::string::npos) << r.error().message;
}

TEST(DecodeGif, TruncatedAndDamagedAreTypedErrors) {
  const Bytes gif = make_gif(16, 16, 1, false);
  for (size_t n : {size_t(6), size_t(13), size_t(20), gif.size() / 2, gif.size() - 3}) {
    auto r = decode(gif.data(), n);
    ASSERT_FALSE(r.ok()) << n;
    EXPECT_EQ(r.error().code, ErrorCode::kCorruptInput) << n << ": " << r.error().message;
  }
}

// A BMP written by hand (the format is the test input, not a parser under test): 24-bit bottom-up or top-down,
// or 32-bit BITMAPV4 with BITFIELDS alpha.
Bytes make_bmp(int w, int h, int bpp, bool top_down) {
  const int row = ((w * bpp / 8) + 3) & ~3;
  const int header = bpp == 32 ? 14 + 108 : 14 + 40;  // (32-bit: BITMAPV4HEADER with an alpha mask)
  Bytes b(size_t(header + row * h), 0);
  auto put16 = [&](size_t o, uint32_t v) { b[o] = uint8_t(v); b[o + 1] = uint8_t(v >> 8); };
  auto put32 = [&](size_t o, uint32_t v) { put16(o, v & 0xFFFF); put16(o + 2, v >> 16); };
  b[0] = 'B';
  b[1] = 'M';
  put32(2, uint32_t(b.size()));
  put32(10, uint32_t(header));
  put32(14, uint32_t(header - 14));
  put32(18, uint32_t(w));
  put32(22, uint32_t(top_down ? -h : h));
  put16(26, 1);
  put16(28, uint32_t(bpp));
  put32(30, bpp == 32 ? 3 : 0);  // BI_BITFIELDS / BI_RGB
  if (bpp == 32) { put32(54, 0x00FF0000); put32(58, 0x0000FF00); put32(62, 0x000000FF); put32(66, 0xFF000000); }
  for (int y = 0; y < h; ++y) {
    const int file_row = top_down ? y : h - 1 - y;
    for (int x = 0; x < w; ++x) {
      uint8_t* p = &b[size_t(header + file_row * row + x * bpp / 8)];
      p[0] = uint8_t(10 * x);       // B
      p[1] = uint8_t(20 * y);       // G
      p[2] = 200;                   // R
      if (bpp == 32) p[3] = uint8_t(x == 0 ? 0 : 255);
    }
  }
  return b;
}

TEST(DecodeBmp, TwentyFourBitBothRowOrdersAndThirtyTwoBitAlpha) {
  for (bool top_down : {false, true}) {
    const Bytes bmp = make_bmp(5, 3, 24, top_down);
    auto r = decode(bmp.data(), bmp.size());
    ASSERT_OK(r);
    const Image& im = r.value();
    ASSERT_EQ(im.width, 5u);
    ASSERT_EQ(im.height, 3u);
    ASSERT_EQ(im.channels, 3);
    for (int y = 0; y < 3; ++y)
      for (int x = 0; x < 5; ++x) {
        const uint8_t* p = &im.data[(size_t(y) * 5 + x) * 3];
        ASSERT_EQ(p[0], 200);
        ASSERT_EQ(p[1], 20 * y) << top_down;
        ASSERT_EQ(p[2], 10 * x);
      }
  }
  const Bytes bmp = make_bmp(4, 2, 32, false);
  auto p = probe(bmp.data(), bmp.size());
  ASSERT_OK(p);
  EXPECT_TRUE(p.value().has_alpha);
  auto r = decode(bmp.data(), bmp.size());
  ASSERT_OK(r);
  ASSERT_EQ(r.value().channels, 4);
  EXPECT_EQ(r.value().data[3], 0);
  EXPECT_EQ(r.value().data[7], 255);
}

TEST(DecodeBmp, HugeHeaderRefusedTruncatedIsCorrupt) {
  Bytes bomb = make_bmp(2, 2, 24, false);
  bomb[18] = 0x50, bomb[19] = 0xC3, bomb[20] = 0, bomb[21] = 0;  // width 50000
  bomb[22] = 0x50, bomb[23] = 0xC3, bomb[24] = 0, bomb[25] = 0;  // height 50000
  auto r = probe(bomb.data(), bomb.size());
  EXPECT_ERROR(r, ErrorCode::kDimensionsTooLarge);
  const Bytes bmp = make_bmp(40, 40, 24, false);
  auto t = decode(bmp.data(), bmp.size() / 2);
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.error().code, ErrorCode::kCorruptInput) << t.error().message;
}

// A real photograph, when the system has one (Debian package mate-backgrounds).
TEST(DecodeJpeg, RealPhoto) {
  const char* path = "/usr/share/backgrounds/mate/nature/Storm.jpg";
  std::ifstream f(path, std::ios::binary);
  if (!f) GTEST_SKIP() << path << " is absent (install the Debian package mate-backgrounds to run this test)";
  const Bytes jpg((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  auto p = probe(jpg.data(), jpg.size());
  ASSERT_OK(p);
  auto r = decode(jpg.data(), jpg.size());
  ASSERT_OK(r);
  const Image& im = r.value();
  const bool swapped = p.value().orientation >= 5;
  EXPECT_EQ(im.width, swapped ? p.value().height : p.value().width);
  EXPECT_EQ(im.height, swapped ? p.value().width : p.value().height);
  EXPECT_EQ(im.data.size(), size_t(im.width) * im.height * 3);
  // Not a flat grey image: the samples spread.
  uint8_t lo = 255, hi = 0;
  for (size_t i = 0; i < im.data.size(); i += 97) {
    lo = std::min(lo, im.data[i]);
    hi = std::max(hi, im.data[i]);
  }
  EXPECT_GT(hi - lo, 64);
}

// plan_output(): the size convert() encodes, from the header sizes alone, with the output limit checked there.
TEST(PlanOutput, OrientationStepsAndTheOutputLimit) {
  DecodeOptions o;
  auto r = plan_output(12000, 9000, 1, o);  // a 108 MP photo, no resize: refused before any decoding
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kOutputTooLarge);
  EXPECT_NE(r.error().message.find("12000x9000"), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find("9999"), std::string::npos) << r.error().message;

  ResizeSpec fit;  // maxWidth/maxHeight 4096: fits inside, aspect kept
  fit.width = 4096;
  fit.height = 4096;
  fit.only_shrink = true;
  o.resize = {fit};
  r = plan_output(12000, 9000, 1, o);
  ASSERT_OK(r);
  EXPECT_EQ(r.value().width, 4096u);
  EXPECT_EQ(r.value().height, 3072u);

  // EXIF orientation 6 (rotate 90°) swaps the sides first; without auto-orientation it does not
  o.resize.clear();
  o.limits.max_output_side = 1500;
  r = plan_output(1920, 1280, 6, o);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("1280x1920"), std::string::npos) << r.error().message;
  o.limits.max_output_side = 2000;
  r = plan_output(1920, 1280, 6, o);
  ASSERT_OK(r);
  EXPECT_EQ(r.value().width, 1280u);
  EXPECT_EQ(r.value().height, 1920u);
  o.auto_orient = false;
  r = plan_output(1920, 1280, 6, o);
  ASSERT_OK(r);
  EXPECT_EQ(r.value().width, 1920u);
}

}  // namespace
}  // namespace advcompress
