/**
 * The perceptual target search (`target: { ssimulacra2 }`): the lowest quality whose output scores at least the
 * target, found with few full-size encodes. Pure logic over a `measure(quality) → score` function, so api.ts plugs
 * in real encodes and scores, and the search can be read (and tested) on its own.
 *
 * The way oavif (2025) does it rather than a blind bisection: start from a per-format model of the quality real
 * photos need for a score, search on a half-size proxy (a quarter of the pixels) where the image is large, then go
 * to full size, correcting the proxy's curve by the offset measured there.
 * SPDX-License-Identifier: MIT
 */
import type { Format } from './options.js';

/** One measurement: a quality (0–100) and the SSIMULACRA2 its output scored. */
export interface ScorePoint { quality: number; score: number }

/**
 * Median SSIMULACRA2 of real photos per quality, per output format, at the package's defaults (12 photos of
 * Debian's mate-backgrounds at 768 px; `node scripts/target-model.mjs` measured them, 2026-12-08). The search's
 * first guess inverts this curve; at the qualities that give 70–90, photos spread 2–20 points around it (more at
 * low quality), which the search then measures away.
 */
export const TARGET_MODEL: Readonly<Record<Format, ReadonlyArray<readonly [number, number]>>> = Object.freeze({
  heic: [[10, 18.7], [20, 44.0], [30, 61.6], [40, 74.0], [50, 82.8], [60, 87.9], [70, 90.8], [80, 92.6], [90, 93.2], [95, 93.2]],
  avif: [[10, 10.1], [20, 33.5], [30, 48.3], [40, 60.0], [50, 69.1], [60, 76.9], [70, 80.8], [80, 84.2], [90, 88.2], [95, 90.7]],
  webp: [[10, 40.6], [20, 51.1], [30, 57.5], [40, 62.8], [50, 66.2], [60, 69.2], [70, 71.4], [80, 76.5], [90, 83.8], [95, 87.3]],
});

/**
 * Full-size score minus half-size proxy score at the same quality, typical of photos of 2–5 MP (the median over
 * five of the mate-backgrounds photos, 2026-12-08; single photos range from +1.4 to −7.6): where the search takes
 * its first full-size step before it has measured the offset itself. A proxy scores higher mostly because halving
 * the size hides fine-detail loss.
 */
export const PROXY_OFFSET: Readonly<Record<Format, number>> = Object.freeze({ heic: 0, avif: -2.5, webp: -2.5 });

/** A quality from a real-valued estimate: rounded up (a quality between two measured ones is taken on the side
 * that reaches the score) and kept within 0–100. */
function roundUp(q: number): number {
  return Math.min(100, Math.max(0, Math.ceil(q - 1e-9)));
}

/** The quality (whole number 0–100, rounded up) at which `points`, read as a curve rising with quality, reaches
 * `score`, by linear interpolation between the two points around it (the points need not be sorted; flat or falling
 * stretches are skipped); beyond the measured range, the nearest end's slope extends it. */
export function qualityFor(points: ScorePoint[], score: number): number {
  const p = points.slice().sort((a, b) => a.quality - b.quality);
  if (p.length === 0) return 50;
  if (p.length === 1) return roundUp(p[0].quality);
  for (let i = 1; i < p.length; i++) {
    const a = p[i - 1], b = p[i];
    if (b.score > a.score && score >= a.score && score <= b.score)
      return roundUp(a.quality + (score - a.score) / (b.score - a.score) * (b.quality - a.quality));
  }
  // Outside the curve: extend the end the score lies beyond (a slope of at least 0.05 points per quality step, so
  // a flat end does not send the guess to the far end of the range).
  const below = score < p[0].score;
  const [lo, hi] = below ? [p[0], p[1]] : [p[p.length - 2], p[p.length - 1]];
  const slope = Math.max(0.05, (hi.score - lo.score) / Math.max(1, hi.quality - lo.quality));
  const from = below ? p[0] : p[p.length - 1];
  return roundUp(from.quality + (score - from.score) / slope);
}

/** The score `points` (a curve rising with quality) give at `quality`, interpolated linearly between the measured
 * points around it (the nearest point's score beyond them). */
export function scoreAt(points: ScorePoint[], quality: number): number {
  const p = points.slice().sort((a, b) => a.quality - b.quality);
  if (quality <= p[0].quality) return p[0].score;
  for (let i = 1; i < p.length; i++) {
    if (quality <= p[i].quality) {
      const t = (quality - p[i - 1].quality) / (p[i].quality - p[i - 1].quality);
      return p[i - 1].score + t * (p[i].score - p[i - 1].score);
    }
  }
  return p[p.length - 1].score;
}

/** A guess for `searchTarget` from a prior `curve` (the per-format model, or a proxy's measurements): with nothing
 * measured, the curve inverted at `target`; with one point, the curve shifted to pass through it; with two or more,
 * the secant through the two closest to the target (the image's own slope), when it rises, else the shifted curve. */
export function shiftedGuess(curve: ScorePoint[], target: number) {
  return (points: ScorePoint[]): number => {
    if (points.length === 0) return qualityFor(curve, target);
    if (points.length >= 2) {
      const [a, b] = points.slice().sort((x, y) => Math.abs(x.score - target) - Math.abs(y.score - target));
      const slope = (a.score - b.score) / (a.quality - b.quality);
      if (a.quality !== b.quality && Math.abs(a.score - b.score) >= 0.5 && slope > 0)
        return roundUp(a.quality + (target - a.score) / slope);
    }
    const last = points[points.length - 1];
    const offset = last.score - scoreAt(curve, last.quality);
    return qualityFor(curve.map((c) => ({ quality: c.quality, score: c.score + offset })), target);
  };
}

/** What `searchTarget` found: the answer (the lowest quality measured whose score reached the target, else the
 * highest-scoring one) and every point measured, in order. */
export interface TargetSearch { answer: ScorePoint; points: ScorePoint[]; reached: boolean }

/**
 * Searches the lowest quality whose score reaches `target`. `measure` encodes at a quality and scores the output
 * (called at most once per quality, at most `maxSteps` times); `guess(points)` proposes the first quality and, while
 * no measured pair brackets the target, the next; inside a bracket the search interpolates its two ends. Stops when a
 * quality reaching the target sits one step above one that does not (exact), when the lowest quality reaching it
 * scores within `within` points of the target (close enough: the next step down would cost a full encode for less
 * than `within` points), at quality 0 or 100, or after `maxSteps`.
 */
export async function searchTarget(measure: (quality: number) => Promise<number>, target: number,
  guess: (points: ScorePoint[]) => number | Promise<number>, maxSteps: number, within = 0): Promise<TargetSearch> {
  const points: ScorePoint[] = [];
  const at = (q: number) => points.find((p) => p.quality === q);
  const bracket = () => {
    const hi = points.filter((p) => p.score >= target).sort((a, b) => a.quality - b.quality)[0];
    const lo = points.filter((p) => p.score < target && (!hi || p.quality < hi.quality))
      .sort((a, b) => b.quality - a.quality)[0];
    return { lo, hi };
  };
  let q = Math.min(100, Math.max(0, await guess(points)));
  for (let step = 0; step < maxSteps; step++) {
    if (!at(q)) points.push({ quality: q, score: await measure(q) });
    const { lo, hi } = bracket();
    if (hi && (hi.quality === 0 || (lo && hi.quality - lo.quality <= 1) || hi.score - target <= within)) break;
    if (!hi && lo && lo.quality === 100) break;
    let next: number;
    if (lo && hi) {
      // Inside the bracket: interpolate on the two ends, rounded up (the answer must reach the target), and never
      // onto an end.
      const t = (target - lo.score) / Math.max(1e-9, hi.score - lo.score);
      next = Math.min(hi.quality - 1, Math.max(lo.quality + 1, Math.ceil(lo.quality + t * (hi.quality - lo.quality))));
    } else {
      next = await guess(points);
      // Always move towards the target: above everything measured below it, below everything measured above it.
      if (hi) next = Math.min(next, hi.quality - 1);
      if (lo) next = Math.max(next, lo.quality + 1);
      next = Math.min(100, Math.max(0, next));
    }
    if (at(next)) break;  // (nothing new to learn: the curve is not monotonic here)
    q = next;
  }
  const { hi } = bracket();
  const best = points.slice().sort((a, b) => b.score - a.score)[0];
  return { answer: hi ?? best, points, reached: hi !== undefined };
}
