// Shared by the Node benchmarks under scripts/ (imported, not run): where the cache is, and the test photographs
// they scale from Debian's mate-backgrounds.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** $ADVCOMPRESS_CACHE as scripts/common.sh computes it (default ~/.cache/advcompress). */
export const CACHE = process.env.ADVCOMPRESS_CACHE
  || join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'advcompress');

/**
 * Elephants_5640x3172.jpg (mate-backgrounds; Sony RX100 IV) scaled to exactly `width` x `height` pixels with
 * ImageMagick, JPEG quality 92, made once into $CACHE/bench (the file scripts/bench.sh makes at 4608x2592 too).
 * @returns the file's path.
 */
export function elephants(width, height) {
  const dir = join(CACHE, 'bench');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `Elephants-${width}x${height}.jpg`);
  if (!existsSync(file)) {
    execFileSync('convert', ['/usr/share/backgrounds/mate/abstract/Elephants_5640x3172.jpg', '-resize', `${width}x${height}!`,
      '-quality', '92', file]);
  }
  return file;
}
