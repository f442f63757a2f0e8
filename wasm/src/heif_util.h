// advcompress — internal: RAII for libheif handles and its errors as ours, shared by heif_encode.cpp and
// heif_decode.cpp (not public).
// SPDX-License-Identifier: MIT
#pragma once

#include <libheif/heif.h>

#include <memory>
#include <string>

#include "advcompress/result.h"

namespace advcompress::detail {

/// unique_ptr deleter calling the library's release function (RAII for every C handle, as Squoosh does).
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

/// A libheif error as ours, `what` naming the step: out of memory -> OUT_OF_MEMORY; when decoding, an unsupported
/// feature or file type -> UNSUPPORTED_FORMAT and anything else CORRUPT_INPUT; when encoding, a usage error ->
/// INVALID_OPTION and anything else ENCODER_ERROR. libheif's suberror is the subcode.
inline Error heif_error_as(const heif_error& e, const std::string& what, bool decoding) {
  ErrorCode code = decoding ? ErrorCode::kCorruptInput : ErrorCode::kEncoderError;
  if (e.code == heif_error_Memory_allocation_error) code = ErrorCode::kOutOfMemory;
  else if (decoding && (e.code == heif_error_Unsupported_feature || e.code == heif_error_Unsupported_filetype))
    code = ErrorCode::kUnsupportedFormat;
  else if (!decoding && e.code == heif_error_Usage_error) code = ErrorCode::kInvalidOption;
  return fail(code, what + ": " + (e.message ? e.message : "libheif error"), int(e.subcode));
}

}  // namespace advcompress::detail
