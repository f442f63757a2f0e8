// libFuzzer target: any byte string given to parse_rule() either parses into a plan whose resize steps plan
// consistently for a range of source sizes, or fails with INVALID_RULE and a message; never a crash, a sanitizer
// report, or an out-of-range result. Invariant violations trap, so the fuzzer reports them as crashes.
// SPDX-License-Identifier: MIT
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "advcompress/rule.h"

using namespace advcompress;

#define CHECK(c) \
  do {           \
    if (!(c)) __builtin_trap(); \
  } while (0)

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view rule(reinterpret_cast<const char*>(data), size);
  Result<RulePlan> r = parse_rule(rule);
  if (!r) {
    CHECK(r.error().code == ErrorCode::kInvalidRule);
    CHECK(!r.error().message.empty());
    return 0;
  }
  const RulePlan& plan = r.value();
  for (int source : {0, 1, 50, 100}) {
    const int q = resolve_quality(plan.quality, source);
    CHECK(q >= 0 && q <= 100);
  }
  static const uint32_t kSizes[][2] = {{1, 1}, {3924, 2550}, {2550, 3924}, {30000, 1}, {1, 30000}, {333, 201}};
  const Limits limits;
  for (const auto& sz : kSizes) {
    uint32_t w = sz[0], h = sz[1];
    for (const ResizeSpec& spec : plan.resize) {
      CHECK(validate_resize(spec).ok());
      Result<ResizePlan> p = plan_resize(spec, w, h, limits);
      if (!p) {
        CHECK(p.error().code == ErrorCode::kOutputTooLarge);
        break;
      }
      const ResizePlan& rp = p.value();
      CHECK(rp.scaled_width >= 1 && rp.scaled_height >= 1 && rp.out_width >= 1 && rp.out_height >= 1);
      CHECK(rp.out_width <= limits.max_output_side && rp.out_height <= limits.max_output_side);
      if (rp.offset_x < 0) CHECK(uint64_t(-int64_t(rp.offset_x)) + rp.out_width <= rp.scaled_width);  // crop inside
      if (rp.offset_x > 0) CHECK(uint64_t(rp.offset_x) + rp.scaled_width <= rp.out_width);           // pad inside
      if (rp.offset_y < 0) CHECK(uint64_t(-int64_t(rp.offset_y)) + rp.out_height <= rp.scaled_height);
      if (rp.offset_y > 0) CHECK(uint64_t(rp.offset_y) + rp.scaled_height <= rp.out_height);
      if (spec.only_shrink) CHECK(rp.scaled_width <= w && rp.scaled_height <= h);
      w = rp.out_width;
      h = rp.out_height;
    }
  }
  return 0;
}
