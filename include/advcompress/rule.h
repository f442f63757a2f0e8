// advcompress — the cloud services' processing rules, parsed into our options so that a conversion moved from
// the cloud to the device keeps its configuration: Tencent Cloud CI `imageMogr2/…` (seeds 000, 001; the value of
// a Pic-Operations rule) and Alibaba OSS `image/…` (the `x-oss-process` value, seed 003). Codec-free.
// SPDX-License-Identifier: MIT
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "advcompress/options.h"
#include "advcompress/resize.h"
#include "advcompress/result.h"

namespace advcompress {

/// How a quality step combines its value Q (0–100) with the quality q of what it applies to (the source's
/// estimated JPEG quality, 100 when the source has none, e.g. PNG).
enum class QualityOp {
  kAbsolute,  ///< min(q, Q): imageMogr2 `quality/<Q>`, OSS `Q_<Q>`
  kForced,    ///< Q: imageMogr2 `quality/<Q>!`
  kRelative,  ///< q * Q / 100: imageMogr2 `rquality/<Q>`, OSS `q_<Q>`
  kLowest,    ///< max(q, Q): imageMogr2 `lquality/<Q>`
};

/// One quality step of a rule.
struct QualityStep {
  QualityOp op = QualityOp::kAbsolute;
  int value = 0;  ///< 0–100
};

/// Applies the steps in order, starting from `source_quality` (1–100; 0 = unknown, taken as 100). Returns
/// 0–100, rounded to the nearest integer.
int resolve_quality(const std::vector<QualityStep>& steps, int source_quality);

/// What a rule asks for, in our vocabulary. Unset fields leave the caller's options alone.
struct RulePlan {
  std::optional<Format> format;       ///< imageMogr2 `format/`, OSS `format,`
  std::vector<QualityStep> quality;   ///< in rule order
  std::vector<ResizeSpec> resize;     ///< in rule order (a `|` pipe or several steps give several)
  std::optional<bool> auto_orient;    ///< imageMogr2 `auto-orient` (true), OSS `auto-orient,0|1`
  bool strip = false;                 ///< imageMogr2 `strip`: metadata 'strip'
  /// imageMogr2 `ignore-error/1`: when the input exceeds a limit, hand back the original instead of an error.
  bool ignore_error = false;
  /// Where our behaviour differs from the cloud's, in words (e.g. the quality scale).
  std::vector<std::string> warnings;
};

/// Parses a rule: `imageMogr2/<op>/<arg>/…` (several rules joined by `|` apply in order) or OSS
/// `image/<action>,<param>_<value>,…/…`; a leading `?` or `x-oss-process=` is accepted, and `%XX` escapes are
/// decoded (so `%3E` is `>`). Errors: INVALID_RULE naming the 0-based position and the token, for an unknown or
/// unsupported operation, a malformed argument, a value out of range, or a format that is not an
/// advanced-compression format here (jpg, png, gif, bmp, tpg…).
Result<RulePlan> parse_rule(std::string_view rule);

}  // namespace advcompress
