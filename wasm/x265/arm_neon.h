/* advcompress — arm_neon.h for x265's AArch64 Neon intrinsics compiled to wasm SIMD128 (patches/x265/0002).
 *
 * x265's common/aarch64/*-prim.cpp include <arm_neon.h>. On wasm that name resolves here (scripts/build-deps.sh puts
 * this directory first on their include path): SIMDe's Neon emulation (Debian's libsimde-dev, pinned in
 * scripts/sources.lock) with its native aliases, so vaddq_s16 & co. become simde_vaddq_s16 & co., which SIMDe
 * implements with wasm SIMD128 intrinsics or clang vector extensions where it can.
 *
 * Where SIMDe falls back to a per-lane loop that clang 14 leaves as scalar code, the alias of each variant that x265
 * 4.1's aarch64/*-prim.cpp use is replaced below by direct wasm SIMD128 code with the same result:
 *   - vtrn1q/vtrn2q: one i8x16.shuffle; vtrn1/vtrn2 on 64-bit types: one clang vector
 *     shuffle (SIMDe: loops over lanes);
 *   - vpaddq: two shuffles and an add (SIMDe: vuzp1q/vuzp2q loops);
 *   - vld1q_u16_x2, vld1q_s16_x4, vld1_s8_x4: plain loads (SIMDe: an element-by-element copy);
 *   - vtbl1/vtbl2/vtbl4 on 8-byte tables: i8x16.swizzle, which like Neon's TBL yields 0 for an index out of range;
 *   - vshlq_s16/s32/s64 when every lane of the shift is the same (x265 always passes vdupq_n of a shift): one
 *     i16x8/i32x4/i64x2 shl or shr_s; other shift vectors go to SIMDe.
 * Byte-identical results are checked by x265's TestBench (tests: scripts/test.sh), which compares every installed
 * Neon primitive with x265's C one. Measured as a whole (TestBench timings, scripts/bench-x265-primitives.sh): with
 * SIMDe alone 190 of 1,448 primitives were slower than C (SATD 0.2x C); with these replacements 46, all but a few
 * within noise of 1.0, and those few are kept in C by the patch. (The replacements were not timed one by one.)
 *
 * Emscripten's own arm_neon.h is not usable: it includes SIMDe sub-headers that Debian's emscripten package does
 * not ship.
 * SPDX-License-Identifier: MIT */
#ifndef ADVCOMPRESS_X265_ARM_NEON_H
#define ADVCOMPRESS_X265_ARM_NEON_H

#if !defined(__wasm_simd128__)
#error "wasm/x265/arm_neon.h is for wasm SIMD128 builds (-msimd128) only"
#endif

#define SIMDE_ENABLE_NATIVE_ALIASES
#include <simde/arm/neon.h>
#include <string.h>
#include <wasm_simd128.h>

#define ADV_INLINE static inline __attribute__((always_inline))

/* ---- vtrn1q / vtrn2q: every 128-bit Neon type is v128_t in SIMDe's wasm build ---- */
ADV_INLINE v128_t adv_trn1_8(v128_t a, v128_t b) {
  return wasm_i8x16_shuffle(a, b, 0, 16, 2, 18, 4, 20, 6, 22, 8, 24, 10, 26, 12, 28, 14, 30);
}
ADV_INLINE v128_t adv_trn2_8(v128_t a, v128_t b) {
  return wasm_i8x16_shuffle(a, b, 1, 17, 3, 19, 5, 21, 7, 23, 9, 25, 11, 27, 13, 29, 15, 31);
}
ADV_INLINE v128_t adv_trn1_16(v128_t a, v128_t b) { return wasm_i16x8_shuffle(a, b, 0, 8, 2, 10, 4, 12, 6, 14); }
ADV_INLINE v128_t adv_trn2_16(v128_t a, v128_t b) { return wasm_i16x8_shuffle(a, b, 1, 9, 3, 11, 5, 13, 7, 15); }
ADV_INLINE v128_t adv_trn1_32(v128_t a, v128_t b) { return wasm_i32x4_shuffle(a, b, 0, 4, 2, 6); }
ADV_INLINE v128_t adv_trn2_32(v128_t a, v128_t b) { return wasm_i32x4_shuffle(a, b, 1, 5, 3, 7); }
ADV_INLINE v128_t adv_trn1_64(v128_t a, v128_t b) { return wasm_i64x2_shuffle(a, b, 0, 2); }
ADV_INLINE v128_t adv_trn2_64(v128_t a, v128_t b) { return wasm_i64x2_shuffle(a, b, 1, 3); }

#undef vtrn1q_u8
#undef vtrn2q_u8
#undef vtrn1q_s16
#undef vtrn1q_u16
#undef vtrn2q_s16
#undef vtrn2q_u16
#undef vtrn1q_s32
#undef vtrn1q_u32
#undef vtrn2q_s32
#undef vtrn2q_u32
#undef vtrn1q_s64
#undef vtrn1q_u64
#undef vtrn2q_s64
#undef vtrn2q_u64
#define vtrn1q_u8(a, b) adv_trn1_8((a), (b))
#define vtrn2q_u8(a, b) adv_trn2_8((a), (b))
#define vtrn1q_s16(a, b) adv_trn1_16((a), (b))
#define vtrn1q_u16(a, b) adv_trn1_16((a), (b))
#define vtrn2q_s16(a, b) adv_trn2_16((a), (b))
#define vtrn2q_u16(a, b) adv_trn2_16((a), (b))
#define vtrn1q_s32(a, b) adv_trn1_32((a), (b))
#define vtrn1q_u32(a, b) adv_trn1_32((a), (b))
#define vtrn2q_s32(a, b) adv_trn2_32((a), (b))
#define vtrn2q_u32(a, b) adv_trn2_32((a), (b))
#define vtrn1q_s64(a, b) adv_trn1_64((a), (b))
#define vtrn1q_u64(a, b) adv_trn1_64((a), (b))
#define vtrn2q_s64(a, b) adv_trn2_64((a), (b))
#define vtrn2q_u64(a, b) adv_trn2_64((a), (b))

/* ---- vtrn1 / vtrn2 on 64-bit types: SIMDe's are 8-byte clang vectors in a wasm build ---- */
#define ADV_TRN64(T, suffix, ...) \
  ADV_INLINE T adv_vtrn##suffix(T a, T b) { return __builtin_shufflevector(a, b, __VA_ARGS__); }
ADV_TRN64(simde_uint8x8_t, 1_u8, 0, 8, 2, 10, 4, 12, 6, 14)
ADV_TRN64(simde_uint8x8_t, 2_u8, 1, 9, 3, 11, 5, 13, 7, 15)
ADV_TRN64(simde_uint16x4_t, 1_u16, 0, 4, 2, 6)
ADV_TRN64(simde_uint16x4_t, 2_u16, 1, 5, 3, 7)
ADV_TRN64(simde_int16x4_t, 1_s16, 0, 4, 2, 6)
ADV_TRN64(simde_int16x4_t, 2_s16, 1, 5, 3, 7)
ADV_TRN64(simde_uint32x2_t, 1_u32, 0, 2)
ADV_TRN64(simde_uint32x2_t, 2_u32, 1, 3)
ADV_TRN64(simde_int32x2_t, 1_s32, 0, 2)
ADV_TRN64(simde_int32x2_t, 2_s32, 1, 3)
#undef vtrn1_u8
#undef vtrn2_u8
#undef vtrn1_u16
#undef vtrn2_u16
#undef vtrn1_s16
#undef vtrn2_s16
#undef vtrn1_u32
#undef vtrn2_u32
#undef vtrn1_s32
#undef vtrn2_s32
#define vtrn1_u8(a, b) adv_vtrn1_u8((a), (b))
#define vtrn2_u8(a, b) adv_vtrn2_u8((a), (b))
#define vtrn1_u16(a, b) adv_vtrn1_u16((a), (b))
#define vtrn2_u16(a, b) adv_vtrn2_u16((a), (b))
#define vtrn1_s16(a, b) adv_vtrn1_s16((a), (b))
#define vtrn2_s16(a, b) adv_vtrn2_s16((a), (b))
#define vtrn1_u32(a, b) adv_vtrn1_u32((a), (b))
#define vtrn2_u32(a, b) adv_vtrn2_u32((a), (b))
#define vtrn1_s32(a, b) adv_vtrn1_s32((a), (b))
#define vtrn2_s32(a, b) adv_vtrn2_s32((a), (b))

/* ---- vpaddq: pairwise add of a then b ---- */
ADV_INLINE v128_t adv_padd_16(v128_t a, v128_t b) {
  return wasm_i16x8_add(wasm_i16x8_shuffle(a, b, 0, 2, 4, 6, 8, 10, 12, 14),
                        wasm_i16x8_shuffle(a, b, 1, 3, 5, 7, 9, 11, 13, 15));
}
ADV_INLINE v128_t adv_padd_32(v128_t a, v128_t b) {
  return wasm_i32x4_add(wasm_i32x4_shuffle(a, b, 0, 2, 4, 6), wasm_i32x4_shuffle(a, b, 1, 3, 5, 7));
}
#undef vpaddq_s16
#undef vpaddq_u16
#undef vpaddq_s32
#undef vpaddq_u32
#define vpaddq_s16(a, b) adv_padd_16((a), (b))
#define vpaddq_u16(a, b) adv_padd_16((a), (b))
#define vpaddq_s32(a, b) adv_padd_32((a), (b))
#define vpaddq_u32(a, b) adv_padd_32((a), (b))

/* ---- vld1q_*_xN: N consecutive 16-byte loads ---- */
#define ADV_LD1Q_XN(name, T, E, N)                                                             \
  ADV_INLINE T adv_##name(const E *p) {                                                        \
    T r;                                                                                       \
    for (int i = 0; i < (N); i++) r.val[i] = wasm_v128_load(p + i * (16 / sizeof(E)));        \
    return r;                                                                                  \
  }
ADV_LD1Q_XN(vld1q_u16_x2, simde_uint16x8x2_t, uint16_t, 2)
ADV_LD1Q_XN(vld1q_s16_x4, simde_int16x8x4_t, int16_t, 4)
#undef vld1q_u16_x2
#undef vld1q_s16_x4
#define vld1q_u16_x2(p) adv_vld1q_u16_x2(p)
#define vld1q_s16_x4(p) adv_vld1q_s16_x4(p)

/* vld1_s8_x4: four 8-byte vectors */
ADV_INLINE simde_int8x8x4_t adv_vld1_s8_x4(const int8_t *p) {
  simde_int8x8x4_t r;
  memcpy(&r, p, sizeof(r));
  return r;
}
#undef vld1_s8_x4
#define vld1_s8_x4(p) adv_vld1_s8_x4(p)

/* ---- vtbl on 8-byte tables: i8x16.swizzle (index >= table size -> 0, as Neon) ---- */
ADV_INLINE int64_t adv_bits64(const void *v) { int64_t x; memcpy(&x, v, 8); return x; }
ADV_INLINE simde_int8x8_t adv_vtbl1_s8(simde_int8x8_t a, simde_int8x8_t b) {
  v128_t r = wasm_i8x16_swizzle(wasm_i64x2_make(adv_bits64(&a), 0), wasm_i64x2_make(adv_bits64(&b), -1));
  simde_int8x8_t o; int64_t x = wasm_i64x2_extract_lane(r, 0); memcpy(&o, &x, 8); return o;
}
ADV_INLINE simde_int8x8_t adv_vtbl2_s8(simde_int8x8x2_t a, simde_int8x8_t b) {
  v128_t r = wasm_i8x16_swizzle(wasm_i64x2_make(adv_bits64(&a.val[0]), adv_bits64(&a.val[1])),
                                wasm_i64x2_make(adv_bits64(&b), -1));
  simde_int8x8_t o; int64_t x = wasm_i64x2_extract_lane(r, 0); memcpy(&o, &x, 8); return o;
}
ADV_INLINE simde_int8x8_t adv_vtbl4_s8(simde_int8x8x4_t a, simde_int8x8_t b) {
  v128_t idx = wasm_i64x2_make(adv_bits64(&b), -1);
  v128_t lo = wasm_i8x16_swizzle(wasm_i64x2_make(adv_bits64(&a.val[0]), adv_bits64(&a.val[1])), idx);
  v128_t hi = wasm_i8x16_swizzle(wasm_i64x2_make(adv_bits64(&a.val[2]), adv_bits64(&a.val[3])),
                                 wasm_i8x16_sub(idx, wasm_i8x16_splat(16)));
  v128_t r = wasm_v128_or(lo, hi);
  simde_int8x8_t o; int64_t x = wasm_i64x2_extract_lane(r, 0); memcpy(&o, &x, 8); return o;
}
#undef vtbl1_s8
#undef vtbl2_s8
#undef vtbl4_s8
#define vtbl1_s8(a, b) adv_vtbl1_s8((a), (b))
#define vtbl2_s8(a, b) adv_vtbl2_s8((a), (b))
#define vtbl4_s8(a, b) adv_vtbl4_s8((a), (b))

/* ---- vshlq with a shift vector whose lanes are all equal (the signed low byte counts; < 0 shifts right) ---- */
ADV_INLINE v128_t adv_vshlq_s16(v128_t a, v128_t b) {
  int8_t s = (int8_t)wasm_i16x8_extract_lane(b, 0);
  if (s > -16 && s < 16 && wasm_i16x8_all_true(wasm_i16x8_eq(b, wasm_i16x8_splat(wasm_i16x8_extract_lane(b, 0)))))
    return s >= 0 ? wasm_i16x8_shl(a, s) : wasm_i16x8_shr(a, -s);
  return simde_vshlq_s16(a, b);
}
ADV_INLINE v128_t adv_vshlq_s32(v128_t a, v128_t b) {
  int8_t s = (int8_t)wasm_i32x4_extract_lane(b, 0);
  if (s > -32 && s < 32 && wasm_i32x4_all_true(wasm_i32x4_eq(b, wasm_i32x4_splat(wasm_i32x4_extract_lane(b, 0)))))
    return s >= 0 ? wasm_i32x4_shl(a, s) : wasm_i32x4_shr(a, -s);
  return simde_vshlq_s32(a, b);
}
ADV_INLINE v128_t adv_vshlq_s64(v128_t a, v128_t b) {
  int8_t s = (int8_t)wasm_i64x2_extract_lane(b, 0);
  if (s > -64 && s < 64 && wasm_i64x2_extract_lane(b, 0) == wasm_i64x2_extract_lane(b, 1))
    return s >= 0 ? wasm_i64x2_shl(a, s) : wasm_i64x2_shr(a, -s);
  return simde_vshlq_s64(a, b);
}
#undef vshlq_s16
#undef vshlq_s32
#undef vshlq_s64
#define vshlq_s16(a, b) adv_vshlq_s16((a), (b))
#define vshlq_s32(a, b) adv_vshlq_s32((a), (b))
#define vshlq_s64(a, b) adv_vshlq_s64((a), (b))

#endif
