// advcompress — internal: RAII for libheif handles, shared by heif_encode.cpp and heif_decode.cpp (not public).
// SPDX-License-Identifier: MIT
#pragma once

#include <libheif/heif.h>

#include <memory>

namespace advcompress::detail {

/// unique_ptr deleter calling the library's release function (STYLE.md).
template <auto F>
struct HeifDeleter {
  template <typename T>
  void operator()(T* p) const { if (p) F(p); }
};
using ContextPtr = std::unique_ptr<heif_context, HeifDeleter<heif_context_free>>;
using EncoderPtr = std::unique_ptr<heif_encoder, HeifDeleter<heif_encoder_release>>;
using ImagePtr = std::unique_ptr<heif_image, HeifDeleter<heif_image_release>>;
using HandlePtr = std::unique_ptr<heif_image_handle, HeifDeleter<heif_image_handle_release>>;
using OptionsPtr = std::unique_ptr<heif_encoding_options, HeifDeleter<heif_encoding_options_free>>;
using NclxPtr = std::unique_ptr<heif_color_profile_nclx, HeifDeleter<heif_nclx_color_profile_free>>;

}  // namespace advcompress::detail
