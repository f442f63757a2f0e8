// Shared helpers of the Node tests: real photos, independent decoders from Debian, PSNR by ImageMagick.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const PHOTO = '/usr/share/backgrounds/mate/nature/Storm.jpg';  // 1920x1280, Canon EOS 400D (mate-backgrounds)
export const tmp = mkdtempSync(join(tmpdir(), 'advcompress-test-'));

export function photoBytes(path = PHOTO) {
  const b = readFileSync(path);
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

/** Runs a command, returns stdout; throws with stderr on failure. */
export function run(cmd, args) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  return r.stdout + r.stderr;
}

/** Decodes an output with Debian's independent decoder for its format into a PNG; returns the PNG path. */
export function decodeIndependently(data, format, name = `out-${Math.random().toString(36).slice(2)}`) {
  const src = join(tmp, `${name}.${format}`);
  const png = join(tmp, `${name}.png`);
  writeFileSync(src, data);
  if (format === 'heic') run('heif-convert', [src, png]);
  else if (format === 'avif') run('avifdec', [src, png]);
  else if (format === 'webp') run('dwebp', [src, '-o', png]);
  else throw new Error(format);
  return png;
}

/** width, height of an image file (ImageMagick identify). */
export function dims(path) {
  const [w, h] = run('identify', ['-format', '%w %h', path]).trim().split(' ').map(Number);
  return { width: w, height: h };
}

/** PSNR in dB between two images (ImageMagick compare; Infinity when identical). */
export function psnr(a, b) {
  const r = spawnSync('compare', ['-metric', 'PSNR', a, b, 'null:'], { encoding: 'utf8' });
  const v = r.stderr.trim().split(/\s+/)[0];
  return v === 'inf' ? Infinity : Number(v);
}

/** Count of differing pixels (0 = bit-exact). */
export function differingPixels(a, b) {
  const r = spawnSync('compare', ['-metric', 'AE', a, b, 'null:'], { encoding: 'utf8' });
  return Number(r.stderr.trim().split(/\s+/)[0]);
}

/** Writes bytes to a temp file and returns its path. */
export function tmpFile(name, data) {
  const p = join(tmp, name);
  writeFileSync(p, data);
  return p;
}

export { existsSync, execFileSync };

/** Reads the HEVC decoder configuration ('hvcC' box) of a HEIC file: chroma format (1 = 4:2:0, 2 = 4:2:2,
 * 3 = 4:4:4) and luma bit depth, straight from the bytes (ISO/IEC 14496-15), independent of our code. */
export function hvcC(data) {
  const buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const at = buf.indexOf('hvcC', 0, 'latin1');
  if (at < 0) throw new Error('no hvcC box');
  const c = at + 4;  // payload: version, profile..., byte 16 chroma_format_idc, 17 bit_depth_luma_minus8
  return { chroma: buf[c + 16] & 3, bitDepth: (buf[c + 17] & 7) + 8 };
}

/** Reads the AV1 codec configuration ('av1C' box) of an AVIF file: bit depth and chroma subsampling. */
export function av1C(data) {
  const buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const at = buf.indexOf('av1C', 0, 'latin1');
  if (at < 0) throw new Error('no av1C box');
  const b = buf[at + 4 + 2];  // high_bitdepth, twelve_bit, monochrome, subsampling_x, subsampling_y, ...
  const high = (b >> 6) & 1, twelve = (b >> 5) & 1, sx = (b >> 3) & 1, sy = (b >> 2) & 1;
  return { bitDepth: twelve ? 12 : high ? 10 : 8, chroma: sx && sy ? '420' : sx ? '422' : '444' };
}
