// advcompress — typed errors and Result<T>. No exceptions cross the public API: every fallible function returns a
// Result whose error carries a stable code, an optional subcode (e.g. libheif's heif_suberror_code) and a message
// that is always defined and names the offending value and the limit (ARCHITECTURE.md, "Errors").
// SPDX-License-Identifier: MIT
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace advcompress {

/// Stable error codes. Their names (error_code_name) are the `code` strings of the JS AdvcompressError.
enum class ErrorCode {
  kInvalidOption,       ///< INVALID_OPTION: an option out of range or of the wrong type
  kInvalidRule,         ///< INVALID_RULE: a cloud rule string that does not parse
  kUnsupportedFormat,   ///< UNSUPPORTED_FORMAT: input format not recognised or not decodable here
  kCorruptInput,        ///< CORRUPT_INPUT: truncated or malformed input
  kInputTooLarge,       ///< INPUT_TOO_LARGE: input bytes above Limits::max_input_bytes
  kDimensionsTooLarge,  ///< DIMENSIONS_TOO_LARGE: a side above max_side or pixels above max_pixels
  kTooManyFrames,       ///< TOO_MANY_FRAMES: frames above max_frames
  kOutputTooLarge,      ///< OUTPUT_TOO_LARGE: an output side above max_output_side
  kOutOfMemory,         ///< OUT_OF_MEMORY: an allocation failed
  kEncoderError,        ///< ENCODER_ERROR: the codec refused or failed
};

/// The stable string of a code, e.g. "INVALID_OPTION".
const char* error_code_name(ErrorCode code);

/// An error: code + subcode (0 when none; libheif's suberror for codec errors) + human message.
struct Error {
  ErrorCode code;
  std::string message;
  int subcode = 0;
};

/// Either a value or an Error. `ok()` tells which; `value()`/`error()` access them (UB if the other holds).
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}                  // NOLINT: implicit by design
  Result(Error error) : v_(std::move(error)) {}              // NOLINT
  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() & { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  const T& value() const& { return std::get<0>(v_); }
  const Error& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, Error> v_;
};

/// Result<void>: success carries nothing.
struct Ok {};
using Status = Result<Ok>;

/// Builds an Error; `fail(ErrorCode::kInvalidOption, "quality must be ...")`.
inline Error fail(ErrorCode code, std::string message, int subcode = 0) {
  return Error{code, std::move(message), subcode};
}

}  // namespace advcompress
