// Debian's independent decoders for the outputs the browser tests bring out of a page (Playwright's
// consumers.spec.js and the Firefox / WebKitGTK tests in tests/engines).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const tmp = mkdtempSync(join(tmpdir(), 'advcompress-browser-'));

/** Decodes an output with Debian's decoder for its format (heif-convert, avifdec, dwebp); returns "W H" as
 * ImageMagick's identify reads the decoded PNG. Throws when the decoder refuses the file. */
export function independentSize(bytes, format) {
  const src = join(tmp, `out-${Math.random().toString(36).slice(2)}.${format}`);
  const png = `${src}.png`;
  writeFileSync(src, Buffer.from(bytes));
  if (format === 'heic') execFileSync('heif-convert', [src, png], { stdio: 'pipe' });
  else if (format === 'avif') execFileSync('avifdec', [src, png], { stdio: 'pipe' });
  else execFileSync('dwebp', [src, '-o', png], { stdio: 'pipe' });
  return execFileSync('identify', ['-format', '%w %h', png], { encoding: 'utf8' });
}
