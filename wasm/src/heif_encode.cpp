// advcompress — HEIF/HEIC (HEVC) and AVIF (AV1) encoding through libheif. Which codecs exist depends on the libheif
// this file is linked with: the HEIC module's has x265, the AVIF module's has libaom (scripts/build-deps.sh).
// SPDX-License-Identifier: MIT
#include <libheif/heif.h>
#include <libheif/heif_plugin.h>      // (the grid tiles' plugin)
#include <libheif/heif_properties.h>  // (heif_item_add_raw_property: the grid's colr)

#include <cstring>
#include <memory>
#include <new>
#include <string>

#include "advcompress/encode.h"
#include "advcompress/resize.h"
#include "heif_util.h"
#include "pixels.h"

// The codec plugin compiled into this libheif (libheif/plugins/encoder_x265.h, encoder_aom.h of the pinned
// libheif; C++ linkage, global namespace): the grid tiles' recording/replaying plugin wraps it.
#if defined(ADVCOMPRESS_HEIF_HEIC)
const struct heif_encoder_plugin* get_encoder_plugin_x265();
#elif defined(ADVCOMPRESS_HEIF_AVIF)
const struct heif_encoder_plugin* get_encoder_plugin_aom();
#endif

namespace advcompress {
namespace {

using detail::ContextPtr;
using detail::EncoderPtr;
using detail::HandlePtr;
using detail::ImagePtr;
using detail::NclxPtr;
using detail::OptionsPtr;

Error heif_fail(const heif_error& e, const std::string& what) { return detail::heif_error_as(e, what, false); }

const char* kX265Presets[] = {"ultrafast", "superfast", "veryfast", "faster", "fast",
                              "medium",    "slow",      "slower",   "veryslow", "placebo"};

struct Writer {
  std::vector<uint8_t>* out;
};
heif_error write_cb(heif_context*, const void* data, size_t size, void* userdata) {
  auto* w = static_cast<Writer*>(userdata);
  try {
    const auto* p = static_cast<const uint8_t*>(data);
    w->out->insert(w->out->end(), p, p + size);
  } catch (const std::bad_alloc&) {
    return {heif_error_Memory_allocation_error, heif_suberror_Unspecified, "output buffer"};
  }
  return {heif_error_Ok, heif_suberror_Unspecified, "Success"};
}

// Fills an interleaved heif_image (RGB/RGBA, 8 bit, or RRGGBB(AA)_LE at `bits`) from `im`, `out_w` x `out_h`
// pixels (0: im's): a grid tile at the right or bottom edge is padded by repeating its last column and row.
Result<ImagePtr> make_heif_image(const Image& im, int bits, bool keep_alpha, uint32_t out_w = 0, uint32_t out_h = 0) {
  if (!out_w) out_w = im.width;
  if (!out_h) out_h = im.height;
  const bool hdr = bits > 8;
  const heif_chroma chroma = keep_alpha ? (hdr ? heif_chroma_interleaved_RRGGBBAA_LE : heif_chroma_interleaved_RGBA)
                                        : (hdr ? heif_chroma_interleaved_RRGGBB_LE : heif_chroma_interleaved_RGB);
  heif_image* raw = nullptr;
  heif_error e = heif_image_create(int(out_w), int(out_h), heif_colorspace_RGB, chroma, &raw);
  if (e.code) return heif_fail(e, "creating the image");
  ImagePtr img(raw);
  e = heif_image_add_plane(img.get(), heif_channel_interleaved, int(out_w), int(out_h), bits);
  if (e.code) return heif_fail(e, "allocating the image plane");
  int stride = 0;
  uint8_t* plane = heif_image_get_plane(img.get(), heif_channel_interleaved, &stride);
  if (!plane) return fail(ErrorCode::kOutOfMemory, "libheif could not allocate the image plane");
  const int out_ch = keep_alpha ? 4 : 3;
  const size_t out_px_bytes = size_t(out_ch) * (hdr ? 2 : 1);
  for (uint32_t y = 0; y < out_h; ++y) {
    uint8_t* dst = plane + size_t(y) * size_t(stride);
    if (y >= im.height) {  // (padding below the image: the last row again)
      std::memcpy(dst, plane + size_t(im.height - 1) * size_t(stride), out_w * out_px_bytes);
      continue;
    }
    const uint8_t* src = im.data.data() + y * im.row_bytes();
    if (!hdr && im.bytes_per_sample == 1 && im.channels == out_ch) {
      std::memcpy(dst, src, im.row_bytes());
    } else {
      for (uint32_t x = 0; x < im.width; ++x) {
        for (int c = 0; c < out_ch; ++c) {
          const uint16_t v = detail::sample16(im, src, size_t(x) * im.channels + c);
          if (hdr) {
            const uint16_t s = detail::to_bits(v, bits);
            dst[(size_t(x) * out_ch + c) * 2] = uint8_t(s & 0xff);
            dst[(size_t(x) * out_ch + c) * 2 + 1] = uint8_t(s >> 8);
          } else {
            dst[size_t(x) * out_ch + c] = uint8_t(detail::to_bits(v, 8));
          }
        }
      }
    }
    for (uint32_t x = im.width; x < out_w; ++x)  // (padding on the right: the last pixel of the row again)
      std::memcpy(dst + x * out_px_bytes, dst + (im.width - 1) * out_px_bytes, out_px_bytes);
  }
  return img;
}

// One libheif context and encoder configured from the options; images are added with add_image().
struct Session {
  ContextPtr ctx;
  EncoderPtr enc;
};

// --- Grid tiles coded in other workers (ARCHITECTURE.md, "Grid tiles") ---
//
// libheif codes a grid tile inside its context (heif_context_add_image_tile), so tiles coded elsewhere need a way
// in. This plugin is the codec's own plugin with two calls replaced: when `g_tile_io.record` is set,
// get_compressed_data() also appends every unit the codec produced to it (encode_heif_tile, in a helper worker);
// when `g_tile_io.replay` is set, encode_image() codes nothing and get_compressed_data() hands back the recorded
// units (encode_heif_grid, in the worker that assembles the file). libheif then builds the tile's hvcC/av1C and
// its data from the units exactly as from the codec. Registered once, priority 0, so libheif never picks it on
// its own; wasm modules are single-threaded, hence one global.
struct TileIo {
  std::vector<uint8_t>* record = nullptr;        // units appended as [4-byte big-endian size][unit]
  const std::vector<uint8_t>* replay = nullptr;  // the same layout, read from `pos`
  size_t pos = 0;
  bool replay_error = false;
};
TileIo g_tile_io;
constexpr const char* kTilePluginName = "advcompress-tile";

const heif_encoder_plugin* codec_plugin() {
#if defined(ADVCOMPRESS_HEIF_HEIC)
  return get_encoder_plugin_x265();
#elif defined(ADVCOMPRESS_HEIF_AVIF)
  return get_encoder_plugin_aom();
#else
  return nullptr;
#endif
}

heif_error tile_encode_image(void* enc, const heif_image* image, heif_image_input_class input_class) {
  if (g_tile_io.replay) {
    g_tile_io.pos = 0;
    g_tile_io.replay_error = false;
    return {heif_error_Ok, heif_suberror_Unspecified, "Success"};
  }
  return codec_plugin()->encode_image(enc, image, input_class);
}

heif_error tile_get_compressed_data(void* enc, uint8_t** data, int* size, heif_encoded_data_type* type) {
  if (const std::vector<uint8_t>* r = g_tile_io.replay) {
    *data = nullptr;
    *size = 0;
    if (g_tile_io.pos + 4 > r->size()) return {heif_error_Ok, heif_suberror_Unspecified, "Success"};
    const uint8_t* p = r->data() + g_tile_io.pos;
    const size_t n = (size_t(p[0]) << 24) | (size_t(p[1]) << 16) | (size_t(p[2]) << 8) | p[3];
    if (n == 0 || n > r->size() - g_tile_io.pos - 4) {  // (a damaged tile: end it; the caller reports it)
      g_tile_io.replay_error = true;
      return {heif_error_Ok, heif_suberror_Unspecified, "Success"};
    }
    *data = const_cast<uint8_t*>(p + 4);
    *size = int(n);
    g_tile_io.pos += 4 + n;
    return {heif_error_Ok, heif_suberror_Unspecified, "Success"};
  }
  heif_error e = codec_plugin()->get_compressed_data(enc, data, size, type);
  if (!e.code && *data && g_tile_io.record) {
    const uint32_t n = uint32_t(*size);
    const uint8_t len[4] = {uint8_t(n >> 24), uint8_t(n >> 16), uint8_t(n >> 8), uint8_t(n)};
    g_tile_io.record->insert(g_tile_io.record->end(), len, len + 4);
    g_tile_io.record->insert(g_tile_io.record->end(), *data, *data + n);
  }
  return e;
}

// The tile plugin's descriptor, registering it on first use; null when this libheif has no codec to wrap.
const heif_encoder_descriptor* tile_plugin() {
  static const heif_encoder_descriptor* desc = [] {
    const heif_encoder_plugin* codec = codec_plugin();
    if (!codec) return static_cast<const heif_encoder_descriptor*>(nullptr);
    static heif_encoder_plugin p = *codec;
    p.id_name = kTilePluginName;
    p.priority = 0;
    p.init_plugin = nullptr;  // (the codec's own registration already ran them)
    p.cleanup_plugin = nullptr;
    p.encode_image = tile_encode_image;
    p.get_compressed_data = tile_get_compressed_data;
    if (heif_register_encoder_plugin(&p).code) return static_cast<const heif_encoder_descriptor*>(nullptr);
    const heif_encoder_descriptor* d = nullptr;
    return heif_get_encoder_descriptors(codec->compression_format, kTilePluginName, &d, 1) == 1 ? d : nullptr;
  }();
  return desc;
}

// The chroma subsampling coded: the option's, else 4:4:4 for lossless and 4:2:0 otherwise.
Chroma chroma_of(const EncodeOptions& o) {
  return o.chroma != Chroma::kAuto ? o.chroma : (o.lossless ? Chroma::k444 : Chroma::k420);
}

// Clears g_tile_io however the scope ends.
struct TileIoScope {
  ~TileIoScope() { g_tile_io = TileIo{}; }
};

Result<Session> open_session(const EncodeOptions& o, bool tile_plugin_wanted = false) {
  if (o.format != Format::kHeic && o.format != Format::kAvif)
    return fail(ErrorCode::kInvalidOption, std::string("encode_heif cannot write ") + format_name(o.format));
  const bool avif = o.format == Format::kAvif;
  const int quality = o.quality >= 0 ? o.quality : default_quality(o.format);
  const int effort = o.effort >= 0 ? o.effort : default_effort(o.format);
  const Chroma chroma = chroma_of(o);

  static const bool initialised = (heif_init(nullptr), true);  // registers the built-in codecs, once
  (void)initialised;
  Session s;
  s.ctx.reset(heif_context_alloc());
  if (!s.ctx) return fail(ErrorCode::kOutOfMemory, "libheif could not allocate a context");
  heif_encoder* enc_raw = nullptr;
  heif_error e{};
  if (tile_plugin_wanted) {
    const heif_encoder_descriptor* d = tile_plugin();
    e = d ? heif_context_get_encoder(s.ctx.get(), d, &enc_raw)
          : heif_error{heif_error_Unsupported_feature, heif_suberror_Unsupported_codec, "no codec plugin to wrap"};
  } else {
    e = heif_context_get_encoder_for_format(s.ctx.get(), avif ? heif_compression_AV1 : heif_compression_HEVC,
                                            &enc_raw);
  }
  if (e.code)
    return fail(ErrorCode::kEncoderError,
                std::string("this module has no ") + (avif ? "AV1" : "HEVC") + " encoder (" + e.message + ")",
                int(e.subcode));
  s.enc.reset(enc_raw);

  auto set = [&](const char* name, const std::string& value) -> Status {
    heif_error r = heif_encoder_set_parameter(s.enc.get(), name, value.c_str());
    if (r.code)
      return fail(ErrorCode::kInvalidOption, std::string("codec parameter ") + name + "=" + value + ": " + r.message,
                  int(r.subcode));
    return Ok{};
  };
  if (o.lossless) {
    e = heif_encoder_set_lossless(s.enc.get(), 1);
    if (e.code) return heif_fail(e, "lossless");
  } else {
    e = heif_encoder_set_lossy_quality(s.enc.get(), quality);
    if (e.code) return heif_fail(e, "quality");
  }
  const char* chroma_s = chroma == Chroma::k444 ? "444" : chroma == Chroma::k422 ? "422" : "420";
  if (auto r = set("chroma", chroma_s); !r) return r.error();
  if (avif) {
    if (auto r = set("speed", std::to_string(9 - effort)); !r) return r.error();
  } else {
    if (auto r = set("preset", kX265Presets[effort]); !r) return r.error();
  }
  for (const auto& [name, value] : o.advanced)
    if (auto r = set(name.c_str(), value); !r) return r.error();
  return s;
}

// The NCLX written for an image with metadata `meta`. Lossless uses the identity matrix (RGB coded as GBR, no
// YCbCr rounding); a lossy copy of an identity-matrix source goes back to BT.601 (identity with subsampled chroma
// is not valid).
Result<NclxPtr> nclx_for(const Metadata& meta, const EncodeOptions& o) {
  NclxPtr nclx(heif_nclx_color_profile_alloc());
  if (!nclx) return fail(ErrorCode::kOutOfMemory, "nclx profile");
  Nclx src = meta.nclx.value_or(Nclx{});
  if (o.color_primaries) src.color_primaries = *o.color_primaries;  // the caller's overrides (pillow-heif 0.14)
  if (o.transfer_characteristics) src.transfer_characteristics = *o.transfer_characteristics;
  if (o.full_range) src.full_range = *o.full_range;
  const uint16_t matrix = o.lossless                ? 0
                          : o.matrix_coefficients   ? *o.matrix_coefficients
                          : src.matrix_coefficients == 0 ? Nclx{}.matrix_coefficients
                                                         : src.matrix_coefficients;
  nclx->color_primaries = heif_color_primaries(src.color_primaries);
  nclx->transfer_characteristics = heif_transfer_characteristics(src.transfer_characteristics);
  nclx->matrix_coefficients = heif_matrix_coefficients(matrix);
  nclx->full_range_flag = o.lossless ? 1 : uint8_t(src.full_range);
  return nclx;
}

// libheif's encoding options for one image: NCLX written explicitly (the caller keeps `nclx` alive).
OptionsPtr encoding_options(heif_color_profile_nclx* nclx, bool keep_alpha) {
  OptionsPtr opts(heif_encoding_options_alloc());
  if (!opts) return opts;
  opts->save_alpha_channel = keep_alpha;
  opts->output_nclx_profile = nclx;
  opts->macOS_compatibility_workaround_no_nclx_profile = 0;
  opts->save_two_colr_boxes_when_ICC_and_nclx_available = 1;
  return opts;
}

// EXIF and XMP of `meta` onto the item of `handle`, when the options keep metadata.
Status add_metadata(Session& s, heif_image_handle* handle, const Metadata& meta, const EncodeOptions& o) {
  if (o.metadata != MetadataPolicy::kKeep) return Ok{};
  if (!meta.exif.empty()) {
    heif_error e = heif_context_add_exif_metadata(s.ctx.get(), handle, meta.exif.data(), int(meta.exif.size()));
    if (e.code) return heif_fail(e, "EXIF");
  }
  if (!meta.xmp.empty()) {
    heif_error e = heif_context_add_XMP_metadata(s.ctx.get(), handle, meta.xmp.data(), int(meta.xmp.size()));
    if (e.code) return heif_fail(e, "XMP");
  }
  return Ok{};
}

// Encodes `im` at `bits` as a new top-level image item of the session's file, with its ICC/NCLX/EXIF/XMP.
Result<HandlePtr> add_image(Session& s, const Image& im, const EncodeOptions& o, int bits) {
  const bool keep_alpha = im.has_alpha() && !detail::alpha_is_opaque(im);
  auto img = make_heif_image(im, bits, keep_alpha);
  if (!img) return img.error();
  auto nclx = nclx_for(im.meta, o);
  if (!nclx) return nclx.error();
  const bool keep_meta = o.metadata == MetadataPolicy::kKeep;
  heif_error e{};
  if (keep_meta && !im.meta.icc.empty()) {
    e = heif_image_set_raw_color_profile(img.value().get(), "prof", im.meta.icc.data(), im.meta.icc.size());
    if (e.code) return heif_fail(e, "ICC profile");
  }
  OptionsPtr opts = encoding_options(nclx.value().get(), keep_alpha);
  if (!opts) return fail(ErrorCode::kOutOfMemory, "encoding options");

  heif_image_handle* h_raw = nullptr;
  e = heif_context_encode_image(s.ctx.get(), img.value().get(), s.enc.get(), opts.get(), &h_raw);
  if (e.code) return heif_fail(e, "encoding");
  HandlePtr handle(h_raw);
  if (auto m = add_metadata(s, handle.get(), im.meta, o); !m) return m.error();
  return handle;
}

// The coded bit depth: the option's, else 10 for sources deeper than 8 bits and 8 otherwise.
int bits_for(uint8_t source_bit_depth, const EncodeOptions& o) {
  return o.bit_depth ? o.bit_depth : (source_bit_depth > 8 ? 10 : 8);
}
int bits_for(const Image& im, const EncodeOptions& o) { return bits_for(im.source_bit_depth, o); }

Status write_file(Session& s, Encoded& out) {
  Writer w{&out.data};
  heif_writer writer{1, write_cb};
  heif_error e = heif_context_write(s.ctx.get(), &writer, &w);
  if (e.code) return heif_fail(e, "writing the file");
  return Ok{};
}

// A YCbCr image of `size`² pixels at `bits` in the chroma the codec is configured for, its samples unset: what
// libheif is handed for a tile whose units are replayed (so it converts nothing), with the colour the tiles
// declare.
Result<ImagePtr> placeholder_tile(uint32_t size, int bits, const EncodeOptions& o, const heif_color_profile_nclx* nclx,
                                  const std::vector<uint8_t>* icc) {
  const Chroma c = chroma_of(o);
  const heif_chroma chroma = c == Chroma::k444 ? heif_chroma_444 : c == Chroma::k422 ? heif_chroma_422 : heif_chroma_420;
  heif_image* raw = nullptr;
  heif_error e = heif_image_create(int(size), int(size), heif_colorspace_YCbCr, chroma, &raw);
  if (e.code) return heif_fail(e, "creating a tile");
  ImagePtr img(raw);
  const int cw = c == Chroma::k444 ? int(size) : int(size) / 2, ch = c == Chroma::k420 ? int(size) / 2 : int(size);
  for (heif_channel channel : {heif_channel_Y, heif_channel_Cb, heif_channel_Cr}) {
    const bool luma = channel == heif_channel_Y;
    e = heif_image_add_plane(img.get(), channel, luma ? int(size) : cw, luma ? int(size) : ch, bits);
    if (e.code) return heif_fail(e, "allocating a tile");
  }
  e = heif_image_set_nclx_color_profile(img.get(), nclx);
  if (e.code) return heif_fail(e, "tile NCLX");
  if (icc && !icc->empty()) {
    e = heif_image_set_raw_color_profile(img.get(), "prof", icc->data(), icc->size());
    if (e.code) return heif_fail(e, "tile ICC profile");
  }
  return img;
}

// A `colr` property (ISO/IEC 14496-12 12.1.5, not a full box) on item `id`: NCLX, or the ICC profile (`prof`).
Status add_colr(Session& s, heif_item_id id, const heif_color_profile_nclx* nclx, const std::vector<uint8_t>* icc) {
  std::vector<uint8_t> box;
  if (icc) {
    box = {'p', 'r', 'o', 'f'};
    box.insert(box.end(), icc->begin(), icc->end());
  } else {
    const uint16_t v[3] = {uint16_t(nclx->color_primaries), uint16_t(nclx->transfer_characteristics),
                           uint16_t(nclx->matrix_coefficients)};
    box = {'n', 'c', 'l', 'x'};
    for (uint16_t x : v) box.insert(box.end(), {uint8_t(x >> 8), uint8_t(x & 0xff)});
    box.push_back(uint8_t(nclx->full_range_flag ? 0x80 : 0));
  }
  heif_error e = heif_item_add_raw_property(s.ctx.get(), id, heif_fourcc('c', 'o', 'l', 'r'), nullptr, box.data(),
                                            box.size(), 0, nullptr);
  if (e.code) return heif_fail(e, "grid colour property");
  return Ok{};
}

// True when `units` is one or more [4-byte big-endian size][unit] records that end exactly at its end (what
// encode_heif_tile returns); anything else came damaged from a helper.
bool units_well_formed(const std::vector<uint8_t>& units) {
  size_t pos = 0;
  while (pos < units.size()) {
    if (units.size() - pos < 4) return false;
    const uint8_t* p = units.data() + pos;
    const size_t n = (size_t(p[0]) << 24) | (size_t(p[1]) << 16) | (size_t(p[2]) << 8) | p[3];
    if (n == 0 || n > units.size() - pos - 4) return false;
    pos += 4 + n;
  }
  return pos > 0;
}

Status check_tile_size(uint32_t tile_size) {
  if (tile_size < kMinTileSize || tile_size > kMaxTileSize || tile_size % 64)
    return fail(ErrorCode::kInvalidOption, "Expected a tile size of " + std::to_string(kMinTileSize) + " to " +
                                               std::to_string(kMaxTileSize) + " pixels, a multiple of 64, but received " +
                                               std::to_string(tile_size));
  return Ok{};
}

}  // namespace

Result<std::vector<uint8_t>> encode_heif_tile(const Image& tile, uint32_t tile_size, const EncodeOptions& o,
                                              const Limits& limits) try {
  if (auto s = check_encode_input(tile, o, limits); !s) return s.error();
  if (auto s = check_tile_size(tile_size); !s) return s.error();
  if (tile.width > tile_size || tile.height > tile_size)
    return fail(ErrorCode::kInvalidOption, "a " + std::to_string(tile.width) + "x" + std::to_string(tile.height) +
                                               " tile does not fit the tile size " + std::to_string(tile_size));
  if (tile.has_alpha() && !detail::alpha_is_opaque(tile))
    return fail(ErrorCode::kInvalidOption, "grid tiles carry no alpha: an image with transparency is coded whole");
  Result<Session> s = open_session(o, true);
  if (!s) return s.error();
  const int bits = bits_for(tile, o);
  auto img = make_heif_image(tile, bits, false, tile_size, tile_size);
  if (!img) return img.error();
  auto nclx = nclx_for(tile.meta, o);
  if (!nclx) return nclx.error();
  OptionsPtr opts = encoding_options(nclx.value().get(), false);
  if (!opts) return fail(ErrorCode::kOutOfMemory, "encoding options");
  std::vector<uint8_t> units;
  TileIoScope scope;
  g_tile_io.record = &units;
  heif_image_handle* h_raw = nullptr;
  heif_error e = heif_context_encode_image(s.value().ctx.get(), img.value().get(), s.value().enc.get(), opts.get(), &h_raw);
  HandlePtr handle(h_raw);
  if (e.code) return heif_fail(e, "encoding a tile");
  return units;
} catch (const std::bad_alloc&) {
  return fail(ErrorCode::kOutOfMemory, "out of memory while encoding a " + std::string(format_name(o.format)) + " tile");
}

Result<Encoded> encode_heif_grid(const std::vector<std::vector<uint8_t>>& tiles, const GridSpec& grid,
                                 const Metadata& meta, const EncodeOptions& o, const Limits& limits) try {
  if (auto s = validate_options(o); !s) return s.error();
  if (auto s = validate_limits(limits); !s) return s.error();
  if (auto s = check_tile_size(grid.tile_size); !s) return s.error();
  if (grid.width == 0 || grid.height == 0) return fail(ErrorCode::kInvalidOption, "the grid has no pixels");
  if (auto s = check_output_side(grid.width, grid.height, limits); !s) return s.error();
  const uint32_t columns = grid.columns(), rows = grid.rows();
  if (tiles.size() != size_t(columns) * rows)
    return fail(ErrorCode::kInvalidOption, "a " + std::to_string(grid.width) + "x" + std::to_string(grid.height) +
                                               " grid of " + std::to_string(grid.tile_size) + " px tiles has " +
                                               std::to_string(columns * rows) + " tiles, received " +
                                               std::to_string(tiles.size()));
  for (size_t i = 0; i < tiles.size(); ++i)  // (libheif takes an AV1 tile with no units without a word)
    if (!units_well_formed(tiles[i]))
      return fail(ErrorCode::kEncoderError, "grid tile " + std::to_string(i) + " holds no valid coded image");
  Result<Session> s = open_session(o, true);
  if (!s) return s.error();
  Session& ss = s.value();
  const int bits = bits_for(grid.source_bit_depth, o);
  auto nclx = nclx_for(meta, o);
  if (!nclx) return nclx.error();
  OptionsPtr opts = encoding_options(nclx.value().get(), false);
  if (!opts) return fail(ErrorCode::kOutOfMemory, "encoding options");
  const bool keep_icc = o.metadata == MetadataPolicy::kKeep && !meta.icc.empty();
  heif_image_handle* g_raw = nullptr;
  heif_error e = heif_context_add_grid_image(ss.ctx.get(), grid.width, grid.height, columns, rows, opts.get(), &g_raw);
  if (e.code) return heif_fail(e, "creating the grid");
  HandlePtr handle(g_raw);
  auto placeholder = placeholder_tile(grid.tile_size, bits, o, nclx.value().get(), keep_icc ? &meta.icc : nullptr);
  if (!placeholder) return placeholder.error();
  {
    TileIoScope scope;
    for (uint32_t i = 0; i < tiles.size(); ++i) {
      g_tile_io.replay = &tiles[i];
      e = heif_context_add_image_tile(ss.ctx.get(), handle.get(), i % columns, i / columns, placeholder.value().get(),
                                      ss.enc.get());
      if (g_tile_io.replay_error || (e.code && tiles[i].empty()))
        return fail(ErrorCode::kEncoderError, "grid tile " + std::to_string(i) + " holds no valid coded image");
      if (e.code) return heif_fail(e, "adding grid tile " + std::to_string(i));
    }
  }
  const heif_item_id id = heif_image_handle_get_item_id(handle.get());
  if (auto c = add_colr(ss, id, nclx.value().get(), nullptr); !c) return c.error();
  if (keep_icc)
    if (auto c = add_colr(ss, id, nullptr, &meta.icc); !c) return c.error();
  e = heif_context_set_primary_image(ss.ctx.get(), handle.get());
  if (e.code) return heif_fail(e, "primary image");
  if (auto m = add_metadata(ss, handle.get(), meta, o); !m) return m.error();
  Encoded out;
  if (auto w = write_file(ss, out); !w) return w.error();
  out.width = grid.width;
  out.height = grid.height;
  out.bit_depth = uint8_t(bits);
  return out;
} catch (const std::bad_alloc&) {
  return fail(ErrorCode::kOutOfMemory, "out of memory while assembling a " + std::string(format_name(o.format)) + " grid");
}

Result<Encoded> encode_heif(const Image& im, const EncodeOptions& o, const Limits& limits) try {
  if (auto s = check_encode_input(im, o, limits); !s) return s.error();
  Result<Session> s = open_session(o);
  if (!s) return s.error();
  const int bits = bits_for(im, o);
  Result<HandlePtr> h = add_image(s.value(), im, o, bits);
  if (!h) return h.error();
  Encoded out;
  if (auto w = write_file(s.value(), out); !w) return w.error();
  out.width = im.width;
  out.height = im.height;
  out.bit_depth = uint8_t(bits);
  return out;
} catch (const std::bad_alloc&) {
  return fail(ErrorCode::kOutOfMemory, "out of memory while encoding " + std::string(format_name(o.format)));
}

Result<Encoded> encode_heif_frames(const Frames& frames, const EncodeOptions& o, const Limits& limits) try {
  if (frames.images.empty()) return fail(ErrorCode::kInvalidOption, "no images to encode");
  if (frames.primary_index >= frames.images.size())
    return fail(ErrorCode::kInvalidOption, "primaryIndex " + std::to_string(frames.primary_index) +
                                               " is out of range for " + std::to_string(frames.images.size()) +
                                               " images");
  for (const Image& im : frames.images)
    if (auto s = check_encode_input(im, o, limits); !s) return s.error();
  Result<Session> s = open_session(o);
  if (!s) return s.error();
  Encoded out;
  for (size_t i = 0; i < frames.images.size(); ++i) {
    const Image& im = frames.images[i];
    Result<HandlePtr> h = add_image(s.value(), im, o, bits_for(im, o));
    if (!h) return h.error();
    if (i == frames.primary_index) {
      heif_context_set_primary_image(s.value().ctx.get(), h.value().get());
      out.width = im.width;
      out.height = im.height;
      out.bit_depth = uint8_t(bits_for(im, o));
    }
  }
  if (auto w = write_file(s.value(), out); !w) return w.error();
  out.frame_count = uint32_t(frames.images.size());
  return out;
} catch (const std::bad_alloc&) {
  return fail(ErrorCode::kOutOfMemory, "out of memory while encoding " + std::string(format_name(o.format)));
}

}  // namespace advcompress
