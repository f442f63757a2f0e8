/* advcompress — x265 primitives written for wasm SIMD128, where x265 has only C and x86/Arm assembly (no Neon
 * intrinsics to reuse): quantisation (quant, nquant) and dequantisation (dequant_normal).
 *
 * Compiled into x265's common library by patches/x265/0002 (WASM_EXTRA_SOURCES, simd build only) and installed by
 * its setupIntrinsicPrimitives() after the Neon ones. Each function gives exactly the result of the C primitive it
 * replaces (x265 common/dct.cpp: quant_c, nquant_c, dequant_normal_c), wrap-around of 32-bit products included;
 * x265's TestBench (run by scripts/test.sh) compares them with C on random blocks. nquant_c was 3 % of a HEIC encode
 * at the default effort (V8 profile, 2.5 MP photo), dequant_normal_c 1 %.
 * SPDX-License-Identifier: MIT */
#include "common.h"
#include "primitives.h"

#include <wasm_simd128.h>

namespace X265_NS {

namespace {

/* Four lanes of a block: |coef| * quantCoeff as x265's C (32-bit, wrapping), and the coef sign mask (-1 / 0). */
inline v128_t scaledAbs(const int16_t *coef, const int32_t *quantCoeff, v128_t &sign)
{
    v128_t c = wasm_i32x4_load16x4(coef);
    sign = wasm_i32x4_shr(c, 31);
    return wasm_i32x4_mul(wasm_i32x4_abs(c), wasm_v128_load(quantCoeff));
}

/* The low 16 bits of each 32-bit lane of a and b, as eight int16 lanes (a C cast to int16_t, not a saturation). */
inline v128_t low16(v128_t a, v128_t b)
{
    return wasm_i8x16_shuffle(a, b, 0, 1, 4, 5, 8, 9, 12, 13, 16, 17, 20, 21, 24, 25, 28, 29);
}

/* The sum of the four lanes (the per-lane counts of non-zero levels). */
inline uint32_t sumLanes(v128_t v)
{
    v = wasm_i32x4_add(v, wasm_i32x4_shuffle(v, v, 2, 3, 0, 1));
    v = wasm_i32x4_add(v, wasm_i32x4_shuffle(v, v, 1, 0, 3, 2));
    return (uint32_t)wasm_i32x4_extract_lane(v, 0);
}

/* nquant_c: level = (|coef| * q + add) >> qBits; qCoef = (int16_t)abs(clip3(-32768, 32767, sign * level)). */
uint32_t nquant_simd128(const int16_t *coef, const int32_t *quantCoeff, int16_t *qCoef, int qBits, int add,
                        int numCoeff)
{
    const v128_t vadd = wasm_i32x4_splat(add), lo = wasm_i32x4_splat(-32768), hi = wasm_i32x4_splat(32767);
    const v128_t zero = wasm_i32x4_splat(0);
    v128_t numSig = zero;   // per lane: count of non-zero levels (a comparison's true lane is -1)
    for (int i = 0; i < numCoeff; i += 8)
    {
        v128_t out[2];
        for (int h = 0; h < 2; h++)
        {
            v128_t sign;
            v128_t level = wasm_i32x4_shr(wasm_i32x4_add(scaledAbs(coef + i + 4 * h, quantCoeff + i + 4 * h, sign), vadd),
                                          qBits);
            numSig = wasm_i32x4_sub(numSig, wasm_i32x4_ne(level, zero));
            v128_t signedLevel = wasm_i32x4_sub(wasm_v128_xor(level, sign), sign);
            out[h] = wasm_i32x4_abs(wasm_i32x4_min(wasm_i32x4_max(signedLevel, lo), hi));
        }
        wasm_v128_store(qCoef + i, low16(out[0], out[1]));
    }
    return sumLanes(numSig);
}

/* quant_c: as nquant plus deltaU = (|coef| * q - (level << qBits)) >> (qBits - 8), and qCoef keeps the sign. */
uint32_t quant_simd128(const int16_t *coef, const int32_t *quantCoeff, int32_t *deltaU, int16_t *qCoef, int qBits,
                       int add, int numCoeff)
{
    const v128_t vadd = wasm_i32x4_splat(add), zero = wasm_i32x4_splat(0);
    const int qBits8 = qBits - 8;
    v128_t numSig = zero;   // per lane: count of non-zero levels (a comparison's true lane is -1)
    for (int i = 0; i < numCoeff; i += 8)
    {
        v128_t out[2];
        for (int h = 0; h < 2; h++)
        {
            v128_t sign;
            v128_t tmp = scaledAbs(coef + i + 4 * h, quantCoeff + i + 4 * h, sign);
            v128_t level = wasm_i32x4_shr(wasm_i32x4_add(tmp, vadd), qBits);
            wasm_v128_store(deltaU + i + 4 * h, wasm_i32x4_shr(wasm_i32x4_sub(tmp, wasm_i32x4_shl(level, qBits)), qBits8));
            numSig = wasm_i32x4_sub(numSig, wasm_i32x4_ne(level, zero));
            out[h] = wasm_i32x4_sub(wasm_v128_xor(level, sign), sign);
        }
        wasm_v128_store(qCoef + i, wasm_i16x8_narrow_i32x4(out[0], out[1]));   // saturating = clip3(-32768, 32767)
    }
    return sumLanes(numSig);
}

/* dequant_normal_c: coef = clip3(-32768, 32767, (quantCoef * scale + (1 << (shift - 1))) >> shift). */
void dequant_normal_simd128(const int16_t *quantCoef, int16_t *coef, int num, int scale, int shift)
{
    const v128_t vscale = wasm_i32x4_splat(scale), vadd = wasm_i32x4_splat(1 << (shift - 1));
    for (int n = 0; n < num; n += 8)
    {
        v128_t a = wasm_i32x4_load16x4(quantCoef + n), b = wasm_i32x4_load16x4(quantCoef + n + 4);
        a = wasm_i32x4_shr(wasm_i32x4_add(wasm_i32x4_mul(a, vscale), vadd), shift);
        b = wasm_i32x4_shr(wasm_i32x4_add(wasm_i32x4_mul(b, vscale), vadd), shift);
        wasm_v128_store(coef + n, wasm_i16x8_narrow_i32x4(a, b));
    }
}

} // namespace

/* Called by setupIntrinsicPrimitives() (patches/x265/0002, common/wasm/wasm-primitives.cpp). */
void setupSimd128Primitives(EncoderPrimitives &p)
{
    p.nquant = nquant_simd128;
    p.quant = quant_simd128;
    p.dequant_normal = dequant_normal_simd128;
}

}
